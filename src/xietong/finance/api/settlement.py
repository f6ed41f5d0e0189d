"""Reciprocal agreements, recorded flows and the netted settlement over HTTP."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Query, Router, Schema, Status
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset

from .. import selectors, services
from ..models import (
    Agreement,
    Settlement,
    SettlementTransfer,
)
from .common import fund_or_404, member

router = Router(tags=["finance"])


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
        payer=member(payload.payer),
        payee=member(payload.payee),
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
