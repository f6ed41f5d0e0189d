"""The schools app's background jobs: a large statistics import (a file over
XIETONG_IMPORT_JOB_BYTES), and the statistics export past XIETONG_EXPORT_JOB_ROWS rows (the
admin's whole-registry XLSX took 20 s inside the request)."""

from __future__ import annotations

from django.urls import reverse

from xietong.accounts.scope import scope_for
from xietong.jobs.exports import ExportTable, register_export
from xietong.jobs.imports import import_runner, import_submit
from xietong.jobs.kinds import JobKind, register

from . import selectors, services
from .tabular import write_xlsx

IMPORT = "schools.statistics_import"
EXPORT = "schools.statistics"


def _import(*, data, filename, actor, progress):
    """The page's import, with its progress told of rows checked and values written."""
    return services.statistics_import(
        data=data, filename=filename, actor=actor, progress=progress, parse_progress=progress
    )


def statistics_import_submit(*, data: bytes, filename: str, actor):
    return import_submit(kind=IMPORT, data=data, filename=filename, actor=actor)


def _job_page(job) -> str:
    return reverse("job_page", args=[job.pk])


def statistics_export_table(*, actor, within=None, years=None) -> ExportTable:
    header, rows = selectors.export_rows(scope=scope_for(actor), within=within, years=years)
    return ExportTable(
        filename="xietong-statistics",
        header=header,
        rows=rows,
        xlsx=lambda: write_xlsx(rows, header),
    )


def statistics_export_size(*, actor, within=None, years=None) -> int:
    return selectors.export_size(scope=scope_for(actor), within=within, years=years)


# only its requester follows an import (the kind's default ``visible``)
register(JobKind(name=IMPORT, run=import_runner(_import), result_url=_job_page))
register_export(EXPORT, statistics_export_table)
