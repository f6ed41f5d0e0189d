"""Deadlines of the consultation windows in Asia/Shanghai time, on the official working calendar.

A comment or positions window is so many working days (工作日) or calendar days (日) long. The
rules are those of Chinese law on time limits:

* the day the window opens is not counted; counting starts the next day (《民法典》第二百零一条);
* a window counted in working days leaves out statutory holidays and rest days
  (《行政许可法》第八十二条: 期限以工作日计算，不含法定节假日), and counts the make-up working
  days (调休上班日) on which the State Council moves work to a weekend;
* a window counted in calendar days that would end on a rest day ends instead on the first
  working day after it (《民法典》第二百零三条第一款; a rest day is a holiday, or a weekend day
  that the notice did not make a working day);
* it ends at 24:00 of its last day, or at the close of business where there is one
  (《民法典》第二百零三条第二款): ``close_at``.

Holidays and make-up days change every year by the notice of the General Office of the State
Council, e.g. 国办发明电〔2024〕12号 for 2025 and 国办发明电〔2025〕7号 for 2026. They come from
the ``chinese-calendar`` package, which carries these notices as tables from 2004 on. We chose it
over ``holidays`` (``holidays.China``), which is well kept too, for one reason: past the last
notice ``holidays`` still answers, with the statutory holidays computed from the lunar calendar
and no make-up days, so a deadline in a year whose notice it lacks is silently wrong; this module
needs the refusal that ``chinese-calendar`` gives. It is also a small table with no dependencies.
A year the package does not know yet (the notice comes out in November or December) raises a
ValueError saying so; the deployment can then supply that year's notice itself
(:class:`Notice`), and a bureau's own closures (``WorkingCalendar.closures``).

>>> from datetime import datetime
>>> opened = datetime(2025, 9, 26, 10, 0, tzinfo=SHANGHAI)
>>> d = add_working_days(opened, 5)
>>> d.last_day.isoformat(), d.at.isoformat()
('2025-10-10', '2025-10-11T00:00:00+08:00')
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import chinese_calendar

__all__ = [
    "SHANGHAI",
    "Deadline",
    "Notice",
    "Reminder",
    "WorkingCalendar",
    "add_calendar_days",
    "add_working_days",
    "reminders",
    "working_days_between",
]

SHANGHAI = ZoneInfo("Asia/Shanghai")
_DAY = timedelta(days=1)
_KNOWN = (min(chinese_calendar.holidays).year, max(chinese_calendar.holidays).year)
_HOLIDAY_CODES = {h.value: h.name for h in chinese_calendar.Holiday}


@dataclass(frozen=True)
class Notice:
    """One year's official arrangement, for a year the package does not know (or to correct it).

    ``rest_days`` are the days off (放假调休, weekends inside the holiday included or not: they
    are days off either way); ``workdays`` are the make-up working days (上班). ``source`` names
    the notice, e.g. ``"国办发明电〔2025〕7号"``.
    """

    year: int
    rest_days: frozenset[date]
    workdays: frozenset[date] = frozenset()
    source: str = ""

    def __post_init__(self):
        object.__setattr__(self, "rest_days", _dates(self.rest_days, f"notice {self.year}"))
        object.__setattr__(self, "workdays", _dates(self.workdays, f"notice {self.year}"))
        for d in self.rest_days | self.workdays:
            if d.year != self.year:
                raise ValueError(f"notice {self.year}: {d.isoformat()} is in another year")
        both = sorted(self.rest_days & self.workdays)
        if both:
            raise ValueError(
                f"notice {self.year}: {both[0].isoformat()} is both a rest day and a working day"
            )


@dataclass(frozen=True)
class WorkingCalendar:
    """The official calendar plus a deployment's own notices and a bureau's closures.

    Examples
    --------
    >>> cal = WorkingCalendar()
    >>> cal.day_kind(date(2025, 10, 1)), cal.day_kind(date(2025, 9, 28))
    ('holiday', 'makeup_workday')
    >>> cal.holiday_code(date(2026, 2, 17))
    'spring_festival'
    >>> WorkingCalendar(closures={date(2025, 9, 29)}).day_kind(date(2025, 9, 29))
    'closure'
    >>> cal.is_working_day(date(2027, 1, 4))
    Traceback (most recent call last):
    ...
    ValueError: no official holiday arrangement for 2027: chinese-calendar knows 2004-2026; pass the State Council's notice for 2027 as WorkingCalendar(notices=[Notice(2027, ...)]) or upgrade chinese-calendar
    """  # noqa: E501

    closures: frozenset[date] = frozenset()
    notices: tuple[Notice, ...] = ()
    _by_year: dict[int, Notice] = field(init=False, repr=False, compare=False)

    def __post_init__(self):
        object.__setattr__(self, "closures", _dates(self.closures, "closures"))
        notices = tuple(self.notices)
        for n in notices:
            if not isinstance(n, Notice):
                raise ValueError(f"notices: expected Notice objects, got {n!r}")
        years = [n.year for n in notices]
        repeated = sorted({y for y in years if years.count(y) > 1})
        if repeated:
            raise ValueError(f"notices: more than one notice for {repeated[0]}")
        object.__setattr__(self, "notices", notices)
        object.__setattr__(self, "_by_year", {n.year: n for n in notices})

    def day_kind(self, day: date) -> str:
        """``working``, ``makeup_workday``, ``weekend``, ``holiday`` or ``closure``."""
        if day in self.closures:
            return "closure"
        notice = self._by_year.get(day.year)
        if notice is not None:
            if day in notice.workdays:
                return "makeup_workday"
            if day in notice.rest_days:
                return "holiday"
        else:
            if not _KNOWN[0] <= day.year <= _KNOWN[1]:
                raise ValueError(
                    f"no official holiday arrangement for {day.year}: chinese-calendar knows "
                    f"{_KNOWN[0]}-{_KNOWN[1]}; pass the State Council's notice for {day.year} as "
                    f"WorkingCalendar(notices=[Notice({day.year}, ...)]) or upgrade "
                    "chinese-calendar"
                )
            if day in chinese_calendar.workdays:
                return "makeup_workday"
            if day in chinese_calendar.holidays:
                return "holiday"
        return "weekend" if day.weekday() >= 5 else "working"

    def is_working_day(self, day: date) -> bool:
        """True on an ordinary or a make-up working day that is not a closure."""
        return self.day_kind(day) in ("working", "makeup_workday")

    def holiday_code(self, day: date) -> str | None:
        """The package's code of the holiday a day belongs to (``national_day`` ...), if any."""
        name = chinese_calendar.holidays.get(day) or chinese_calendar.workdays.get(day)
        return _HOLIDAY_CODES.get(name) if name else None


def _dates(values: Iterable, where: str) -> frozenset[date]:
    out = set()
    for v in values:
        if isinstance(v, datetime) or not isinstance(v, date):
            raise ValueError(f"{where}: expected dates, got {v!r}")
        out.add(v)
    return frozenset(out)


@dataclass(frozen=True)
class Deadline:
    """When a window closes, and how it was counted.

    ``at`` is the closing instant in Asia/Shanghai (24:00 of ``last_day``, i.e. 00:00 of the
    next day, unless a close of business was given); ``skipped`` lists the days passed over
    and why (``weekend``, ``holiday``, ``closure``); ``rolled_from`` is the day a calendar-day
    window would have ended on before it was moved off a rest day.
    """

    at: datetime
    last_day: date
    unit: str
    count: int
    skipped: tuple[tuple[date, str], ...] = ()
    rolled_from: date | None = None


def _start_day(start: datetime) -> date:
    if not isinstance(start, datetime):
        raise ValueError(f"start: expected a datetime, got {type(start).__name__}")
    if start.tzinfo is None or start.utcoffset() is None:
        raise ValueError("start: a naive datetime is ambiguous; give its time zone")
    return start.astimezone(SHANGHAI).date()


def _count(n: object, what: str) -> int:
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise ValueError(f"{what}: expected a whole number of days, at least 1, got {n!r}")
    return n


def _closing(last_day: date, close_at: time | None) -> datetime:
    if close_at is None:
        return datetime.combine(last_day + _DAY, time(0), SHANGHAI)
    if not isinstance(close_at, time) or close_at.tzinfo is not None:
        raise ValueError("close_at: expected a local clock time without a time zone")
    return datetime.combine(last_day, close_at, SHANGHAI)


def add_working_days(
    start: datetime,
    days: int,
    *,
    calendar: WorkingCalendar | None = None,
    close_at: time | None = None,
) -> Deadline:
    """The deadline ``days`` working days after ``start``.

    Parameters
    ----------
    start : datetime
        When the window opens (time-zone aware; read in Asia/Shanghai). Its day is not counted.
    days : int
        Working days, at least 1.
    calendar : WorkingCalendar, optional
        Defaults to the official calendar alone.
    close_at : time, optional
        Close of business on the last day; default 24:00.

    Returns
    -------
    Deadline

    Raises
    ------
    ValueError
        A naive ``start``, ``days`` not a positive whole number, a day in a year without an
        official arrangement.

    Examples
    --------
    Five working days from Friday 26 September 2025 (国办发明电〔2024〕12号: 1-8 October off,
    Sunday 28 September and Saturday 11 October worked):

    >>> d = add_working_days(datetime(2025, 9, 26, 16, tzinfo=SHANGHAI), 5)
    >>> d.last_day, len(d.skipped)  # Saturday 27 September and 1-8 October
    (datetime.date(2025, 10, 10), 9)
    """
    cal = calendar or WorkingCalendar()
    day, n = _start_day(start), _count(days, "days")
    skipped = []
    while n:
        day += _DAY
        kind = cal.day_kind(day)
        if kind in ("working", "makeup_workday"):
            n -= 1
        else:
            skipped.append((day, kind))
    return Deadline(_closing(day, close_at), day, "working_days", days, tuple(skipped))


def add_calendar_days(
    start: datetime,
    days: int,
    *,
    calendar: WorkingCalendar | None = None,
    close_at: time | None = None,
) -> Deadline:
    """The deadline ``days`` calendar days after ``start``, moved off a rest day.

    Same parameters as :func:`add_working_days`. If the last day is not a working day, the
    window ends on the first working day after it (《民法典》第二百零三条).

    Examples
    --------
    Ten days from 21 September 2025 would end on 1 October; the holiday runs to 8 October, so the
    window ends on 9 October:

    >>> d = add_calendar_days(datetime(2025, 9, 21, 9, tzinfo=SHANGHAI), 10)
    >>> d.rolled_from, d.last_day
    (datetime.date(2025, 10, 1), datetime.date(2025, 10, 9))
    """
    cal = calendar or WorkingCalendar()
    last = _start_day(start) + timedelta(days=_count(days, "days"))
    planned, skipped = last, []
    while not cal.is_working_day(last):
        skipped.append((last, cal.day_kind(last)))
        last += _DAY
    return Deadline(
        _closing(last, close_at),
        last,
        "calendar_days",
        days,
        tuple(skipped),
        planned if skipped else None,
    )


def working_days_between(
    start: datetime, end: datetime, *, calendar: WorkingCalendar | None = None
) -> int:
    """Working days after ``start``'s day up to and including ``end``'s day (0 if none).

    For a countdown: from 30 September 2025 to 10 October 2025 the working days left are 9 and
    10 October (1-8 October are the National Day holiday):

    >>> working_days_between(datetime(2025, 9, 30, tzinfo=SHANGHAI),
    ...                      datetime(2025, 10, 10, 12, tzinfo=SHANGHAI))
    2
    """
    cal = calendar or WorkingCalendar()
    day, last = _start_day(start), _start_day(end)
    count = 0
    while day < last:
        day += _DAY
        count += cal.is_working_day(day)
    return count


@dataclass(frozen=True)
class Reminder:
    """A reminder ``offset`` before a deadline, sent ``at``; ``moved_from`` if it was moved back
    off a non-working day."""

    offset: timedelta
    at: datetime
    moved_from: datetime | None = None


def reminders(
    deadline: datetime,
    offsets: Sequence[timedelta],
    *,
    calendar: WorkingCalendar | None = None,
    send_at: time | None = None,
    not_before: datetime | None = None,
    on_working_days: bool = True,
) -> tuple[Reminder, ...]:
    """When to remind the members of a deadline.

    Parameters
    ----------
    deadline : datetime
        The closing instant (time-zone aware), e.g. ``Deadline.at``.
    offsets : sequence of timedelta
        How long before the deadline each reminder goes out (positive).
    calendar : WorkingCalendar, optional
    send_at : time, optional
        Local clock time to send at on the reminder's day (e.g. 09:00), instead of the exact
        offset. A reminder that would then fall at or after the deadline is dropped.
    not_before : datetime, optional
        Reminders before this instant (the window opened later, or they are past) are dropped.
    on_working_days : bool
        Move a reminder that falls on a non-working day back to the last working day before it,
        at the same clock time.

    Returns
    -------
    tuple of Reminder
        Sorted by time; two offsets landing on the same instant give one reminder (the earlier
        offset's).

    Examples
    --------
    A deadline at 24:00 on 9 October 2025, reminders 3 days and 1 day before at 09:00: 3 days
    before is 7 October, a holiday, so it goes out on Tuesday 30 September:

    >>> due = datetime(2025, 10, 10, tzinfo=SHANGHAI)
    >>> [(r.at.date().isoformat(), r.at.hour) for r in reminders(
    ...     due, [timedelta(days=3), timedelta(days=1)], send_at=time(9))]
    [('2025-09-30', 9), ('2025-10-09', 9)]
    """
    cal = calendar or WorkingCalendar()
    _start_day(deadline)
    if not_before is not None:
        _start_day(not_before)
    out: dict[datetime, Reminder] = {}
    for offset in sorted(offsets, reverse=True):
        if not isinstance(offset, timedelta) or offset <= timedelta(0):
            raise ValueError(f"offsets: expected positive timedeltas, got {offset!r}")
        at = (deadline - offset).astimezone(SHANGHAI)
        if send_at is not None:
            at = datetime.combine(at.date(), send_at, SHANGHAI)
        planned = at
        while on_working_days and not cal.is_working_day(at.date()):
            at -= _DAY
        if at >= deadline or (not_before is not None and at < not_before):
            continue
        out.setdefault(at, Reminder(offset, at, planned if at != planned else None))
    return tuple(sorted(out.values(), key=lambda r: r.at))
