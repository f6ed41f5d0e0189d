"""Caps per receiving member: flexible deferred acceptance with area caps, re-verified at review."""

import json

import pytest
from django.test import Client

from xietong.accounts.services import token_create
from xietong.talent import engine, services
from xietong.talent.models import ExchangeRound, Placement
from xietong.talent.services import LifecycleError

HEBEI, TIANJIN = "130000000000", "120000000000"


def _results(rnd) -> dict[str, str | None]:
    return {
        p.teacher.code: (p.post.code if p.post_id else None)
        for p in Placement.objects.filter(round=rnd).select_related("teacher", "post")
    }


def _capped_round(tw, caps):
    """b0 and b2 rank PA (Langfang, Hebei, 2 seats): PA prefers b0; b2 then ranks PD (Wuqing,
    Tianjin, 1 seat); b1 ranks PD only; PD prefers b2 to b1.

    Hand-checked: without caps b0 and b2 both get PA and b1 gets PD. With Hebei capped at 1,
    Hebei receives only b0 (PA's better applicant); b2 is refused at PA by the cap, goes to PD
    and displaces b1, who stays unplaced."""
    sec = tw["users"]["jjj-sec"]
    t = tw["teachers"]
    rnd = services.round_update(rnd=tw["round"], actor=sec, member_caps=caps)
    rnd = services.round_open(rnd=rnd, actor=sec)
    services.application_submit(rnd=rnd, teacher=t["b0"], post_codes=["PA"], actor=None)
    services.application_submit(rnd=rnd, teacher=t["b2"], post_codes=["PA", "PD"], actor=None)
    services.application_submit(rnd=rnd, teacher=t["b1"], post_codes=["PD"], actor=None)
    rnd = services.round_close_applications(rnd=rnd, actor=sec)
    services.scores_set(rnd=rnd, post=tw["posts"]["PA"], scores={"TB0": 100, "TB2": 50}, actor=sec)
    services.scores_set(rnd=rnd, post=tw["posts"]["PD"], scores={"TB2": 20, "TB1": 10}, actor=sec)
    return services.round_match(rnd=rnd, actor=sec)


def test_without_caps_hebei_receives_both(tw):
    rnd = _capped_round(tw, {})
    assert rnd.certificate["ok"]
    assert _results(rnd) == {"TB0": "PA", "TB2": "PA", "TB1": "PD"}


def test_member_cap_binds_and_is_certified(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = _capped_round(tw, {HEBEI: 1, TIANJIN: 5})
    assert rnd.member_caps == {TIANJIN: 5, HEBEI: 1}
    assert rnd.certificate["ok"], rnd.certificate
    got = _results(rnd)
    assert got == {"TB0": "PA", "TB2": "PD", "TB1": None}
    hebei = Placement.objects.filter(
        round=rnd, post__host_school__county__code__startswith="13"
    ).count()
    assert hebei == 1  # exactly the cap
    # the teacher who lost out at PA: the member's cap, not the post's seats
    b2 = Placement.objects.get(round=rnd, teacher__code="TB2")
    assert [(w["post"], w["reason"]) for w in b2.why_not] == [("PA", "area_cap")]
    assert rnd.certificate["why_not"].get("area_cap") == 1
    # the engine got the same regions again at review: the stored result is re-verified
    inp = engine.round_input(rnd)
    assert inp.regions is not None and inp.regions.area_caps.tolist()[:2] == [5, 1]
    assert engine.verify_stored(rnd)["ok"]
    rnd = services.round_review(rnd=rnd, actor=sec)
    assert rnd.status == "reviewed"
    # the results page explains the cap
    c = Client()
    c.force_login(sec)
    page = c.get(f"/talent/rounds/{rnd.pk}/results/").content.decode()
    assert "reached its cap" in page


def test_verify_fails_if_the_stored_result_breaks_the_cap(tw):
    rnd = _capped_round(tw, {HEBEI: 1})
    # tamper: put b2 at PA as well, so Hebei receives 2 > 1
    Placement.objects.filter(round=rnd, teacher__code="TB2").update(post=tw["posts"]["PA"])
    out = engine.verify_stored(rnd)
    assert not out["ok"] and "the certificate fails" in out["problems"]
    assert "seats or caps exceeded" in out["problems"]
    from django.utils import translation

    with translation.override("zh-hans"):  # said in the reader's language, not the engine's
        out = engine.verify_stored(rnd)
    assert out["problems"].startswith("结果校验未通过：")


def test_bad_codes_and_values_refused(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = tw["round"]
    for caps, msg in (
        ({"320000000000": 1}, "not a member"),  # Jiangsu: not in Beijing-Tianjin-Hebei
        ({"999999999999": 1}, "not a member"),
        ({HEBEI: -1}, "cannot be negative"),
        ({HEBEI: "two"}, "whole number"),
        ({HEBEI: 1.5}, "whole number"),
        ({HEBEI: 1, "131000000000": 1}, "overlap"),  # Langfang (Tongwulang) inside Hebei
        ([HEBEI], "mapping"),
    ):
        with pytest.raises(ValueError, match=msg):
            services.round_update(rnd=rnd, actor=sec, member_caps=caps)
    rnd.refresh_from_db()
    assert rnd.member_caps == {}


def test_bureau_round_codes_inside_jurisdiction(tw):
    from xietong.regions.models import Jurisdiction

    lf = tw["users"]["langfang"]
    rnd = services.round_create(
        name="廊坊 2025",
        year=2025,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=lf,
        member_caps={"131002000000": 3},
    )
    assert rnd.member_caps == {"131002000000": 3}
    with pytest.raises(ValueError, match="not a jurisdiction inside"):
        services.round_update(rnd=rnd, actor=lf, member_caps={"130102000000": 3})


def test_ir_mode_with_caps_refused(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = services.round_update(rnd=tw["round"], actor=sec, member_caps={HEBEI: 1})
    with pytest.raises(ValueError, match="individually rational"):
        services.round_update(rnd=rnd, actor=sec, mode="tobe")
    rnd = services.round_update(rnd=rnd, actor=sec, member_caps={})
    rnd = services.round_update(rnd=rnd, actor=sec, mode="ir_da")
    with pytest.raises(ValueError, match="individually rational"):
        services.round_update(rnd=rnd, actor=sec, member_caps={HEBEI: 1})
    assert ExchangeRound.objects.get(pk=rnd.pk).member_caps == {}


def test_caps_only_in_draft(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = services.round_open(rnd=tw["round"], actor=sec)
    with pytest.raises(LifecycleError, match="draft"):
        services.round_update(rnd=rnd, actor=sec, member_caps={HEBEI: 1})


def test_api_and_form(tw):
    sec = tw["users"]["jjj-sec"]
    rnd = tw["round"]
    token = token_create(user=sec, name="t", actor=sec)[1]
    c = Client()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    r = c.patch(
        f"/api/talent/rounds/{rnd.pk}",
        json.dumps({"member_caps": {HEBEI: 2}}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200, r.content
    assert r.json()["member_caps"] == {HEBEI: 2}
    r = c.patch(
        f"/api/talent/rounds/{rnd.pk}",
        json.dumps({"member_caps": {"320000000000": 2}}),
        content_type="application/json",
        **auth,
    )
    assert r.status_code in (400, 422) and "not a member" in r.content.decode()
    # the round page's form
    c.force_login(sec)
    page = c.get(f"/talent/rounds/{rnd.pk}/").content.decode()
    assert 'id="member-caps-form"' in page and f'name="cap_{TIANJIN}"' in page
    c.post(f"/talent/rounds/{rnd.pk}/member-caps/", {f"cap_{TIANJIN}": "3", f"cap_{HEBEI}": ""})
    rnd.refresh_from_db()
    assert rnd.member_caps == {TIANJIN: 3}
