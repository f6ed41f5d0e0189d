"""County totals stay in step when the admin moves a school to another county or deletes it."""

from decimal import Decimal

from django.test import Client

from xietong.audit.models import AuditEntry
from xietong.audit.services import verify_chain
from xietong.schools.models import CountyStatistic, School
from xietong.schools.services import county_totals_refresh

LANGFANG_ANCI = "131002000000"  # school A's county
TONGZHOU = "110112000000"  # school B's county


def _totals(county):
    return {
        (c.year, c.indicator_id): (c.total, c.schools)
        for c in CountyStatistic.objects.filter(county_id=county)
    }


def _all_totals():
    return {
        (c.county_id, c.year, c.indicator_id): (c.total, c.schools)
        for c in CountyStatistic.objects.all()
    }


def _admin(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    return c


def _form(school, county):
    return {
        "code": school.code,
        "name_zh": school.name_zh,
        "name_en": school.name_en,
        "stage": school.stage,
        "county": county,
        "location": school.location,
        "ownership": school.ownership,
        "longitude": "116.5",
        "latitude": "39.5",
        "is_open": "on",
    }


def _recomputed():
    """What the totals are when recomputed from every school value."""
    kept = _all_totals()
    county_totals_refresh()
    fresh = _all_totals()
    return kept, fresh


def test_moving_a_school_moves_its_totals(world):
    school = world["schools"]["A"]
    assert _totals(LANGFANG_ANCI)[(2024, "students")] == (Decimal(500), 1)
    assert _totals(TONGZHOU)[(2024, "students")] == (Decimal(500), 1)
    r = _admin(world).post(f"/admin/schools/school/{school.pk}/change/", _form(school, TONGZHOU))
    assert r.status_code == 302, r.content[:2000]
    assert School.objects.get(pk=school.pk).county_id == TONGZHOU
    assert (2024, "students") not in _totals(LANGFANG_ANCI)
    assert _totals(TONGZHOU)[(2024, "students")] == (Decimal(1000), 2)
    kept, fresh = _recomputed()
    assert kept == fresh
    entry = AuditEntry.objects.filter(action="admin.change").order_by("-seq").first()
    assert (entry.before["county"], entry.after["county"]) == (LANGFANG_ANCI, TONGZHOU)
    assert verify_chain().ok


def test_editing_without_moving_keeps_totals(world):
    school = world["schools"]["A"]
    before = _all_totals()
    form = {**_form(school, LANGFANG_ANCI), "name_en": "Renamed"}
    assert _admin(world).post(f"/admin/schools/school/{school.pk}/change/", form).status_code == 302
    assert _all_totals() == before


def test_a_school_with_statistics_cannot_be_deleted_in_the_admin(world):
    """Its statistics would go with it (read-only in the admin), so the county totals never lose
    a school behind their back."""
    school = world["schools"]["E"]
    before = _all_totals()
    r = _admin(world).post(f"/admin/schools/school/{school.pk}/delete/", {"post": "yes"})
    assert r.status_code == 403
    assert School.objects.filter(pk=school.pk).exists()
    assert _all_totals() == before
