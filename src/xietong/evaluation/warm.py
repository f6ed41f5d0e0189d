"""Warming the gap dashboard: its report reads every school value of an area (about 2 s on the
demo's Yangtze River Delta, 9 s under load), once per statistics version and web process with
the default per-process cache. ``xietong serve`` computes each area's landing view (the default
indicator and stage, for the years the public and the area's managers see) in every web process
as it starts, so the first visitor does not pay it; with a shared cache (XIETONG_CACHE_URL) one
process's work serves all of them. docs/performance.md."""

from __future__ import annotations

import itertools
import logging
import threading

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import close_old_connections, connection
from django.utils import translation

from xietong.accounts.scope import scope_for
from xietong.regions.models import CooperationArea

from .gap import DEFAULT_INDICATOR, DEFAULT_STAGE, gap_report
from .selectors import gap_years, statistics_years

log = logging.getLogger(__name__)


def warm_gap_dashboards() -> int:
    """Compute and cache each area's gap report for the dashboard's landing view, in each
    language, for the years the public sees and for every year (what the area's secretariat
    and administrators see); the number of reports computed or found cached."""
    years = statistics_years()
    if not years:
        return 0
    public = scope_for(AnonymousUser())
    done = 0
    for area in CooperationArea.objects.order_by("slug"):
        seen = {tuple(years), tuple(gap_years(scope=public, area=area, years=years))}
        for (language, _name), ys in itertools.product(settings.LANGUAGES, sorted(seen)):
            if not ys:
                continue
            with translation.override(language):  # the report holds the members' names
                gap_report(
                    area=area, indicator=DEFAULT_INDICATOR, years=list(ys), stage=DEFAULT_STAGE
                )
                done += 1
    return done


def _warm_in_background() -> None:
    try:
        n = warm_gap_dashboards()
        log.info("warmed %d gap dashboard reports", n)
    except Exception:  # a failed warm-up only means a slower first request
        log.exception("warming the gap dashboards failed")
    finally:
        connection.close()


def warm_on_start() -> threading.Thread:
    """Start warming in a daemon thread of this process (gunicorn's ``post_worker_init``)."""
    close_old_connections()
    thread = threading.Thread(target=_warm_in_background, name="xietong-warm", daemon=True)
    thread.start()
    return thread
