"""Appointment limits per cooperation area: set by the secretariat, used by the appointment
service for schools both inside the area."""

import datetime as dt
import json

import pytest
from django.test import Client

from xietong.accounts.scope import OutOfScope
from xietong.accounts.services import token_create
from xietong.talent import circulation
from xietong.talent.circulation import (
    AppointmentConflict,
    appointment_create,
    appointment_limits,
    appointment_policy_set,
)
from xietong.talent.models import AppointmentPolicy

D = dt.date(2025, 9, 1)


def _near(world):
    s = world["schools"]["D"]  # Wuqing, Tianjin: about 7 km from B in the test world
    s.longitude, s.latitude = 116.55, 39.55
    s.save()
    return s


def _appoint(tw, hours=6, school=None):
    return appointment_create(
        teacher=tw["teachers"]["b0"],  # Tongzhou, 12 lessons at home
        school=school or _near(tw),
        weekly_hours=hours,
        weekdays="2",
        starts=D,
        actor=None,
    )


def test_defaults_without_policy(tw):
    assert appointment_limits(tw["schools"]["B"], tw["schools"]["D"]) == (20, 60.0)
    assert _appoint(tw, hours=8).pk  # 12 + 8 = 20, at the default cap


def test_area_policy_lowers_the_load_cap(tw):
    twl = tw["areas"]["tongwulang"]
    appointment_policy_set(
        area=twl, actor=tw["users"]["twl-sec"], max_weekly_lessons=16, max_distance_km=60
    )
    with pytest.raises(AppointmentConflict, match="weekly load would be 18.*cap of 16"):
        _appoint(tw, hours=6)
    assert _appoint(tw, hours=4).pk  # 16 fits


def test_area_policy_raises_the_load_cap(tw):
    with pytest.raises(AppointmentConflict, match="cap of 20"):
        _appoint(tw, hours=10)
    appointment_policy_set(
        area=tw["areas"]["jjj"],
        actor=tw["users"]["jjj-sec"],
        max_weekly_lessons=24,
        max_distance_km=60,
    )
    assert _appoint(tw, hours=10).pk  # 22 <= 24


def test_area_policy_distance(tw):
    appointment_policy_set(
        area=tw["areas"]["tongwulang"],
        actor=tw["users"]["twl-sec"],
        max_weekly_lessons=20,
        max_distance_km=5,
    )
    with pytest.raises(AppointmentConflict, match="more than 5 km"):
        _appoint(tw)


def test_innermost_area_applies_and_outside_schools_use_defaults(tw):
    appointment_policy_set(
        area=tw["areas"]["jjj"],
        actor=tw["users"]["jjj-sec"],
        max_weekly_lessons=30,
        max_distance_km=200,
    )
    appointment_policy_set(
        area=tw["areas"]["tongwulang"],
        actor=tw["users"]["twl-sec"],
        max_weekly_lessons=16,
        max_distance_km=60,
    )
    s = tw["schools"]
    assert appointment_limits(s["B"], s["D"]) == (16, 60.0)  # both in Tongzhou-Wuqing-Langfang
    assert appointment_limits(s["B"], s["E"]) == (30, 200.0)  # Shijiazhuang: only in jjj
    assert appointment_limits(s["B"], s["C"]) == (20, 60.0)  # Jiangsu: no common area


def test_only_the_secretariat_may_edit(tw):
    twl = tw["areas"]["tongwulang"]
    for user in ("tongzhou", "langfang", "yrd-sec", "school-a", "teacher-a", "public"):
        with pytest.raises(OutOfScope):
            appointment_policy_set(
                area=twl, actor=tw["users"][user], max_weekly_lessons=10, max_distance_km=10
            )
    assert not AppointmentPolicy.objects.exists()
    for bad in ({"max_weekly_lessons": 0}, {"max_weekly_lessons": 41}, {"max_distance_km": 0}):
        args = {"max_weekly_lessons": 20, "max_distance_km": 60, **bad}
        with pytest.raises(ValueError):
            appointment_policy_set(area=twl, actor=tw["users"]["twl-sec"], **args)
    p = appointment_policy_set(
        area=twl, actor=tw["users"]["twl-sec"], max_weekly_lessons=18, max_distance_km=40
    )
    assert (p.max_weekly_lessons, p.max_distance_km) == (18, 40.0)


def test_api(tw):
    url = "/api/talent/areas/tongwulang/appointment-policy"
    _t, secret = token_create(user=tw["users"]["twl-sec"], name="t", actor=tw["users"]["twl-sec"])
    c = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert c.get(url).json() == {"max_weekly_lessons": 20, "max_distance_km": 60.0}
    body = json.dumps({"max_weekly_lessons": 18, "max_distance_km": 45})
    r = c.put(url, body, content_type="application/json")
    assert r.status_code == 200 and r.json() == {"max_weekly_lessons": 18, "max_distance_km": 45}
    u = tw["users"]["tongzhou"]
    _t, secret = token_create(user=u, name="t", actor=u)
    r = Client(HTTP_AUTHORIZATION=f"Bearer {secret}").put(
        url, body, content_type="application/json"
    )
    assert r.status_code == 403


def test_page_form(tw):
    c = Client()
    c.force_login(tw["users"]["twl-sec"])
    page = c.get("/talent/appointments/").content.decode()
    assert 'id="policy-tongwulang"' in page and 'id="policy-yrd"' not in page
    c.post(
        "/talent/appointments/policy/tongwulang/",
        {"max_weekly_lessons": "15", "max_distance_km": "30"},
    )
    p = AppointmentPolicy.objects.get(area=tw["areas"]["tongwulang"])
    assert (p.max_weekly_lessons, p.max_distance_km) == (15, 30.0)
    # someone else's post is refused and changes nothing
    c.force_login(tw["users"]["tongzhou"])
    c.post(
        "/talent/appointments/policy/tongwulang/",
        {"max_weekly_lessons": "40", "max_distance_km": "300"},
    )
    p.refresh_from_db()
    assert p.max_weekly_lessons == 15
    assert circulation.WEEKLY_LOAD_CAP == 20
