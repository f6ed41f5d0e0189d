"""Disbursements to programmes; society's donations kept apart and earmarks respected."""

import datetime as dt
from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import ledger, selectors, services

from .conftest import AH, SH, D


def _cash(fund, amount="1000.00"):
    services.entry_post_manual(
        fund=fund,
        date=D,
        memo="opening",
        lines=[
            {"account": "cash:public", "debit": amount},
            {"account": "income:contributions", "credit": amount},
        ],
        actor=None,
    )


def test_disbursement_happy_path(fund, world):
    _cash(fund)
    from xietong.regions.models import Jurisdiction

    x = services.disbursement_record(
        fund=fund,
        programme="teacher_exchange",
        function_code="2050801",
        label="exchange",
        amount="400.00",
        date=D,
        beneficiary=Jurisdiction.objects.get(code=AH),
        actor=world["users"]["yrd-sec"],
    )
    assert x.entry.kind == "disbursement"
    assert ledger.balance(fund, "expense:teacher_exchange") == Decimal("400.00")
    assert ledger.balance(fund, "cash:public") == Decimal("600.00")
    with pytest.raises(ValueError, match="Only 600.00 is available"):
        services.disbursement_record(
            fund=fund,
            programme="training",
            function_code="2050801",
            label="t",
            amount="600.01",
            date=D,
            actor=None,
        )
    services.entry_reverse(entry=x.entry, actor=None)
    assert selectors.public_totals(fund)["disbursed"] == 0


def test_donations_apart_and_earmarks_respected(fund, world):
    _cash(fund)
    donor = services.donor_create(
        fund=fund, name="Foundation", kind="foundation", actor=world["users"]["yrd-sec"]
    )
    services.donation_record(donor=donor, amount="300.00", date=D, earmark="training", actor=None)
    services.donation_record(donor=donor, amount="100.00", date=D, actor=None)
    assert ledger.balance(fund, "cash:society") == Decimal("400.00")
    assert ledger.balance(fund, "cash:public") == Decimal("1000.00")  # public money untouched
    # teacher exchange may use only the 100.00 not earmarked for training
    with pytest.raises(ValueError, match="Only 100.00"):
        services.disbursement_record(
            fund=fund,
            programme="teacher_exchange",
            function_code="2050801",
            label="x",
            amount="150.00",
            date=D,
            from_society=True,
            actor=None,
        )
    services.disbursement_record(
        fund=fund,
        programme="training",
        function_code="2050801",
        label="t",
        amount="350.00",
        date=D,
        from_society=True,
        actor=None,
    )
    assert ledger.balance(fund, "cash:society") == Decimal("50.00")
    totals = selectors.public_totals(fund)
    assert totals["donations_received"] == Decimal("400.00") and totals["cash_society"] == Decimal(
        "50.00"
    )


def test_wrong_user(fund, bureaus, world):
    _cash(fund)
    for wrong in (bureaus[SH], world["users"]["jjj-sec"], world["users"]["public"]):
        with pytest.raises(OutOfScope):
            services.disbursement_record(
                fund=fund,
                programme="training",
                function_code="2050801",
                label="t",
                amount="1",
                date=D,
                actor=wrong,
            )
        with pytest.raises(OutOfScope):
            services.donor_create(fund=fund, name="x", kind="company", actor=wrong)
    donor = services.donor_create(fund=fund, name="x", kind="company", actor=None)
    with pytest.raises(OutOfScope):
        services.donation_record(donor=donor, amount="1", date=D, actor=bureaus[SH])


def test_bad_input(fund):
    _cash(fund)
    with pytest.raises(ValueError, match="Unknown programme"):
        services.disbursement_record(
            fund=fund,
            programme="party",
            function_code="2050801",
            label="t",
            amount="1",
            date=D,
            actor=None,
        )
    with pytest.raises(ValueError, match="positive"):
        services.disbursement_record(
            fund=fund,
            programme="training",
            function_code="2050801",
            label="t",
            amount="0",
            date=D,
            actor=None,
        )
    with pytest.raises(ValueError, match="label"):
        services.disbursement_record(
            fund=fund,
            programme="training",
            function_code="2050801",
            label=" ",
            amount="1",
            date=D,
            actor=None,
        )
    with pytest.raises(ValueError, match="Unknown kind"):
        services.donor_create(fund=fund, name="x", kind="alien", actor=None)
    donor = services.donor_create(fund=fund, name="x", kind="company", actor=None)
    with pytest.raises(ValueError, match="already exists"):
        services.donor_create(fund=fund, name="x", kind="company", actor=None)
    with pytest.raises(ValueError, match="Unknown programme"):
        services.donation_record(donor=donor, amount="1", date=D, earmark="party", actor=None)
    with pytest.raises(ValueError):
        services.donation_record(donor=donor, amount=-1, date=dt.date(2024, 1, 1), actor=None)
