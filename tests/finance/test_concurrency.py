"""Concurrent writers on PostgreSQL: nothing is lost and the ledger always balances."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.db import connection, connections

pytestmark = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serialises all writers with one database lock; row locks are tested on PostgreSQL",
)

THREADS = 8


def _run(target, n):
    errors, results = [], []
    barrier = threading.Barrier(n)

    def worker(i):
        try:
            barrier.wait()
            results.append(target(i))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


@pytest.mark.django_db(transaction=True)
def test_concurrent_postings_lose_nothing_and_balance(regions):
    from xietong.finance import ledger, services
    from xietong.finance.models import Fund, JournalEntry
    from xietong.regions.models import CooperationArea

    fund = services.fund_open(area=CooperationArea.objects.get(slug="yrd"), actor=None)
    donor = services.donor_create(fund=fund, name="d", kind="company", actor=None)
    per_thread = 5

    def post(i):
        for k in range(per_thread):
            services.donation_record(
                donor=donor, amount=Decimal("10.01") + i, date=dt.date(2024, 1, 1 + k), actor=None
            )
        return i

    _results, errors = _run(post, THREADS)
    assert not errors, errors
    n = THREADS * per_thread
    numbers = sorted(JournalEntry.objects.filter(fund=fund).values_list("number", flat=True))
    assert numbers == list(range(1, n + 1))  # gap-free, no duplicates
    assert Fund.objects.get(pk=fund.pk).last_number == n
    expected = sum((Decimal("10.01") + i) * per_thread for i in range(THREADS))
    assert ledger.balance(fund, "cash:society") == expected
    tb = ledger.trial_balance(fund)
    assert tb["balanced"] and tb["total_debit"] == expected


@pytest.mark.django_db(transaction=True)
def test_concurrent_payments_never_overpay_and_disbursements_never_overdraw(regions):
    from xietong.finance import ledger, services
    from xietong.finance.models import Payment
    from xietong.regions.models import CooperationArea, Jurisdiction

    fund = services.fund_open(area=CooperationArea.objects.get(slug="yrd"), actor=None)
    r = services.round_create(
        fund=fund, title="t", year=2024, total="400.00", mix={"equal": 100}, actor=None
    )
    r = services.round_freeze(round=r, actor=None)
    for c in r.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.round_call(round=r, actor=None)
    charge = r.charges.get(member=Jurisdiction.objects.get(code="310000000000"))  # 100.00 due

    def pay(i):
        return services.payment_record(
            charge=charge, amount="30.00", date=dt.date(2024, 2, 1), actor=None
        )

    results, errors = _run(pay, THREADS)
    assert len(results) == 3  # 3 x 30 fit in 100; the other five are refused
    assert all(isinstance(e, ValueError) for e in errors) and len(errors) == THREADS - 3
    assert Payment.objects.filter(charge=charge).count() == 3
    assert ledger.balance(fund, "cash:public") == Decimal("90.00")

    def spend(i):
        return services.disbursement_record(
            fund=fund,
            programme="training",
            function_code="2050801",
            label=f"t{i}",
            amount="25.00",
            date=dt.date(2024, 3, 1),
            actor=None,
        )

    results, errors = _run(spend, THREADS)
    assert len(results) == 3 and len(errors) == THREADS - 3  # 90.00 covers three of 25.00
    assert ledger.balance(fund, "cash:public") == Decimal("15.00")
    assert ledger.trial_balance(fund)["balanced"]


def _fund_with_project_money(regions, *, opening="10000.00", project_total="300.00"):
    """A fund with 10,000.00 of unrestricted public money and a project whose 300.00 of shares
    are paid (its restricted fund holds 300.00)."""
    from xietong.finance import services
    from xietong.regions.models import CooperationArea

    fund = services.fund_open(area=CooperationArea.objects.get(slug="yrd"), actor=None)
    services.entry_post_manual(
        fund=fund,
        date=dt.date(2024, 1, 2),
        memo="opening",
        lines=[
            {"account": "cash:public", "debit": opening},
            {"account": "income:contributions", "credit": opening},
        ],
        actor=None,
    )
    p = services.project_create(
        fund=fund,
        title="lab",
        programme="shared_resources",
        rule="proportional",
        participants=["310000000000", "320000000000"],
        inputs={"weights": {"310000000000": 1, "320000000000": 2}},
        total=project_total,
        actor=None,
    )
    p = services.project_freeze(project=p, actor=None)
    for c in p.charges.all():
        services.charge_approve(charge=c, actor=None)
    services.project_call(project=p, actor=None, date=dt.date(2024, 1, 3))
    for c in p.charges.all():
        services.payment_record(charge=c, amount=c.amount, date=dt.date(2024, 1, 4), actor=None)
    return fund, p


@pytest.mark.django_db(transaction=True)
def test_concurrent_project_disbursements_never_exceed_its_fund(regions):
    from xietong.finance import ledger, services
    from xietong.finance.ledger import RestrictedFundExceeded

    fund, project = _fund_with_project_money(regions)

    def spend(i):
        return services.disbursement_record(
            fund=fund,
            programme="shared_resources",
            function_code="2050299",
            label=f"p{i}",
            amount="100.00",
            date=dt.date(2024, 2, 1),
            project=project,
            actor=None,
        )

    # the pool holds 10,300.00, but only 300.00 is the project's: three of eight get through
    results, errors = _run(spend, THREADS)
    assert len(results) == 3 and len(errors) == THREADS - 3
    assert all(isinstance(e, RestrictedFundExceeded) for e in errors), errors
    assert ledger.balance(fund, ledger.project_fund(project)) == 0
    assert ledger.balance(fund, "cash:public") == Decimal("10000.00")
    assert ledger.trial_balance(fund)["balanced"]


@pytest.mark.django_db(transaction=True)
def test_postings_racing_a_period_close_are_either_closed_or_refused(regions):
    from xietong.finance import closing, ledger, services
    from xietong.finance.ledger import PeriodClosed
    from xietong.finance.models import Donation

    fund, _project = _fund_with_project_money(regions)
    donor = services.donor_create(fund=fund, name="d", kind="company", actor=None)

    def work(i):
        if i == 0:
            return closing.period_close(fund=fund, period="2024-Q1", actor=None)
        return services.donation_record(
            donor=donor, amount="10.00", date=dt.date(2024, 3, 30), actor=None
        )

    results, errors = _run(work, THREADS)
    assert all(isinstance(e, PeriodClosed) for e in errors), errors
    # every donation that got in was dated before the close and is in the closing entry: the
    # quarter's income and expense accounts are all at zero on its last day
    end = dt.date(2024, 3, 31)
    assert ledger.balance(fund, "income:donations", date_to=end) == 0
    assert ledger.balance(fund, "income:contributions", date_to=end) == 0
    made = Donation.objects.filter(fund=fund).count()
    assert made + len(errors) == THREADS - 1
    # unrestricted net assets: 10,000 of contributions + 10 per donation (the project's 300 is
    # restricted)
    assert ledger.balance(fund, "net:unrestricted") == Decimal("10000.00") + 10 * made
    assert ledger.trial_balance(fund)["balanced"]
