"""The consultation API: reads scoped like the pages, writes through the same services."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from xietong.consultation import services
from xietong.consultation.models import Status

from .conftest import AH, SH, ZJ, given

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_draft_circulate_position_and_outcome(world, body, forums, bureaus):
    sec = login(world["users"]["yrd-sec"])
    r = sec.post(
        "/api/consultation/bodies/yrd/proposals",
        {
            "forum": forums["coordination"].pk,
            "title": "联合教研方案",
            "paragraphs": ["一、每学期联合教研四次。"],
            "rule": {"kind": "qualified_majority", "population": given()},
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    n = r.json()["number"]
    assert r.json()["status"] == "draft"
    # members do not see drafts
    assert login(bureaus[SH]).get(f"/api/consultation/bodies/yrd/proposals/{n}").status_code == 404
    r = sec.post(
        f"/api/consultation/bodies/yrd/proposals/{n}/circulate",
        {"comment_days": 3, "position_days": 3},
        content_type="application/json",
    )
    assert r.status_code == 200 and r.json()["status"] == "comments"
    ballot = r.json()["ballots"][0]
    assert ballot["population"] == {SH: 25.0, "320000000000": 85.0, ZJ: 66.0, AH: 61.0}
    # a bad comment: paragraph out of range is a 422 naming the range
    r = login(bureaus[AH]).post(
        f"/api/consultation/bodies/yrd/proposals/{n}/comments",
        {"paragraph": 4, "text": "x"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "between 1 and 1" in r.json()["detail"]
    # positions before the window: 422
    r = login(bureaus[AH]).post(
        f"/api/consultation/bodies/yrd/proposals/{n}/positions",
        {"position": "support"},
        content_type="application/json",
    )
    assert r.status_code == 422
    p = services.proposal_advance(
        proposal=body.proposals.get(number=n), at=timezone.now() + dt.timedelta(days=30)
    )
    assert p.status == Status.FAILED  # nobody took a position: no qualified majority
    r = login(bureaus[ZJ]).get(f"/api/consultation/bodies/yrd/proposals/{n}")
    out = r.json()
    assert out["status"] == "failed"
    # nobody in favour: 0 of 3 members needed, and 4 not in favour make a blocking minority
    assert out["ballots"][0]["explanation"]["decisive"] == [
        "member_share",
        "population_share",
        "blocking_minority",
    ]


def test_the_secretariat_cannot_cast(world, body, forums, bureaus):
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"], title="t", paragraphs=["a"], rule={"kind": "silence"}, actor=sec
    )
    p = services.proposal_circulate(proposal=p, comment_days=1, position_days=3, actor=sec)
    b = p.ballots.get()
    b.opens_at = timezone.now() - dt.timedelta(minutes=1)
    b.save()
    services.proposal_advance(proposal=p, at=p.comments_close_at)
    r = login(sec).post(
        f"/api/consultation/bodies/yrd/proposals/{p.number}/positions",
        {"position": "object", "text": "x"},
        content_type="application/json",
    )
    assert r.status_code == 403
    # consensus and silence take no votes: "oppose" is refused with the reason
    r = login(bureaus[SH]).post(
        f"/api/consultation/bodies/yrd/proposals/{p.number}/positions",
        {"position": "oppose"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "formally objects" in r.json()["detail"]
    r = login(bureaus[SH]).post(
        f"/api/consultation/bodies/yrd/proposals/{p.number}/positions",
        {"position": "object", "text": "上海反对。"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["member"] == SH


def test_meetings_through_the_api(world, body, forums, bureaus):
    sec = login(world["users"]["yrd-sec"])
    p = services.proposal_draft(
        forum=forums["decision"],
        title="t",
        paragraphs=["a"],
        rule={"kind": "silence"},
        actor=world["users"]["yrd-sec"],
    )
    base = "/api/consultation/bodies/yrd/meetings"
    payload = {
        "forum": forums["coordination"].pk,
        "starts_at": "2026-12-10T09:30:00+08:00",
        "place": "合肥",
        "agenda": ["提案", "工作通报"],
        "proposals": [p.number],
    }
    r = login(bureaus[SH]).post(base, payload, content_type="application/json")
    assert r.status_code == 403
    r = sec.post(base, {**payload, "proposals": [99]}, content_type="application/json")
    assert r.status_code == 422 and "no proposal 99" in r.json()["detail"]
    r = sec.post(base, payload, content_type="application/json")
    assert r.status_code == 201, r.content
    m = r.json()
    assert [(a["title"], a["proposal"]) for a in m["agenda"]] == [("提案", 1), ("工作通报", None)]
    r = sec.post(
        f"{base}/{m['id']}/attendance",
        {"member": AH, "present": True, "persons": 2},
        content_type="application/json",
    )
    assert r.json()["attendance"] == [{"member": AH, "present": True, "persons": 2}]
    r = sec.post(
        f"{base}/{m['id']}/attendance",
        {"member": "110000000000", "present": True},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = sec.post(
        f"{base}/{m['id']}/minutes", {"minutes": "议定事项。"}, content_type="application/json"
    )
    assert r.json()["minutes"] == "议定事项。"
    items = login(bureaus[ZJ]).get(base).json()["items"]
    assert [i["id"] for i in items] == [m["id"]]
    assert login(world["users"]["langfang"]).get(base).status_code == 404
