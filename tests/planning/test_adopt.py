"""The gate: a plan is adopted only once a consultation of all members on it is adopted."""

import pytest

from tests.planning.conftest import adopt_consultation
from xietong.accounts.scope import OutOfScope
from xietong.consultation.gate import GateClosed
from xietong.planning import services

pytestmark = pytest.mark.django_db


def test_cannot_adopt_without_an_adopted_consultation(plan, body, sec):
    with pytest.raises(GateClosed, match="circulate one"):
        services.plan_adopt(plan=plan, actor=sec)
    plan.refresh_from_db()
    assert plan.status == "draft" and plan.proposal is None
    proposal = adopt_consultation(body, sec, plan)
    plan = services.plan_adopt(plan=plan, actor=sec)
    assert plan.status == "adopted" and plan.proposal_id == proposal.pk


def test_adopt_wrong_user_and_frozen_content(plan, body, sec, world):
    adopt_consultation(body, sec, plan)
    for who in ("jiangsu", "jjj-sec", "public"):
        with pytest.raises(OutOfScope, match="manage"):
            services.plan_adopt(plan=plan, actor=world["users"][who])
    plan = services.plan_adopt(plan=plan, actor=sec)
    with pytest.raises(services.LifecycleError, match="new consultation"):
        services.goal_create(plan=plan, title_zh="新目标", actor=sec)
    with pytest.raises(services.LifecycleError):
        services.plan_adopt(plan=plan, actor=sec)


def test_a_consultation_on_another_plan_does_not_open_the_gate(plan, body, sec):
    other = services.plan_create(
        body=body, title_zh="另一计划", start_year=2024, end_year=2025, actor=sec
    )
    adopt_consultation(body, sec, other)
    with pytest.raises(GateClosed):
        services.plan_adopt(plan=plan, actor=sec)


def test_close(adopted, world, sec, plan):
    from django.test import Client

    with pytest.raises(OutOfScope):
        services.plan_close(plan=adopted, actor=world["users"]["jiangsu"])
    c = Client()
    c.force_login(sec)
    c.post(f"/planning/{adopted.pk}/close/")
    adopted.refresh_from_db()
    assert adopted.status == "closed"
    with pytest.raises(services.LifecycleError, match="adopted"):
        services.plan_close(plan=adopted, actor=sec)
    # a closed plan keeps its status history: a report of its years can still be computed
    assert services.planning_status_compute(plan=adopted, year=2026, actor=sec).year == 2026
