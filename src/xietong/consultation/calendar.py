"""Deadlines of consultations in working days of the Asia/Shanghai calendar (the State Council's
holiday notices and make-up working days) through :mod:`xietong.algorithms.deadlines`, with the
notices the administrator entered for years the packaged calendar does not know yet
(:class:`~.models.CalendarNotice`) and the bureaus' own closures (setting
``XIETONG_EXTRA_CLOSURES``, ISO dates)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils.translation import gettext as _

from xietong.algorithms import deadlines

from .models import CalendarNotice


def extra_closures() -> list[dt.date]:
    return [dt.date.fromisoformat(d) for d in getattr(settings, "XIETONG_EXTRA_CLOSURES", [])]


def working_calendar() -> deadlines.WorkingCalendar:
    notices = [
        deadlines.Notice(
            year=n.year,
            rest_days=frozenset(dt.date.fromisoformat(d) for d in n.rest_days),
            workdays=frozenset(dt.date.fromisoformat(d) for d in n.workdays),
            source=n.source,
        )
        for n in CalendarNotice.objects.all()
    ]
    return deadlines.WorkingCalendar(closures=frozenset(extra_closures()), notices=tuple(notices))


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    """The instant a window of ``days`` working days opened at ``start`` closes (24:00 of its
    last day, Asia/Shanghai)."""
    try:
        return deadlines.add_working_days(start, days, calendar=working_calendar()).at
    except ValueError as exc:
        if "no official holiday arrangement" in str(exc):
            year = str(exc).split(" for ", 1)[1].split(":", 1)[0]
            raise ValueError(
                _(
                    "The holiday arrangement for %(y)s is not known yet, so the deadline cannot "
                    "be counted in working days. The administrator enters the State Council's "
                    "notice for %(y)s (Admin › Holiday notices), or choose a shorter window."
                )
                % {"y": year}
            ) from exc
        raise
