"""Recording an activity against an obligation; the partner confirms and the authority verifies
it with the buttons that were there before."""

from decimal import Decimal

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import Activity
from xietong.partnerships.services import obligation_set

from .conftest import audited, client_of, snapshot


def _data(ob, a, b, **over):
    data = {
        "obligation": ob.code,
        "kind": "sync_lesson",
        "date": "2025-03-04",
        "quantity": "2",
        "provider": str(b.pk),
        "recipient": str(a.pk),
        "subject": "maths",
        "online": "true",
    }
    return {**data, **over}


def test_a_party_records_and_the_others_confirm_and_verify(active, users):
    coop, a, b = active
    ob = obligation_set(actor=None, cooperation=coop, code="sync", measure="lessons", quota=20)
    c = client_of(users["tongzhou"])  # acts for school B, the provider
    url = f"/partnerships/{coop.pk}/activities/new/"
    assert url in c.get(f"/partnerships/{coop.pk}/").content.decode()
    assert c.get(url).status_code == 200
    r = c.post(url, _data(ob, a, b), follow=True)
    assert "Activity recorded (self-reported)." in r.content.decode()
    act = Activity.objects.get(cooperation=coop)
    assert (act.kind, act.quantity, act.obligation, act.subject, act.online) == (
        "sync_lesson",
        Decimal("2.00"),
        ob,
        "maths",
        True,
    )
    assert act.provider == b and act.recipient == a and act.level == "self_reported"
    assert act.reported_by == users["tongzhou"]
    assert audited(AuditAction.PARTNERSHIPS_ACTIVITY_RECORD) == 1
    client_of(users["school-a"]).post(f"/partnerships/{coop.pk}/activities/{act.pk}/confirm/")
    client_of(users["twl-sec"]).post(f"/partnerships/{coop.pk}/activities/{act.pk}/verify/")
    act.refresh_from_db()
    assert act.level == "authority_verified"


def test_the_wrong_user_cannot_record(active, users):
    coop, a, b = active
    ob = obligation_set(actor=None, cooperation=coop, code="sync", measure="lessons", quota=20)
    url = f"/partnerships/{coop.pk}/activities/new/"
    before = snapshot()
    assert client_of(users["jiangsu"]).post(url, _data(ob, a, b)).status_code == 404
    for who in ("teacher-a", "twl-sec"):  # read it, act for no party
        c = client_of(users[who])
        assert c.get(url).status_code == 403 and c.post(url, _data(ob, a, b)).status_code == 403
    assert snapshot() == before


def test_bad_input_is_shown_and_nothing_is_written(active, users):
    coop, a, b = active
    ob = obligation_set(
        actor=None,
        cooperation=coop,
        code="sync",
        measure="lessons",
        quota=20,
        activity_kinds=["sync_lesson"],
    )
    c = client_of(users["tongzhou"])
    url = f"/partnerships/{coop.pk}/activities/new/"
    before = snapshot()
    r = c.post(url, _data(ob, a, b, quantity="lots", date="4 March"))
    html = r.content.decode()
    assert r.status_code == 400 and "Enter a number." in html and "Enter a valid date." in html
    r = c.post(url, _data(ob, a, b, date="2031-01-01"))
    assert r.status_code == 400 and "date: 2031-01-01 is outside the term." in r.content.decode()
    r = c.post(url, _data(ob, a, b, kind="visit"))
    assert "kind: obligation sync does not count this kind." in r.content.decode()
    assert snapshot() == before
