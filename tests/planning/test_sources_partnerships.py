"""Measured sources from partnerships: the obligation compliance of the plan's area."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.planning.conftest import adopt_consultation
from xietong.partnerships.models import ComplianceResult, Obligation
from xietong.partnerships.services import cooperation_propose
from xietong.planning import services
from xietong.planning.models import Actual
from xietong.regions.models import Jurisdiction

pytestmark = pytest.mark.django_db


def test_obligation_compliance(plan, body, sec, world):
    """A YRD alliance of Nantong school C and Shanghai with three 2025 results, two met: the
    plan's measured indicator reads 2/3."""
    s = world["schools"]
    coop = cooperation_propose(
        actor=None,
        school=s["C"],
        fields={
            "code": "YRD-T-1",
            "kind": "alliance",
            "title_zh": "联盟",
            "area": plan.body.area,
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2027, 12, 31),
        },
        parties=[
            {"role": "lead", "school": s["C"]},
            {"role": "member", "jurisdiction": Jurisdiction.objects.get(code="310000000000")},
        ],
    )
    for code, met in (("a", True), ("b", True), ("c", False)):
        ob = Obligation.objects.create(cooperation=coop, code=code, measure="lessons", quota=1)
        ComplianceResult.objects.create(obligation=ob, period="2025", quota=1, counted=1, met=met)
    comp = services.indicator_create(
        plan=plan,
        goal=plan.goals.get(),
        code="oblig",
        name_zh="义务完成率",
        direction="up",
        baseline=0,
        baseline_year=2023,
        source="measured",
        kind="obligation_compliance",
        actor=None,
    )
    adopt_consultation(body, sec, plan)
    adopted = services.plan_adopt(plan=plan, actor=sec)
    services.planning_actuals_compute(plan=adopted, year=2025, actor=sec)
    actual = Actual.objects.get(indicator__code=comp.code, indicator__plan=adopted, year=2025)
    assert Decimal(actual.value).quantize(Decimal("0.0001")) == Decimal("0.6667")


def test_capacity_index_needs_a_school():
    from xietong.planning.sources import source_check

    assert "school" in source_check(kind="capacity_index", params={}, member=None)
    assert source_check(kind="capacity_index", params={"school": "X"}, member=None) is None
