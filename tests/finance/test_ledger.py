"""Ledger invariants: every entry balances, posted entries are immutable, corrections reverse."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import DatabaseError, IntegrityError, connection, transaction

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.finance import ledger, triggers
from xietong.finance.models import JournalEntry, JournalLine
from xietong.finance.services import entry_post_manual, entry_reverse

D = dt.date(2024, 5, 1)
LINES = [
    {"account": "cash:public", "debit": "100.10"},
    {"account": "income:contributions", "credit": "100.10"},
]


def _all_entries_balance():
    for e in JournalEntry.objects.all():
        lines = list(e.lines.all())
        assert sum(ln.debit for ln in lines) == sum(ln.credit for ln in lines) == e.total_debit


def test_manual_entry_posts_balanced_and_audited(fund, world):
    before = AuditEntry.objects.count()
    e = entry_post_manual(
        fund=fund, date=D, memo="opening", lines=LINES, actor=world["users"]["yrd-sec"]
    )
    assert e.number == 1 and e.total_debit == Decimal("100.10")
    assert ledger.balance(fund, "cash:public") == Decimal("100.10")
    assert ledger.balance(fund, "income:contributions") == Decimal("100.10")
    assert AuditEntry.objects.count() == before + 1
    tb = ledger.trial_balance(fund)
    assert tb["balanced"] and tb["total_debit"] == Decimal("100.10")
    _all_entries_balance()


def test_wrong_user_may_not_post(fund, world):
    for name in ("jjj-sec", "jiangsu", "public", "school-a"):
        with pytest.raises(OutOfScope):
            entry_post_manual(fund=fund, date=D, memo="x", lines=LINES, actor=world["users"][name])
    assert not JournalEntry.objects.exists()


@pytest.mark.parametrize(
    "lines, message",
    [
        (
            [
                {"account": "cash:public", "debit": "100"},
                {"account": "income:contributions", "credit": "99.99"},
            ],
            "does not balance",
        ),
        ([{"account": "cash:public", "debit": "100"}], "at least two lines"),
        (
            [
                {"account": "cash:public", "debit": "1.001"},
                {"account": "income:contributions", "credit": "1.001"},
            ],
            "two decimal places",
        ),
        (
            [
                {"account": "cash:public", "debit": 1.1},
                {"account": "income:contributions", "credit": 1.1},
            ],
            "not a float",
        ),
        (
            [
                {"account": "cash:public", "debit": "5", "credit": "5"},
                {"account": "income:contributions", "credit": "0"},
            ],
            "either a positive debit",
        ),
        (
            [
                {"account": "cash:public", "debit": "-5"},
                {"account": "income:contributions", "credit": "-5"},
            ],
            "either a positive debit",
        ),
        (
            [
                {"account": "nowhere", "debit": "5"},
                {"account": "income:contributions", "credit": "5"},
            ],
            "Unknown account",
        ),
    ],
)
def test_bad_entries_are_refused(fund, lines, message):
    with pytest.raises(ValueError, match=message):
        entry_post_manual(fund=fund, date=D, memo="x", lines=lines, actor=None)
    assert not JournalEntry.objects.exists()


def test_database_refuses_unbalanced_entry_and_one_sided_lines(fund):
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            JournalEntry.objects.create(
                fund=fund, number=99, date=D, kind="manual", total_debit=1, total_credit=2
            )
    e = entry_post_manual(fund=fund, date=D, memo="x", lines=LINES, actor=None)
    with pytest.raises(IntegrityError):
        with transaction.atomic():
            JournalLine.objects.bulk_create(
                [JournalLine(entry=e, account=e.lines.first().account, debit=1, credit=1)]
            )


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="deferred constraint triggers are PostgreSQL only"
)
def test_postgres_refuses_lines_that_do_not_add_up_at_commit(fund):
    e = entry_post_manual(fund=fund, date=D, memo="x", lines=LINES, actor=None)
    with pytest.raises(DatabaseError, match="does not balance"):
        with transaction.atomic():
            JournalLine.objects.bulk_create(
                [JournalLine(entry=e, account=e.lines.first().account, debit=5)]
            )
            with connection.cursor() as cur:
                cur.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_posted_entries_are_immutable(fund):
    e = entry_post_manual(fund=fund, date=D, memo="x", lines=LINES, actor=None)
    e.memo = "changed"
    with pytest.raises(ValueError, match="immutable"):
        e.save()
    with pytest.raises(ValueError, match="immutable"):
        e.delete()
    line = e.lines.first()
    line.debit = Decimal("1")
    with pytest.raises(ValueError, match="immutable"):
        line.save()


def test_database_triggers_refuse_update_and_delete(fund):
    triggers.install_append_only(connection)
    try:
        entry_post_manual(fund=fund, date=D, memo="x", lines=LINES, actor=None)
        for sql in (
            "UPDATE finance_journalline SET debit = debit + 1",
            "DELETE FROM finance_journalline",
            "UPDATE finance_journalentry SET memo = 'x2'",
            "DELETE FROM finance_journalentry",
        ):
            with pytest.raises(DatabaseError, match="append-only"):
                with transaction.atomic():
                    with connection.cursor() as cur:
                        cur.execute(sql)
    finally:
        triggers.uninstall_append_only(connection)
    assert JournalEntry.objects.get().memo == "x"


def test_reversal_mirrors_and_cancels(fund, world):
    e = entry_post_manual(fund=fund, date=D, memo="typo", lines=LINES, actor=None)
    r = entry_reverse(entry=e, actor=world["users"]["yrd-sec"], date=dt.date(2024, 5, 2))
    assert r.reverses == e and r.kind == "reversal" and r.number == 2
    assert ledger.balance(fund, "cash:public") == 0
    assert {(ln.account.code, ln.debit, ln.credit) for ln in r.lines.all()} == {
        ("cash:public", 0, Decimal("100.10")),
        ("income:contributions", Decimal("100.10"), 0),
    }
    # the original is untouched and cannot be reversed twice; a reversal is not reversed
    assert JournalEntry.objects.get(pk=e.pk).memo == "typo"
    with pytest.raises(ValueError, match="already been reversed"):
        entry_reverse(entry=e, actor=None)
    with pytest.raises(ValueError, match="cannot itself be reversed"):
        entry_reverse(entry=r, actor=None)
    with pytest.raises(OutOfScope):
        entry_reverse(entry=e, actor=world["users"]["jiangsu"])
    _all_entries_balance()


def test_trial_balance_by_period(fund):
    entry_post_manual(fund=fund, date=dt.date(2024, 1, 5), memo="a", lines=LINES, actor=None)
    entry_post_manual(fund=fund, date=dt.date(2024, 4, 5), memo="b", lines=LINES, actor=None)
    q1 = ledger.trial_balance(fund, date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 3, 31))
    assert q1["total_debit"] == Decimal("100.10") and q1["balanced"]
    assert ledger.trial_balance(fund)["total_debit"] == Decimal("200.20")


def test_money_and_periods():
    assert ledger.money("12.5") == Decimal("12.50")
    assert ledger.money(3) == Decimal("3.00")
    for bad in (0.1, "abc", "1.234", "NaN", True):
        with pytest.raises(ValueError):
            ledger.money(bad)
    assert ledger.period_bounds("2024") == (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
    assert ledger.period_bounds("2024-02") == (dt.date(2024, 2, 1), dt.date(2024, 2, 29))
    assert ledger.period_bounds("2024-Q2") == (dt.date(2024, 4, 1), dt.date(2024, 6, 30))
    assert ledger.period_bounds("2024-H2") == (dt.date(2024, 7, 1), dt.date(2024, 12, 31))
    for bad in ("24", "2024-13", "2024-Q5", ""):
        with pytest.raises(ValueError):
            ledger.period_bounds(bad)
