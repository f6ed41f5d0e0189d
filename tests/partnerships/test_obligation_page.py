"""Obligations: a quota per period with its verification standard, added and edited by the
cooperation's managers."""

from decimal import Decimal

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import Obligation

from .conftest import audited, client_of, snapshot

DATA = {
    "code": "sync",
    "measure": "lessons",
    "quota": "20",
    "period_kind": "year",
    "standard": "partner_confirmed",
    "activity_kinds": ["sync_lesson"],
    "subjects": ["maths", "chinese"],
    "min_subjects": "2",
}


def test_a_manager_adds_and_edits_an_obligation(active, users):
    coop, _a, _b = active
    c = client_of(users["twl-sec"])
    assert (
        f"/partnerships/{coop.pk}/obligations/new/"
        in c.get(f"/partnerships/{coop.pk}/").content.decode()
    )
    assert c.get(f"/partnerships/{coop.pk}/obligations/new/").status_code == 200
    r = c.post(f"/partnerships/{coop.pk}/obligations/new/", DATA)
    assert r.status_code == 302
    ob = Obligation.objects.get(cooperation=coop, code="sync")
    assert (ob.measure, ob.quota, ob.standard, ob.min_subjects) == (
        "lessons",
        Decimal("20.00"),
        "partner_confirmed",
        2,
    )
    assert ob.activity_kinds == ["sync_lesson"] and ob.subjects == ["chinese", "maths"]
    url = f"/partnerships/{coop.pk}/obligations/sync/edit/"
    assert url in c.get(f"/partnerships/{coop.pk}/").content.decode()
    page = c.get(url).content.decode()
    assert 'value="20.00"' in page and "disabled" in page  # the code is kept
    edited = {**DATA, "code": "other", "quota": "24", "standard": "authority_verified"}
    assert c.post(url, edited).status_code == 302
    ob.refresh_from_db()
    assert ob.quota == Decimal("24.00") and ob.standard == "authority_verified"
    assert not Obligation.objects.filter(code="other").exists()
    assert audited(AuditAction.PARTNERSHIPS_OBLIGATION_SET) == 2


def test_the_wrong_user_cannot_set_obligations(active, users):
    coop, _a, _b = active
    before = snapshot()
    url = f"/partnerships/{coop.pk}/obligations/new/"
    assert client_of(users["jiangsu"]).post(url, DATA).status_code == 404
    school = client_of(users["school-a"])  # a party, not a manager
    assert school.get(url).status_code == 403 and school.post(url, DATA).status_code == 403
    assert url not in school.get(f"/partnerships/{coop.pk}/").content.decode()
    sec = client_of(users["twl-sec"])
    assert sec.get(f"/partnerships/{coop.pk}/obligations/nope/edit/").status_code == 404
    assert snapshot() == before


def test_bad_quota_is_shown_and_nothing_is_written(active, users):
    coop, _a, _b = active
    c = client_of(users["twl-sec"])
    before = snapshot()
    r = c.post(f"/partnerships/{coop.pk}/obligations/new/", {**DATA, "quota": "-1"})
    assert r.status_code == 400
    assert "Ensure this value is greater than or equal to 0." in r.content.decode()
    r = c.post(f"/partnerships/{coop.pk}/obligations/new/", {**DATA, "standard": "rumour"})
    assert r.status_code == 400 and "rumour is not one of the available" in r.content.decode()
    assert snapshot() == before
