"""The planning API: scoped reads, the tree with its status, an indicator per member and year,
and the writes with the wrong user and bad input."""

import pytest
from django.test import Client

from tests.planning.conftest import adopt_consultation
from xietong.planning.models import Actual, Plan

pytestmark = pytest.mark.django_db


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def _post(c, path, data):
    return c.post(path, data, content_type="application/json")


def test_reads(adopted, world, sec, stats):
    from xietong.planning import services

    services.planning_actuals_compute(plan=adopted, year=2024, actor=sec)
    c = _client(world["users"]["public"])
    items = c.get("/api/planning/plans").json()
    assert [p["id"] for p in items] == [adopted.pk] and items[0]["proposal"] is not None
    tree = c.get(f"/api/planning/plans/{adopted.pk}?year=2024").json()["status_report"]
    assert tree["id"] is None  # nothing published: computed now
    root = tree["tree"]["root"]
    assert root["children"][0]["indicators"][0]["state"] == "counted"
    ind = adopted.indicators.get(code="theil-teachers")
    body = c.get(f"/api/planning/indicators/{ind.pk}").json()
    by_year = {y["year"]: y for y in body["years"]}
    assert by_year[2024]["actual"] is not None and by_year[2025]["actual"] is None
    assert float(by_year[2025]["target"]) == 0.006
    assert list(body["members"]) == ["area"]
    assert body["actuals"][0]["inputs"]["year"] == 2024
    assert c.get("/api/planning/plans/999").status_code == 404
    schema = c.get("/api/openapi.json").json()
    assert "/api/planning/indicators/{indicator_id}" in schema["paths"]


def test_drafts_are_for_the_body_only(plan, world):
    assert (
        _client(world["users"]["public"]).get(f"/api/planning/plans/{plan.pk}").status_code == 404
    )
    assert (
        _client(world["users"]["jiangsu"]).get(f"/api/planning/plans/{plan.pk}").status_code == 200
    )


def test_writes(plan, body, world, sec):
    c = _client(sec)
    r = _post(
        c,
        "/api/planning/plans",
        {"area": "yrd", "title_zh": "接口计划", "start_year": 2025, "end_year": 2026},
    )
    assert r.status_code == 201
    pk = r.json()["id"]
    r = _post(c, f"/api/planning/plans/{pk}/goals", {"title_zh": "目标"})
    assert r.status_code == 201
    goal = r.json()["id"]
    r = _post(
        c,
        f"/api/planning/plans/{pk}/indicators",
        {
            "goal": goal,
            "code": "n",
            "name_zh": "数",
            "direction": "up",
            "baseline": "1",
            "baseline_year": 2024,
            "source": "reported",
        },
    )
    assert r.status_code == 201
    ind = r.json()["id"]
    assert (
        _post(
            c, f"/api/planning/indicators/{ind}/targets", {"year": 2025, "value": "0"}
        ).status_code
        == 422
    )
    assert (
        _post(
            c, f"/api/planning/indicators/{ind}/targets", {"year": 2025, "value": "3"}
        ).status_code
        == 201
    )
    # the gate
    r = _post(c, f"/api/planning/plans/{pk}/adopt", {})
    assert r.status_code == 422 and "consultation" in r.json()["detail"]
    # the wrong user
    js = _client(world["users"]["jiangsu"])
    assert _post(js, f"/api/planning/plans/{pk}/goals", {"title_zh": "越权"}).status_code == 403
    assert (
        _post(
            js,
            "/api/planning/plans",
            {"area": "yrd", "title_zh": "x", "start_year": 2025, "end_year": 2026},
        ).status_code
        == 403
    )
    assert Plan.objects.count() == 2
    # adopt the fixture plan, report and review a value
    adopt_consultation(body, sec, plan)
    assert _post(c, f"/api/planning/plans/{plan.pk}/adopt", {}).json()["status"] == "adopted"
    exch = plan.indicators.get(code="exchanged")
    r = _post(js, f"/api/planning/indicators/{exch.pk}/actuals", {"year": 2024, "value": "50"})
    assert r.status_code == 422  # no evidence
    r = _post(
        js,
        f"/api/planning/indicators/{exch.pk}/actuals",
        {"year": 2024, "value": "50", "evidence_url": "https://example.org/a"},
    )
    assert r.status_code == 201
    a = r.json()["id"]
    assert _post(js, f"/api/planning/actuals/{a}/review", {"accept": True}).status_code == 403
    assert (
        _post(c, f"/api/planning/actuals/{a}/review", {"accept": True}).json()["status"]
        == "accepted"
    )
    ms = plan.goals.get().measures.get().milestones.get()
    r = _post(
        js,
        f"/api/planning/milestones/{ms.pk}/done",
        {"done": "2024-06-01", "evidence_text": "协议"},
    )
    assert r.status_code == 200
    r = _post(c, f"/api/planning/plans/{plan.pk}/status", {"year": 2024, "as_of": "2024-12-31"})
    assert r.status_code == 201
    tree = r.json()["tree"]
    assert tree["root"]["children"][0]["children"][0]["score"] == "1/2"
    rid = r.json()["id"]
    # an unpublished report is not visible to a member: not found
    assert _post(js, f"/api/planning/plans/{plan.pk}/status/{rid}/publish", {}).status_code == 404
    assert _post(c, f"/api/planning/plans/{plan.pk}/status/{rid}/publish", {}).json()[
        "published_at"
    ]
    r = _post(c, f"/api/planning/plans/{plan.pk}/actuals/compute", {"year": 2024})
    assert r.status_code == 202 and r["Location"].startswith("/api/jobs/")
    assert (
        _post(js, f"/api/planning/plans/{plan.pk}/actuals/compute", {"year": 2024}).status_code
        == 403
    )
    assert Actual.objects.filter(status="accepted").count() == 1
