from xietong.accounts.models import User
from xietong.audit.services import verify_chain
from xietong.regions.models import Jurisdiction
from xietong.schools.demo import demo_load
from xietong.schools.models import School, SchoolStatistic, StatisticsRelease


def test_demo_load_is_complete_and_idempotent(db):
    first = demo_load(scale=0.02, years=(2023, 2024))
    assert first.created_schools
    counties = Jurisdiction.objects.filter(level="county", is_placeholder=False)
    with_schools = set(School.objects.values_list("county_id", flat=True))
    assert set(counties.values_list("code", flat=True)) <= with_schools
    assert not School.objects.filter(is_synthetic=False).exists()
    assert set(SchoolStatistic.objects.values_list("year", flat=True).distinct()) == {2023, 2024}
    assert StatisticsRelease.objects.filter(jurisdiction_id="130000000000", year=2024).exists()
    assert User.objects.filter(username="hebei-bureau", roles__role="bureau").exists()
    counts = (School.objects.count(), SchoolStatistic.objects.count(), User.objects.count())
    second = demo_load(scale=0.02, years=(2023, 2024))
    assert not second.created_schools
    assert (School.objects.count(), SchoolStatistic.objects.count(), User.objects.count()) == counts
    assert verify_chain().ok
