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
