"""Concurrent reversals of one entry on PostgreSQL: one wins, the others get a clear conflict.

Before, the "already reversed?" check ran before the fund lock: two reversals at once both
passed it and the second failed on the one-reversal-per-entry constraint (a 500 through the API).
"""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection

from .test_concurrency import THREADS, _run

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers with one database lock; row locks are tested on PostgreSQL",
)


def _donation(fund):
    from xietong.finance import services

    donor = services.donor_create(fund=fund, name="d", kind="company", actor=None)
    return services.donation_record(
        donor=donor, amount="40.00", date=dt.date(2024, 1, 2), actor=None
    )


def _fund():
    from xietong.finance import services
    from xietong.regions.models import CooperationArea

    return services.fund_open(area=CooperationArea.objects.get(slug="yrd"), actor=None)


@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_one_wins_the_rest_conflict(regions):
    from xietong.finance import ledger, services
    from xietong.finance.ledger import AlreadyReversed
    from xietong.finance.models import JournalEntry

    fund = _fund()
    entry = _donation(fund).entry

    def reverse(i):
        return services.entry_reverse(entry=entry, actor=None, date=dt.date(2024, 1, 3))

    results, errors = _run(reverse, THREADS)
    assert len(results) == 1, errors
    assert len(errors) == THREADS - 1
    assert all(isinstance(e, AlreadyReversed) for e in errors), errors
    assert JournalEntry.objects.filter(reverses=entry).count() == 1
    assert ledger.balance(fund, "cash:society") == Decimal("0.00")
    assert ledger.trial_balance(fund)["balanced"]


@pytest.mark.django_db(transaction=True)
def test_concurrent_reversals_through_the_api_are_201_once_then_409(regions):
    from django.test import Client

    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, token_create, user_create
    from xietong.regions.models import CooperationArea

    fund = _fund()
    entry = _donation(fund).entry
    sec = user_create(username="sec", password="kestrel-harbour-42", actor=None)
    role_grant(
        user=sec, role=Role.SECRETARIAT, area=CooperationArea.objects.get(slug="yrd"), actor=None
    )
    _t, secret = token_create(user=sec, name="t", actor=sec)
    url = f"/api/finance/funds/yrd/entries/{entry.number}/reverse"
    statuses, lock = [], threading.Lock()

    def post(i):
        resp = Client(raise_request_exception=False).post(
            url,
            "{}",
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {secret}",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        with lock:
            statuses.append((resp.status_code, resp.json().get("detail")))
        return resp.status_code

    _results, errors = _run(post, THREADS)
    assert not errors, errors
    codes = sorted(code for code, _d in statuses)
    assert codes == [201] + [409] * (THREADS - 1), statuses
    assert {d for code, d in statuses if code == 409} == {
        f"Entry #{entry.number} has already been reversed."
    }
