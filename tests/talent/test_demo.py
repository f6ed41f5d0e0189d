from xietong.schools.models import School
from xietong.talent.demo import talent_demo_load
from xietong.talent.models import ExchangeRound, Teacher


def test_demo_round_runs_and_is_idempotent(world):
    for i in range(30):
        School.objects.create(
            code=f"DEMO{i:04d}",
            name_zh=f"示例学校{i}",
            stage="primary",
            county_id=["131002000000", "110112000000", "120114000000"][i % 3],
            location=["rural", "urban", "town"][i % 3],
            ownership="public",
            longitude=116.5 + i / 100,
            latitude=39.5,
            is_synthetic=True,
        )
    r = talent_demo_load(seed=1, teachers=600)
    assert r["status"] == "published" and r["certificate_ok"]
    assert r["placed"] > 0
    again = talent_demo_load(seed=1, teachers=600)
    assert again["created"] is False and again["round"] == r["round"]
    assert Teacher.objects.count() == 600
    assert ExchangeRound.objects.count() == 1


def test_demo_posts_go_to_schools_short_of_backbone_teachers(world):
    from decimal import Decimal

    from xietong.schools.services import statistics_set
    from xietong.talent.models import ExchangePost

    weak = set()
    for i in range(30):
        s = School.objects.create(
            code=f"DEMO{i:04d}",
            name_zh=f"示例学校{i}",
            stage="primary",
            county_id=["131002000000", "110112000000", "120114000000"][i % 3],
            location="urban",
            ownership="public",
            longitude=116.5 + i / 100,
            latitude=39.5,
            is_synthetic=True,
        )
        backbone = 2 if i % 2 else 10  # 0.4 or 2 per 100 students
        if i % 2:
            weak.add(s.pk)
        statistics_set(
            school=s,
            year=2024,
            values={
                "students": Decimal(500),
                "teachers": Decimal(40),
                "teachers_backbone": Decimal(backbone),
            },
            actor=None,
        )
    r = talent_demo_load(seed=1, teachers=600)
    assert r["status"] == "published"
    hosts = set(
        ExchangePost.objects.filter(round_id=r["round"]).values_list("host_school_id", flat=True)
    )
    assert hosts and hosts <= weak
    effect = ExchangeRound.objects.get(pk=r["round"]).effect
    assert {"backbone_shrinking", "backbone_growing"} <= set(effect)
