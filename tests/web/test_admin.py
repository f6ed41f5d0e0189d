from django.test import Client

from xietong.audit.models import AuditEntry
from xietong.audit.services import verify_chain
from xietong.schools.models import School


def test_admin_edits_are_audited(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    school = world["schools"]["A"]
    before = AuditEntry.objects.count()
    page = c.get(f"/admin/schools/school/{school.pk}/change/")
    assert page.status_code == 200
    form = {
        "code": school.code,
        "name_zh": "改名小学",
        "name_en": "Renamed",
        "stage": "primary",
        "county": school.county_id,
        "location": "urban",
        "ownership": "public",
        "longitude": "116.5",
        "latitude": "39.5",
        "is_open": "on",
    }
    r = c.post(f"/admin/schools/school/{school.pk}/change/", form)
    assert r.status_code == 302, r.content[:2000]
    assert School.objects.get(pk=school.pk).name_zh == "改名小学"
    entry = AuditEntry.objects.order_by("-seq").first()
    assert AuditEntry.objects.count() == before + 1
    assert entry.action == "admin.change" and entry.before["name_zh"] == "安次区第一小学"
    assert entry.after["name_zh"] == "改名小学"
    assert verify_chain().ok


def test_statistics_are_read_only_in_admin(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    assert c.get("/admin/schools/schoolstatistic/").status_code == 200
    assert c.get("/admin/schools/schoolstatistic/add/").status_code == 403
