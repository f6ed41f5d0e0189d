"""A year (2024) of the Yangtze River Delta fund for the demo: synthetic but plausible figures.

Contributions by a 40/30/30 rule (students, population, GDP), one shared teacher-training platform
split by the Shapley value (its receipts in the project's restricted fund, spent on it), reciprocal
tuition and secondment agreements with a netted settlement, disbursements to programmes classified
by the government functional classification, an earmarked donation from society, and the first
quarter closed. Everything goes through the services as
the operator (``actor=None``), so it is all in the ledger and the audit chain.

Once the partnerships demo has set up its cooperations, :func:`finance_demo_cooperation_funding`
(a later step of the project demo) funds two of the YRD ones from the fund: disbursements naming
the Shanghai-Anhui education group and the YRD teaching-research alliance, and a donation
earmarked for the alliance.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from itertools import combinations

from django.db import transaction

from xietong.regions.models import CooperationArea, Jurisdiction

from . import closing, services
from .models import ContributionRound, Fund, JointProject, Settlement

SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"

# Rounded public figures of about 2023: K-12 students (10k), resident population (10k), GDP
# (100 million yuan). Only their ratios matter.
WEIGHTS = {
    SH: {"students": "150", "population": "2487", "gdp": "47219"},
    JS: {"students": "1100", "population": "8526", "gdp": "128222"},
    ZJ: {"students": "800", "population": "6627", "gdp": "82553"},
    AH: {"students": "900", "population": "6121", "gdp": "47050"},
}
# stand-alone cost (yuan) of the shared teacher-training platform for each member
PLATFORM_COST = {
    SH: Decimal("4000000"),
    JS: Decimal("6000000"),
    ZJ: Decimal("5000000"),
    AH: Decimal("3000000"),
}


def _platform_cost(codes: tuple[str, ...]) -> Decimal:
    """One platform sized for the largest member, plus 30% of the others' extra load."""
    costs = sorted((PLATFORM_COST[c] for c in codes), reverse=True)
    return (costs[0] + Decimal("0.3") * sum(costs[1:], Decimal(0))).quantize(Decimal("0.01"))


def _contributions(fund: Fund, j: dict, rng: random.Random) -> ContributionRound:
    """Contributions: 100 million yuan by a 40/30/30 rule."""
    rnd = services.round_create(
        fund=fund,
        title="2024 年度长三角教育协同发展基金出资",
        year=2024,
        total="100000000.00",
        mix={"students": 40, "population": 30, "gdp": 30},
        actor=None,
    )
    for code, values in WEIGHTS.items():
        services.round_weights_set(round=rnd, member=j[code], values=values, actor=None)
    services.round_freeze(round=rnd, actor=None)
    for c in rnd.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.round_call(
        round=rnd, actor=None, date=dt.date(2024, 3, 1), due_date=dt.date(2024, 6, 30)
    )
    for c in rnd.charges.order_by("member_id"):
        if c.member_id == AH:  # pays 60-80% so far: arrears show on the pages
            part = (c.amount * Decimal(rng.randint(60, 80)) / 100).quantize(Decimal("0.01"))
            services.payment_record(charge=c, amount=part, date=dt.date(2024, 6, 20), actor=None)
        elif c.member_id == ZJ:  # two instalments
            first = (c.amount / 2).quantize(Decimal("0.01"))
            services.payment_record(charge=c, amount=first, date=dt.date(2024, 4, 15), actor=None)
            services.payment_record(
                charge=c, amount=c.amount - first, date=dt.date(2024, 6, 28), actor=None
            )
        else:
            day = dt.date(2024, rng.randint(4, 6), rng.randint(1, 28))
            services.payment_record(charge=c, amount=c.amount, date=day, actor=None)
    return rnd


def _platform(fund: Fund) -> JointProject:
    """A shared teacher-training platform, costs split by the Shapley value."""
    members = [SH, JS, ZJ, AH]
    coalitions = [
        {"members": list(s), "cost": str(_platform_cost(s))}
        for k in range(1, 5)
        for s in combinations(members, k)
    ]
    project = services.project_create(
        fund=fund,
        title="长三角教师研修共享平台",
        programme="shared_resources",
        rule="shapley",
        participants=members,
        inputs={"coalitions": coalitions},
        actor=None,
    )
    services.project_freeze(project=project, actor=None)
    for c in project.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.project_call(project=project, actor=None, date=dt.date(2024, 5, 1))
    for c in project.charges.all():
        services.payment_record(charge=c, amount=c.amount, date=dt.date(2024, 7, 15), actor=None)
    services.disbursement_record(
        fund=fund,
        programme="shared_resources",
        function_code="2050299",
        label="研修平台建设（第一期）",
        amount=project.total,
        date=dt.date(2024, 8, 1),
        project=project,
        actor=None,
    )
    return project


def _agreements(fund: Fund, j: dict, rng: random.Random) -> Settlement:
    """Reciprocal agreements and their netted settlement."""
    agreements = [
        (
            "tuition",
            "皖籍学生在浙就读学费结算",
            AH,
            ZJ,
            {"primary": "6000.00", "junior": "8000.00"},
        ),
        ("tuition", "苏籍学生在沪就读学费结算", JS, SH, {"junior": "12000.00"}),
        ("tuition", "浙籍学生在苏就读学费结算", ZJ, JS, {"junior": "9000.00"}),
        ("secondment", "沪派援皖教师岗位补贴", SH, AH, {"all": "30000.00"}),
    ]
    created = []
    for kind, title, payer, payee, rates in agreements:
        a = services.agreement_create(
            fund=fund,
            kind=kind,
            title=title,
            payer=j[payer],
            payee=j[payee],
            rates=rates,
            actor=None,
        )
        created.append(services.agreement_approve(agreement=a, actor=None))
    counts = {
        (0, "primary"): rng.randint(100, 140),
        (0, "junior"): rng.randint(35, 55),
        (1, "junior"): rng.randint(50, 70),
        (2, "junior"): rng.randint(30, 50),
        (3, "all"): rng.randint(15, 25),
    }
    for (k, stage), n in counts.items():
        services.flow_record(agreement=created[k], period="2024", stage=stage, count=n, actor=None)
    settlement = services.settlement_propose(fund=fund, period="2024", actor=None)
    services.settlement_approve(settlement=settlement, actor=None, date=dt.date(2024, 12, 20))
    for t in settlement.transfers.all():
        services.transfer_paid(transfer=t, actor=None, date=dt.date(2024, 12, 28))
    return settlement


def _society(fund: Fund, j: dict) -> None:
    """Society's money and disbursements to programmes."""
    donor = services.donor_create(
        fund=fund, name="长三角教育发展基金会（示例）", kind="foundation", actor=None
    )
    services.donation_record(
        donor=donor, amount="500000.00", date=dt.date(2024, 4, 10), earmark="training", actor=None
    )
    for label, code, amount in (
        ("跨省教师交流轮岗补助（小学）", "2050202", "1800000.00"),
        ("跨省教师交流轮岗补助（初中）", "2050203", "1200000.00"),
    ):
        services.disbursement_record(
            fund=fund,
            programme="teacher_exchange",
            function_code=code,
            label=label,
            amount=amount,
            date=dt.date(2024, 9, 1),
            beneficiary=j[AH],
            actor=None,
        )
    services.disbursement_record(
        fund=fund,
        programme="training",
        function_code="2050801",
        label="乡村教师暑期研修（社会捐赠）",
        amount="200000.00",
        date=dt.date(2024, 7, 20),
        from_society=True,
        actor=None,
    )


@transaction.atomic
def finance_demo_load(*, seed: int = 2024) -> dict:
    """Create the demo fund of the Yangtze River Delta; does nothing if it already exists."""
    area = CooperationArea.objects.filter(slug="yrd").first()
    if area is None or Fund.objects.filter(area=area).exists():
        return {"created": False}
    rng = random.Random(seed)
    fund = services.fund_open(area=area, actor=None)
    j = {c: Jurisdiction.objects.get(code=c) for c in (SH, JS, ZJ, AH)}
    rnd = _contributions(fund, j, rng)
    project = _platform(fund)
    settlement = _agreements(fund, j, rng)
    _society(fund, j)
    closing.period_close(fund=fund, period="2024-Q1", actor=None)
    services.fund_publish_totals(fund=fund, published=True, actor=None)
    return {
        "created": True,
        "fund": fund.pk,
        "round": rnd.pk,
        "project": project.pk,
        "settlement": settlement.pk,
        "entries": fund.entries.count(),
    }


# cooperation (partnerships demo code), programme, function code, label, amount, date, member
COOPERATION_FUNDING = [
    (
        "YRD-2022-002",
        "teacher_exchange",
        "2050202",
        "沪皖紧密型教育集团跨省交流教师补助（演示）",
        "360000.00",
        dt.date(2024, 9, 10),
        AH,
    ),
    (
        "YRD-2022-002",
        "shared_resources",
        "2050202",
        "沪皖教育集团同步课堂设备（演示）",
        "240000.00",
        dt.date(2024, 10, 18),
        AH,
    ),
    (
        "YRD-2022-001",
        "training",
        "2050801",
        "长三角跨区域教研联盟年度教研活动（演示）",
        "150000.00",
        dt.date(2024, 11, 6),
        None,
    ),
]


@transaction.atomic
def finance_demo_cooperation_funding() -> dict:
    """Disbursements naming demo cooperations and a donation earmarked for one; does nothing
    when the fund or the cooperations are missing, or when it has run before."""
    from xietong.partnerships.models import Cooperation
    from xietong.regions.models import Jurisdiction as J

    fund = Fund.objects.filter(area__slug="yrd").first()
    coops = {
        c.code: c for c in Cooperation.objects.filter(code__in={r[0] for r in COOPERATION_FUNDING})
    }
    if (
        fund is None
        or len(coops) < 2
        or fund.disbursements.filter(cooperation__isnull=False).exists()
    ):
        return {"created": 0}
    made = []
    for code, programme, function, label, amount, day, member in COOPERATION_FUNDING:
        made.append(
            services.disbursement_record(
                fund=fund,
                programme=programme,
                function_code=function,
                label=label,
                amount=amount,
                date=day,
                beneficiary=J.objects.get(code=member) if member else None,
                cooperation=coops[code],
                actor=None,
            ).pk
        )
    donor = fund.donors.order_by("pk").first()
    gift = services.donation_record(
        donor=donor,
        amount="80000.00",
        date=dt.date(2024, 10, 25),
        earmark="training",
        cooperation=coops["YRD-2022-001"],
        actor=None,
    )
    return {"created": len(made) + 1, "disbursements": made, "donation": gift.pk}
