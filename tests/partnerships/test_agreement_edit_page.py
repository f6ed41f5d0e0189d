"""Editing the agreement makes a new version and voids the approvals; approving stays a button."""

import json

from xietong.audit.vocabulary import AuditAction
from xietong.partnerships.models import Approval
from xietong.partnerships.services import current_version

from .conftest import audited, client_of, snapshot


def test_edit_makes_a_new_version_and_approval_starts_again(active, users):
    coop, a, _b = active
    c = client_of(users["school-a"])
    assert "/agreement/" in c.get(f"/partnerships/{coop.pk}/").content.decode()
    old = current_version(coop)
    page = c.get(f"/partnerships/{coop.pk}/agreement/")
    assert page.status_code == 200 and "TWL-2025-001" in page.content.decode()
    content = {**old.content, "clauses": "每学期互派两名骨干教师"}
    r = c.post(
        f"/partnerships/{coop.pk}/agreement/",
        {"content": json.dumps(content, ensure_ascii=False)},
        follow=True,
    )
    assert "Agreement saved as a new version" in r.content.decode()
    coop.refresh_from_db()
    new = current_version(coop)
    assert new.number == 2 and new.content["clauses"] == "每学期互派两名骨干教师"
    assert coop.status == "proposed"
    assert Approval.objects.filter(version=old).count() == 4  # kept, but on the old hash
    assert not Approval.objects.filter(version=new).exists()
    assert audited(AuditAction.PARTNERSHIPS_AGREEMENT_EDIT) == 1
    # school A approves the new version from the cooperation page
    r = c.post(
        f"/partnerships/{coop.pk}/approve/",
        {"party": a.pk, "content_hash": new.content_hash},
        follow=True,
    )
    assert "Approval recorded." in r.content.decode()
    assert Approval.objects.filter(version=new, party=a).count() == 1


def test_the_wrong_user_cannot_edit(active, users):
    coop, _a, _b = active
    before = snapshot()
    url = f"/partnerships/{coop.pk}/agreement/"
    assert client_of(users["jiangsu"]).get(url).status_code == 404  # out of scope
    assert client_of(users["jiangsu"]).post(url, {"content": '{"x": 1}'}).status_code == 404
    teacher = client_of(users["teacher-a"])  # reads it, acts for no party
    assert teacher.get(url).status_code == 403
    assert "/agreement/" not in teacher.get(f"/partnerships/{coop.pk}/").content.decode()
    assert teacher.post(url, {"content": '{"x": 1}'}).status_code == 403
    assert snapshot() == before


def test_bad_terms_are_shown_and_nothing_is_written(active, users):
    coop, _a, _b = active
    c = client_of(users["school-a"])
    url = f"/partnerships/{coop.pk}/agreement/"
    before = snapshot()
    r = c.post(url, {"content": '{"clauses": "x",'})
    assert r.status_code == 400 and "Not valid JSON: line 1, column" in r.content.decode()
    r = c.post(url, {"content": "[1, 2]"})
    assert r.status_code == 400 and "Write the terms as a JSON object" in r.content.decode()
    same = json.dumps(current_version(coop).content)
    r = c.post(url, {"content": same})
    assert r.status_code == 400 and "unchanged from version 1" in r.content.decode()
    assert snapshot() == before
