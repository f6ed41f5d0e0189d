"""POST /talent/rounds/<id>/apply/withdraw/: a teacher takes her list back while the round is
open."""

from xietong.talent import services
from xietong.talent.models import Application

from .pages import audit_rows, client, said


def _applied(tw):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    services.application_submit(
        rnd=rnd, teacher=tw["teachers"]["a0"], post_codes=["PD"], actor=tw["users"]["teacher-a"]
    )
    return rnd


def _has(rnd) -> bool:
    return Application.objects.filter(round=rnd, teacher__code="TA0").exists()


def test_the_teacher_withdraws(tw):
    rnd = _applied(tw)
    r = client(tw, "teacher-a").post(f"/talent/rounds/{rnd.pk}/apply/withdraw/", {})
    assert r["Location"] == f"/talent/rounds/{rnd.pk}/apply/?teacher=TA0"
    assert said(r) == ["Your application is withdrawn."] and not _has(rnd)


def test_the_manager_withdraws_for_her(tw):
    rnd = _applied(tw)
    client(tw, "jjj-sec").post(f"/talent/rounds/{rnd.pk}/apply/withdraw/", {"teacher": "TA0"})
    assert not _has(rnd)


def test_others_change_nothing(tw):
    rnd = _applied(tw)
    url = f"/talent/rounds/{rnd.pk}/apply/withdraw/"
    before = audit_rows()
    r = client(tw, "school-a").post(url, {"teacher": "TA0"})  # applies for her, never withdraws
    assert any("school-a may not withdraw this application" in m for m in said(r)), said(r)
    r = client(tw, "tongzhou").post(url, {"teacher": "TA0"})
    assert said(r) == ["No teacher record is linked to your account."]
    assert client(tw, "jiangsu").post(url, {"teacher": "TA0"}).status_code == 404
    assert client(tw, "teacher-a").get(url).status_code == 405
    assert _has(rnd) and audit_rows() == before


def test_nothing_to_withdraw_says_so(tw):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    before = audit_rows()
    r = client(tw, "teacher-a").post(f"/talent/rounds/{rnd.pk}/apply/withdraw/", {})
    assert said(r) == ["There is no application to withdraw."] and audit_rows() == before
