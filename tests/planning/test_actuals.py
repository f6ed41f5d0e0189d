"""Actuals: reported with evidence and reviewed; measured from the evaluation engine, equal to
what gap_report computes directly, and recomputed when the data move; milestones done."""

import datetime as dt
from decimal import Decimal

import pytest

from tests.planning.conftest import JS
from xietong.accounts.scope import OutOfScope
from xietong.evaluation.gap import gap_report
from xietong.planning import services
from xietong.planning.models import Actual, Milestone

pytestmark = pytest.mark.django_db


def test_report_and_review(adopted, world, sec):
    ind = adopted.indicators.get(code="exchanged")
    js = world["users"]["jiangsu"]
    a = services.actual_report(
        indicator=ind, year=2024, value=75, evidence_text="交流名单（苏教师〔2024〕3号）", actor=js
    )
    assert a.status == "submitted"
    assert services.current_actuals(adopted, 2024) == {}
    services.actual_review(actual=a, accept=True, actor=sec)
    assert services.current_actuals(adopted, 2024)[ind.pk].value == 75
    b = services.actual_report(
        indicator=ind, year=2025, value=90, evidence_url="https://example.org/list", actor=js
    )
    with pytest.raises(ValueError, match="review note"):
        services.actual_review(actual=b, accept=False, actor=sec)
    services.actual_review(actual=b, accept=False, note="名单与公示不符", actor=sec)
    assert 2025 not in {a.year for a in Actual.objects.filter(status="accepted")}
    with pytest.raises(services.LifecycleError):
        services.actual_review(actual=b, accept=True, actor=sec)


def test_report_wrong_user_and_bad_input(adopted, world, sec):
    ind = adopted.indicators.get(code="exchanged")
    js = world["users"]["jiangsu"]
    for who in ("langfang", "yrd-sec", "public"):
        with pytest.raises(OutOfScope):
            services.actual_report(
                indicator=ind, year=2024, value=1, evidence_text="x", actor=world["users"][who]
            )
    with pytest.raises(ValueError, match="evidence"):
        services.actual_report(indicator=ind, year=2024, value=1, actor=js)
    with pytest.raises(ValueError, match="evidence link"):
        services.actual_report(indicator=ind, year=2024, value=1, evidence_url="ftp:x", actor=js)
    with pytest.raises(ValueError, match="outside the plan"):
        services.actual_report(indicator=ind, year=2023, value=1, evidence_text="x", actor=js)
    with pytest.raises(ValueError, match="not a number"):
        services.actual_report(indicator=ind, year=2024, value="many", evidence_text="x", actor=js)
    theil = adopted.indicators.get(code="theil-teachers")
    with pytest.raises(OutOfScope):  # nobody answers for an area-wide goal indicator
        services.actual_report(indicator=theil, year=2024, value=1, evidence_text="x", actor=js)
    a = services.actual_report(indicator=ind, year=2024, value=1, evidence_text="x", actor=js)
    with pytest.raises(OutOfScope):
        services.actual_review(actual=a, accept=True, actor=js)
    assert Actual.objects.count() == 1


def test_a_draft_takes_no_actuals(plan, world):
    ind = plan.indicators.get(code="exchanged")
    with pytest.raises(services.LifecycleError):
        services.actual_report(
            indicator=ind, year=2024, value=1, evidence_text="x", actor=world["users"]["jiangsu"]
        )


def test_measured_actuals_equal_gap_report_and_move_with_the_data(adopted, stats, sec):
    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    out = services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    assert out["created"] == 1
    ind = adopted.indicators.get(code="theil-teachers")
    area = adopted.body.area
    direct = gap_report(area=area, indicator="teachers_per_100", years=[2024]).years[0]
    a = Actual.objects.get(indicator=ind, year=2024, status="computed")
    assert a.value == Decimal(str(direct.between_members)).quantize(Decimal("1e-8"))
    assert a.value > 0
    assert (
        a.inputs["between_members"] == direct.between_members
        and a.inputs["schools"] == direct.schools == 5
    )
    # a second run with the same data changes nothing
    assert services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)["unchanged"] == 1
    # Anhui's school gets more teachers: the gap narrows and the measured value follows
    school = School.objects.get(code="3401020009")
    statistics_set(school=school, year=2024, values={"teachers": Decimal(150)}, actor=None)
    services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    after = gap_report(area=area, indicator="teachers_per_100", years=[2024]).years[0]
    a.refresh_from_db()
    assert a.value == Decimal(str(after.between_members)).quantize(Decimal("1e-8"))
    assert after.between_members != direct.between_members
    # a year without statistics has no value
    assert services.planning_actuals_compute(plan=adopted, year=2026, actor=sec)["no_value"] == 1


def test_member_mean_source(adopted, stats, sec):
    from xietong.planning.sources import SOURCES

    ind = adopted.indicators.get(code="theil-teachers")
    ind.kind, ind.member_id = "member_mean", JS
    value, inputs = SOURCES["member_mean"].fn(ind, 2025, None)
    direct = gap_report(area=adopted.body.area, indicator="teachers_per_100", years=[2025])
    assert value == direct.years[0].member_means[JS] == pytest.approx(5.5)
    assert inputs["member"] == JS


def test_compute_wrong_user(adopted, world):
    with pytest.raises(OutOfScope):
        services.planning_actuals_compute(plan=adopted, year=2024, actor=world["users"]["jiangsu"])
    with pytest.raises(ValueError, match="outside the plan"):
        services.planning_actuals_compute(plan=adopted, year=2020, actor=None)


def test_milestone_done(adopted, world):
    ms = Milestone.objects.get(measure__goal__plan=adopted)
    with pytest.raises(OutOfScope):
        services.milestone_done(
            milestone=ms,
            done=dt.date(2024, 6, 1),
            evidence_text="x",
            actor=world["users"]["yrd-sec"],
        )
    js = world["users"]["jiangsu"]
    with pytest.raises(ValueError, match="evidence"):
        services.milestone_done(milestone=ms, done=dt.date(2024, 6, 1), actor=js)
    with pytest.raises(ValueError, match="future"):
        services.milestone_done(milestone=ms, done=dt.date(2099, 1, 1), evidence_text="x", actor=js)
    services.milestone_done(
        milestone=ms, done=dt.date(2024, 6, 20), evidence_url="https://example.org/mou", actor=js
    )
    ms.refresh_from_db()
    assert ms.done == dt.date(2024, 6, 20) and ms.done_by == js
    with pytest.raises(services.LifecycleError):
        services.milestone_done(
            milestone=ms, done=dt.date(2024, 6, 21), evidence_text="x", actor=js
        )
