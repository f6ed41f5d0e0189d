"""Receipts against called shares; arrears."""

import datetime as dt
from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import ledger, selectors, services

from .conftest import AH, JS, SH

D = dt.date(2024, 4, 1)


def test_member_pays_and_arrears_show(called_round, fund, bureaus, world):
    js = called_round.charges.get(member_id=JS)
    services.payment_record(charge=js, amount="1000.00", date=D, actor=bureaus[JS])
    services.payment_record(
        charge=js, amount=js.amount - Decimal("1000.00"), date=D, actor=world["users"]["yrd-sec"]
    )
    ah = called_round.charges.get(member_id=AH)
    services.payment_record(charge=ah, amount="10.00", date=D, actor=bureaus[AH])
    rows = {r["member"]: r for r in selectors.contributions_by_member(fund)}
    assert rows[JS]["arrears"] == 0 and rows[JS]["paid"] == js.amount
    assert rows[AH]["arrears"] == ah.amount - Decimal("10.00")
    assert ledger.balance(fund, f"recv:{AH}") == rows[AH]["arrears"]
    assert ledger.balance(fund, "cash:public") == js.amount + Decimal("10.00")


def test_wrong_user(called_round, bureaus, world):
    sh = called_round.charges.get(member_id=SH)
    for wrong in (
        bureaus[JS],
        world["users"]["jjj-sec"],
        world["users"]["public"],
        bureaus["320100000000"],
    ):
        with pytest.raises(OutOfScope):
            services.payment_record(charge=sh, amount="1.00", date=D, actor=wrong)


def test_bad_input(called_round, fund):
    sh = called_round.charges.get(member_id=SH)
    with pytest.raises(ValueError, match="more than"):
        services.payment_record(charge=sh, amount=sh.amount + Decimal("0.01"), date=D, actor=None)
    with pytest.raises(ValueError, match="positive"):
        services.payment_record(charge=sh, amount="0", date=D, actor=None)
    with pytest.raises(ValueError):
        services.payment_record(charge=sh, amount="1.005", date=D, actor=None)
    r = services.round_create(
        fund=fund, title="x", year=2025, total="10", mix={"equal": 100}, actor=None
    )
    r = services.round_freeze(round=r, actor=None)
    with pytest.raises(ValueError, match="not been called"):
        services.payment_record(charge=r.charges.first(), amount="1", date=D, actor=None)


def test_reversed_receipt_counts_as_unpaid(called_round, fund):
    sh = called_round.charges.get(member_id=SH)
    p = services.payment_record(charge=sh, amount=sh.amount, date=D, actor=None)
    assert services.charge_paid(sh) == sh.amount
    services.entry_reverse(entry=p.entry, actor=None)
    assert services.charge_paid(sh) == 0
    assert ledger.balance(fund, f"recv:{SH}") == sh.amount
    services.payment_record(charge=sh, amount=sh.amount, date=D, actor=None)  # can pay again
