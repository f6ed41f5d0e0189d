"""Exports that run as jobs: a table of more than XIETONG_EXPORT_JOB_ROWS rows is written by a
worker into a file (jobs.files) that its requester, and only they, download from the job's page
for XIETONG_JOB_FILE_RETENTION_HOURS.

An app registers what an export reads (``register_export(name, build)``, where
``build(actor=..., **params)`` returns an :class:`ExportTable` through the app's scoped
selectors); ``web.downloads.download_or_job`` decides, per request, whether to answer at once
or queue the job. The job reads through the same selector as the request would, as the
requester (their scope, their token's limits), when it runs.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.conf import settings

from xietong.tabular.writing import XLSX_CONTENT_TYPE, write_csv, xlsx_bytes

from . import files
from .kinds import JobKind, register
from .models import Job
from .services import job_submit

EXPORT = "jobs.export"
CSV_CONTENT_TYPE = "text/csv"


@dataclass
class ExportTable:
    filename: str  # without the extension
    header: Sequence[object]
    rows: Iterable[Sequence[object]]
    sheets: Sequence[tuple[str, Sequence[object], Iterable[Sequence[object]]]] = ()
    # the whole workbook when the app writes its own layout (statistics: with its catalogue)
    xlsx: Callable[[], bytes] | None = field(default=None, repr=False)


_BUILDERS: dict[str, Callable[..., ExportTable]] = {}


def register_export(name: str, build: Callable[..., ExportTable]) -> None:
    if name in _BUILDERS and _BUILDERS[name] is not build:
        raise ValueError(f"export {name!r} is registered twice")
    _BUILDERS[name] = build


def export_job_rows() -> int:
    return int(getattr(settings, "XIETONG_EXPORT_JOB_ROWS", 20_000))


def render(table: ExportTable, fmt: str) -> tuple[bytes, str, str]:
    """(bytes, file name, content type) of a table in ``fmt`` (csv or xlsx)."""
    if fmt == "xlsx":
        data = table.xlsx() if table.xlsx else None
        if data is None:
            data = xlsx_bytes([(table.filename[:31], table.header, table.rows), *table.sheets])
        return data, f"{table.filename}.xlsx", XLSX_CONTENT_TYPE
    return write_csv(table.rows, table.header), f"{table.filename}.csv", CSV_CONTENT_TYPE


def export_submit(*, name: str, params: dict, fmt: str, actor) -> tuple[Job, bool]:
    """Queue an export; the same export with the same parameters by the same requester while
    one is queued or running is that job."""
    if name not in _BUILDERS:
        raise ValueError(f"unknown export {name!r}")
    who = getattr(actor, "pk", None) or "system"
    return job_submit(
        kind=EXPORT,
        key=f"{who}|{name}|{fmt}|{json.dumps(params, sort_keys=True)}",
        actor=actor,
        params={"export": name, "fmt": fmt, "args": params},
        object_type="export",
        object_id=name,
    )


def _run(job, ctx) -> dict:
    p = job.params
    ctx.progress(stage="exporting")
    table = _BUILDERS[p["export"]](actor=job.actor(), **p["args"])
    data, filename, content_type = render(table, p["fmt"])
    name = files.output_save(job, data, filename)
    return {"file_name": name, "content_type": content_type, "bytes": len(data)}


def _result_url(job) -> str:
    from django.urls import reverse

    return reverse("job_page", args=[job.pk])


# only its requester follows an export (kinds' default ``visible``: nobody else)
register(JobKind(name=EXPORT, run=_run, result_url=_result_url))
