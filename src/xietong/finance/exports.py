"""The fund's table that can be long: a member's statement (every ledger line on its accounts in
a period, a year of a busy fund runs to thousands). Short, the page answers it at once; long,
an export job writes it (``web.downloads.download_or_job``), reading through the same scoped
selectors as its requester when it runs. Money stays Decimal, to the fen."""

from __future__ import annotations

from xietong.accounts.scope import scope_for
from xietong.jobs.errors import JobError
from xietong.jobs.exports import ExportTable, register_export
from xietong.regions.models import Jurisdiction

from . import ledger, selectors

STATEMENT = "finance.member_statement"
STATEMENT_HEADER = [
    "date",
    "number",
    "kind",
    "account",
    "memo",
    "owes_more",
    "owes_less",
    "balance",
]


def statement_rows(st: dict) -> list[list]:
    """The statement's opening line, its ledger lines and its closing line."""
    rows = [["", "", "opening", "", "", "", "", st["opening"]]]
    rows += [[r[h] for h in STATEMENT_HEADER] for r in st["rows"]]
    rows.append(["", "", "closing", "", "", "", "", st["closing"]])
    return rows


def statement_filename(fund, code: str, period: str) -> str:
    return f"statement-{fund.area.slug}-{code}-{period}"


def statement_table(*, actor, fund: str, member: str, period: str) -> ExportTable:
    """Member ``member``'s statement of ``fund`` (its area's slug) for ``period``, when the
    requester may see it (the page's own checks: the full fund, and that member)."""
    scope = scope_for(actor)
    found, level = selectors.fund_get(scope=scope, slug=fund)
    juris = Jurisdiction.objects.filter(code=member).first()
    if (
        found is None
        or level == "public"
        or juris is None
        or member not in [m.code for m in ledger.fund_members(found)]
        or not selectors.may_see_member(scope, found, member)
    ):
        raise JobError("not_found")
    try:
        date_from, date_to = ledger.period_bounds(period)
    except ValueError:
        raise JobError("not_found") from None
    st = selectors.member_statement(found, juris, date_from=date_from, date_to=date_to)
    return ExportTable(
        filename=statement_filename(found, member, period),
        header=STATEMENT_HEADER,
        rows=statement_rows(st),
    )


register_export(STATEMENT, statement_table)
