import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import ConflictOut, LimitOffset
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.talent.models import ExchangeRound, TrainingProgramme

from . import classification, closing, explain, ledger, selectors, services
from .models import (
    Agreement,
    Charge,
    ContributionRound,
    Donor,
    JointProject,
    JournalEntry,
    Settlement,
    SettlementTransfer,
)

router = Router(tags=["finance"])


def fund_or_404(request, slug: str, *, full: bool = True):
    """The fund of ``slug`` as the caller may see it; 404 when out of scope (or public only, with
    ``full``)."""
    fund, level = selectors.fund_get(scope=request.scope, slug=slug)
    if fund is None or (full and level == "public"):
        raise HttpError(404, "Not found")
    return fund


def _member(code: str) -> Jurisdiction:
    return get_object_or_404(Jurisdiction, code=code)


# ---- fund and ledger -----------------------------------------------------------------------


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
        raise HttpError(404, "Not found")
    date_from, date_to = ledger.period_bounds(period)
    return selectors.member_statement(fund, _member(code), date_from=date_from, date_to=date_to)


# ---- contribution rounds, projects, shares -------------------------------------------------


class ChargeOut(Schema):
    id: int
    member: str
    round: int | None
    project: int | None
    amount: Decimal
    paid: Decimal
    called: bool
    approved: bool
    explanation: dict
    explanation_text: str

    @staticmethod
    def resolve_explanation_text(obj):
        return explain.text(obj.explanation)

    @staticmethod
    def resolve_member(obj):
        return obj.member_id

    @staticmethod
    def resolve_round(obj):
        return obj.round_id

    @staticmethod
    def resolve_project(obj):
        return obj.project_id

    @staticmethod
    def resolve_paid(obj):
        return services.charge_paid(obj)

    @staticmethod
    def resolve_called(obj):
        return obj.call_entry_id is not None

    @staticmethod
    def resolve_approved(obj):
        return obj.approved_at is not None


class ContributionRoundOut(Schema):
    id: int
    title: str
    year: int
    total: Decimal
    mix: dict[str, Decimal]
    status: str
    explanation: dict
    explanation_text: str
    due_date: dt.date | None
    project: int | None

    @staticmethod
    def resolve_explanation_text(obj):
        return explain.text(obj.explanation)

    @staticmethod
    def resolve_project(obj):
        return obj.project_id


class ContributionRoundIn(Schema):
    title: str
    year: int
    total: Decimal
    mix: dict[str, Decimal]
    floors: dict[str, Decimal] = {}
    caps: dict[str, Decimal] = {}
    project: int | None = None


@router.get("/finance/funds/{slug}/rounds", response=list[ContributionRoundOut], auth=READ_AUTH)
@paginate(LimitOffset)
def rounds(request, slug: str):
    return selectors.round_list(fund=fund_or_404(request, slug))


@router.post("/finance/funds/{slug}/rounds", response={201: ContributionRoundOut}, auth=WRITE_AUTH)
def round_create(request, slug: str, payload: ContributionRoundIn):
    fund = fund_or_404(request, slug)
    data = payload.dict()
    project = data.pop("project")
    if project is not None:
        project = get_object_or_404(JointProject, fund=fund, pk=project)
    r = services.round_create(fund=fund, actor=request.actor, project=project, **data)
    return Status(201, r)


def _round(request, slug: str, pk: int) -> ContributionRound:
    return get_object_or_404(ContributionRound, fund=fund_or_404(request, slug), pk=pk)


class WeightsIn(Schema):
    member: str
    values: dict[str, Decimal]


@router.post(
    "/finance/funds/{slug}/rounds/{pk}/weights",
    response=ContributionRoundOut,
    auth=WRITE_AUTH,
    summary="Declare a member's weights (students, population, gdp, fiscal_revenue)",
)
def round_weights(request, slug: str, pk: int, payload: WeightsIn):
    r = _round(request, slug, pk)
    services.round_weights_set(
        round=r, member=_member(payload.member), values=payload.values, actor=request.actor
    )
    return r


@router.post(
    "/finance/funds/{slug}/rounds/{pk}/freeze", response=ContributionRoundOut, auth=WRITE_AUTH
)
def round_freeze(request, slug: str, pk: int):
    return services.round_freeze(round=_round(request, slug, pk), actor=request.actor)


class CallIn(Schema):
    date: dt.date | None = None
    due_date: dt.date | None = None


@router.post(
    "/finance/funds/{slug}/rounds/{pk}/call", response=ContributionRoundOut, auth=WRITE_AUTH
)
def round_call(request, slug: str, pk: int, payload: CallIn):
    return services.round_call(
        round=_round(request, slug, pk),
        date=payload.date,
        due_date=payload.due_date,
        actor=request.actor,
    )


class ReasonIn(Schema):
    reason: str = ""


@router.post(
    "/finance/funds/{slug}/rounds/{pk}/withdraw",
    response=ContributionRoundOut,
    auth=WRITE_AUTH,
    summary="Withdraw a round whose rule is still a draft",
)
def round_withdraw(request, slug: str, pk: int, payload: ReasonIn):
    return services.draft_withdraw(
        source=_round(request, slug, pk), reason=payload.reason, actor=request.actor
    )


@router.post(
    "/finance/funds/{slug}/rounds/{pk}/cancel-call",
    response=ContributionRoundOut,
    auth=WRITE_AUTH,
    summary="Cancel a call for payment before any receipt (reverses the call's entry)",
)
def round_call_cancel(request, slug: str, pk: int, payload: ReasonIn):
    return services.call_cancel(
        source=_round(request, slug, pk), reason=payload.reason, actor=request.actor
    )


class ChargeFilters(Schema):
    member: str | None = None


@router.get(
    "/finance/funds/{slug}/charges",
    response=list[ChargeOut],
    auth=READ_AUTH,
    summary="Members' shares of rounds and projects, with what is paid",
)
@paginate(LimitOffset)
def charges(request, slug: str, filters: Query[ChargeFilters]):
    return selectors.charge_list(fund=fund_or_404(request, slug), member=filters.member)


def _charge(request, slug: str, pk: int) -> Charge:
    return get_object_or_404(Charge, fund=fund_or_404(request, slug), pk=pk)


@router.post(
    "/finance/funds/{slug}/charges/{pk}/approve",
    response=ChargeOut,
    auth=WRITE_AUTH,
    summary="A member's bureau approves its share",
)
def charge_approve(request, slug: str, pk: int):
    return services.charge_approve(charge=_charge(request, slug, pk), actor=request.actor)


class PaymentIn(Schema):
    amount: Decimal
    date: dt.date


class PaymentOut(Schema):
    id: int
    amount: Decimal
    date: dt.date
    entry: int

    @staticmethod
    def resolve_entry(obj):
        return obj.entry.number


@router.post(
    "/finance/funds/{slug}/charges/{pk}/payments",
    response={201: PaymentOut},
    auth=WRITE_AUTH,
    summary="Record a payment of a called share",
)
def payment(request, slug: str, pk: int, payload: PaymentIn):
    p = services.payment_record(
        charge=_charge(request, slug, pk),
        amount=payload.amount,
        date=payload.date,
        actor=request.actor,
    )
    return Status(201, p)


class ContributionRow(Schema):
    member: str
    name: str
    share: Decimal
    called: Decimal
    paid: Decimal
    arrears: Decimal
    approved: bool


@router.get(
    "/finance/funds/{slug}/contributions",
    response=list[ContributionRow],
    auth=READ_AUTH,
    summary="Contributions against shares per member",
)
def contributions(request, slug: str):
    return selectors.contributions_by_member(fund_or_404(request, slug))


class ProjectOut(Schema):
    id: int
    title: str
    programme: str
    rule: str
    participants: list[str]
    total: Decimal
    status: str
    explanation: dict
    explanation_text: str

    @staticmethod
    def resolve_explanation_text(obj):
        return explain.text(obj.explanation)


class ProjectIn(Schema):
    title: str
    programme: str
    rule: str
    participants: list[str]
    inputs: dict
    total: Decimal | None = None


@router.get("/finance/funds/{slug}/projects", response=list[ProjectOut], auth=READ_AUTH)
@paginate(LimitOffset)
def projects(request, slug: str):
    return selectors.project_list(fund=fund_or_404(request, slug))


@router.post(
    "/finance/funds/{slug}/projects",
    response={201: ProjectOut},
    auth=WRITE_AUTH,
    summary="A joint project with a Shapley, airport or proportional split",
)
def project_create(request, slug: str, payload: ProjectIn):
    p = services.project_create(
        fund=fund_or_404(request, slug), actor=request.actor, **payload.dict()
    )
    return Status(201, p)


def _project(request, slug: str, pk: int) -> JointProject:
    return get_object_or_404(JointProject, fund=fund_or_404(request, slug), pk=pk)


@router.post("/finance/funds/{slug}/projects/{pk}/freeze", response=ProjectOut, auth=WRITE_AUTH)
def project_freeze(request, slug: str, pk: int):
    return services.project_freeze(project=_project(request, slug, pk), actor=request.actor)


@router.post("/finance/funds/{slug}/projects/{pk}/call", response=ProjectOut, auth=WRITE_AUTH)
def project_call(request, slug: str, pk: int, payload: CallIn):
    return services.project_call(
        project=_project(request, slug, pk), date=payload.date, actor=request.actor
    )


class CloseIn(Schema):
    reason: str = ""
    date: dt.date | None = None


@router.post(
    "/finance/funds/{slug}/projects/{pk}/close",
    response=ProjectOut,
    auth=WRITE_AUTH,
    summary="Close a joint project: what is left in its restricted fund is released",
)
def project_close(request, slug: str, pk: int, payload: CloseIn):
    return closing.project_close(
        project=_project(request, slug, pk),
        reason=payload.reason,
        date=payload.date,
        actor=request.actor,
    )


@router.post(
    "/finance/funds/{slug}/projects/{pk}/withdraw",
    response=ProjectOut,
    auth=WRITE_AUTH,
    summary="Withdraw a project whose rule is still a draft",
)
def project_withdraw(request, slug: str, pk: int, payload: ReasonIn):
    return services.draft_withdraw(
        source=_project(request, slug, pk), reason=payload.reason, actor=request.actor
    )


@router.post(
    "/finance/funds/{slug}/projects/{pk}/cancel-call",
    response=ProjectOut,
    auth=WRITE_AUTH,
    summary="Cancel a call for payment before any receipt (reverses the call's entry)",
)
def project_call_cancel(request, slug: str, pk: int, payload: ReasonIn):
    return services.call_cancel(
        source=_project(request, slug, pk), reason=payload.reason, actor=request.actor
    )


# ---- agreements, flows, settlements --------------------------------------------------------


class AgreementOut(Schema):
    id: int
    kind: str
    title: str
    payer: str
    payee: str
    rates: dict[str, Decimal]
    active: bool

    @staticmethod
    def resolve_payer(obj):
        return obj.payer_id

    @staticmethod
    def resolve_payee(obj):
        return obj.payee_id

    @staticmethod
    def resolve_active(obj):
        return obj.is_active


class AgreementIn(Schema):
    kind: str
    title: str
    payer: str
    payee: str
    rates: dict[str, Decimal]


@router.get("/finance/funds/{slug}/agreements", response=list[AgreementOut], auth=READ_AUTH)
@paginate(LimitOffset)
def agreements(request, slug: str):
    return selectors.agreement_list(fund=fund_or_404(request, slug))


@router.post("/finance/funds/{slug}/agreements", response={201: AgreementOut}, auth=WRITE_AUTH)
def agreement_create(request, slug: str, payload: AgreementIn):
    a = services.agreement_create(
        fund=fund_or_404(request, slug),
        kind=payload.kind,
        title=payload.title,
        payer=_member(payload.payer),
        payee=_member(payload.payee),
        rates=payload.rates,
        actor=request.actor,
    )
    return Status(201, a)


def _agreement(request, slug: str, pk: int) -> Agreement:
    return get_object_or_404(Agreement, fund=fund_or_404(request, slug), pk=pk)


@router.post(
    "/finance/funds/{slug}/agreements/{pk}/approve", response=AgreementOut, auth=WRITE_AUTH
)
def agreement_approve(request, slug: str, pk: int):
    return services.agreement_approve(agreement=_agreement(request, slug, pk), actor=request.actor)


class FlowIn(Schema):
    period: str
    stage: str
    count: int


class FlowOut(Schema):
    id: int
    agreement: int
    period: str
    stage: str
    count: int
    rate: Decimal
    amount: Decimal
    settlement: int | None

    @staticmethod
    def resolve_agreement(obj):
        return obj.agreement_id

    @staticmethod
    def resolve_settlement(obj):
        return obj.settlement_id


@router.post(
    "/finance/funds/{slug}/agreements/{pk}/flows", response={201: FlowOut}, auth=WRITE_AUTH
)
def flow_record(request, slug: str, pk: int, payload: FlowIn):
    f = services.flow_record(
        agreement=_agreement(request, slug, pk), actor=request.actor, **payload.dict()
    )
    return Status(201, f)


class FlowFilters(Schema):
    period: str | None = None


@router.get("/finance/funds/{slug}/flows", response=list[FlowOut], auth=READ_AUTH)
@paginate(LimitOffset)
def flows(request, slug: str, filters: Query[FlowFilters]):
    return selectors.flow_list(fund=fund_or_404(request, slug), period=filters.period)


class PositionOut(Schema):
    member: str
    owes: Decimal
    owed: Decimal
    net: Decimal
    approved: bool

    @staticmethod
    def resolve_member(obj):
        return obj.member_id

    @staticmethod
    def resolve_approved(obj):
        return obj.approved_at is not None


class TransferOut(Schema):
    id: int
    payer: str
    payee: str
    amount: Decimal
    paid: bool

    @staticmethod
    def resolve_payer(obj):
        return obj.payer_id

    @staticmethod
    def resolve_payee(obj):
        return obj.payee_id

    @staticmethod
    def resolve_paid(obj):
        return obj.paid_entry_id is not None


class SettlementOut(Schema):
    id: int
    period: str
    status: str
    method: str
    optimal: bool
    gross_total: Decimal
    positions: list[PositionOut]
    transfers: list[TransferOut]

    @staticmethod
    def resolve_positions(obj):
        return list(obj.positions.all())

    @staticmethod
    def resolve_transfers(obj):
        return list(obj.transfers.all())


class SettlementIn(Schema):
    period: str
    method: str = "auto"


@router.get("/finance/funds/{slug}/settlements", response=list[SettlementOut], auth=READ_AUTH)
@paginate(LimitOffset)
def settlements(request, slug: str):
    return selectors.settlement_list(fund=fund_or_404(request, slug))


@router.post(
    "/finance/funds/{slug}/settlements",
    response={201: SettlementOut},
    auth=WRITE_AUTH,
    summary="Net all unsettled flows of a period across the area's agreements",
)
def settlement_propose(request, slug: str, payload: SettlementIn):
    s = services.settlement_propose(
        fund=fund_or_404(request, slug),
        period=payload.period,
        method=payload.method,
        actor=request.actor,
    )
    return Status(201, s)


@router.post(
    "/finance/funds/{slug}/settlements/{pk}/approve", response=SettlementOut, auth=WRITE_AUTH
)
def settlement_approve(request, slug: str, pk: int):
    s = get_object_or_404(Settlement, fund=fund_or_404(request, slug), pk=pk)
    return services.settlement_approve(settlement=s, actor=request.actor)


class PaidIn(Schema):
    date: dt.date | None = None


@router.post("/finance/funds/{slug}/transfers/{pk}/paid", response=TransferOut, auth=WRITE_AUTH)
def transfer_paid(request, slug: str, pk: int, payload: PaidIn):
    t = get_object_or_404(SettlementTransfer, settlement__fund=fund_or_404(request, slug), pk=pk)
    return services.transfer_paid(transfer=t, date=payload.date, actor=request.actor)


# ---- society's money and disbursements -----------------------------------------------------


class DonorIn(Schema):
    name: str
    kind: str
    anonymous: bool = False


class DonorOut(Schema):
    id: int
    name: str
    kind: str
    anonymous: bool


@router.post("/finance/funds/{slug}/donors", response={201: DonorOut}, auth=WRITE_AUTH)
def donor_create(request, slug: str, payload: DonorIn):
    d = services.donor_create(
        fund=fund_or_404(request, slug), actor=request.actor, **payload.dict()
    )
    return Status(201, d)


class DonationIn(Schema):
    donor: int
    amount: Decimal
    date: dt.date
    earmark: str = ""


class DonationOut(Schema):
    id: int
    donor: str
    amount: Decimal
    date: dt.date
    earmark: str

    @staticmethod
    def resolve_donor(obj):
        return "anonymous" if obj.donor.anonymous else obj.donor.name


@router.get("/finance/funds/{slug}/donations", response=list[DonationOut], auth=READ_AUTH)
@paginate(LimitOffset)
def donations(request, slug: str):
    return fund_or_404(request, slug).donations.select_related("donor")


@router.post("/finance/funds/{slug}/donations", response={201: DonationOut}, auth=WRITE_AUTH)
def donation_record(request, slug: str, payload: DonationIn):
    donor = get_object_or_404(Donor, fund=fund_or_404(request, slug), pk=payload.donor)
    d = services.donation_record(
        donor=donor,
        amount=payload.amount,
        date=payload.date,
        earmark=payload.earmark,
        actor=request.actor,
    )
    return Status(201, d)


class DisbursementIn(Schema):
    programme: str
    function_code: str
    label: str
    amount: Decimal
    date: dt.date
    beneficiary: str | None = None
    from_society: bool = False
    project: int | None = None
    exchange_round: int | None = None
    training_programme: int | None = None


class DisbursementOut(Schema):
    id: int
    programme: str
    function_code: str
    function_name: str
    label: str
    amount: Decimal
    date: dt.date
    beneficiary: str | None
    from_society: bool
    project: int | None
    exchange_round: int | None
    exchange_round_name: str | None
    training_programme: int | None
    training_programme_title: str | None
    entry: int

    @staticmethod
    def resolve_function_name(obj):
        return classification.name(obj.function_code)

    @staticmethod
    def resolve_exchange_round(obj):
        return obj.exchange_round_id

    @staticmethod
    def resolve_exchange_round_name(obj):
        return obj.exchange_round.name if obj.exchange_round_id else None

    @staticmethod
    def resolve_training_programme(obj):
        return obj.training_programme_id

    @staticmethod
    def resolve_training_programme_title(obj):
        return obj.training_programme.title if obj.training_programme_id else None

    @staticmethod
    def resolve_beneficiary(obj):
        return obj.beneficiary_id

    @staticmethod
    def resolve_project(obj):
        return obj.project_id

    @staticmethod
    def resolve_entry(obj):
        return obj.entry.number


@router.get("/finance/funds/{slug}/disbursements", response=list[DisbursementOut], auth=READ_AUTH)
@paginate(LimitOffset)
def disbursements(request, slug: str):
    return fund_or_404(request, slug).disbursements.select_related(
        "entry", "exchange_round", "training_programme"
    )


@router.post(
    "/finance/funds/{slug}/disbursements", response={201: DisbursementOut}, auth=WRITE_AUTH
)
def disbursement_record(request, slug: str, payload: DisbursementIn):
    fund = fund_or_404(request, slug)
    project = (
        get_object_or_404(JointProject, fund=fund, pk=payload.project) if payload.project else None
    )
    d = services.disbursement_record(
        fund=fund,
        programme=payload.programme,
        function_code=payload.function_code,
        label=payload.label,
        amount=payload.amount,
        date=payload.date,
        beneficiary=_member(payload.beneficiary) if payload.beneficiary else None,
        from_society=payload.from_society,
        project=project,
        exchange_round=(
            get_object_or_404(ExchangeRound, pk=payload.exchange_round)
            if payload.exchange_round
            else None
        ),
        training_programme=(
            get_object_or_404(TrainingProgramme, pk=payload.training_programme)
            if payload.training_programme
            else None
        ),
        actor=request.actor,
    )
    return Status(201, d)


# the fund-accounting endpoints (restricted funds, periods, statements) live in their own module
from .api_accounting import router as _accounting  # noqa: E402 - needs the schemas above

router.add_router("", _accounting)
