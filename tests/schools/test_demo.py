from xietong.accounts.models import User
from xietong.audit.models import AuditEntry
from xietong.audit.services import verify_chain
from xietong.regions.selectors import counties_valid_in
from xietong.schools.demo import demo_load
from xietong.schools.models import School, SchoolStatistic, StatisticsRelease


def test_demo_load_is_complete_and_idempotent(db):
    first = demo_load(scale=0.02, years=(2023, 2024))
    assert first.created_schools
    counties = counties_valid_in(2024)
    with_schools = set(School.objects.values_list("county_id", flat=True))
    assert set(counties.values_list("code", flat=True)) == with_schools
    # schools only where they can be registered in the latest year: not in 下城区 (ended 2020)
    assert "330103000000" not in with_schools and "330113000000" in with_schools
    assert not School.objects.filter(is_synthetic=False).exists()
    assert set(SchoolStatistic.objects.values_list("year", flat=True).distinct()) == {2023, 2024}
    assert StatisticsRelease.objects.filter(jurisdiction_id="130000000000", year=2024).exists()
    assert User.objects.filter(username="hebei-bureau", roles__role="bureau").exists()
    counts = (School.objects.count(), SchoolStatistic.objects.count(), User.objects.count())
    second = demo_load(scale=0.02, years=(2023, 2024))
    assert not second.created_schools
    assert (School.objects.count(), SchoolStatistic.objects.count(), User.objects.count()) == counts
    # the schools and their values went through one bulk service, audited once for the load
    assert AuditEntry.objects.filter(action="schools.bulk_load").count() == 1
    assert verify_chain().ok


def test_demo_has_a_bureau_for_every_member_of_every_area(db):
    """Every member of the three areas can run its part of a round without the admin."""
    from xietong.accounts.scope import scope_for
    from xietong.regions.models import CooperationArea

    demo_load(scale=0.01, years=(2024,))
    bureaus = [scope_for(u) for u in User.objects.filter(roles__role="bureau").distinct()]
    for area in CooperationArea.objects.all():
        for member in area.members.all():
            assert any(s.acts_for(member.code) for s in bureaus), (area.slug, member.code)
