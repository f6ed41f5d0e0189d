"""Fund accounting over HTTP: restricted funds and their release, closed periods, and the
statement of a period (income, expenditure by functional classification, net assets)."""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH

from . import closing, ledger, selectors
from .api import EntryOut, fund_or_404

router = Router(tags=["finance"])


class RestrictedFundOut(Schema):
    code: str
    kind: str
    name: str
    project: int | None
    programme: str
    closed: bool
    society: bool
    received: Decimal
    used: Decimal
    balance: Decimal


@router.get(
    "/finance/funds/{slug}/restricted-funds",
    response=list[RestrictedFundOut],
    auth=READ_AUTH,
    summary="Restricted funds (joint projects, earmarked donations) with their balances",
)
def restricted_funds(request, slug: str):
    return selectors.restricted_funds(fund_or_404(request, slug))


class EarmarkReleaseIn(Schema):
    reason: str
    amount: Decimal | None = None
    date: dt.date | None = None


@router.post(
    "/finance/funds/{slug}/earmarks/{programme}/release",
    response={201: EntryOut},
    auth=WRITE_AUTH,
    summary="Release donations earmarked for a programme to unrestricted money",
)
def earmark_release(request, slug: str, programme: str, payload: EarmarkReleaseIn):
    e = closing.earmark_release(
        fund=fund_or_404(request, slug),
        programme=programme,
        reason=payload.reason,
        amount=payload.amount,
        date=payload.date,
        actor=request.actor,
    )
    return Status(201, e)


class PeriodOut(Schema):
    period: str
    date_from: dt.date
    date_to: dt.date
    closing_entry: int | None
    closed_at: dt.datetime

    @staticmethod
    def resolve_closing_entry(obj):
        return obj.closing_entry.number if obj.closing_entry_id else None


class PeriodIn(Schema):
    period: str


@router.get(
    "/finance/funds/{slug}/periods",
    response=list[PeriodOut],
    auth=READ_AUTH,
    summary="Closed accounting periods",
)
def periods(request, slug: str):
    return list(selectors.period_list(fund=fund_or_404(request, slug)))


@router.post(
    "/finance/funds/{slug}/periods",
    response={201: PeriodOut},
    auth=WRITE_AUTH,
    summary="Close an accounting period (2024, 2024-H1, 2024-Q2, 2024-03)",
)
def period_close(request, slug: str, payload: PeriodIn):
    p = closing.period_close(
        fund=fund_or_404(request, slug), period=payload.period, actor=request.actor
    )
    return Status(201, p)


class ReportLine(Schema):
    code: str
    name: str
    amount: Decimal


class ExpenditureLine(Schema):
    code: str
    level: str
    name: str
    amount: Decimal


class OpeningClosing(Schema):
    opening: Decimal
    closing: Decimal


class RestrictedLine(Schema):
    code: str
    name: str
    opening: Decimal
    closing: Decimal


class NetAssetsOut(Schema):
    unrestricted: OpeningClosing
    restricted: list[RestrictedLine]
    total: OpeningClosing


class ReportOut(Schema):
    currency: str
    date_from: dt.date
    date_to: dt.date
    closed: bool
    closed_through: dt.date | None
    income: list[ReportLine]
    income_total: Decimal
    expenditure: list[ExpenditureLine]
    expenditure_total: Decimal
    net_assets: NetAssetsOut


@router.get(
    "/finance/funds/{slug}/report",
    response=ReportOut,
    auth=READ_AUTH,
    summary="Statement of a period: income, expenditure by functional classification, net assets",
)
def report(request, slug: str, period: str):
    fund = fund_or_404(request, slug)
    date_from, date_to = ledger.period_bounds(period)
    return selectors.fund_report(fund, date_from=date_from, date_to=date_to)
