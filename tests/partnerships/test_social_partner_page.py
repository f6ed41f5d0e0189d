"""Registering a social partner: a service with its audit entry, and a small form."""

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import SocialPartner

from .conftest import audited, client_of, snapshot

DATA = {"name_zh": "某科技公司", "name_en": "A tech company", "kind": "enterprise"}


def test_a_secretariat_registers_a_social_partner(world, users):
    c = client_of(users["twl-sec"])
    assert c.get("/partnerships/social-partners/new/").status_code == 200
    r = c.post(
        "/partnerships/social-partners/new/",
        {**DATA, "credit_code": "91110108mA01abcd2x"},
        follow=True,
    )
    assert "Social partner registered" in r.content.decode()
    sp = SocialPartner.objects.get()
    assert (sp.name_zh, sp.kind, sp.credit_code) == (
        "某科技公司",
        "enterprise",
        "91110108MA01ABCD2X",
    )
    assert audited(AuditAction.PARTNERSHIPS_SOCIAL_PARTNER_CREATE) == 1
    # offered as a party, by its English name on an English page
    assert "A tech company (Enterprise)" in c.get("/partnerships/establish/").content.decode()


def test_the_wrong_user_cannot_register(world, users):
    assert client_of(None).get("/partnerships/social-partners/new/").status_code == 302
    before = snapshot()
    for who in ("school-a", "teacher-a", "public"):
        c = client_of(users[who])
        assert c.get("/partnerships/social-partners/new/").status_code == 403, who
        assert c.post("/partnerships/social-partners/new/", DATA).status_code == 403, who
    assert snapshot() == before


def test_bad_input_is_shown_and_nothing_is_written(world, users):
    c = client_of(users["langfang"])
    c.post("/partnerships/social-partners/new/", {**DATA, "credit_code": "91110108MA01ABCD2X"})
    before = snapshot()
    r = c.post("/partnerships/social-partners/new/", {**DATA, "credit_code": "91110108MA01ABCDOX"})
    assert r.status_code == 400
    assert "unified social credit code: 91110108MA01ABCDOX is not 18 characters" in (
        r.content.decode()
    )
    r = c.post("/partnerships/social-partners/new/", {**DATA, "credit_code": "91110108MA01ABCD2X"})
    assert r.status_code == 400 and "is already registered" in r.content.decode()
    r = c.post("/partnerships/social-partners/new/", {**DATA, "name_zh": ""})
    assert r.status_code == 400 and "This field is required." in r.content.decode()
    assert snapshot() == before
