"""The table of an evaluation that can be long: a county's schools below a minimum, one row per
school and indicator. Short, the page answers it at once; long, an export job writes it
(``web.downloads.download_or_job``), reading through the same scoped selectors as its requester
when it runs. School rows are never public (``selectors.school_rows_visible``)."""

from __future__ import annotations

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.jobs.errors import JobError
from xietong.jobs.exports import ExportTable, register_export

from . import selectors

SHORTFALLS = "evaluation.county_shortfalls"


def shortfall_records(shortfalls) -> list[dict]:
    return [
        {
            "school_code": s.school.code,
            "school": s.school.name_zh,
            "indicator": s.indicator,
            "value": s.value,
            "minimum": s.minimum,
            "shortfall": s.shortfall,
            "ratio": s.ratio,
            "below_floor": s.below_floor,
        }
        for s in shortfalls
    ]


def records_table(rows: list[dict], filename: str) -> ExportTable:
    """As ``web.downloads.records_download`` writes them: the first row's keys as the header."""
    header = list(rows[0]) if rows else ["empty"]
    return ExportTable(
        filename=filename, header=header, rows=[[r.get(h) for h in header] for r in rows]
    )


def shortfalls_table(*, actor, run: int, county: str) -> ExportTable:
    """The schools of ``county`` below a minimum in evaluation ``run``, as the requester sees
    them."""
    scope = scope_for(actor)
    found = selectors.evaluation_get(scope=scope, pk=run)
    if found is None or not found.counties.filter(county_id=county).exists():
        raise JobError("not_found")
    if not selectors.school_rows_visible(scope):
        raise OutOfScope("school rows are never public")
    rows = shortfall_records(selectors.shortfall_list(scope=scope, run=found, county=county))
    return records_table(rows, f"evaluation-{found.pk}-{county}")


register_export(SHORTFALLS, shortfalls_table)
