"""Joint projects shared by the Shapley value (coalition costs or an airport game) or
proportionally."""

from decimal import Decimal
from itertools import combinations

import pytest

from xietong.accounts.scope import OutOfScope
from xietong.finance import ledger, services

from .conftest import AH, JS, SH, ZJ

MEMBERS = [SH, JS, ZJ]
COST = {SH: Decimal("100.00"), JS: Decimal("200.00"), ZJ: Decimal("300.00")}


def _coalitions(cost_of):
    return [
        {"members": list(s), "cost": str(cost_of(s))}
        for k in range(1, 4)
        for s in combinations(MEMBERS, k)
    ]


def test_shapley_airport_game_matches_closed_form(fund, bureaus, world):
    # a facility costs as much as its most demanding user: Shapley = airport rule
    # charges: 100/3, 100/3 + 100/2, 100/3 + 100/2 + 100; all three remainders are 1/3 fen,
    # so the one fen left goes to the first participant: 33.34, 83.33, 183.33 (sum 300.00)
    p = services.project_create(
        fund=fund,
        title="lab",
        programme="shared_resources",
        rule="shapley",
        participants=MEMBERS,
        inputs={"coalitions": _coalitions(lambda s: max(COST[c] for c in s))},
        actor=world["users"]["yrd-sec"],
    )
    assert p.total == Decimal("300.00")
    p = services.project_freeze(project=p, actor=None)
    amounts = {c.member_id: c.amount for c in p.charges.all()}
    assert sum(amounts.values()) == Decimal("300.00")
    assert amounts[SH] == Decimal("33.34") and amounts[JS] == Decimal("83.33")
    assert amounts[ZJ] == Decimal("183.33")
    # the explanation is stored as codes and numbers; Shanghai's Shapley value is 100/3 yuan
    assert p.explanation["rule"] == "shapley"
    assert p.explanation["members"][0] == {
        "member": SH,
        "value": "33.3333",
        "standalone": "100.0000",
        "joins_last": "0.0000",  # Zhejiang's 300 already covers Shanghai's 100
        "min": "0.0000",
        "max": "100.0000",
    }
    from xietong.finance import explain

    assert "Shapley value 33.33 yuan" in explain.lines(p.explanation)[1]
    q = services.project_create(
        fund=fund,
        title="lab2",
        programme="shared_resources",
        rule="airport",
        participants=MEMBERS,
        inputs={"costs": {k: str(v) for k, v in COST.items()}},
        actor=None,
    )
    q = services.project_freeze(project=q, actor=None)
    assert {c.member_id: c.amount for c in q.charges.all()} == amounts
    for c in p.charges.all():
        services.charge_approve(charge=c, actor=bureaus[c.member_id])
    services.project_call(project=p, actor=None)
    assert ledger.balance(fund, "income:projects") == Decimal("300.00")
    assert ledger.balance(fund, f"recv:{ZJ}") == Decimal("183.33")


def test_proportional_project(fund):
    p = services.project_create(
        fund=fund,
        title="p",
        programme="training",
        rule="proportional",
        participants=[SH, AH],
        inputs={"weights": {SH: 1, AH: 2}},
        total="100.00",
        actor=None,
    )
    p = services.project_freeze(project=p, actor=None)
    assert {c.member_id: c.amount for c in p.charges.all()} == {
        SH: Decimal("33.33"),
        AH: Decimal("66.67"),
    }


def test_wrong_user(fund, bureaus, world):
    for wrong in (bureaus[SH], world["users"]["twl-sec"], world["users"]["public"]):
        with pytest.raises(OutOfScope):
            services.project_create(
                fund=fund,
                title="p",
                programme="training",
                rule="proportional",
                participants=[SH, AH],
                inputs={"weights": {SH: 1, AH: 1}},
                total="1",
                actor=wrong,
            )


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"rule": "shapley", "inputs": {"coalitions": _coalitions(lambda s: 1)[:-1]}}, "missing"),
        (
            {
                "rule": "shapley",
                "inputs": {"coalitions": [{"members": ["110000000000"], "cost": "1"}]},
            },
            "not a participant",
        ),
        ({"rule": "airport", "inputs": {"costs": {SH: "1"}}}, "every participant"),
        ({"rule": "proportional", "inputs": {"weights": {SH: 1, JS: 1, ZJ: 1}}}, "needs a total"),
        ({"rule": "magic", "inputs": {}}, "Unknown rule"),
        (
            {"rule": "airport", "inputs": {"costs": {SH: "1", JS: "1", ZJ: "1"}}, "programme": "x"},
            "Unknown programme",
        ),
    ],
)
def test_bad_input(fund, kw, message):
    args = {"title": "p", "programme": "training", "participants": MEMBERS, "actor": None} | kw
    with pytest.raises(ValueError, match=message):
        services.project_create(fund=fund, **args)
    with pytest.raises(ValueError, match="two different participants"):
        services.project_create(
            fund=fund,
            title="p",
            programme="training",
            rule="airport",
            participants=[SH],
            inputs={},
            actor=None,
        )
    with pytest.raises(ValueError, match="not a member"):
        services.project_create(
            fund=fund,
            title="p",
            programme="training",
            rule="airport",
            participants=[SH, "110000000000"],
            inputs={},
            actor=None,
        )
