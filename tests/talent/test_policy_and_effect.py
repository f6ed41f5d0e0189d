import pytest

from xietong.talent import services
from xietong.talent.services import LifecycleError

from .conftest import reviewed_with_effect, run_to


def _rural(school):
    school.location = "rural"
    school.save(update_fields=["location"])


def test_policy_targets_checked(tw):
    """Worked example of the 10% / 20% rule (教师〔2014〕4号), per county.

    Langfang's school A is rural; Tongzhou's school B is urban with 8 eligible teachers (6 to 13
    years there; b0-b2 county backbones). The match places b2 and b6 at PA (school A, rural),
    b7 at PE (Shijiazhuang, urban), one of b0/b4 at PD (Wuqing, urban), and nobody else: a0
    (Langfang, rural) is outranked at PD. Only the two moves to the rural school count for
    Tongzhou: 2 >= ceil(10% of 8) = 1, and 1 backbone (b2) >= ceil(20% of 2) = 1."""
    _rural(tw["schools"]["A"])
    rnd = run_to(tw, "matched")
    p = rnd.policy
    tongzhou = p["counties"]["110112000000"]
    assert tongzhou == {
        "eligible": 8,
        "placed": 2,
        "backbone": 1,
        "not_counted": 2,
        "required_rotating": 1,
        "required_backbone": 1,
        "met": True,
        "member": "110000000000",
    }
    # Langfang's teachers are at a rural school: not in the denominator of the rule
    assert p["counties"].get("131002000000", {"eligible": 0})["eligible"] == 0
    assert p["placed"] == 2 and p["eligible"] == 8 and p["met"] is True
    assert p["members"]["110000000000"]["placed"] == 2
    assert set(p["members"]) == {"110000000000", "120000000000", "130000000000"}


def test_a_move_to_an_urban_school_does_not_count(tw):
    """The same round with every school urban: four teachers move, none towards a rural or
    weaker school, so Tongzhou misses the 10% target."""
    rnd = run_to(tw, "matched")
    p = rnd.policy
    assert p["counties"]["110112000000"]["placed"] == 0
    assert p["not_counted"] == 4
    assert {"county": "110112000000", "target": "rotation", "have": 0, "need": 1} in p["missed"]
    assert p["met"] is False


def test_a_weaker_school_receives_like_a_rural_one(tw):
    """School A stays urban but fails the 2017 school rule on its statistics: it is weaker."""
    from xietong.schools.services import statistics_set

    a = tw["schools"]["A"]
    statistics_set(
        school=a,
        year=2024,
        actor=None,
        values={
            "students": 500,
            "teachers_qualified": 10,  # 2 per 100 (minimum 4.2)
            "teachers_backbone": 1,  # 0.2 per 100 (minimum 1)
            "teachers_pe_arts": 2,
            "building_area": 1000,
            "sports_area": 2000,
            "instrument_value": 500000,
            "multimedia_classrooms": 5,
        },
    )
    p = run_to(tw, "matched").policy
    assert p["counties"]["110112000000"]["placed"] == 2


def test_backbone_target(tw):
    _rural(tw["schools"]["A"])
    services.round_update(rnd=tw["round"], actor=None, min_backbone_share="1")
    rnd = run_to(tw, "matched")
    assert rnd.policy["met"] is False
    assert {"county": "110112000000", "target": "backbone", "have": 1, "need": 2} in rnd.policy[
        "missed"
    ]


def test_a_school_level_backbone_does_not_count_as_backbone(tw):
    _rural(tw["schools"]["A"])
    b2 = tw["teachers"]["b2"]
    b2.backbone = "school"
    b2.save(update_fields=["backbone"])
    p = run_to(tw, "matched").policy
    assert p["counties"]["110112000000"]["placed"] == 2
    assert p["counties"]["110112000000"]["backbone"] == 0


def test_teachers_under_the_tenure_rule_cannot_apply(tw):
    from xietong.talent.models import Teacher

    rnd = services.round_open(rnd=tw["round"], actor=tw["users"]["jjj-sec"])
    young = Teacher.objects.create(
        code="TY",
        name="新教师",
        school=tw["schools"]["B"],
        subject="maths",
        stage="primary",
        years_at_school=3,
    )
    with pytest.raises(ValueError, match="3 years at the school"):
        services.application_submit(rnd=rnd, teacher=young, post_codes=["PA"], actor=None)
    assert services.teacher_may_apply(rnd, young)
    young.years_at_school = 6
    young.save(update_fields=["years_at_school"])
    assert services.teacher_may_apply(rnd, young) is None


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


def test_predicted_effect_on_county_balance(tw):
    rnd = reviewed_with_effect(tw)
    eff = rnd.effect
    assert eff["year"] == 2024
    anci = next(r for r in eff["counties"] if r["county"] == "131002000000")
    assert anci["moved_in"] == 3 and eff["moved"] == 3
    assert anci["teachers_per_100_cv_after"] < anci["teachers_per_100_cv_before"]
    assert eff["shrinking"] >= 1


def test_principal_rotation_is_a_post_kind_for_principals(tw):
    from xietong.talent.models import Teacher

    sec = tw["users"]["jjj-sec"]
    _rural(tw["schools"]["A"])
    services.post_create(
        rnd=tw["round"],
        code="HEAD",
        host_school=tw["schools"]["A"],
        subject="maths",
        stage="primary",
        seats=1,
        kind="principal",
        actor=sec,
    )
    rnd = services.round_open(rnd=tw["round"], actor=sec)
    head = Teacher.objects.create(
        code="TH",
        name="通州校长",
        school=tw["schools"]["B"],
        subject="maths",
        stage="primary",
        years_at_school=9,
        position="principal",
    )
    with pytest.raises(ValueError, match="principals and vice principals: HEAD"):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"]["b3"], post_codes=["HEAD"], actor=None
        )
    services.application_submit(rnd=rnd, teacher=head, post_codes=["HEAD"], actor=None)
    rnd = services.round_close_applications(rnd=rnd, actor=sec)
    p = services.round_match(rnd=rnd, actor=sec).policy
    # the principal's move is reported on its own, outside the teachers' 10% / 20%
    assert p["principals_rotating"] == 1
    assert p["counties"]["110112000000"]["eligible"] == 8  # the principal is not a teacher here


def test_county_managed_teachers_keep_the_county_as_employer(tw):
    t = tw["teachers"]["b0"]
    assert services.employer_of_record(tw["round"], t) == ("school", t.school.code)
    rnd = services.round_update(rnd=tw["round"], actor=None, county_managed=True)
    assert services.employer_of_record(rnd, t) == ("county", "110112000000")
