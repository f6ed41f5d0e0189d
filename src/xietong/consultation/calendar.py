"""Deadlines of consultations in working days of the Asia/Shanghai calendar (official holidays and
make-up working days), through :mod:`xietong.algorithms.deadlines`."""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from xietong.algorithms import deadlines

TZ = "Asia/Shanghai"


def extra_closures() -> list[dt.date]:
    """Days the bureaus close beyond the national calendar (setting XIETONG_EXTRA_CLOSURES)."""
    return [dt.date.fromisoformat(d) for d in getattr(settings, "XIETONG_EXTRA_CLOSURES", [])]


def add_working_days(start: dt.datetime, days: int) -> dt.datetime:
    return deadlines.add_working_days(start, days, extra_holidays=extra_closures())
