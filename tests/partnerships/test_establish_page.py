"""The set-up form: a secretariat or a bureau above the lead party sets a cooperation up
(top-down), with schools, a jurisdiction and a social partner as parties."""

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import Cooperation, Origin
from xietong.partnerships.services import social_partner_create

from .conftest import audited, client_of, snapshot


def _data(world, **over):
    s = world["schools"]
    data = {
        "code": "TWL-2026-010",
        "kind": "group_close",
        "title_zh": "通武廊紧密型教育集团",
        "area": "tongwulang",
        "principal": "lead_appoints",
        "term_start": "2026-09-01",
        "term_end": "2029-08-31",
        "content": ["management"],
        "party1_role": "lead",
        "party1_school": s["B"].code,
        "party2_role": "member",
        "party2_school": s["D"].code,
        "party3_role": "supported",
        "party3_jurisdiction": "131000000000",
    }
    return {**data, **over}


def test_a_secretariat_sets_up_a_cooperation(world, users):
    sp = social_partner_create(actor=None, name_zh="某大学", kind="university")
    c = client_of(users["twl-sec"])
    html = c.get("/partnerships/establish/").content.decode()
    assert "Education group, close" in html and "Education group, loose" in html
    assert "某大学 (University)" in html  # social partners are offered
    home = c.get("/partnerships/").content.decode()
    assert "/partnerships/establish/" in home and "/partnerships/social-partners/new/" in home
    r = c.post(
        "/partnerships/establish/",
        _data(world, party4_role="supporting", party4_social=str(sp.pk)),
    )
    coop = Cooperation.objects.get(code="TWL-2026-010")
    assert r.status_code == 302 and r["Location"] == f"/partnerships/{coop.pk}/"
    assert coop.origin == Origin.TOP_DOWN and coop.kind == "group_close"
    kinds = sorted((p.kind, p.role) for p in coop.parties.all())
    assert kinds == [
        ("jurisdiction", "supported"),
        ("school", "lead"),
        ("school", "member"),
        ("social", "supporting"),
    ]
    assert coop.covers_management and coop.principal == "lead_appoints"
    assert audited(AuditAction.PARTNERSHIPS_ESTABLISH) == 1


def test_the_wrong_user_cannot_set_up(world, users):
    for who in ("school-a", "teacher-a", "public"):
        assert client_of(users[who]).get("/partnerships/establish/").status_code == 403, who
    before = snapshot()
    # Langfang's bureau is not above the lead (a Tongzhou school) and runs no area
    r = client_of(users["langfang"]).post("/partnerships/establish/", _data(world, area=""))
    assert r.status_code == 403 and snapshot() == before
    assert "may not set up a cooperation here" in r.content.decode()


def test_bad_party_rows_are_shown_and_nothing_is_written(world, users):
    c = client_of(users["twl-sec"])
    before = snapshot()
    r = c.post("/partnerships/establish/", _data(world, party2_jurisdiction="120114000000"))
    assert r.status_code == 400
    assert "Name exactly one school, jurisdiction or social partner" in r.content.decode()
    r = c.post("/partnerships/establish/", _data(world, party1_school="999999999999"))
    assert r.status_code == 400
    assert "999999999999 is not a school you may name as a party." in r.content.decode()
    r = c.post("/partnerships/establish/", _data(world, party2_school=world["schools"]["B"].code))
    assert r.status_code == 400 and "party 2: named twice." in r.content.decode()
    r = c.post("/partnerships/establish/", _data(world, kind="nonsense"))
    assert r.status_code == 400 and "nonsense is not one of the available" in r.content.decode()
    assert snapshot() == before
