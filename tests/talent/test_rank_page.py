"""POST /talent/rounds/<id>/rank/: a host gives the applicants to its post points."""

from xietong.talent.models import Choice

from .conftest import run_to
from .pages import audit_rows, client, said


def _score(post="PA", teacher="TB0"):
    return Choice.objects.get(post__code=post, application__teacher__code=teacher).score


def test_the_host_school_scores_its_post(tw):
    rnd = run_to(tw, "ranking")
    r = client(tw, "school-a").post(
        f"/talent/rounds/{rnd.pk}/rank/", {"post": "PA", "score:TB0": "77", "score:TB2": ""}
    )
    assert r["Location"] == f"/talent/rounds/{rnd.pk}/rank/?post=PA"
    assert said(r) == ["2 scores saved."]
    assert _score() == 77 and _score(teacher="TB2") is None  # empty: not acceptable there
    assert _score(teacher="TB4") is not None  # a box not sent is left as it was


def test_other_posts_and_roles_are_404(tw):
    rnd = run_to(tw, "ranking")
    url = f"/talent/rounds/{rnd.pk}/rank/"
    before, score = audit_rows(), _score()
    assert client(tw, "school-a").post(url, {"post": "PD", "score:TB1": "5"}).status_code == 404
    assert client(tw, "tongzhou").post(url, {"post": "PA", "score:TB0": "5"}).status_code == 404
    assert client(tw, "jiangsu").post(url, {"post": "PA", "score:TB0": "5"}).status_code == 404
    assert client(tw, "school-a").post(url, {"score:TB0": "5"}).status_code == 404  # no post
    assert _score() == score and audit_rows() == before


def test_points_that_are_not_numbers_are_form_errors(tw):
    rnd = run_to(tw, "ranking")
    url = f"/talent/rounds/{rnd.pk}/rank/"
    before, score = audit_rows(), _score()
    c = client(tw, "school-a")
    for value, error in (("lots", "Enter a number."), ("5000", "less than or equal to 1000")):
        r = c.post(url, {"post": "PA", "score:TB0": value})
        assert r.status_code == 302
        assert any(m.startswith("北京教师0 (TB0):") and error in m for m in said(r)), said(r)
    r = c.post(url, {"post": "PA", "score:TA1": "5"})  # did not apply there: no box, no change
    assert said(r) == ["0 scores saved."]
    assert _score() == score and audit_rows() == before + 1
