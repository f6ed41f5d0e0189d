"""The consultation demo: every outcome computed by the scheduler's own step on its own dates."""

import pytest

from xietong.consultation.demo import DELEGATES, SECRETARIAT, consultation_demo_load
from xietong.consultation.models import Position, Proposal

pytestmark = pytest.mark.django_db
# one school a member province, so the rule's population (enrolment) comes from the registry
ENROLMENT = {
    "310101000000": 2500,
    "320102000000": 8500,
    "330102000000": 6600,
    "340102000000": 6100,
    "110101000000": 2200,
    "120101000000": 1400,
    "130102000000": 7500,
}


@pytest.fixture
def demo_users(regions):
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.regions.models import CooperationArea, Jurisdiction

    for code, name in DELEGATES.items():
        u = user_create(username=name, password="kestrel-harbour-42", actor=None)
        role_grant(
            user=u, role=Role.BUREAU, jurisdiction=Jurisdiction.objects.get(code=code), actor=None
        )
    from decimal import Decimal

    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    for county, students in ENROLMENT.items():
        school = School.objects.create(
            code=f"{county[:6]}0001",
            name_zh=f"{county[:6]} 演示学校",
            stage="primary",
            county_id=county,
            location="urban",
            ownership="public",
        )
        statistics_set(school=school, year=2025, values={"students": Decimal(students)}, actor=None)
    for slug, name in SECRETARIAT.items():
        u = user_create(username=name, password="kestrel-harbour-42", actor=None)
        role_grant(
            user=u, role=Role.SECRETARIAT, area=CooperationArea.objects.get(slug=slug), actor=None
        )


def test_demo_outcomes(demo_users):
    from xietong.audit.services import verify_chain

    out = consultation_demo_load()
    # the fund rule: 3 of 4 members (Shanghai, Jiangsu, Zhejiang with its reservation) in favour
    assert out["yrd_fund_rule"] == "adopted"
    rule = Proposal.objects.get(body__area__slug="yrd", subject="finance.fund_budget")
    explanation = rule.ballots.get().explanation
    assert explanation["adopted"] and explanation["counts"]["reservation"] == 1
    assert explanation["statements"][0]["member"] == "330000000000"
    # the weights frozen at circulation are the members' enrolment of the latest year
    population = rule.ballots.get().population
    assert population["_year"] == 2025
    assert population["330000000000"] == 6600.0 and population["310000000000"] == 2500.0
    # the consensus that failed: escalated twice, then the fallback rule decided
    jjj = Proposal.objects.get(body__area__slug="jjj")
    levels = list(jjj.ballots.order_by("number").values_list("level", "outcome"))
    assert levels == [
        ("execution", "escalated"),
        ("coordination", "escalated"),
        ("decision", "escalated"),
        ("decision", "adopted"),
    ]
    assert jjj.ballots.order_by("number").last().rule["kind"] == "simple_majority"
    # open now; a draft only when its windows would run into a year without a holiday notice
    assert out["yrd_open"] in ("comments", "draft")
    n = Position.objects.count()
    assert consultation_demo_load() == {}  # idempotent
    assert Position.objects.count() == n
    assert verify_chain().ok
