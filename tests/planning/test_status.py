"""The status roll-up on a worked example, its history and publication; the actuals job."""

import datetime as dt
from decimal import Decimal
from fractions import Fraction

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.evaluation.gap import gap_report
from xietong.planning import services
from xietong.planning.models import Milestone

pytestmark = pytest.mark.django_db
END_2024 = dt.date(2024, 12, 31)


def test_worked_example(adopted, world, sec, stats):
    """2024, as of 31 December 2024. Measure 1.1 (Jiangsu): 75 teachers exchanged against a
    target of 100 from a baseline of 0: attainment 3/4; its milestone (due 30 June) is not
    done, so its schedule part is 0 and the measure scores min(3/4, 0) = 0, off track. The
    goal's Theil indicator has no value yet, so it does not count: the goal scores its child's
    0. Once the milestone is done (20 June) the measure scores 3/4, at risk; once the Theil is
    measured, the goal's indicator part joins the minimum."""
    ind = adopted.indicators.get(code="exchanged")
    a = services.actual_report(
        indicator=ind, year=2024, value=75, evidence_text="名单", actor=world["users"]["jiangsu"]
    )
    services.actual_review(actual=a, accept=True, actor=sec)
    r = services.planning_status_compute(plan=adopted, year=2024, as_of=END_2024, actor=sec)
    root = r.tree["root"]
    goal = root["children"][0]
    measure = goal["children"][0]
    assert measure["indicators"][0]["attainment"] == "3/4"
    assert measure["parts"] == {"indicators": "3/4", "milestones": "0", "children": None}
    assert measure["score"] == "0" and measure["status"] == "off_track"
    assert measure["decided_by"] == "milestones"
    assert measure["milestones"][0]["state"] == "overdue"
    assert measure["milestones"][0]["days_overdue"] == 184
    assert goal["indicators"][0]["state"] == "no_value"
    assert goal["parts"]["indicators"] is None and goal["score"] == "0"
    assert root["status"] == "off_track" and len(r.tree["overdue"]) == 1

    ms = Milestone.objects.get(measure__goal__plan=adopted)
    services.milestone_done(
        milestone=ms,
        done=dt.date(2024, 6, 20),
        evidence_text="协议",
        actor=world["users"]["jiangsu"],
    )
    r2 = services.planning_status_compute(plan=adopted, year=2024, as_of=END_2024, actor=sec)
    measure = r2.tree["root"]["children"][0]["children"][0]
    assert measure["score"] == "3/4" and measure["status"] == "at_risk"
    assert r2.tree["root"]["score"] == "3/4" and r2.tree["overdue"] == []

    services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    r3 = services.planning_status_compute(plan=adopted, year=2024, as_of=END_2024, actor=sec)
    goal = r3.tree["root"]["children"][0]
    t = Decimal(
        str(
            gap_report(area=adopted.body.area, indicator="teachers_per_100", years=[2024])
            .years[0]
            .between_members
        )
    ).quantize(Decimal("1e-8"))
    # Theil target 0.008 from a baseline of 0.01: attainment (t - 0.01) / (0.008 - 0.01)
    expected = (Fraction(t) - Fraction("0.01")) / (Fraction("0.008") - Fraction("0.01"))
    assert Fraction(goal["indicators"][0]["attainment"]) == expected
    perf = min(max(expected, Fraction(0)), Fraction(1))
    assert Fraction(goal["score"]) == min(perf, Fraction(3, 4))
    # history: three reports of 2024, none published yet
    assert list(adopted.reports.values_list("year", flat=True)) == [2024, 2024, 2024]


def test_publish_and_wrong_user(adopted, world, sec):
    from xietong.accounts.scope import scope_for
    from xietong.planning import selectors

    r = services.planning_status_compute(plan=adopted, year=2024, actor=sec)
    public = scope_for(world["users"]["public"])
    assert selectors.report_latest(scope=public, plan=adopted) is None
    with pytest.raises(OutOfScope):
        services.planning_status_publish(report=r, actor=world["users"]["jiangsu"])
    with pytest.raises(OutOfScope):
        services.planning_status_compute(plan=adopted, year=2024, actor=world["users"]["jiangsu"])
    services.planning_status_publish(report=r, actor=sec)
    assert selectors.report_latest(scope=public, plan=adopted).pk == r.pk
    with pytest.raises(services.LifecycleError):
        services.planning_status_publish(report=r, actor=sec)
    with pytest.raises(ValueError, match="outside"):
        services.planning_status_compute(plan=adopted, year=2031, actor=sec)


def test_a_draft_has_no_status(plan, sec):
    with pytest.raises(services.LifecycleError):
        services.planning_status_compute(plan=plan, year=2024, actor=sec)


def test_actuals_job(adopted, stats, sec, world):
    from xietong.jobs.worker import run_pending
    from xietong.planning.job_kinds import actuals_submit

    job, created = actuals_submit(plan=adopted, year=2024, actor=sec)
    again, created_again = actuals_submit(plan=adopted, year=2024, actor=sec)
    assert created and not created_again and again.pk == job.pk
    with pytest.raises(OutOfScope):
        actuals_submit(plan=adopted, year=2024, actor=world["users"]["jiangsu"])
    assert run_pending() >= 1
    job.refresh_from_db()
    assert job.status == "succeeded" and job.result["created"] == 1
    assert adopted.indicators.get(code="theil-teachers").actuals.count() == 1
