"""The portfolio's breakdowns, member matrix, tree and publications: worked examples with known
counts, and who reads a member's portfolio.

The example in 通武廊 (members Tongzhou 110112, Wuqing 120114, Langfang 131000):

* C1 ``TWL-2025-001`` pairing, bottom-up: school B (Tongzhou) and school A (Anci, Langfang);
  subjects math and chinese; content teaching research and teacher training; task 1.1 of the
  area's plan. Obligations L (lessons, 2025 result: met) and S (sessions, no result). Activities:
  3 lessons against L, and a visit against no obligation (a record without an amount).
* C2 ``TWL-T-2`` alliance, top-down: school B, school D (Wuqing), the Langfang bureau and a
  foundation; subject maths; content management; in no plan.
* C3 ``TWL-T-3`` teaching-research alliance, top-down: school D and the Wuqing bureau (two
  parties in Wuqing: the matrix's diagonal); in no plan.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from xietong.audit.models import AuditEntry
from xietong.partnerships.models import ComplianceResult, PortfolioPublication, SocialPartner
from xietong.partnerships.services import (
    activity_record,
    cooperation_establish,
    obligation_set,
    portfolio_publish,
)
from xietong.regions.models import Jurisdiction

TZ, WQ, LF = "110112000000", "120114000000", "131000000000"


def _establish(world, code, kind, parties, **fields):
    return cooperation_establish(
        actor=world["users"]["twl-sec"],
        fields={
            "code": code,
            "kind": kind,
            "title_zh": code,
            "area": world["areas"]["tongwulang"],
            "term_start": dt.date(2025, 1, 1),
            "term_end": dt.date(2027, 12, 31),
            **fields,
        },
        parties=parties,
    )


@pytest.fixture
def example(world, active):
    from xietong.consultation.models import Body
    from xietong.planning.models import Goal, Measure, Plan

    s = world["schools"]
    c1, _a, _b = active
    foundation = SocialPartner.objects.create(name_zh="某基金会", kind="foundation")
    c2 = _establish(
        world,
        "TWL-T-2",
        "alliance",
        [
            {"role": "lead", "school": s["B"]},
            {"role": "member", "school": s["D"]},
            {"role": "member", "jurisdiction": Jurisdiction.objects.get(code=LF)},
            {"role": "supporting", "social_partner": foundation},
        ],
        subjects=["maths"],
        content=["management"],
    )
    c3 = _establish(
        world,
        "TWL-T-3",
        "research_alliance",
        [
            {"role": "lead", "school": s["D"]},
            {"role": "member", "jurisdiction": Jurisdiction.objects.get(code=WQ)},
        ],
    )
    body = Body.objects.create(area=world["areas"]["tongwulang"], name_zh="联席会议")
    plan = Plan.objects.create(
        body=body, title_zh="三年计划", start_year=2025, end_year=2027, status="adopted"
    )
    goal = Goal.objects.create(plan=plan, number=1, title_zh="均衡")
    task = Measure.objects.create(
        goal=goal,
        number=1,
        title_zh="结对帮扶",
        lead=Jurisdiction.objects.get(code=TZ),
        start=dt.date(2025, 1, 1),
        end=dt.date(2027, 12, 31),
    )
    c1.plan_task = task
    c1.save(update_fields=["plan_task"])
    lessons = obligation_set(actor=None, cooperation=c1, code="L", measure="lessons", quota=4)
    obligation_set(actor=None, cooperation=c1, code="S", measure="sessions", quota=2)
    activity_record(
        actor=None,
        cooperation=c1,
        kind="sync_lesson",
        date=dt.date(2025, 3, 1),
        amount=3,
        obligation=lessons,
    )
    activity_record(actor=None, cooperation=c1, kind="visit", date=dt.date(2025, 4, 1), amount=1)
    ComplianceResult.objects.create(obligation=lessons, period="2025", quota=4, counted=4, met=True)
    return {"c1": c1, "c2": c2, "c3": c3, "plan": plan, "task": task}


def _cell(body, a, b):
    return next(c["cooperations"] for c in body["matrix"] if (c["a"], c["b"]) == (a, b))


def test_breakdowns_and_matrix_worked_example(example, users, client):
    client.force_login(users["twl-sec"])
    body = client.get("/api/partnerships/portfolio/tongwulang").json()
    assert body["cooperations"] == 3
    assert body["by_kind"] == {"alliance": 1, "pairing": 1, "research_alliance": 1}
    assert body["by_origin"] == {"bottom_up": 1, "top_down": 2}
    assert body["by_content"] == {"management": 1, "teaching_research": 1, "teacher_training": 1}
    assert body["by_subject"] == {"chinese": 1, "math": 1, "maths": 1}
    assert body["by_party_kind"] == {"jurisdiction": 2, "school": 3, "social": 1}
    assert body["by_area_member"] == {TZ: 2, WQ: 2, LF: 2}
    assert body["by_member"] == {"110000000000": 2, "120000000000": 2, "130000000000": 2}
    assert _cell(body, TZ, LF) == _cell(body, LF, TZ) == 2  # C1 (B, A) and C2 (B, Langfang)
    assert _cell(body, TZ, WQ) == 1 and _cell(body, WQ, LF) == 1  # C2
    assert _cell(body, WQ, WQ) == 1  # C3: school D and the Wuqing bureau
    assert _cell(body, TZ, TZ) == 0 and _cell(body, LF, LF) == 0
    assert len(body["matrix"]) == 9
    assert body["compliance"]["2025"] == {"assessed": 1, "met": 1, "unmet": 0, "share": "1"}


def test_member_filter_counts_only_that_members_cooperations(example, users, client):
    client.force_login(users["twl-sec"])
    body = client.get(f"/api/partnerships/portfolio/tongwulang?member={WQ}").json()
    assert body["member"] == WQ and body["cooperations"] == 2  # C2, C3
    assert body["by_kind"] == {"alliance": 1, "research_alliance": 1}
    assert body["by_area_member"] == {TZ: 1, WQ: 2, LF: 1}
    page = client.get(f"/partnerships/portfolio/tongwulang/{WQ}/").content.decode()
    assert "TWL-T-3" in page and "TWL-2025-001" not in page
    same = client.get(f"/partnerships/portfolio/tongwulang/?member={WQ}").content.decode()
    assert "TWL-T-3" in same and "TWL-2025-001" not in same


def test_matrix_cell_links_to_the_cooperations_behind_it(example, users, client):
    client.force_login(users["twl-sec"])
    page = client.get("/partnerships/portfolio/tongwulang/").content.decode()
    assert 'id="matrix"' in page
    assert f"member={TZ}&amp;partner={LF}" in page
    listed = client.get(f"/partnerships/?area=tongwulang&member={TZ}&partner={LF}").content.decode()
    assert "TWL-2025-001" in listed and "TWL-T-2" in listed and "TWL-T-3" not in listed
    diagonal = client.get(
        f"/partnerships/?area=tongwulang&member={WQ}&partner={WQ}"
    ).content.decode()
    assert "TWL-T-3" in diagonal and "TWL-T-2" not in diagonal
    by_subject = client.get("/partnerships/?area=tongwulang&subject=maths").content.decode()
    assert "TWL-T-2" in by_subject and "TWL-2025-001" not in by_subject
    social = client.get("/partnerships/?area=tongwulang&party_kind=social").content.decode()
    assert "TWL-T-2" in social and "TWL-T-3" not in social


def test_tree_rolls_up_by_the_stated_rule(example, users, client):
    """Root: 2 records (C1's activities), lessons 3 from 1 activity with a value (the visit has
    none), obligations 1 met of 1 assessed (S has no 2025 result and does not count)."""
    from xietong.accounts.scope import scope_for
    from xietong.partnerships.portfolio import cooperations_visible
    from xietong.partnerships.portfolio_tree import UNPLANNED, portfolio_tree

    scope = scope_for(users["twl-sec"])
    area = example["c1"].area
    qs = cooperations_visible(scope).filter(area=area)
    tree, items = portfolio_tree(scope=scope, area=area, cooperations=qs, period="2025")
    assert (tree.records, tree.assessed, tree.met) == (2, 1, 1)
    assert tree.amounts == {"lessons": 3} and tree.valued == {"lessons": 1}
    plan, unplanned = tree.children
    assert plan.key == f"plan:{example['plan'].pk}" and plan.records == 2
    (task,) = plan.children
    assert task.key == f"task:{example['task'].pk}" and task.records == 2
    assert unplanned.key == UNPLANNED and unplanned.records == 0
    assert sorted(items[c.key].cooperation.code for c in unplanned.children) == [
        "TWL-T-2",
        "TWL-T-3",
    ]
    client.force_login(users["twl-sec"])
    page = client.get("/partnerships/portfolio/tongwulang/?period=2025").content.decode()
    assert "<details" in page and 'id="rule"' in page
    assert f"task={example['task'].pk}" in page and "task=none" in page
    assert "obligations met 1 / 1 = 1" in page
    listed = client.get("/partnerships/?area=tongwulang&task=none").content.decode()
    assert "TWL-T-2" in listed and "TWL-2025-001" not in listed
    in_plan = client.get(f"/partnerships/?plan={example['plan'].pk}").content.decode()
    assert "TWL-2025-001" in in_plan and "TWL-T-2" not in in_plan


def test_page_has_chart_and_table_per_breakdown_and_a_map(example, users, client):
    client.force_login(users["twl-sec"])
    page = client.get("/partnerships/portfolio/tongwulang/").content.decode()
    for ident in ("by-kind", "by-content", "by-subject", "by-party-kind", "by-origin"):
        assert f'id="{ident}"' in page, ident
    assert page.count('class="chart"') >= 8  # six breakdowns, the heat map, the map
    assert "Social force" in page and "Government (bureau)" in page
    assert 'id="map"' in page and "cartogram" in page


def test_publish_records_the_date_once_per_period_and_is_audited(example, users, client):
    area = example["c1"].area
    before = AuditEntry.objects.count()
    row = portfolio_publish(actor=users["twl-sec"], area=area, period="2025")
    assert row.figures == {
        "cooperations": 3,
        "assessed": 1,
        "met": 1,
        "unmet": 0,
        "share": "1",
    }
    assert AuditEntry.objects.count() == before + 1
    entry = AuditEntry.objects.order_by("-seq").first()
    assert (entry.action, entry.object_id) == ("partnerships.portfolio_publish", "tongwulang:2025")
    again = portfolio_publish(actor=users["twl-sec"], area=area, period="2025")
    assert PortfolioPublication.objects.filter(area=area).count() == 1
    assert again.published_at >= row.published_at
    with pytest.raises(PermissionDenied):
        portfolio_publish(actor=users["langfang"], area=area, period="2025")
    with pytest.raises(ValueError, match="period"):
        portfolio_publish(actor=users["twl-sec"], area=area, period="2025-3")
    with pytest.raises(ValueError, match="no compliance results"):
        portfolio_publish(actor=users["twl-sec"], area=area, period="2024")
    assert AuditEntry.objects.count() == before + 2
    client.force_login(users["tongzhou"])
    body = client.get("/api/partnerships/portfolio/tongwulang").json()
    assert body["publications"]["2025"]["figures"]["met"] == 1
    page = client.get("/partnerships/portfolio/tongwulang/").content.decode()
    assert again.published_at.date().isoformat() in page
    assert "Publish again" not in page  # only the secretariat publishes


def test_publish_page_button(example, users, client):
    client.force_login(users["twl-sec"])
    r = client.post("/partnerships/portfolio/tongwulang/publish/", {"period": "2025"})
    assert r.status_code == 302
    assert PortfolioPublication.objects.filter(period="2025").count() == 1
    client.force_login(users["langfang"])
    client.post("/partnerships/portfolio/tongwulang/publish/", {"period": "2025-1"})
    assert not PortfolioPublication.objects.filter(period="2025-1").exists()


def test_unknown_member_is_404(example, users, client):
    client.force_login(users["admin"])
    assert client.get("/partnerships/portfolio/tongwulang/130102000000/").status_code == 404
    assert client.get("/api/partnerships/portfolio/tongwulang?member=999").status_code == 404
    assert client.get(f"/partnerships/portfolio/nowhere/{LF}/").status_code == 404
