"""Imports that run as jobs: a file over XIETONG_IMPORT_JOB_BYTES is kept (jobs.files), a job
reads and checks it, then writes all of it in one transaction with the job's success, or
nothing: a worker killed in the middle leaves no row of it, and the job is re-queued or failed.

A domain app registers a kind whose ``run`` is ``import_runner(its import service)``; the
service is the same one the page calls for a small file (``data, filename, actor, scope,
progress``), so a file is checked the same way whichever path it takes.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from xietong.tabular import ImportFailed, precheck
from xietong.tabular.i18n import message_json

from . import files
from .errors import JobError
from .models import Job
from .services import job_submit


def import_job_bytes() -> int:
    return int(getattr(settings, "XIETONG_IMPORT_JOB_BYTES", 512 * 1024))


def runs_as_job(data: bytes) -> bool:
    """Whether an import of ``data`` is queued rather than run in the request."""
    return len(data) > import_job_bytes()


def import_submit(
    *,
    kind: str,
    data: bytes,
    filename: str,
    actor,
    object_type: str = "",
    object_id: str = "",
    params: dict | None = None,
) -> tuple[Job, bool]:
    """Keep the file and queue its import; the same file from the same requester while its
    import is queued or running is that job. A file that cannot be read at all (too large, a
    ZIP bomb, not what its name says) is refused here, before it is stored or queued
    (UploadTooLarge or ImportFailed, as a small file's import would raise)."""
    precheck(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    who = getattr(actor, "pk", None) or "system"
    name = files.input_save(data, filename)
    job, created = job_submit(
        kind=kind,
        key=f"{who}|{object_type}:{object_id}|{digest}",
        actor=actor,
        params={**(params or {}), "input": name, "filename": filename, "sha256": digest},
        object_type=object_type,
        object_id=object_id,
    )
    if created:
        Job.objects.filter(pk=job.pk).update(files=[name])
        job.files = [name]
    else:
        files.storage().delete(name)  # the job already queued has its own copy
    return job, created


def problems_params(exc: ImportFailed) -> dict:
    """An import's problems as the job's error parameters: each its file, row and field (the
    column) and its message as a code and parameters (``{"code", "params"}``: the message's
    catalogue key), never as text in the language the job ran in; the job page and the API
    render them in the reader's language (``words.problems_out``)."""
    return {
        "total": exc.total,
        "problems": [
            {"file": p.file, "row": p.row, "field": p.column, **message_json(p.message)}
            for p in exc.problems
        ],
    }


class _Counter:
    """Rows checked, then values written: the job's progress."""

    def __init__(self, ctx) -> None:
        self.ctx = ctx
        self.done = 0

    def stage(self, code: str) -> None:
        self.done = 0
        self.ctx.progress(done=0, stage=code)

    def __call__(self, n: int) -> None:
        self.done += int(n)
        self.ctx.progress(done=self.done)


def import_runner(service: Callable[..., object], **fixed) -> Callable:
    """A job ``run`` that feeds the job's file to ``service`` and records its result with the
    job's success in the same transaction."""

    def run(job, ctx) -> dict:
        data = files.input_read(job.params["input"])
        actor = job.actor()
        counter = _Counter(ctx)
        counter.stage("import_checking")
        extra = {k: resolve(job) for k, resolve in fixed.items()}
        try:
            with transaction.atomic():  # all of it and the job's success, or nothing
                r = service(
                    data=data,
                    filename=job.params["filename"],
                    actor=actor,
                    progress=counter,
                    **extra,
                )
                result = {"imported": True, **_plain(r)}
                ctx.finish(result)
        except ImportFailed as exc:
            raise JobError("import_failed", **problems_params(exc)) from None
        return result

    return run


def _plain(result) -> dict:
    out = {}
    for k, v in vars(result).items():
        out[k] = list(v) if isinstance(v, tuple) else v
    return out
