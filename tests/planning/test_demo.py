"""The planning demo: adopted through its consultation, measured from the evaluation data and
moving with it, one reported value with evidence, one overdue milestone."""

from decimal import Decimal

import pytest

from tests.consultation.test_demo import demo_users  # noqa: F401  (fixture)
from xietong.evaluation.gap import gap_report

pytestmark = pytest.mark.django_db
# one more school a YRD member with backbone teachers in 2023 and 2024 (students, backbone)
BACKBONE = {
    "310104000000": {2023: (1000, 30), 2024: (1000, 31)},
    "320104000000": {2023: (2000, 40), 2024: (2000, 46)},
    "330104000000": {2023: (1500, 36), 2024: (1500, 37)},
    "340104000000": {2023: (2500, 35), 2024: (2500, 42)},
}


@pytest.fixture
def backbone(demo_users):  # noqa: F811
    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    for county, years in BACKBONE.items():
        school = School.objects.create(
            code=f"{county[:6]}0007",
            name_zh=f"{county[:6]} 骨干测试学校",
            stage="primary",
            county_id=county,
            location="urban",
            ownership="public",
        )
        for year, (students, backbone) in years.items():
            statistics_set(
                school=school,
                year=year,
                values={"students": Decimal(students), "teachers_backbone": Decimal(backbone)},
                actor=None,
            )


def test_demo_plan(backbone):
    from xietong.consultation.demo import consultation_demo_load
    from xietong.planning import services
    from xietong.planning.demo import planning_demo_load
    from xietong.planning.models import Actual, Plan
    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    consultation_demo_load()
    out = planning_demo_load()
    plan = Plan.objects.get(pk=out["plan"])
    assert "演示数据" in plan.title_zh
    assert plan.status == "adopted" and plan.proposal.subject == "planning.plan"
    assert plan.proposal.status == "adopted" and plan.proposal.decided_at.year == 2023
    area = plan.body.area
    gap = plan.indicators.get(code="backbone-theil-between")
    base = gap_report(area=area, indicator="backbone_per_100", years=[2023]).years[0]
    assert gap.baseline == Decimal(str(base.between_members)).quantize(Decimal("1e-8"))
    y24 = gap_report(area=area, indicator="backbone_per_100", years=[2024]).years[0]
    measured = Actual.objects.get(indicator=gap, year=2024, status="computed")
    assert measured.value == Decimal(str(y24.between_members)).quantize(Decimal("1e-8"))
    assert plan.indicators.filter(group="backbone-mean").count() == 4
    reported = Actual.objects.get(indicator__code="exchanged-teachers")
    assert reported.status == "accepted" and reported.evidence_url
    report = plan.reports.get(year=2024)
    assert report.published_at is not None
    assert len(report.tree["overdue"]) == 1 and out["status_2024"] in (
        "on_track",
        "at_risk",
        "off_track",
    )
    # the statistics move, the measured value follows
    school = School.objects.get(code="3401040007")
    statistics_set(school=school, year=2024, values={"teachers_backbone": Decimal(60)}, actor=None)
    services.planning_actuals_compute(plan=plan, year=2024, actor=None)
    y24b = gap_report(area=area, indicator="backbone_per_100", years=[2024]).years[0]
    measured.refresh_from_db()
    assert measured.value == Decimal(str(y24b.between_members)).quantize(Decimal("1e-8"))
    assert y24b.between_members != y24.between_members
    # idempotent
    assert planning_demo_load() == {} and Plan.objects.count() == 1
