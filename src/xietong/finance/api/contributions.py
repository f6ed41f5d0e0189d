"""Contribution rounds, joint projects and their shares over HTTP: rules, weights, freezing,
approvals, calls, payments, withdrawals and cancelled calls."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset

from .. import closing, explain, selectors, services
from ..models import (
    Charge,
    ContributionRound,
    JointProject,
)
from .common import fund_or_404, member

router = Router(tags=["finance"])


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
        round=r, member=member(payload.member), values=payload.values, actor=request.actor
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
