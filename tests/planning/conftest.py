import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from tests.consultation.conftest import body, bureaus, forums  # noqa: F401  (fixtures)

SH, JS, ZJ, AH = "310000000000", "320000000000", "330000000000", "340000000000"
TZ = ZoneInfo("Asia/Shanghai")
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=TZ)
# one school per member county, students and teachers in 2024 and 2025
SCHOOLS = {
    SH: ("310101000000", {2024: (1000, 60), 2025: (1000, 62)}),
    JS: ("320102000000", {2024: (2000, 100), 2025: (2000, 110)}),
    ZJ: ("330102000000", {2024: (1500, 90), 2025: (1500, 88)}),
    AH: ("340102000000", {2024: (2500, 110), 2025: (2500, 125)}),
}


@pytest.fixture(autouse=True)
def _english_messages(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def stats(world):
    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    for county, years in SCHOOLS.values():
        school = School.objects.create(
            code=f"{county[:6]}0009",
            name_zh=f"{county[:6]} 测试小学",
            stage="primary",
            county_id=county,
            location="urban",
            ownership="public",
        )
        for year, (students, teachers) in years.items():
            statistics_set(
                school=school,
                year=year,
                values={"students": Decimal(students), "teachers": Decimal(teachers)},
                actor=None,
            )


@pytest.fixture
def sec(world):
    return world["users"]["yrd-sec"]


@pytest.fixture
def plan(body, sec):  # noqa: F811
    """A draft 2024-2026 YRD plan: one goal with a measured area indicator (the Theil
    between-member part of teachers per 100 students), one measure led by Jiangsu with a
    reported indicator and a milestone."""
    from xietong.planning import services

    p = services.plan_create(
        body=body, title_zh="长三角教育协作三年行动计划", start_year=2024, end_year=2026, actor=sec
    )
    g = services.goal_create(plan=p, title_zh="缩小省际师资差距", weight=2, actor=sec)
    m = services.measure_create(
        goal=g,
        title_zh="跨省教师交流",
        lead=JS,
        partners=[AH],
        forum=body.forums.get(level="execution"),
        start=dt.date(2024, 1, 1),
        end=dt.date(2026, 12, 31),
        actor=sec,
    )
    services.milestone_create(
        measure=m, title_zh="签订交流协议", due=dt.date(2024, 6, 30), actor=sec
    )
    theil = services.indicator_create(
        plan=p,
        goal=g,
        code="theil-teachers",
        name_zh="每百名学生专任教师数省际泰尔指数",
        direction="down",
        baseline="0.01",
        baseline_year=2023,
        source="measured",
        kind="gap_between",
        params={"indicator": "teachers_per_100", "stage": "all"},
        actor=sec,
    )
    exch = services.indicator_create(
        plan=p,
        measure=m,
        code="exchanged",
        name_zh="交流教师人数",
        unit="人",
        direction="up",
        baseline=0,
        baseline_year=2023,
        source="reported",
        actor=sec,
    )
    for year, value in ((2024, "0.008"), (2025, "0.006"), (2026, "0.004")):
        services.target_set(indicator=theil, year=year, value=value, actor=sec)
    for year, value in ((2024, 100), (2025, 200), (2026, 300)):
        services.target_set(indicator=exch, year=year, value=value, actor=sec)
    return p


def adopt_consultation(body, sec, plan):  # noqa: F811
    """Run a consultation on the plan (silence procedure) to its adoption."""
    from xietong.consultation import services as cs

    p = cs.proposal_draft(
        forum=body.forums.get(level="decision"),
        title="三年行动计划",
        paragraphs=["一、通过计划。"],
        rule={"kind": "silence"},
        major=True,
        subject="planning.plan",
        subject_id=str(plan.pk),
        actor=sec,
    )
    p = cs.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=sec, at=T0)
    cs.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    cs.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    p.refresh_from_db()
    assert p.status == "adopted"
    return p


@pytest.fixture
def adopted(plan, body, sec):  # noqa: F811
    from xietong.planning import services

    adopt_consultation(body, sec, plan)
    return services.plan_adopt(plan=plan, actor=sec)
