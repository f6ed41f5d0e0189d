"""The partnerships demo: synthetic cooperations across the three areas, approved on one hash,
five years of activities, compliance computed; partner-delivered lessons fall for some
supported schools and not for others; running it twice adds nothing."""

import time

import pytest

pytestmark = pytest.mark.django_db


def test_demo_loads_fast_and_once(regions):
    from xietong.partnerships.demo import partnerships_demo_load
    from xietong.partnerships.models import Activity, ComplianceResult, Cooperation
    from xietong.schools.demo import demo_load

    demo_load(seed=2024, scale=0.01)
    t0 = time.perf_counter()
    summary = partnerships_demo_load()
    elapsed = time.perf_counter() - t0
    assert len(summary["cooperations"]) >= 5, summary
    assert elapsed < 60, elapsed
    coops = Cooperation.objects.filter(is_synthetic=True)
    assert set(coops.values_list("status", flat=True)) == {"active"}
    assert {c.origin for c in coops} == {"top_down"}
    assert ComplianceResult.objects.filter(obligation__cooperation__in=coops).exists()
    first = Cooperation.objects.get(code="TWL-2022-001")
    by_year = [
        sum(
            a.quantity
            for a in Activity.objects.filter(cooperation=first, kind="sync_lesson", date__year=y)
        )
        for y in range(2022, 2027)
    ]
    assert by_year == sorted(by_year, reverse=True) and by_year[0] > by_year[-1], by_year
    levels = set(Activity.objects.filter(cooperation=first).values_list("level", flat=True))
    assert levels == {"self_reported", "partner_confirmed", "authority_verified"}
    # the foundation is registered through the service, so it has its audit entry
    from xietong.audit.models import AuditEntry
    from xietong.partnerships.models import SocialPartner

    sp = SocialPartner.objects.get(is_synthetic=True)
    assert (
        AuditEntry.objects.filter(
            action="partnerships.social_partner_create", object_id=str(sp.pk)
        ).count()
        == 1
    )
    assert partnerships_demo_load() == {}
    assert SocialPartner.objects.count() == 1
