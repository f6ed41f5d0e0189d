"""The partnerships app's background jobs: a large portfolio import (a file over
XIETONG_IMPORT_JOB_BYTES, the same checks and one transaction, ``jobs.imports``) and a large
portfolio export (over XIETONG_EXPORT_JOB_ROWS rows, ``jobs.exports``)."""

from __future__ import annotations

from django.urls import reverse

from xietong.audit.vocabulary import ObjectType
from xietong.jobs.exports import register_export
from xietong.jobs.imports import import_runner
from xietong.jobs.imports import import_submit as submit
from xietong.jobs.kinds import JobKind, register

from .io import portfolio_import
from .io_export import EXPORT_NAME, export_table

IMPORT = "partnerships.import"


def _job_page(job) -> str:
    return reverse("job_page", args=[job.pk])


def import_submit(*, data: bytes, filename: str, actor, mode: str):
    """Queue the import of a large file in ``mode``; returns ``(job, created)``."""
    return submit(
        kind=IMPORT,
        data=data,
        filename=filename,
        actor=actor,
        object_type=ObjectType.COOPERATION_IMPORT,
        object_id=mode,
        params={"mode": mode},
    )


register(
    JobKind(
        name=IMPORT,
        run=import_runner(portfolio_import, mode=lambda job: job.params["mode"]),
        result_url=_job_page,
    )
)
register_export(EXPORT_NAME, export_table)
