"""Contribution rounds: rule frozen, shares exact to the fen, approval by each member, call."""

from decimal import Decimal

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import ledger, services
from xietong.finance.models import Charge, ContributionRound
from xietong.regions.models import Jurisdiction

from .conftest import AH, JS, SH, ZJ


def _round(fund, total="1000000.01", mix=None, **kw):
    return services.round_create(
        fund=fund,
        title="r",
        year=2024,
        total=total,
        mix=mix or {"students": 40, "population": 30, "gdp": 30},
        actor=None,
        **kw,
    )


def _weights(r, data):
    for code, v in data.items():
        services.round_weights_set(
            round=r, member=Jurisdiction.objects.get(code=code), values=v, actor=None
        )


W = {
    SH: {"students": 1, "population": 1, "gdp": 1},
    JS: {"students": 1, "population": 1, "gdp": 1},
    ZJ: {"students": 1, "population": 1, "gdp": 1},
    AH: {"students": 1, "population": 1, "gdp": 1},
}


def test_happy_path_shares_add_up_to_the_fen(fund, bureaus, world):
    r = services.round_create(
        fund=fund,
        title="r",
        year=2024,
        total="1000000.01",
        mix={"students": 40, "population": 30, "gdp": 30},
        actor=world["users"]["yrd-sec"],
    )
    # the secretariat enters some weights, a member's bureau declares its own
    _weights(r, {k: v for k, v in W.items() if k != AH})
    services.round_weights_set(
        round=r,
        member=Jurisdiction.objects.get(code=AH),
        values={"students": 3, "population": 1, "gdp": 1},
        actor=bureaus[AH],
    )
    r = services.round_freeze(round=r, actor=world["users"]["yrd-sec"])
    amounts = {c.member_id: c.amount for c in r.charges.all()}
    assert sum(amounts.values()) == Decimal("1000000.01")  # exact, one fen left over goes somewhere
    # Anhui: 0.4 * 3/6 + 0.3 * 1/4 + 0.3 * 1/4 = 0.35 of the total; the others 0.21666...
    assert amounts[AH] == Decimal("350000.00")
    others = [amounts[c] for c in (SH, JS, ZJ)]
    assert max(others) - min(others) <= Decimal("0.01")
    # how Anhui's share was computed, as codes and numbers: 1,000,000.01 yuan x 0.35 is
    # 350,000.0035 yuan = 35,000,000.35 fen, rounded down by 0.35 fen to 350,000.00 yuan
    why = r.charges.get(member_id=AH).explanation
    assert why["components"] == [
        ["students", "0.500000"],
        ["population", "0.250000"],
        ["gdp", "0.250000"],
    ]
    assert (why["weight"], why["quota"], why["rounding"], why["amount"]) == (
        "0.350000",
        "35000000.3500",
        "-0.3500",
        35000000,
    )
    assert r.explanation["rule"] == "proportional" and len(r.explanation["shares"]) == 4
    assert r.frozen_rule["mix"] == {"students": "40.00", "population": "30.00", "gdp": "30.00"}
    # the rule is frozen: no more weights
    with pytest.raises(ValueError, match="frozen"):
        _weights(r, {SH: {"students": 2}})
    # not all approved: no call
    with pytest.raises(ValueError, match="Waiting for the approval"):
        services.round_call(round=r, actor=None)
    for code in (SH, JS, ZJ, AH):
        services.charge_approve(charge=r.charges.get(member_id=code), actor=bureaus[code])
    r = services.round_call(round=r, actor=world["users"]["yrd-sec"])
    assert r.status == "called"
    for code, amount in amounts.items():
        assert ledger.balance(fund, f"recv:{code}") == amount
    assert ledger.balance(fund, "income:contributions") == Decimal("1000000.01")


def test_wrong_users(fund, bureaus, world):
    with pytest.raises(OutOfScope):
        services.round_create(
            fund=fund,
            title="r",
            year=2024,
            total="1",
            mix={"equal": 100},
            actor=world["users"]["jjj-sec"],
        )
    r = _round(fund)
    with pytest.raises(OutOfScope):  # Jiangsu may not declare Shanghai's weights
        services.round_weights_set(
            round=r,
            member=Jurisdiction.objects.get(code=SH),
            values={"students": 1},
            actor=bureaus[JS],
        )
    _weights(r, W)
    with pytest.raises(OutOfScope):
        services.round_freeze(round=r, actor=bureaus[JS])
    r = services.round_freeze(round=r, actor=None)
    sh = r.charges.get(member_id=SH)
    for wrong in (
        bureaus[JS],
        bureaus["320100000000"],
        world["users"]["yrd-sec"],
        world["users"]["public"],
    ):
        with pytest.raises(OutOfScope):  # only Shanghai's bureau approves Shanghai's share
            services.charge_approve(charge=sh, actor=wrong)
    assert not Charge.objects.get(pk=sh.pk).approved_at


def test_bad_input(fund):
    with pytest.raises(ValueError, match="Unknown criterion"):
        _round(fund, mix={"wealth": 1})
    with pytest.raises(ValueError, match="positive"):
        _round(fund, total="0")
    with pytest.raises(ValueError, match="not a float"):
        _round(fund, total=1.5)
    with pytest.raises(ValueError, match="not a member"):
        _round(fund, floors={"110000000000": "1"})
    r = _round(fund)
    with pytest.raises(ValueError, match="has not declared"):
        services.round_freeze(round=r, actor=None)
    with pytest.raises(ValueError):
        _weights(r, {SH: {"students": -1}})
    with pytest.raises(ValueError, match="not a member"):
        services.round_weights_set(
            round=r,
            member=Jurisdiction.objects.get(code="110000000000"),
            values={"students": 1},
            actor=None,
        )
    # floors that exceed the total are refused by the engine at freeze time
    r2 = _round(fund, total="100.00", floors={SH: "60.00", JS: "60.00"})
    _weights(r2, W)
    with pytest.raises(ValueError, match="floors add up"):
        services.round_freeze(round=r2, actor=None)
    assert ContributionRound.objects.get(pk=r2.pk).status == "draft"


def test_equal_rule_with_floor_and_cap_rounds_to_the_fen(fund):
    r = _round(fund, total="100.00", mix={"equal": 100}, caps={SH: "20.00"})
    r = services.round_freeze(round=r, actor=None)
    amounts = {c.member_id: c.amount for c in r.charges.all()}
    assert amounts[SH] == Decimal("20.00")
    assert sorted(amounts[c] for c in (JS, ZJ, AH)) == [
        Decimal("26.66"),
        Decimal("26.67"),
        Decimal("26.67"),
    ]
    assert sum(amounts.values()) == Decimal("100.00")


def test_rule_shares_must_add_up_to_100_percent(fund):
    with pytest.raises(ValueError, match="90"):
        _round(fund, mix={"students": 40, "population": 30, "gdp": 20})
    with pytest.raises(ValueError, match="110"):
        _round(fund, mix={"students": 40, "population": 40, "gdp": 30})
    assert _round(fund, mix={"students": 40, "population": 30, "gdp": 30}).mix == {
        "students": "40.00",
        "population": "30.00",
        "gdp": "30.00",
    }


def test_a_call_cannot_fall_due_before_it_is_made(fund):
    import datetime as dt

    r = _round(fund, total="100.00", mix={"equal": 100})
    services.round_freeze(round=r, actor=None)
    for charge in r.charges.all():
        services.charge_approve(charge=charge, actor=None)
    with pytest.raises(ValueError, match="2025-03-01 is before the call date 2025-03-10"):
        services.round_call(
            round=r, actor=None, date=dt.date(2025, 3, 10), due_date=dt.date(2025, 3, 1)
        )
    r.refresh_from_db()
    assert r.status != "called"
    called = services.round_call(
        round=r, actor=None, date=dt.date(2025, 3, 10), due_date=dt.date(2025, 6, 30)
    )
    assert called.due_date == dt.date(2025, 6, 30)
