"""The catalogue's background work: a large metadata file imported by a worker (the same checks
and the single transaction of ``metadata.resources_import``, with the job's success in it), the
metadata export past XIETONG_EXPORT_JOB_ROWS rows, and the flows table as an export job
(``resources.exports``)."""

from __future__ import annotations

from django.urls import reverse

from xietong.jobs.exports import ExportTable, register_export
from xietong.jobs.imports import import_runner
from xietong.jobs.imports import import_submit as submit
from xietong.jobs.kinds import JobKind, register

from . import (
    exports,  # noqa: F401 (registers its tables)
    metadata,
)

METADATA_IMPORT = "resources.metadata_import"
METADATA_EXPORT = "resources.metadata"
PREVIEW = "resources.preview"  # previews.PREVIEW_JOB


def import_submit(*, data: bytes, filename: str, actor, mode: str):
    """Queue the import of a large metadata file; ``(job, created)``."""
    if mode not in metadata.MODES:
        raise ValueError(mode)
    return submit(
        kind=METADATA_IMPORT, data=data, filename=filename, actor=actor, params={"mode": mode}
    )


def _job_page(job) -> str:
    return reverse("job_page", args=[job.pk])


def export_table(*, actor, **filters) -> ExportTable:
    header, rows = metadata.export_rows(actor=actor, **filters)
    return ExportTable(filename="resources", header=header, rows=rows)


def _run_preview(job, ctx) -> dict:
    """Convert one stored office document to PDF (``previews.preview_build``); a failed
    conversion is recorded on the document and fails the job with its reason."""
    from xietong.jobs.errors import JobError

    from . import previews
    from .models import ResourceFile

    rf = ResourceFile.objects.filter(sha256=job.params.get("sha256", "")).first()
    if rf is None:
        raise JobError("not_found")
    ctx.progress(0, 1, stage="converting")
    preview = previews.preview_build(file=rf)
    ctx.progress(1, 1)
    if preview.status != "ready":
        raise JobError("preview_failed", reason=preview.error)  # a code, worded on display
    return {"sha256": rf.sha256, "pdf_sha256": preview.pdf_id, "seconds": preview.seconds}


def _preview_words(params: dict) -> dict:
    from .models import PreviewError

    reason = params.get("reason", "")
    return {
        **params,
        "reason": PreviewError(reason).label if reason in PreviewError.values else reason,
    }


register(
    JobKind(name=PREVIEW, run=_run_preview, result_url=_job_page, display_params=_preview_words)
)
register(
    JobKind(
        name=METADATA_IMPORT,
        run=import_runner(metadata.resources_import, mode=lambda job: job.params["mode"]),
        result_url=_job_page,
    )
)
register_export(METADATA_EXPORT, export_table)
