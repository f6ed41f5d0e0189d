"""POST /talent/appointments/policy/<area>/: an area's own appointment limits."""

from xietong.talent.models import AppointmentPolicy

from .pages import audit_rows, client, said

URL = "/talent/appointments/policy/tongwulang/"


def test_the_secretariat_sets_its_limits(tw):
    r = client(tw, "twl-sec").post(URL, {"max_weekly_lessons": "15", "max_distance_km": "30.5"})
    assert r.status_code == 302 and r["Location"] == "/talent/appointments/"
    assert said(r) == ["Settings saved."]
    p = AppointmentPolicy.objects.get(area=tw["areas"]["tongwulang"])
    assert (p.max_weekly_lessons, p.max_distance_km) == (15, 30.5)


def test_other_roles_change_nothing(tw):
    before = audit_rows()
    for who in ("yrd-sec", "tongzhou", "teacher-a"):  # jjj-sec encloses tongwulang: it may
        r = client(tw, who).post(URL, {"max_weekly_lessons": "40", "max_distance_km": "300"})
        assert any(f"{who} may not set the appointment limits" in m for m in said(r)), who
    assert client(tw, "twl-sec").post("/talent/appointments/policy/nowhere/", {}).status_code == 404
    assert not AppointmentPolicy.objects.exists() and audit_rows() == before


def test_bad_limits_are_form_errors(tw):
    before = audit_rows()
    c = client(tw, "twl-sec")
    for data, field in (
        ({"max_weekly_lessons": "lots", "max_distance_km": "30"}, "Most lessons a week"),
        ({"max_weekly_lessons": "41", "max_distance_km": "30"}, "Most lessons a week"),
        ({"max_weekly_lessons": "10", "max_distance_km": "0"}, "Farthest school (km)"),
    ):
        assert any(m.startswith(f"{field}:") for m in said(c.post(URL, data))), data
    assert not AppointmentPolicy.objects.exists() and audit_rows() == before
