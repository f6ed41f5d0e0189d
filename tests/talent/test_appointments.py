import datetime as dt

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.talent.circulation import AppointmentConflict, appointment_create, haversine_km

D = dt.date(2025, 9, 1)


def test_haversine():
    # Beijing Tiananmen to Tianjin station: about 110 km
    assert haversine_km(116.3975, 39.9087, 117.2100, 39.1360) == pytest.approx(111, abs=3)
    assert haversine_km(116, 39, 116, 39) == 0


def _near(world):
    s = world["schools"]["D"]
    s.longitude, s.latitude = 116.55, 39.55
    s.save()
    return s


def test_appointment_happy(tw):
    t = tw["teachers"]["b0"]
    a = appointment_create(
        teacher=t,
        school=_near(tw),
        weekly_hours=4,
        weekdays="2,4",
        starts=D,
        actor=tw["users"]["tongzhou"],
    )
    assert a.distance_km == pytest.approx(haversine_km(116.5, 39.5, 116.55, 39.55))


def test_wrong_user(tw):
    with pytest.raises(OutOfScope):
        appointment_create(
            teacher=tw["teachers"]["b0"],
            school=_near(tw),
            weekly_hours=4,
            weekdays="2",
            starts=D,
            actor=tw["users"]["jiangsu"],
        )


def test_load_cap_conflict(tw):
    t = tw["teachers"]["b0"]  # 12 lessons at home
    appointment_create(
        teacher=t, school=_near(tw), weekly_hours=6, weekdays="1", starts=D, actor=None
    )
    with pytest.raises(AppointmentConflict, match="weekly load would be 22"):
        appointment_create(
            teacher=t, school=tw["schools"]["E"], weekly_hours=4, weekdays="3", starts=D, actor=None
        )


def test_weekday_and_same_school_conflicts(tw):
    t = tw["teachers"]["b0"]
    appointment_create(
        teacher=t, school=_near(tw), weekly_hours=2, weekdays="1,3", starts=D, actor=None
    )
    with pytest.raises(AppointmentConflict, match="weekday"):
        appointment_create(
            teacher=t, school=tw["schools"]["E"], weekly_hours=2, weekdays="3", starts=D, actor=None
        )
    with pytest.raises(AppointmentConflict, match="already serves"):
        appointment_create(
            teacher=t, school=tw["schools"]["D"], weekly_hours=2, weekdays="5", starts=D, actor=None
        )
    with pytest.raises(AppointmentConflict, match="home school"):
        appointment_create(
            teacher=t, school=tw["schools"]["B"], weekly_hours=2, weekdays="5", starts=D, actor=None
        )


def test_too_far(tw):
    far = tw["schools"]["E"]
    far.longitude, far.latitude = 114.5, 38.0  # Shijiazhuang
    far.save()
    with pytest.raises(AppointmentConflict, match="km from the home school"):
        appointment_create(
            teacher=tw["teachers"]["b0"],
            school=far,
            weekly_hours=2,
            weekdays="2",
            starts=D,
            actor=None,
        )


@pytest.mark.parametrize(
    "kw", [{"weekdays": "8"}, {"weekdays": "x"}, {"weekly_hours": 0}, {"ends": dt.date(2024, 1, 1)}]
)
def test_bad_input(tw, kw):
    args = {"weekly_hours": 2, "weekdays": "2", "starts": D, **kw}
    with pytest.raises(ValueError):
        appointment_create(teacher=tw["teachers"]["b0"], school=_near(tw), actor=None, **args)
