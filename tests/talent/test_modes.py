"""Individually rational rounds: deferred acceptance with incumbent protection ("ir_da") and the
Teacher-Optimal Block Exchange ("tobe"); the mechanism setting and its refused combinations."""

import json

import numpy as np
import pytest
from django.test import Client

from xietong.accounts.services import token_create
from xietong.talent import engine, services
from xietong.talent.models import Application, ExchangeRound, Placement, Teacher
from xietong.talent.services import LifecycleError


def _results(rnd) -> dict[str, str | None]:
    return {
        p.teacher.code: (p.post.code if p.post_id else None)
        for p in Placement.objects.filter(round=rnd).select_related("teacher", "post")
    }


def _da_on_same_data(rnd) -> dict[str, str | None]:
    """Plain deferred acceptance on the round's stored applications and points (no writes)."""
    copy = ExchangeRound.objects.get(pk=rnd.pk)
    copy.mode = "da"
    out = engine.run_round(copy)
    assert out.certificate.ok
    codes = dict(Teacher.objects.values_list("pk", "code"))
    return {
        codes[tid]: (out.inp.post_codes[a] if a >= 0 else None)
        for tid, a in zip(out.inp.teacher_ids.tolist(), out.assignment.tolist(), strict=True)
    }


def _ir_round(tw):
    """b0 ranks PD, then staying at home, then PE; b1 ranks PD. PD prefers b1.

    Hand-checked: plain DA gives b1 PD and sends b0 to PE, a post she likes less than staying;
    IR deferred acceptance gives b1 PD and keeps b0 at home (her list is cut at HOME)."""
    sec = tw["users"]["jjj-sec"]
    t = tw["teachers"]
    rnd = services.round_update(rnd=tw["round"], actor=sec, mode="ir_da")
    rnd = services.round_open(rnd=rnd, actor=sec)
    services.application_submit(
        rnd=rnd, teacher=t["b0"], post_codes=["PD", "HOME", "PE"], actor=None
    )
    services.application_submit(rnd=rnd, teacher=t["b1"], post_codes=["PD"], actor=None)
    rnd = services.round_close_applications(rnd=rnd, actor=sec)
    services.scores_set(rnd=rnd, post=tw["posts"]["PD"], scores={"TB1": 100, "TB0": 50}, actor=sec)
    return services.round_match(rnd=rnd, actor=sec)


def test_mode_is_stored_and_shown(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = services.round_update(rnd=tw["round"], actor=sec, mode="tobe")
    rnd.refresh_from_db()
    assert rnd.mode == "tobe" and rnd.is_ir
    c = Client()
    c.force_login(sec)
    page = c.get(f"/talent/rounds/{rnd.pk}/").content.decode()
    assert "Teacher-optimal block exchange (TO-BE)" in page and 'id="mode-form"' in page
    # the page's form changes it back
    c.post(f"/talent/rounds/{rnd.pk}/settings/", {"mode": "ir_da"})
    rnd.refresh_from_db()
    assert rnd.mode == "ir_da"


def test_ir_da_nobody_worse_than_home_while_da_moves_down(tw):
    rnd = _ir_round(tw)
    assert rnd.certificate["ok"] and rnd.certificate["mode"] == "ir_da"
    assert rnd.certificate["ir_violations"] == 0
    assert rnd.certificate["stayed"] == 1
    got = _results(rnd)
    assert got == {"TB0": None, "TB1": "PD"}  # b0 stays at home
    # plain DA on the same data: b0 ends at PE, which she ranked below staying
    assert _da_on_same_data(rnd) == {"TB0": "PE", "TB1": "PD"}
    assert Application.objects.get(round=rnd, teacher__code="TB0").home_rank == 1
    # why not: PD took a teacher with more points; nothing about posts below home
    b0 = Placement.objects.get(round=rnd, teacher__code="TB0")
    assert [(w["post"], w["reason"]) for w in b0.why_not] == [("PD", "below_cutoff")]
    assert b0.why_not[0]["cutoff_points"] == 100 and b0.why_not[0]["your_points"] == 50
    # the results page says she stays
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    page = c.get(f"/talent/rounds/{rnd.pk}/results/").content.decode()
    assert "stays at her current post" in page
    # the stored certificate is checked again, in the round's mode, at review
    assert engine.verify_stored(rnd)["ok"]
    rnd = services.round_review(rnd=rnd, actor=tw["users"]["jjj-sec"])
    assert rnd.status == "reviewed"


def test_ir_review_refuses_a_move_below_home(tw):
    rnd = _ir_round(tw)
    # behind the services' back: send b0 to PE, which she ranked below staying
    Placement.objects.filter(round=rnd, teacher__code="TB0").update(post=tw["posts"]["PE"])
    check = engine.verify_stored(rnd)
    assert not check["ok"] and "1 teachers worse off than at home" in check["problems"]
    with pytest.raises(LifecycleError, match="certificate"):
        services.round_review(rnd=rnd, actor=tw["users"]["jjj-sec"])


def test_home_marker_in_application(tw):
    rnd = services.round_open(rnd=tw["round"], actor=tw["users"]["jjj-sec"])
    t = tw["teachers"]["b2"]
    app = services.application_submit(rnd=rnd, teacher=t, post_codes=["PA", "HOME"], actor=None)
    assert app.home_rank is None  # staying last is the default
    assert services.listed_codes(app) == ["PA"]
    app = services.application_submit(rnd=rnd, teacher=t, post_codes=["HOME", "PA"], actor=None)
    assert app.home_rank == 0 and services.listed_codes(app) == ["HOME", "PA"]
    with pytest.raises(ValueError, match="once"):
        services.application_submit(
            rnd=rnd, teacher=t, post_codes=["HOME", "PA", "HOME"], actor=None
        )
    with pytest.raises(ValueError, match="at least one post"):
        services.application_submit(rnd=rnd, teacher=t, post_codes=["HOME"], actor=None)


def test_tobe_two_teachers_swap(tw):
    """a0 (Langfang A) holds a seat of A's post PA, d0 (Wuqing D) holds D's post PD: each wants
    the other's. b0 (Tongzhou B, whose school offers no post) wants PE, a vacant seat.

    Hand-checked TO-BE: PA points to a0 (unranked incumbent, lowest), PD to d0; d0 points to
    PA (PA ranks her above a0), a0 to PD: the cycle a0 -> PD -> d0 -> PA -> a0 is carried out.
    b0's own seat is not wanted by anyone and PE's vacancy can only be filled by a newcomer's
    chain, so b0 stays at home. Plain DA on the same data also places b0 at PE."""
    s = tw["schools"]
    sec = tw["users"]["jjj-sec"]
    d0 = Teacher.objects.create(
        code="TD0",
        name="武清教师0",
        school=s["D"],
        subject="maths",
        stage="primary",
        years_at_school=8,
    )
    rnd = services.round_update(rnd=tw["round"], actor=sec, mode="tobe")
    rnd = services.round_open(rnd=rnd, actor=sec)
    t = tw["teachers"]
    services.application_submit(rnd=rnd, teacher=t["a0"], post_codes=["PD"], actor=None)
    services.application_submit(rnd=rnd, teacher=d0, post_codes=["PA"], actor=None)
    services.application_submit(rnd=rnd, teacher=t["b0"], post_codes=["PE"], actor=None)
    rnd = services.round_close_applications(rnd=rnd, actor=sec)
    rnd = services.round_match(rnd=rnd, actor=sec)
    cert = rnd.certificate
    assert cert["ok"] and cert["mode"] == "tobe" and cert["ir_violations"] == 0
    assert cert["mechanism"] == "tobe" and "stability_notion" not in cert  # codes, not prose
    assert _results(rnd) == {"TA0": "PD", "TD0": "PA", "TB0": None}
    assert _da_on_same_data(rnd) == {"TA0": "PD", "TD0": "PA", "TB0": "PE"}
    b0 = Placement.objects.get(round=rnd, teacher__code="TB0")
    assert [(w["post"], w["reason"]) for w in b0.why_not] == [("PE", "no_exchange")]
    # the market as the engine saw it: current posts PA, PD and b0's private home post
    inp = engine.round_input(rnd)
    codes = [inp.post_codes[p] for p in inp.current_post.tolist()]
    assert sorted(codes) == ["PA", "PD", "home:TB0"]
    assert inp.n_real == 3 and inp.market.n_posts == 4
    # verified at review in TO-BE mode; a tampered swap is refused
    assert engine.verify_stored(rnd)["ok"]
    Placement.objects.filter(round=rnd, teacher=d0).update(post=None, choice_rank=None)
    check = engine.verify_stored(rnd)
    assert not check["ok"] and "1 teachers worse off than at home" in check["problems"]
    with pytest.raises(LifecycleError, match="certificate"):
        services.round_review(rnd=rnd, actor=sec)
    Placement.objects.filter(round=rnd, teacher=d0).update(post=tw["posts"]["PA"], choice_rank=0)
    assert services.round_review(rnd=rnd, actor=sec).status == "reviewed"


def test_ir_with_staffing_floor_and_balance(tw):
    """The gates work in the IR modes too: balance with tolerance 0 between Hebei, Tianjin and
    Beijing still lets the Hebei-Tianjin swap happen (it is balanced)."""
    s = tw["schools"]
    sec = tw["users"]["jjj-sec"]
    d0 = Teacher.objects.create(
        code="TD0",
        name="武清教师0",
        school=s["D"],
        subject="maths",
        stage="primary",
        years_at_school=8,
    )
    rnd = services.round_update(rnd=tw["round"], actor=sec, mode="tobe", balance_tolerance=0)
    rnd = services.round_open(rnd=rnd, actor=sec)
    services.application_submit(
        rnd=rnd, teacher=tw["teachers"]["a0"], post_codes=["PD"], actor=None
    )
    services.application_submit(rnd=rnd, teacher=d0, post_codes=["PA"], actor=None)
    rnd = services.round_close_applications(rnd=rnd, actor=sec)
    rnd = services.round_match(rnd=rnd, actor=sec)
    assert rnd.certificate["ok"]
    assert _results(rnd) == {"TA0": "PD", "TD0": "PA"}
    assert services.round_review(rnd=rnd, actor=sec).status == "reviewed"


def test_bad_combinations_refused(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = tw["round"]
    with pytest.raises(ValueError, match="Unknown mechanism"):
        services.round_update(rnd=rnd, actor=sec, mode="serial_dictatorship")
    services.round_update(rnd=rnd, actor=sec, school_cap=1)
    with pytest.raises(ValueError, match="School caps cannot be combined"):
        services.round_update(rnd=rnd, actor=sec, mode="tobe")
    rnd.refresh_from_db()
    assert rnd.mode == "da"
    # both at once is fine when the cap goes
    services.round_update(rnd=rnd, actor=sec, mode="ir_da", school_cap=-1)
    with pytest.raises(ValueError, match="School caps cannot be combined"):
        services.round_update(rnd=rnd, actor=sec, school_cap=2)
    with pytest.raises(ValueError, match="School caps cannot be combined"):
        services.round_create(
            name="r", year=2025, area=tw["areas"]["jjj"], actor=sec, mode="tobe", school_cap=1
        )
    # the mechanism is fixed once the round is open
    rnd = services.round_open(rnd=rnd, actor=sec)
    with pytest.raises(LifecycleError, match="only be changed while the round is a draft"):
        services.round_update(rnd=rnd, actor=sec, mode="da")
    services.round_update(rnd=rnd, actor=sec, mode="ir_da", seed=7)  # unchanged mode is fine
    # HOME is reserved as a post code
    with pytest.raises(ValueError, match="reserved"):
        services.post_create(
            rnd=rnd,
            code="home",
            host_school=tw["schools"]["A"],
            subject="maths",
            stage="primary",
            actor=sec,
        )


def test_mode_through_the_api(tw):
    user = tw["users"]["jjj-sec"]
    _t, secret = token_create(user=user, name="t", actor=user)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    pk = tw["round"].pk
    r = c.patch(
        f"/api/talent/rounds/{pk}", json.dumps({"mode": "tobe"}), content_type="application/json"
    )
    assert r.status_code == 200 and r.json()["mode"] == "tobe"
    r = c.patch(
        f"/api/talent/rounds/{pk}", json.dumps({"school_cap": 1}), content_type="application/json"
    )
    assert r.status_code in (400, 422) and "School caps cannot be combined" in r.content.decode()
    r = c.post(
        "/api/talent/rounds",
        json.dumps({"name": "x", "year": 2025, "area": "jjj", "mode": "ir_da"}),
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["mode"] == "ir_da"


def test_results_api_says_who_stays(tw):
    rnd = _ir_round(tw)
    user = tw["users"]["jjj-sec"]
    _t, secret = token_create(user=user, name="t", actor=user)
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    items = c.get(f"/api/talent/rounds/{rnd.pk}/results").json()["items"]
    stays = {i["teacher"]: i["stays_home"] for i in items}
    assert stays == {"TB0": True, "TB1": False}
    assert np.all([i["choice_rank"] == 0 for i in items if not i["stays_home"]])
