"""The fund and its ledger over HTTP: funds, totals, trial balance, entries, reversals and
account statements."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import ConflictOut, LimitOffset
from xietong.regions.models import CooperationArea

from .. import ledger, selectors, services
from ..models import (
    JournalEntry,
)
from .common import fund_or_404, member

router = Router(tags=["finance"])


class FundOut(Schema):
    area: str
    currency: str
    totals_published: bool
    access: str


@router.get("/finance/funds", response=list[FundOut], auth=READ_AUTH, summary="Funds you may see")
def funds(request):
    return [
        FundOut(
            area=f.area.slug, currency=f.currency, totals_published=f.totals_published, access=a
        )
        for f, a in selectors.fund_list(scope=request.scope)
    ]


class FundOpenIn(Schema):
    area: str
    currency: str = "CNY"


@router.post("/finance/funds", response={201: FundOut}, auth=WRITE_AUTH, summary="Open a fund")
def fund_open(request, payload: FundOpenIn):
    area = get_object_or_404(CooperationArea, slug=payload.area)
    f = services.fund_open(area=area, currency=payload.currency, actor=request.actor)
    return Status(
        201, FundOut(area=area.slug, currency=f.currency, totals_published=False, access="manage")
    )


class TotalsOut(Schema):
    currency: str
    called_from_members: Decimal
    received_from_members: Decimal
    donations_received: Decimal
    disbursed: Decimal
    disbursed_by_programme: dict[str, Decimal]
    cash_public: Decimal
    cash_society: Decimal
    restricted_public: Decimal
    restricted_society: Decimal


@router.get(
    "/finance/funds/{slug}/totals",
    response=TotalsOut,
    auth=READ_AUTH,
    summary="Fund-level totals (public once published)",
)
def totals(request, slug: str):
    return selectors.public_totals(fund_or_404(request, slug, full=False))


class PublishIn(Schema):
    published: bool


@router.post("/finance/funds/{slug}/publish", response=FundOut, auth=WRITE_AUTH)
def publish(request, slug: str, payload: PublishIn):
    f = services.fund_publish_totals(
        fund=fund_or_404(request, slug), published=payload.published, actor=request.actor
    )
    return FundOut(
        area=slug, currency=f.currency, totals_published=f.totals_published, access="manage"
    )


class TrialRow(Schema):
    code: str
    name: str
    kind: str
    member: str | None
    is_society: bool
    debit: Decimal
    credit: Decimal
    balance: Decimal


class TrialBalanceOut(Schema):
    rows: list[TrialRow]
    total_debit: Decimal
    total_credit: Decimal
    balanced: bool


class PeriodQuery(Schema):
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@router.get("/finance/funds/{slug}/trial-balance", response=TrialBalanceOut, auth=READ_AUTH)
def trial_balance(request, slug: str, q: Query[PeriodQuery]):
    return ledger.trial_balance(
        fund_or_404(request, slug), date_from=q.date_from, date_to=q.date_to
    )


class LineOut(Schema):
    account: str
    debit: Decimal
    credit: Decimal
    memo: str

    @staticmethod
    def resolve_account(obj):
        return obj.account.code


class EntryOut(Schema):
    number: int
    date: dt.date
    kind: str
    memo: str
    currency: str
    total_debit: Decimal
    total_credit: Decimal
    reverses: int | None
    lines: list[LineOut]

    @staticmethod
    def resolve_reverses(obj):
        return obj.reverses.number if obj.reverses_id else None

    @staticmethod
    def resolve_lines(obj):
        return list(obj.lines.all())


@router.get("/finance/funds/{slug}/entries", response=list[EntryOut], auth=READ_AUTH)
@paginate(LimitOffset)
def entries(request, slug: str, q: Query[PeriodQuery]):
    return selectors.entry_list(
        scope=request.scope,
        fund=fund_or_404(request, slug),
        date_from=q.date_from,
        date_to=q.date_to,
    )


class LineIn(Schema):
    account: str
    debit: Decimal = Decimal("0")
    credit: Decimal = Decimal("0")
    memo: str = ""


class EntryIn(Schema):
    date: dt.date
    memo: str
    lines: list[LineIn]


@router.post(
    "/finance/funds/{slug}/entries",
    response={201: EntryOut},
    auth=WRITE_AUTH,
    summary="Manual adjusting entry (secretariat)",
)
def entry_post(request, slug: str, payload: EntryIn):
    e = services.entry_post_manual(
        fund=fund_or_404(request, slug),
        date=payload.date,
        memo=payload.memo,
        lines=[ln.dict() for ln in payload.lines],
        actor=request.actor,
    )
    return Status(201, e)


class ReverseIn(Schema):
    memo: str = ""
    date: dt.date | None = None


@router.post(
    "/finance/funds/{slug}/entries/{number}/reverse",
    response={201: EntryOut, 409: ConflictOut},
    auth=WRITE_AUTH,
    summary="Correct an entry by posting its reversal",
)
def entry_reverse(request, slug: str, number: int, payload: ReverseIn):
    entry = get_object_or_404(JournalEntry, fund=fund_or_404(request, slug), number=number)
    e = services.entry_reverse(
        entry=entry, memo=payload.memo, date=payload.date, actor=request.actor
    )
    return Status(201, e)


class StatementRow(Schema):
    date: dt.date
    number: int
    kind: str
    account: str
    memo: str
    owes_more: Decimal
    owes_less: Decimal
    balance: Decimal


class StatementOut(Schema):
    member: str
    currency: str
    date_from: dt.date
    date_to: dt.date
    opening: Decimal
    rows: list[StatementRow]
    closing: Decimal


@router.get(
    "/finance/funds/{slug}/statements/{code}",
    response=StatementOut,
    auth=READ_AUTH,
    summary="A member's statement for a period (2024, 2024-03, 2024-Q2, 2024-H1)",
)
def statement(request, slug: str, code: str, period: str):
    fund = fund_or_404(request, slug)
    if code not in [m.code for m in ledger.fund_members(fund)] or not selectors.may_see_member(
        request.scope, fund, code
    ):
        raise HttpError(404, _("Not found"))
    date_from, date_to = ledger.period_bounds(period)
    return selectors.member_statement(fund, member(code), date_from=date_from, date_to=date_to)
