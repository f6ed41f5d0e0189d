import pytest

from xietong.talent import services
from xietong.talent.services import LifecycleError

from .conftest import run_to


def test_policy_targets_checked(tw):
    rnd = run_to(tw, "matched")
    p = rnd.policy
    # eligible: 8 at B and 4 at A with >= 6 years; 4 placed; 3 backbone teachers at B
    assert p["eligible"] == 12
    assert p["placed"] == 4
    assert p["required_rotating"] == 2  # ceil(10% of 12)
    assert p["rotation_share"] == pytest.approx(4 / 12)
    assert "110000000000" in p["members"]


def test_missed_targets_need_a_reason_to_publish(tw):
    services.round_update(rnd=tw["round"], actor=None, min_rotation_share="0.9")
    rnd = run_to(tw, "reviewed")
    assert rnd.policy["met"] is False
    assert rnd.policy["missed"]
    with pytest.raises(LifecycleError, match="policy targets"):
        services.round_publish(rnd=rnd, actor=tw["users"]["jjj-sec"])
    rnd = services.round_publish(
        rnd=rnd, actor=tw["users"]["jjj-sec"], override_reason="first year"
    )
    assert rnd.status == "published"


def test_backbone_target(tw):
    services.round_update(rnd=tw["round"], actor=None, min_backbone_share="1")
    rnd = run_to(tw, "matched")
    assert rnd.policy["met"] is False
    assert any("backbone" in m for m in rnd.policy["missed"])


def test_predicted_effect_on_county_balance(tw):
    from decimal import Decimal

    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    # a second, understaffed school in Langfang's Anci district so the county has a CV
    extra = School.objects.create(
        code="1310029999",
        name_zh="安次区乡村小学",
        stage="primary",
        county_id="131002000000",
        location="rural",
        ownership="public",
    )
    statistics_set(
        school=extra,
        year=2024,
        actor=None,
        values={"students": Decimal(500), "teachers": Decimal(20), "teachers_backbone": Decimal(1)},
    )
    statistics_set(
        school=tw["schools"]["A"], year=2024, actor=None, values={"teachers_backbone": Decimal(2)}
    )
    post = services.post_create(
        rnd=tw["round"],
        code="PX",
        host_school=extra,
        subject="maths",
        stage="primary",
        seats=3,
        actor=None,
    )
    assert post.pk
    rnd = services.round_open(rnd=tw["round"], actor=None)
    for k in ("b0", "b1", "b2"):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"][k], post_codes=["PX"], actor=None
        )
    rnd = services.round_close_applications(rnd=rnd, actor=None)
    rnd = services.round_match(rnd=rnd, actor=None)
    rnd = services.round_review(rnd=rnd, actor=None)
    eff = rnd.effect
    assert eff["year"] == 2024
    anci = next(r for r in eff["counties"] if r["county"] == "131002000000")
    assert anci["moved_in"] == 3 and eff["moved"] == 3
    assert anci["teachers_per_100_cv_after"] < anci["teachers_per_100_cv_before"]
    assert eff["shrinking"] >= 1
