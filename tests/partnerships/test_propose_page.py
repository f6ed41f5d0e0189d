"""The propose form: a school proposes a cooperation it takes part in (bottom-up)."""

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import Cooperation, Origin

from .conftest import audited, client_of, snapshot


def _data(world, **over):
    s = world["schools"]
    data = {
        "school": s["A"].code,
        "code": "TWL-2026-009",
        "kind": "community_fusion",
        "title_zh": "通州—安次融合型教共体",
        "title_en": "Tongzhou-Anci fusion community",
        "area": "tongwulang",
        "principal": "one_head_many_schools",
        "term_start": "2026-01-01",
        "term_end": "2028-12-31",
        "content": ["curriculum", "teaching_research"],
        "subjects": ["maths", "chinese"],
        "party1_role": "lead",
        "party1_school": s["B"].code,
        "party2_role": "supported",
        "party2_school": s["A"].code,
    }
    return {**data, **over}


def test_a_school_proposes_through_the_form(world, users):
    c = client_of(users["school-a"])
    page = c.get("/partnerships/propose/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'name="party1_school"' in html and 'name="party6_social"' in html
    assert "Education community, fusion" in html  # every model, incl. the 教共体 subtypes
    home = c.get("/partnerships/").content.decode()
    assert "/partnerships/propose/" in home and "/partnerships/establish/" not in home
    r = c.post("/partnerships/propose/", _data(world), follow=True)
    coop = Cooperation.objects.get(code="TWL-2026-009")
    assert r.redirect_chain[-1][0] == f"/partnerships/{coop.pk}/"
    assert "Cooperation proposed" in r.content.decode()
    assert coop.origin == Origin.BOTTOM_UP and coop.kind == "community_fusion"
    assert coop.principal == "one_head_many_schools" and coop.area.slug == "tongwulang"
    assert coop.subjects == ["chinese", "maths"] and coop.covers_curriculum
    assert not coop.covers_management
    assert {(p.school.code, p.role) for p in coop.parties.all()} == {
        (world["schools"]["B"].code, "lead"),
        (world["schools"]["A"].code, "supported"),
    }
    assert coop.lead.school == world["schools"]["B"]
    assert audited(AuditAction.PARTNERSHIPS_PROPOSE) == 1


def test_the_wrong_user_cannot_propose(world, users):
    assert client_of(None).get("/partnerships/propose/").status_code == 302  # log in first
    for who in ("teacher-a", "public", "twl-sec"):
        assert client_of(users[who]).get("/partnerships/propose/").status_code == 403, who
    before = snapshot()
    # a Tongzhou bureau acts for Tongzhou's schools, not for Langfang's school A
    r = client_of(users["tongzhou"]).post("/partnerships/propose/", _data(world))
    assert r.status_code == 400
    assert "is not a school you act for" in r.content.decode()
    assert r.status_code == 400 and snapshot() == before


def test_bad_input_is_shown_on_the_form_and_nothing_is_written(world, users, pairing):
    c = client_of(users["school-a"])
    before = snapshot()
    r = c.post(
        "/partnerships/propose/",
        _data(world, term_end="2025-06-30", party2_role="", party2_school=""),
    )
    html = r.content.decode()
    assert r.status_code == 400
    assert "The term ends before it starts." in html and "Name at least two parties." in html
    assert "Please correct the errors below; nothing was saved." in html
    r = c.post("/partnerships/propose/", _data(world, party1_role=""))
    assert r.status_code == 400 and "Give this party&#x27;s role." in r.content.decode()
    # the proposing school must take part
    r = c.post(
        "/partnerships/propose/",
        _data(world, party2_school=world["schools"]["D"].code),
    )
    assert "The proposing school must be one of the parties." in r.content.decode()
    # the service refuses what the form cannot know: a code already used
    r = c.post("/partnerships/propose/", _data(world, code=pairing.code))
    assert r.status_code == 400 and "is already used" in r.content.decode()
    assert 'value="TWL-2025-001"' in r.content.decode()  # the form keeps what was typed
    assert snapshot() == before
