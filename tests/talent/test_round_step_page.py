"""POST /talent/rounds/<id>/step/<step>/: one view per step of a round's lifecycle."""

import pytest

from xietong.jobs.models import Job
from xietong.talent.models import ExchangeRound

from .conftest import apply_all, run_to
from .pages import audit_rows, client, said

# the state each step starts from, how to get there, and the state it leaves
STEPS = [
    ("open", lambda tw: tw["round"], "open"),
    ("close", apply_all, "ranking"),
    ("review", lambda tw: run_to(tw, "matched"), "reviewed"),
    ("publish", lambda tw: run_to(tw, "reviewed"), "published"),
    ("service", lambda tw: run_to(tw, "published"), "in_service"),
    ("return", lambda tw: run_to(tw, "in_service"), "returned"),
]


def _url(rnd, step):
    return f"/talent/rounds/{rnd.pk}/step/{step}/"


def _status(rnd) -> str:
    return ExchangeRound.objects.get(pk=rnd.pk).status


@pytest.mark.parametrize(("step", "start", "end"), STEPS)
def test_the_manager_takes_the_step(tw, step, start, end):
    rnd = start(tw)
    data = {"override_reason": "targets next year"} if step == "publish" else {}
    r = client(tw, "jjj-sec").post(_url(rnd, step), data)
    assert r.status_code == 302 and r["Location"] == f"/talent/rounds/{rnd.pk}/"
    assert said(r) == ["Done."] and _status(rnd) == end


def test_the_review_note_is_kept(tw):
    rnd = run_to(tw, "matched")
    client(tw, "jjj-sec").post(_url(rnd, "review"), {"note": "checked twice"})
    assert ExchangeRound.objects.get(pk=rnd.pk).review_note == "checked twice"


def test_matching_is_queued_as_a_job(tw):
    rnd = run_to(tw, "ranking")
    r = client(tw, "jjj-sec").post(_url(rnd, "match"))
    assert r.status_code == 302 and Job.objects.filter(kind="talent.match").count() == 1


@pytest.mark.parametrize(("step", "start", "end"), STEPS)
def test_a_role_that_does_not_run_the_round_changes_nothing(tw, step, start, end):
    rnd = start(tw)
    before, status = audit_rows(), _status(rnd)
    data = {"override_reason": "x"} if step == "publish" else {}
    # the Langfang bureau sees the round once it is open, but does not run it
    r = client(tw, "langfang").post(_url(rnd, step), data)
    if status == "draft":
        assert r.status_code == 404
    else:
        assert r.status_code == 302 and any("langfang may not" in m for m in said(r)), said(r)
    # Jiangsu sees the jjj round only once it is published (then it is refused like Langfang)
    r = client(tw, "jiangsu").post(_url(rnd, step), data)
    if status in ("published", "in_service"):
        assert any("jiangsu may not" in m for m in said(r)), said(r)
    else:
        assert r.status_code == 404
    assert _status(rnd) == status and audit_rows() == before


def test_an_unknown_step_is_404(tw):
    assert client(tw, "jjj-sec").post(_url(tw["round"], "skip")).status_code == 404


def test_a_step_out_of_order_says_so_and_changes_nothing(tw):
    rnd, before = tw["round"], audit_rows()
    r = client(tw, "jjj-sec").post(_url(rnd, "publish"), {"override_reason": "x"})
    assert any("this step needs it to be" in m for m in said(r)), said(r)
    assert _status(rnd) == "draft" and audit_rows() == before


def test_publishing_despite_missed_targets_needs_a_reason(tw):
    rnd = run_to(tw, "reviewed")
    assert not rnd.policy["met"]
    before = audit_rows()
    c = client(tw, "jjj-sec")
    r = c.post(_url(rnd, "publish"), {"override_reason": "  "})
    assert any("give a reason to publish anyway" in m for m in said(r)), said(r)
    r = c.post(_url(rnd, "publish"), {"override_reason": "x" * 2001})  # longer than the form takes
    assert any(m.startswith("Reason to publish despite missed targets:") for m in said(r))
    assert _status(rnd) == "reviewed" and audit_rows() == before
