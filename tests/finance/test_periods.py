"""Closing accounting periods: income and expenditure are closed into unrestricted net assets,
nothing can be posted into a closed period, and its statement never changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.finance import closing, ledger, selectors, services
from xietong.finance.ledger import PeriodClosed
from xietong.finance.models import AccountingPeriod, JournalEntry

from .conftest import SH


@pytest.fixture
def q1(fund):
    """1,000.00 of contributions on 15 January, 400.00 spent on teachers' further education on
    10 February."""
    services.entry_post_manual(
        fund=fund,
        date=dt.date(2024, 1, 15),
        memo="contributions",
        lines=[
            {"account": "cash:public", "debit": "1000.00"},
            {"account": "income:contributions", "credit": "1000.00"},
        ],
        actor=None,
    )
    services.disbursement_record(
        fund=fund,
        programme="training",
        function_code="2050801",
        label="spring course",
        amount="400.00",
        date=dt.date(2024, 2, 10),
        actor=None,
    )
    return fund


def _q1_report(fund):
    fund.refresh_from_db()
    return selectors.fund_report(fund, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 31))


def _donate(fund, date, amount="50.00"):
    donor = fund.donors.first() or services.donor_create(
        fund=fund, name="D", kind="company", actor=None
    )
    return services.donation_record(donor=donor, amount=amount, date=date, actor=None)


def test_closing_a_quarter(q1, world):
    fund = q1
    before = AuditEntry.objects.count()
    p = closing.period_close(fund=fund, period="2024-q1", actor=world["users"]["yrd-sec"])
    assert (p.period, p.date_from, p.date_to) == (
        "2024-Q1",
        dt.date(2024, 1, 1),
        dt.date(2024, 3, 31),
    )
    fund.refresh_from_db()
    assert fund.closed_through == dt.date(2024, 3, 31)
    assert AuditEntry.objects.filter(action="finance.period_close").count() == 1
    assert AuditEntry.objects.count() == before + 2  # the closing entry and the close
    # the closing entry, dated 31 March: debit income 1,000.00, credit expenditure 400.00 and
    # unrestricted net assets 600.00 (the quarter's surplus)
    e = p.closing_entry
    assert (e.date, e.kind) == (dt.date(2024, 3, 31), "closing")
    assert sorted((ln.account.code, ln.debit, ln.credit) for ln in e.lines.all()) == [
        ("expense:training", Decimal("0"), Decimal("400.00")),
        ("income:contributions", Decimal("1000.00"), Decimal("0")),
        ("net:unrestricted", Decimal("0"), Decimal("600.00")),
    ]
    assert ledger.balance(fund, "net:unrestricted") == Decimal("600.00")
    assert ledger.balance(fund, "income:contributions") == 0
    assert ledger.net_assets(fund)["unrestricted"] == Decimal("600.00")


def test_nothing_posts_into_a_closed_period_and_its_statement_stays(q1):
    fund = q1
    closing.period_close(fund=fund, period="2024-Q1", actor=None)
    report = _q1_report(fund)
    assert report["closed"] and report["income_total"] == Decimal("1000.00")
    assert report["expenditure_total"] == Decimal("400.00")
    assert report["net_assets"]["total"] == {"opening": 0, "closing": Decimal("600.00")}
    fund.refresh_from_db()
    n = JournalEntry.objects.count()
    # the last day of the closed quarter is refused, with the dates named; nothing is written
    with pytest.raises(PeriodClosed, match="closed up to 2024-03-31: an entry dated 2024-03-31"):
        _donate(fund, dt.date(2024, 3, 31))
    assert JournalEntry.objects.count() == n and not fund.donations.exists()
    # so is a reversal dated in it; a correction dated in the open period is accepted
    spent = fund.disbursements.get()
    with pytest.raises(PeriodClosed):
        services.entry_reverse(entry=spent.entry, date=dt.date(2024, 3, 1), actor=None)
    services.entry_reverse(entry=spent.entry, date=dt.date(2024, 4, 2), actor=None)
    _donate(fund, dt.date(2024, 4, 1))
    # the quarter's statement is what it was
    assert _q1_report(fund) == report
    # the year, still open, has the April figures too (and no closing entry as income)
    year = selectors.fund_report(fund, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31))
    assert year["income_total"] == Decimal("1050.00") and not year["closed"]
    assert year["expenditure_total"] == 0  # 400.00 spent, reversed on 2 April


def test_periods_close_in_order_once_they_have_ended(q1, world, bureaus):
    fund = q1
    with pytest.raises(OutOfScope):
        closing.period_close(fund=fund, period="2024-Q1", actor=bureaus[SH])
    with pytest.raises(ValueError, match="is not a year, month"):
        closing.period_close(fund=fund, period="spring", actor=None)
    with pytest.raises(ValueError, match="ends on 2099-12-31"):
        closing.period_close(fund=fund, period="2099", actor=None)
    closing.period_close(fund=fund, period="2024-01", actor=None)
    with pytest.raises(ValueError, match="already closed"):
        closing.period_close(fund=fund, period="2024-01", actor=None)
    # February is still open: March cannot be closed past it
    with pytest.raises(ValueError, match="from 2024-02-01 to 2024-02-29 first"):
        closing.period_close(fund=fund, period="2024-03", actor=None)
    closing.period_close(fund=fund, period="2024-02", actor=None)
    p = closing.period_close(fund=fund, period="2024-03", actor=None)
    assert p.closing_entry is None  # nothing happened in March: nothing to close
    assert list(AccountingPeriod.objects.values_list("period", flat=True)) == [
        "2024-01",
        "2024-02",
        "2024-03",
    ]


def test_close_from_the_page_and_the_api(q1, world, bureaus):
    sec = Client()
    sec.force_login(world["users"]["yrd-sec"])
    member = Client()
    member.force_login(bureaus[SH])
    resp = member.post("/finance/yrd/periods/close/", {"period": "2024-Q1"}, follow=True)
    assert "may not manage the fund" in resp.content.decode()
    assert not AccountingPeriod.objects.exists()
    resp = sec.post("/finance/yrd/periods/close/", {"period": "2024-Q1"}, follow=True)
    html = resp.content.decode()
    assert "Period 2024-Q1 closed" in html and "closed: these figures are final" in html
    assert sec.get("/api/finance/funds/yrd/periods").json()[0]["period"] == "2024-Q1"
    resp = sec.post(
        "/api/finance/funds/yrd/periods", {"period": "2024-Q1"}, content_type="application/json"
    )
    assert resp.status_code == 422 and "already closed" in resp.json()["detail"]
    resp = member.post(
        "/api/finance/funds/yrd/periods", {"period": "2024-Q2"}, content_type="application/json"
    )
    assert resp.status_code == 403
    rep = sec.get("/api/finance/funds/yrd/report?period=2024-Q1").json()
    assert rep["closed"] is True and rep["net_assets"]["total"]["closing"] == "600.00"
