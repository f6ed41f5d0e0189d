"""Pages: each action through its form, as the right and the wrong user."""

import datetime as dt

import pytest
from django.test import Client

from tests.planning.conftest import JS, adopt_consultation
from xietong.planning.models import Actual, Goal, Indicator, Measure, Milestone, Plan, Target

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_plan_pages_show_the_tree_the_rule_and_the_reports(adopted, world, sec):
    c = _client(world["users"]["public"])
    page = c.get(f"/planning/{adopted.pk}/").content.decode()
    assert "长三角教育协作三年行动计划" in page and 'id="rule"' in page
    assert "Off track" in page  # the milestone of June 2024 is overdue and nothing else counts
    assert 'id="overdue"' in page and 'id="manage"' not in page
    assert c.get("/planning/").status_code == 200
    for kind in ("midterm", "final"):
        r = c.get(f"/planning/{adopted.pk}/report/{kind}/")
        assert r.status_code == 200 and "plotly" in r.content.decode()
    assert c.get(f"/planning/{adopted.pk}/report/other/").status_code == 404
    ind = adopted.indicators.get(code="theil-teachers")
    r = c.get(f"/planning/{adopted.pk}/indicators/{ind.pk}/")
    assert r.status_code == 200 and 'id="series"' in r.content.decode()
    assert 'id="manage"' in _client(sec).get(f"/planning/{adopted.pk}/").content.decode()


def test_secretariat_drafts_through_the_forms(body, world, sec):
    c = _client(sec)
    r = c.post(
        "/planning/new/",
        {"body": body.pk, "title_zh": "新计划", "start_year": 2025, "end_year": 2027},
    )
    plan = Plan.objects.get(title_zh="新计划")
    assert r.status_code == 302
    c.post(f"/planning/{plan.pk}/goals/", {"title_zh": "目标一", "weight": "1"})
    goal = Goal.objects.get(plan=plan)
    forum = body.forums.get(level="execution")
    c.post(
        f"/planning/{plan.pk}/measures/",
        {
            "goal": goal.pk,
            "title_zh": "举措",
            "lead": JS,
            "forum": forum.pk,
            "start": "2025-01-01",
            "end": "2027-12-31",
            "weight": "1",
        },
    )
    m = Measure.objects.get(goal=goal)
    assert m.forum == forum
    c.post(
        f"/planning/{plan.pk}/milestones/",
        {"measure": m.pk, "title_zh": "里程碑", "due": "2025-06-30"},
    )
    assert Milestone.objects.filter(measure=m).count() == 1
    c.post(
        f"/planning/{plan.pk}/indicators/",
        {
            "parent": f"g{goal.pk}",
            "code": "theil",
            "name_zh": "泰尔",
            "direction": "down",
            "baseline": "0.01",
            "baseline_year": 2024,
            "source": "measured",
            "kind": "gap_between",
            "ratio": "teachers_per_100",
            "stage": "all",
            "weight": "1",
        },
    )
    ind = Indicator.objects.get(plan=plan, code="theil")
    assert ind.params == {"indicator": "teachers_per_100", "stage": "all"}
    c.post(f"/planning/{plan.pk}/targets/", {"indicator": ind.pk, "year": 2025, "value": "0.009"})
    assert Target.objects.get(indicator=ind).year == 2025
    # bad input: a target on the wrong side is refused with the field named, nothing saved
    r = c.post(
        f"/planning/{plan.pk}/targets/",
        {"indicator": ind.pk, "year": 2026, "value": "0.5"},
        follow=True,
    )
    assert "below the baseline" in r.content.decode()
    assert not Target.objects.filter(indicator=ind, year=2026).exists()
    # the gate: no adoption without the consultation
    r = c.post(f"/planning/{plan.pk}/adopt/", follow=True)
    assert "consultation" in r.content.decode()
    plan.refresh_from_db()
    assert plan.status == "draft"


def test_wrong_user_cannot_draft(plan, world):
    c = _client(world["users"]["jiangsu"])
    assert c.get("/planning/new/").status_code == 403
    c.post(f"/planning/{plan.pk}/goals/", {"title_zh": "越权", "weight": "1"})
    assert not Goal.objects.filter(title_zh="越权").exists()
    # a draft is not public
    assert _client(world["users"]["public"]).get(f"/planning/{plan.pk}/").status_code == 404
    assert _client(world["users"]["jiangsu"]).get(f"/planning/{plan.pk}/").status_code == 200


def test_adopt_report_review_and_done_through_the_pages(plan, body, world, sec, stats):
    adopt_consultation(body, sec, plan)
    c = _client(sec)
    c.post(f"/planning/{plan.pk}/adopt/")
    plan.refresh_from_db()
    assert plan.status == "adopted"
    js = _client(world["users"]["jiangsu"])
    ind = plan.indicators.get(code="exchanged")
    page = js.get(f"/planning/{plan.pk}/indicators/{ind.pk}/").content.decode()
    assert 'id="actual-form"' in page
    js.post(
        f"/planning/{plan.pk}/indicators/{ind.pk}/actuals/",
        {"year": 2024, "value": "80", "evidence_text": "名单"},
    )
    a = Actual.objects.get(indicator=ind)
    # no evidence: refused
    r = js.post(
        f"/planning/{plan.pk}/indicators/{ind.pk}/actuals/",
        {"year": 2024, "value": "81"},
        follow=True,
    )
    assert "evidence" in r.content.decode() and Actual.objects.count() == 1
    # Jiangsu cannot review; the secretariat can
    js.post(f"/planning/{plan.pk}/actuals/{a.pk}/review/", {"decision": "accept"})
    a.refresh_from_db()
    assert a.status == "submitted"
    c.post(f"/planning/{plan.pk}/actuals/{a.pk}/review/", {"decision": "accept"})
    a.refresh_from_db()
    assert a.status == "accepted"
    ms = Milestone.objects.get(measure__goal__plan=plan)
    c.post(
        f"/planning/{plan.pk}/milestones/{ms.pk}/done/",
        {"done": "2024-06-01", "evidence_text": "x"},
    )
    ms.refresh_from_db()
    assert ms.done is None
    js.post(
        f"/planning/{plan.pk}/milestones/{ms.pk}/done/",
        {"done": "2024-06-01", "evidence_text": "协议"},
    )
    ms.refresh_from_db()
    assert ms.done == dt.date(2024, 6, 1)
    # the secretariat computes the measured actuals (a job), then the status, then publishes
    from xietong.jobs.worker import run_pending

    c.post(f"/planning/{plan.pk}/actuals/", {"year": 2024})
    run_pending()
    assert plan.indicators.get(code="theil-teachers").actuals.count() == 1
    js.post(f"/planning/{plan.pk}/status/", {"year": 2024})
    assert plan.reports.count() == 0
    c.post(f"/planning/{plan.pk}/status/", {"year": 2024})
    report = plan.reports.get()
    js.post(f"/planning/{plan.pk}/status/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.published_at is None
    c.post(f"/planning/{plan.pk}/status/{report.pk}/publish/")
    report.refresh_from_db()
    assert report.published_at is not None
    page = _client(world["users"]["public"]).get(f"/planning/{plan.pk}/?year=2024").content.decode()
    assert 'id="report-date"' in page and "Published on" in page
