"""Suspend, resume and exit with a reason code and a free note, by the cooperation's managers."""

from xietong.audit.models import AuditEntry
from xietong.audit.vocabulary import AuditAction

from .conftest import audited, client_of, snapshot


def test_a_manager_suspends_resumes_and_exits(active, users):
    coop, _a, _b = active
    c = client_of(users["twl-sec"])
    page = c.get(f"/partnerships/{coop.pk}/").content.decode()
    assert f"/partnerships/{coop.pk}/status/suspend/" in page
    assert f"/partnerships/{coop.pk}/status/resume/" not in page  # not open while active
    assert c.get(f"/partnerships/{coop.pk}/status/suspend/").status_code == 200
    r = c.post(
        f"/partnerships/{coop.pk}/status/suspend/",
        {"reason": "obligations_unmet", "note": "2025 年同步课堂不足"},
        follow=True,
    )
    html = r.content.decode()
    assert "Suspended." in html and "2025 年同步课堂不足" in html
    coop.refresh_from_db()
    assert (coop.status, coop.status_reason) == ("suspended", "obligations_unmet")
    entry = AuditEntry.objects.get(action=str(AuditAction.PARTNERSHIPS_SUSPEND))
    assert entry.after["note"] == "2025 年同步课堂不足"
    r = c.post(f"/partnerships/{coop.pk}/status/resume/", {"reason": "other"})
    coop.refresh_from_db()
    assert r.status_code == 302 and coop.status == "active" and coop.status_note == ""
    c.post(f"/partnerships/{coop.pk}/status/exit/", {"reason": "party_withdrew"})
    coop.refresh_from_db()
    assert (coop.status, coop.status_reason) == ("exited", "party_withdrew")
    assert audited(AuditAction.PARTNERSHIPS_RESUME) == audited(AuditAction.PARTNERSHIPS_EXIT) == 1


def test_the_wrong_user_cannot_change_the_status(active, users):
    coop, _a, _b = active
    url = f"/partnerships/{coop.pk}/status/suspend/"
    before = snapshot()
    assert client_of(users["jiangsu"]).post(url, {"reason": "other"}).status_code == 404
    school = client_of(users["school-a"])  # a party, not a manager
    assert school.get(url).status_code == 403
    assert school.post(url, {"reason": "other"}).status_code == 403
    assert (
        client_of(users["twl-sec"]).get(f"/partnerships/{coop.pk}/status/pause/").status_code == 404
    )
    assert snapshot() == before


def test_bad_reason_or_step_is_shown_and_nothing_is_written(active, users):
    coop, _a, _b = active
    c = client_of(users["twl-sec"])
    before = snapshot()
    r = c.post(f"/partnerships/{coop.pk}/status/suspend/", {"reason": "bored"})
    assert r.status_code == 400 and "bored is not one of the available" in r.content.decode()
    r = c.post(f"/partnerships/{coop.pk}/status/suspend/", {"reason": "other", "note": "x" * 1001})
    assert r.status_code == 400 and "at most 1000 characters" in r.content.decode()
    r = c.post(f"/partnerships/{coop.pk}/status/resume/", {"reason": "other"})  # it is active
    assert r.status_code == 400 and "this step is not open" in r.content.decode()
    assert snapshot() == before
