"""Society's money (donors and donations) and disbursements over HTTP."""

import datetime as dt
from decimal import Decimal

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset
from xietong.talent.models import ExchangeRound, TrainingProgramme

from .. import classification, services
from ..models import (
    Donor,
    JointProject,
)
from .common import cooperation_named, fund_or_404, member

router = Router(tags=["finance"])


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
    cooperation: str | None = None  # a cooperation's code (partnerships), with an earmark


class DonationOut(Schema):
    id: int
    donor: str
    amount: Decimal
    date: dt.date
    earmark: str
    cooperation: str | None

    @staticmethod
    def resolve_donor(obj):
        return "anonymous" if obj.donor.anonymous else obj.donor.name

    @staticmethod
    def resolve_cooperation(obj):
        return obj.cooperation.code if obj.cooperation_id else None


@router.get("/finance/funds/{slug}/donations", response=list[DonationOut], auth=READ_AUTH)
@paginate(LimitOffset)
def donations(request, slug: str):
    return fund_or_404(request, slug).donations.select_related("donor", "cooperation")


@router.post("/finance/funds/{slug}/donations", response={201: DonationOut}, auth=WRITE_AUTH)
def donation_record(request, slug: str, payload: DonationIn):
    donor = get_object_or_404(Donor, fund=fund_or_404(request, slug), pk=payload.donor)
    d = services.donation_record(
        donor=donor,
        amount=payload.amount,
        date=payload.date,
        earmark=payload.earmark,
        cooperation=cooperation_named(request, payload.cooperation),
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
    cooperation: str | None = None  # the code of the cooperation (partnerships) it funds


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
    cooperation: str | None
    entry: int

    @staticmethod
    def resolve_cooperation(obj):
        return obj.cooperation.code if obj.cooperation_id else None

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
        "entry", "exchange_round", "training_programme", "cooperation"
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
        beneficiary=member(payload.beneficiary) if payload.beneficiary else None,
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
        cooperation=cooperation_named(request, payload.cooperation),
        actor=request.actor,
    )
    return Status(201, d)
