"""POST /talent/rounds/<id>/apply/: a teacher's ranked list (herself, or her school for her)."""

from xietong.talent import services
from xietong.talent.models import Application

from .pages import audit_rows, client, said


def _open(tw):
    return services.round_open(rnd=tw["round"], actor=None)


def _listed(rnd, code="TA0"):
    app = Application.objects.filter(round=rnd, teacher__code=code).first()
    return services.listed_codes(app) if app else None


def test_a_teacher_saves_her_list(tw):
    rnd = _open(tw)
    r = client(tw, "teacher-a").post(f"/talent/rounds/{rnd.pk}/apply/", {"choice_1": "PD"})
    assert r.status_code == 302 and r["Location"] == f"/talent/rounds/{rnd.pk}/apply/?teacher=TA0"
    assert said(r) == ["Your application is saved."] and _listed(rnd) == ["PD"]


def test_her_school_applies_for_her(tw):
    rnd = _open(tw)
    data = {"teacher": "TA1", "choice_1": "PE", "choice_2": "PD"}
    client(tw, "school-a").post(f"/talent/rounds/{rnd.pk}/apply/", data)
    assert _listed(rnd, "TA1") == ["PE", "PD"]


def test_roles_that_may_not_apply_for_her_change_nothing(tw):
    rnd = _open(tw)
    url = f"/talent/rounds/{rnd.pk}/apply/"
    before = audit_rows()
    r = client(tw, "tongzhou").post(url, {"teacher": "TA0", "choice_1": "PD"})  # not its teacher
    assert r["Location"] == f"/talent/rounds/{rnd.pk}/"
    assert said(r) == ["No teacher record is linked to your account."]
    r = client(tw, "twl-sec").post(url, {"teacher": "TA0", "choice_1": "PD"})  # reads, no more
    assert any("twl-sec may not apply for teacher TA0" in m for m in said(r)), said(r)
    assert client(tw, "jiangsu").post(url, {"teacher": "TA0"}).status_code == 404
    assert _listed(rnd) is None and audit_rows() == before


def test_a_post_she_may_not_rank_is_a_form_error(tw):
    rnd = _open(tw)
    url = f"/talent/rounds/{rnd.pk}/apply/"
    before = audit_rows()
    c = client(tw, "teacher-a")
    for typed in ("NOPE", "PA"):  # PA is at her own school
        r = c.post(url, {"choice_1": typed})
        assert said(r) == [f"Choice 1: {typed} is not a post of this round you may rank."]
    r = c.post(url, {})
    assert said(r) == ["Rank at least one post."]  # the service checks again
    assert _listed(rnd) is None and audit_rows() == before
