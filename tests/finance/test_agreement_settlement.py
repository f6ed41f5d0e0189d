"""Reciprocal agreements, flows, netted settlement across the area, approval by all involved."""

import datetime as dt
from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import ledger, selectors, services
from xietong.finance.models import FlowRecord
from xietong.regions.models import Jurisdiction

from .conftest import AH, JS, SH, ZJ


def j(code):
    return Jurisdiction.objects.get(code=code)


def _agreement(fund, payer, payee, rates, actor=None, kind="tuition"):
    a = services.agreement_create(
        fund=fund,
        kind=kind,
        title=f"{payer}->{payee}",
        payer=j(payer),
        payee=j(payee),
        rates=rates,
        actor=actor,
    )
    return services.agreement_approve(agreement=a, actor=None)


def test_agreement_needs_both_sides(fund, bureaus):
    a = services.agreement_create(
        fund=fund,
        kind="tuition",
        title="AH in ZJ",
        payer=j(AH),
        payee=j(ZJ),
        rates={"primary": "6000.00"},
        actor=bureaus[AH],
    )
    a = services.agreement_approve(agreement=a, actor=bureaus[AH])
    assert not a.is_active
    with pytest.raises(ValueError, match="Both sides"):
        services.flow_record(
            agreement=a, period="2024", stage="primary", count=3, actor=bureaus[AH]
        )
    with pytest.raises(ValueError, match="already approved"):
        services.agreement_approve(agreement=a, actor=bureaus[AH])
    with pytest.raises(OutOfScope):
        services.agreement_approve(agreement=a, actor=bureaus[JS])
    a = services.agreement_approve(agreement=a, actor=bureaus[ZJ])
    assert a.is_active
    f = services.flow_record(
        agreement=a, period="2024", stage="primary", count=3, actor=bureaus[ZJ]
    )
    assert f.amount == Decimal("18000.00")
    f = services.flow_record(
        agreement=a, period="2024", stage="primary", count=4, actor=bureaus[AH]
    )
    assert FlowRecord.objects.get().amount == Decimal("24000.00")  # replaced, not added


def test_netted_settlement_approved_by_all_and_posted(fund, bureaus, world):
    # +4, +3, +3, -6, -4 style: ZJ is owed 4, JS 3 ... settled in 3 transfers, not 4
    a1 = _agreement(fund, AH, ZJ, {"primary": "100.00"})  # AH owes ZJ 400
    a2 = _agreement(fund, SH, JS, {"junior": "100.00"})  # SH owes JS 300
    a3 = _agreement(fund, SH, AH, {"all": "100.00"}, kind="secondment")  # SH owes AH 300
    services.flow_record(agreement=a1, period="2024", stage="primary", count=4, actor=None)
    services.flow_record(agreement=a2, period="2024", stage="junior", count=3, actor=None)
    services.flow_record(agreement=a3, period="2024", stage="all", count=3, actor=None)
    s = services.settlement_propose(fund=fund, period="2024", actor=world["users"]["yrd-sec"])
    net = {p.member_id: p.net for p in s.positions.all()}
    assert net == {
        SH: Decimal("-600.00"),
        JS: Decimal("300.00"),
        ZJ: Decimal("400.00"),
        AH: Decimal("-100.00"),
    }
    transfers = {(t.payer_id, t.payee_id): t.amount for t in s.transfers.all()}
    assert sum(transfers.values()) <= Decimal("1000.00") and len(transfers) <= 3
    for code, n in net.items():
        paid = sum(v for (a, _b), v in transfers.items() if a == code)
        got = sum(v for (_a, b), v in transfers.items() if b == code)
        assert got - paid == n
    assert s.gross_total == Decimal("1000.00")
    # flows are now settled: they cannot change and a second settlement finds nothing
    with pytest.raises(ValueError, match="settled"):
        services.flow_record(agreement=a1, period="2024", stage="primary", count=9, actor=None)
    with pytest.raises(ValueError, match="no unsettled flows"):
        services.settlement_propose(fund=fund, period="2024", actor=None)
    # approvals: each involved member's bureau; the last posts to the clearing accounts
    with pytest.raises(OutOfScope):
        services.settlement_approve(settlement=s, actor=world["users"]["yrd-sec"])
    for code in (SH, JS, ZJ):
        s = services.settlement_approve(settlement=s, actor=bureaus[code])
        assert s.status == "proposed" and s.entry_id is None
    with pytest.raises(ValueError, match="already approved"):
        services.settlement_approve(settlement=s, actor=bureaus[SH])
    s = services.settlement_approve(settlement=s, actor=bureaus[AH])
    assert s.status == "approved" and s.entry is not None
    assert ledger.balance(fund, f"clear:{SH}") == Decimal("600.00")  # debit: SH owes 600
    assert ledger.trial_balance(fund)["balanced"]
    for t in s.transfers.all():
        with pytest.raises(OutOfScope):
            services.transfer_paid(transfer=t, actor=bureaus[t.payee_id])
        services.transfer_paid(transfer=t, actor=bureaus[t.payer_id], date=dt.date(2024, 12, 31))
    s.refresh_from_db()
    assert s.status == "settled"
    # paying again says so, not that the settlement still awaits approval
    n_entries = s.fund.entries.count()
    for t in s.transfers.all():
        with pytest.raises(ValueError, match="already recorded as paid") as exc:
            services.transfer_paid(transfer=t, actor=bureaus[t.payer_id])
        assert "approved by every member" not in str(exc.value)
    assert s.fund.entries.count() == n_entries
    for code in (SH, JS, ZJ, AH):
        assert ledger.balance(fund, f"clear:{code}") == 0
    st = selectors.member_statement(
        fund, j(SH), date_from=dt.date(2024, 1, 1), date_to=dt.date(2024, 12, 31)
    )
    assert st["opening"] == 0 and st["closing"] == 0 and len(st["rows"]) >= 2


def test_wrong_users(fund, bureaus, world):
    with pytest.raises(OutOfScope):  # neither side
        services.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=j(AH),
            payee=j(ZJ),
            rates={"a": "1"},
            actor=bureaus[JS],
        )
    with pytest.raises(OutOfScope):
        services.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=j(AH),
            payee=j(ZJ),
            rates={"a": "1"},
            actor=world["users"]["jjj-sec"],
        )
    a = _agreement(fund, AH, ZJ, {"primary": "1.00"})
    with pytest.raises(OutOfScope):
        services.flow_record(
            agreement=a, period="2024", stage="primary", count=1, actor=bureaus[SH]
        )
    services.flow_record(agreement=a, period="2024", stage="primary", count=1, actor=None)
    with pytest.raises(OutOfScope):
        services.settlement_propose(fund=fund, period="2024", actor=bureaus[AH])


def test_bad_input(fund):
    with pytest.raises(ValueError, match="two different"):
        services.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=j(AH),
            payee=j(AH),
            rates={"a": "1"},
            actor=None,
        )
    with pytest.raises(ValueError, match="not a member"):
        services.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=j(AH),
            payee=j("110000000000"),
            rates={"a": "1"},
            actor=None,
        )
    with pytest.raises(ValueError, match="Unknown kind"):
        services.agreement_create(
            fund=fund,
            kind="loan",
            title="t",
            payer=j(AH),
            payee=j(ZJ),
            rates={"a": "1"},
            actor=None,
        )
    with pytest.raises(ValueError, match="positive"):
        services.agreement_create(
            fund=fund,
            kind="tuition",
            title="t",
            payer=j(AH),
            payee=j(ZJ),
            rates={"a": "0"},
            actor=None,
        )
    a = _agreement(fund, AH, ZJ, {"primary": "1.00"})
    with pytest.raises(ValueError, match="no rate"):
        services.flow_record(agreement=a, period="2024", stage="junior", count=1, actor=None)
    with pytest.raises(ValueError, match="whole number"):
        services.flow_record(agreement=a, period="2024", stage="primary", count=-1, actor=None)
    with pytest.raises(ValueError, match="Period"):
        services.flow_record(agreement=a, period="last year", stage="primary", count=1, actor=None)
