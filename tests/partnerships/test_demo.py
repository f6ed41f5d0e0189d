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


def test_demo_capacity_inputs_come_from_records(regions):
    """After the demo, supported schools have retention, satisfaction, transfers and a DiD
    from records; a school heading for exit keeps more of its trained teachers and is more
    satisfied than a dependent one."""
    from xietong.accounts.scope import SYSTEM
    from xietong.partnerships.capacity import school_capacity
    from xietong.partnerships.demo import partnerships_demo_load
    from xietong.partnerships.models import Cooperation
    from xietong.schools.demo import demo_load

    demo_load(seed=2024, scale=0.01)
    summary = partnerships_demo_load()
    assert summary["capacity"]["surveys"] > 0 and summary["capacity"]["moves"] > 0, summary
    reports = {}
    for code in ("TWL-2022-001", "JJJ-2022-002"):
        school = Cooperation.objects.get(code=code).parties.get(role="supported").school
        reports[code] = school_capacity(scope=SYSTEM, code=school.code)
    for code, report in reports.items():
        y24 = next(t for t in report.years if t.year == 2024).inputs
        assert None not in (y24.trained_1y, y24.trained_3y, y24.satisfaction), (code, y24)
        assert y24.transfers_out is not None or report.school.stage not in (
            "primary",
            "junior",
            "nine_year",
        )
    falling = next(t for t in reports["TWL-2022-001"].years if t.year == 2024).inputs
    steady = next(t for t in reports["JJJ-2022-002"].years if t.year == 2024).inputs
    assert falling.retained_3y / falling.trained_3y > steady.retained_3y / steady.trained_3y
    assert falling.satisfaction >= 0.85 > steady.satisfaction
    assert reports["TWL-2022-001"].exit.ready  # heading for exit (trend from 2022 on)
    assert not reports["JJJ-2022-002"].exit.ready
    assert "satisfaction_below_line" in reports["JJJ-2022-002"].exit.failed
    did = {d.indicator: d for d in reports["TWL-2022-001"].did}["backbone_per_100"]
    assert (did.before, did.after) == (2021, 2024)
    assert did.result is not None or did.reason == "too_few_controls"
    assert partnerships_demo_load() == {}
