"""Drafting a plan: each service's happy path, the wrong user and bad input (nothing written)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from tests.planning.conftest import AH, JS
from xietong.accounts.scope import OutOfScope
from xietong.planning import services
from xietong.planning.models import Goal, Indicator, Measure, Target

pytestmark = pytest.mark.django_db


def test_plan_tree_created_and_audited(plan):
    from xietong.audit.models import AuditEntry

    assert plan.goals.count() == 1
    m = Measure.objects.get(goal__plan=plan)
    assert m.lead_id == JS and list(m.partners.values_list("code", flat=True)) == [AH]
    assert Target.objects.filter(indicator__plan=plan).count() == 6
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {
        "planning.plan_create",
        "planning.goal_create",
        "planning.measure_create",
        "planning.milestone_create",
        "planning.indicator_create",
        "planning.target_set",
    } <= actions


@pytest.mark.parametrize("who", ["jiangsu", "jjj-sec", "school-a", "public"])
def test_only_the_secretariat_drafts(plan, body, world, who):
    user = world["users"][who]
    with pytest.raises(OutOfScope):
        services.plan_create(body=body, title_zh="x", start_year=2024, end_year=2025, actor=user)
    with pytest.raises(OutOfScope):
        services.goal_create(plan=plan, title_zh="x", actor=user)
    ind = plan.indicators.get(code="exchanged")
    with pytest.raises(OutOfScope):
        services.target_set(indicator=ind, year=2024, value=5, actor=user)
    assert plan.goals.count() == 1


def test_bad_input_names_the_field(plan, body, sec):
    goal = plan.goals.get()
    with pytest.raises(ValueError, match="last year"):
        services.plan_create(body=body, title_zh="x", start_year=2026, end_year=2024, actor=sec)
    with pytest.raises(ValueError, match="weight"):
        services.goal_create(plan=plan, title_zh="x", weight=-1, actor=sec)
    with pytest.raises(ValueError, match="lead member"):
        services.measure_create(
            goal=goal,
            title_zh="x",
            lead="110000000000",
            start=dt.date(2024, 1, 1),
            end=dt.date(2024, 12, 31),
            actor=sec,
        )
    with pytest.raises(ValueError, match="within the plan"):
        services.measure_create(
            goal=goal,
            title_zh="x",
            lead=JS,
            start=dt.date(2024, 1, 1),
            end=dt.date(2027, 12, 31),
            actor=sec,
        )
    m = Measure.objects.get(goal=goal)
    with pytest.raises(ValueError, match="due date"):
        services.milestone_create(measure=m, title_zh="x", due=dt.date(2030, 1, 1), actor=sec)
    with pytest.raises(ValueError, match="exactly one"):
        services.indicator_create(
            plan=plan,
            code="y",
            name_zh="y",
            direction="up",
            baseline=1,
            baseline_year=2023,
            source="reported",
            actor=sec,
        )
    with pytest.raises(ValueError, match="code"):
        services.indicator_create(
            plan=plan,
            goal=goal,
            code="exchanged",
            name_zh="y",
            direction="up",
            baseline=1,
            baseline_year=2023,
            source="reported",
            actor=sec,
        )
    with pytest.raises(ValueError, match="whole area"):
        services.indicator_create(
            plan=plan,
            goal=goal,
            code="z",
            name_zh="z",
            direction="down",
            baseline=1,
            baseline_year=2023,
            source="measured",
            kind="gap_between",
            member=JS,
            params={"indicator": "teachers_per_100"},
            actor=sec,
        )
    with pytest.raises(ValueError, match="indicator: expected one of"):
        services.indicator_create(
            plan=plan,
            goal=goal,
            code="z",
            name_zh="z",
            direction="down",
            baseline=1,
            baseline_year=2023,
            source="measured",
            kind="gap_between",
            params={"indicator": "students"},
            actor=sec,
        )
    with pytest.raises(ValueError, match="unknown measure"):
        services.indicator_create(
            plan=plan,
            goal=goal,
            code="z",
            name_zh="z",
            direction="down",
            baseline=1,
            baseline_year=2023,
            source="measured",
            kind="guesswork",
            actor=sec,
        )
    theil = plan.indicators.get(code="theil-teachers")
    with pytest.raises(ValueError, match="below the baseline"):
        services.target_set(indicator=theil, year=2025, value="0.02", actor=sec)
    with pytest.raises(ValueError, match="outside the plan"):
        services.target_set(indicator=theil, year=2030, value="0.001", actor=sec)
    with pytest.raises(ValueError, match="not a number"):
        services.target_set(indicator=theil, year=2025, value="abc", actor=sec)
    assert Goal.objects.filter(plan=plan).count() == 1
    assert Indicator.objects.filter(plan=plan).count() == 2
    assert Target.objects.get(indicator=theil, year=2025).value == Decimal("0.006")


def test_an_indicator_has_exactly_one_parent_in_the_database(plan):
    goal = plan.goals.get()
    m = Measure.objects.get(goal=goal)
    with pytest.raises(IntegrityError), transaction.atomic():
        Indicator.objects.create(
            plan=plan,
            goal=goal,
            measure=m,
            code="both",
            name_zh="x",
            direction="up",
            baseline=0,
            baseline_year=2023,
            source="reported",
        )
