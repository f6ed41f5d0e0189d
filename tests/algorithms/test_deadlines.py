"""Deadline arithmetic on the official calendar.

The expected days are read off the State Council General Office notices themselves:

* 《国务院办公厅关于2025年部分节假日安排的通知》(国办发明电〔2024〕12号): Spring Festival 28 January
  to 4 February off, Sunday 26 January and Saturday 8 February worked; National Day and
  Mid-Autumn 1 to 8 October off, Sunday 28 September and Saturday 11 October worked.
* 《国务院办公厅关于2026年部分节假日安排的通知》(国办发明电〔2025〕7号): Spring Festival 15 to 23
  February off, Saturday 14 February and Saturday 28 February worked; National Day 1 to 7 October
  off, Sunday 20 September and Saturday 10 October worked.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.deadlines import (
    SHANGHAI,
    Notice,
    WorkingCalendar,
    add_calendar_days,
    add_working_days,
    reminders,
    working_days_between,
)

CAL = WorkingCalendar()


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


NOTICES = {
    "2025 spring festival": (days(date(2025, 1, 28), date(2025, 2, 4)),
                             [date(2025, 1, 26), date(2025, 2, 8)]),
    "2025 national day": (days(date(2025, 10, 1), date(2025, 10, 8)),
                          [date(2025, 9, 28), date(2025, 10, 11)]),
    "2026 spring festival": (days(date(2026, 2, 15), date(2026, 2, 23)),
                             [date(2026, 2, 14), date(2026, 2, 28)]),
    "2026 national day": (days(date(2026, 10, 1), date(2026, 10, 7)),
                          [date(2026, 9, 20), date(2026, 10, 10)]),
}  # fmt: skip


@pytest.mark.parametrize("name", NOTICES)
def test_the_calendar_follows_the_notice(name):
    off, worked = NOTICES[name]
    assert [d for d in off if CAL.is_working_day(d)] == []
    assert all(CAL.day_kind(d) == "makeup_workday" for d in worked)
    assert all(d.weekday() >= 5 for d in worked)  # make-up days are weekend days


def at(y, m, d, h=10):
    return datetime(y, m, d, h, tzinfo=SHANGHAI)


def test_national_day_2025_five_working_days():
    """Opened Thursday 25 September: 26 (Fri), 28 (Sun, worked), 29, 30 September, then 9 October."""
    d = add_working_days(at(2025, 9, 25), 5)
    assert d.last_day == date(2025, 10, 9)
    assert d.at == datetime(2025, 10, 10, 0, 0, tzinfo=SHANGHAI)
    assert [day for day, _ in d.skipped] == [
        date(2025, 9, 27),
        *days(date(2025, 10, 1), date(2025, 10, 8)),
    ]
    assert dict(d.skipped)[date(2025, 9, 27)] == "weekend"
    assert dict(d.skipped)[date(2025, 10, 4)] == "holiday"


def test_national_day_2025_saturday_11_october_is_a_working_day():
    d = add_working_days(at(2025, 10, 9), 2)  # 10 (Fri), 11 (Sat, worked)
    assert d.last_day == date(2025, 10, 11)


def test_spring_festival_2026_make_up_saturdays():
    """Friday 13 February 2026 + 1 working day is Saturday 14 (worked); + 2 is Tuesday 24."""
    assert add_working_days(at(2026, 2, 13), 1).last_day == date(2026, 2, 14)
    assert add_working_days(at(2026, 2, 13), 2).last_day == date(2026, 2, 24)
    # the week after: Friday 27 + 1 is Saturday 28 (worked)
    assert add_working_days(at(2026, 2, 27), 1).last_day == date(2026, 2, 28)


def test_spring_festival_2025_make_up_sunday_26_january():
    assert add_working_days(at(2025, 1, 24), 1).last_day == date(2025, 1, 26)
    assert add_working_days(at(2025, 1, 27), 1).last_day == date(2025, 2, 5)


def test_national_day_2026_seven_days_and_make_up_days():
    assert add_working_days(at(2026, 9, 18), 1).last_day == date(2026, 9, 20)
    d = add_working_days(at(2026, 9, 30), 1)
    assert d.last_day == date(2026, 10, 8)
    assert [k for _, k in d.skipped] == ["holiday"] * 7
    assert add_working_days(at(2026, 10, 9), 1).last_day == date(2026, 10, 10)


def test_calendar_days_roll_off_the_holiday():
    """Civil Code Art. 203: a period ending on a rest day ends on the first day after it."""
    d = add_calendar_days(at(2026, 2, 5), 10)  # 15 February, the first day off
    assert d.rolled_from == date(2026, 2, 15)
    assert d.last_day == date(2026, 2, 24)
    plain = add_calendar_days(at(2026, 3, 2), 7)  # Monday 9 March: a working day
    assert plain.last_day == date(2026, 3, 9) and plain.rolled_from is None
    assert add_calendar_days(at(2026, 2, 21), 7).last_day == date(2026, 2, 28)  # worked Saturday


def test_start_day_is_not_counted_whatever_the_hour_and_zone():
    late = datetime(2025, 9, 25, 23, 59, tzinfo=SHANGHAI)
    utc = datetime(2025, 9, 25, 16, 30, tzinfo=UTC)  # 00:30 on the 26th in Shanghai
    assert add_working_days(late, 1).last_day == date(2025, 9, 26)
    assert add_working_days(utc, 1).last_day == date(2025, 9, 28)


def test_close_of_business():
    d = add_working_days(at(2025, 9, 25), 1, close_at=time(17, 30))
    assert d.at == datetime(2025, 9, 26, 17, 30, tzinfo=SHANGHAI)


def test_bureau_closures_are_not_working_days():
    cal = WorkingCalendar(closures={date(2025, 9, 26), date(2025, 9, 28)})
    d = add_working_days(at(2025, 9, 25), 1, calendar=cal)
    assert d.last_day == date(2025, 9, 29)
    assert d.skipped == (
        (date(2025, 9, 26), "closure"),
        (date(2025, 9, 27), "weekend"),
        (date(2025, 9, 28), "closure"),
    )


def test_a_year_without_a_notice_is_refused_and_can_be_supplied():
    with pytest.raises(ValueError, match="no official holiday arrangement for 2027"):
        add_working_days(at(2026, 12, 30), 5)
    notice = Notice(
        2027,
        rest_days={date(2027, 1, 1)},
        workdays={date(2027, 1, 2)},
        source="a deployment's transcription",
    )
    cal = WorkingCalendar(notices=[notice])
    d = add_working_days(at(2026, 12, 30), 2, calendar=cal)  # 31 Dec, then 2 Jan (worked)
    assert d.last_day == date(2027, 1, 2)
    assert d.skipped == ((date(2027, 1, 1), "holiday"),)
    with pytest.raises(ValueError, match="2003"):
        CAL.is_working_day(date(2003, 5, 1))


def test_a_notice_overrides_the_package_for_its_year():
    cal = WorkingCalendar(notices=[Notice(2025, rest_days={date(2025, 3, 3)})])
    assert cal.day_kind(date(2025, 3, 3)) == "holiday"
    assert cal.is_working_day(date(2025, 10, 1))  # that notice says nothing about October


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: add_working_days(datetime(2025, 9, 25), 1), "naive"),
        (lambda: add_working_days(date(2025, 9, 25), 1), "expected a datetime"),
        (lambda: add_working_days(at(2025, 9, 25), 0), "at least 1"),
        (lambda: add_working_days(at(2025, 9, 25), True), "whole number"),
        (lambda: add_calendar_days(at(2025, 9, 25), 1.5), "whole number"),
        (lambda: add_working_days(at(2025, 9, 25), 1, close_at="17:00"), "clock time"),
        (lambda: WorkingCalendar(closures={datetime(2025, 1, 1)}), "expected dates"),
        (lambda: Notice(2027, rest_days={date(2026, 1, 1)}), "another year"),
        (
            lambda: Notice(2027, rest_days={date(2027, 1, 1)}, workdays={date(2027, 1, 1)}),
            "both a rest day",
        ),
        (lambda: WorkingCalendar(notices=[Notice(2027, frozenset())] * 2), "more than one"),
        (lambda: reminders(at(2025, 9, 25), [timedelta(0)]), "positive"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


def test_reminders_move_off_holidays_and_drop_past_ones():
    due = add_working_days(at(2025, 9, 25), 5).at  # 24:00 on 9 October 2025
    out = reminders(
        due,
        [timedelta(days=1), timedelta(days=3), timedelta(days=20)],
        send_at=time(9),
        not_before=at(2025, 9, 25, 12),
    )
    assert [r.at for r in out] == [
        datetime(2025, 9, 30, 9, tzinfo=SHANGHAI),
        datetime(2025, 10, 9, 9, tzinfo=SHANGHAI),
    ]
    assert out[0].moved_from == datetime(2025, 10, 7, 9, tzinfo=SHANGHAI)
    assert out[1].moved_from is None
    exact = reminders(due, [timedelta(hours=2)], on_working_days=False)
    assert exact[0].at == datetime(2025, 10, 9, 22, tzinfo=SHANGHAI)


def test_two_offsets_on_one_holiday_give_one_reminder():
    due = datetime(2025, 10, 10, tzinfo=SHANGHAI)
    out = reminders(due, [timedelta(days=4), timedelta(days=5)], send_at=time(9))
    assert len(out) == 1 and out[0].offset == timedelta(days=5)


STARTS = st.datetimes(
    min_value=datetime(2004, 1, 1), max_value=datetime(2026, 10, 15), timezones=st.just(SHANGHAI)
)


@settings(max_examples=200, deadline=None, database=None)
@given(STARTS, st.integers(1, 30))
def test_working_days_properties(start, n):
    d = add_working_days(start, n)
    assert CAL.is_working_day(d.last_day)
    assert working_days_between(start, d.at - timedelta(seconds=1)) == n
    assert (d.last_day - start.date()).days == n + len(d.skipped)
    assert add_working_days(start, n + 1).last_day > d.last_day


@settings(max_examples=200, deadline=None, database=None)
@given(STARTS, st.integers(1, 60))
def test_calendar_days_properties(start, n):
    d = add_calendar_days(start, n)
    planned = start.date() + timedelta(n)
    assert CAL.is_working_day(d.last_day) and d.last_day >= planned
    assert all(not CAL.is_working_day(x) for x in days(planned, d.last_day - timedelta(1)))
    assert (d.rolled_from is None) == (d.last_day == planned)
