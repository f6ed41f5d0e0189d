import pytest

from xietong.talent import engine, services
from xietong.talent.models import Choice, Placement
from xietong.talent.services import LifecycleError

from .conftest import apply_all, run_to


def test_certificate_stored_and_valid(tw):
    rnd = run_to(tw, "matched")
    cert = rnd.certificate
    assert cert["ok"] is True
    assert cert["blocking_pairs"] == 0
    assert cert["teachers"] == 9
    assert cert["seats"] == 4
    assert len(cert["fingerprint"]) == 64
    # the stored result passes the independent certificate again
    assert engine.verify_stored(rnd)["ok"]
    placed = Placement.objects.filter(round=rnd, post__isnull=False)
    assert placed.count() == 4  # four seats, nine applicants, all acceptable


def test_points_decide_and_why_not_explains(tw):
    rnd = apply_all(tw)
    rnd = services.round_close_applications(rnd=rnd, actor=None)
    # Langfang's school gives TB6 (who ranks PA first) the most points at PA
    services.scores_set(rnd=rnd, post=tw["posts"]["PA"], scores={"TB6": 100, "TB4": 90}, actor=None)
    rnd = services.round_match(rnd=rnd, actor=None)
    got = {
        p.teacher.code: (p.post.code if p.post else None)
        for p in Placement.objects.filter(round=rnd).select_related("teacher", "post")
    }
    assert got["TB6"] == "PA" and got["TB4"] == "PA"
    loser = Placement.objects.get(round=rnd, teacher__code="TB0")
    assert loser.why_not and loser.why_not[0]["post"] == "PA"
    assert loser.why_not[0]["reason"] == "below_cutoff"
    assert loser.why_not[0]["cutoff_points"] == 90
    assert loser.why_not[0]["your_points"] < 90


def test_lottery_is_seeded(tw):
    rnd = run_to(tw, "matched")
    first = dict(Placement.objects.filter(round=rnd).values_list("teacher_id", "post_id"))
    rnd = services.round_match(rnd=rnd, actor=None)  # re-run from matched
    again = dict(Placement.objects.filter(round=rnd).values_list("teacher_id", "post_id"))
    assert first == again


def test_review_refuses_changed_inputs(tw):
    rnd = run_to(tw, "matched")
    Choice.objects.filter(post__code="PA").update(score=999)  # behind the services' back
    with pytest.raises(LifecycleError, match="inputs changed"):
        services.round_review(rnd=rnd, actor=None)


def test_review_refuses_tampered_result(tw):
    rnd = run_to(tw, "matched")
    p = Placement.objects.filter(round=rnd, post__isnull=False).first()
    Placement.objects.filter(pk=p.pk).update(post=None, choice_rank=None)
    with pytest.raises(LifecycleError, match="certificate"):
        services.round_review(rnd=rnd, actor=None)


def test_staffing_floor_holds_teachers_back(tw):
    services.round_update(rnd=tw["round"], actor=None, max_departure_share="0.25")
    rnd = run_to(tw, "matched")
    # 8 maths teachers at B: at most 2 may leave
    moved = Placement.objects.filter(
        round=rnd, post__isnull=False, teacher__school=tw["schools"]["B"]
    )
    assert moved.count() <= 2
    assert rnd.certificate["ok"]
    assert Placement.objects.filter(round=rnd, gate=1).exists()


def test_school_cap(tw):
    services.round_update(rnd=tw["round"], actor=None, school_cap=1)
    rnd = run_to(tw, "matched")
    assert Placement.objects.filter(round=rnd, post__code="PA").count() <= 1
    assert rnd.certificate["ok"]


def test_balanced_exchange(tw):
    services.round_update(rnd=tw["round"], actor=None, balance_tolerance=0)
    rnd = run_to(tw, "matched")
    assert rnd.certificate["ok"]
    flows = engine.flows(rnd)
    sent = {}
    for f in flows:
        if f["from_code"] != f["to_code"]:
            sent[f["from_code"]] = sent.get(f["from_code"], 0) + f["teachers"]
            sent[f["to_code"]] = sent.get(f["to_code"], 0) - f["teachers"]
    assert all(v <= 0 for v in sent.values())
