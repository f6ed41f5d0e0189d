"""Tests for xietong.algorithms.netting.

Oracles for the fewest transfers on tiny cases, independent of the subset DP:

* a depth-first search that settles the first open member against each later
  member of opposite sign (exhaustive over such settlements), and
* enumeration of all set partitions of the members with nonzero positions,
  counting zero-sum blocks (minimum = k - largest number of zero-sum blocks).
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xietong.algorithms.netting import (
    MAX_EXACT_MEMBERS,
    net_positions,
    settle,
    settle_detailed,
)

AMOUNTS = st.integers(-50, 50)
FAST = settings(
    max_examples=80, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


def apply(transfers, n):
    """Position reached by the transfers: received minus paid, per member."""
    pos = [0] * n
    for payer, payee, amount in transfers:
        pos[payee] += amount
        pos[payer] -= amount
    return pos


def dfs_min_transfers(balances):
    debts = [b for b in balances if b != 0]

    def go(start):
        while start < len(debts) and debts[start] == 0:
            start += 1
        if start == len(debts):
            return 0
        best = len(debts)
        for j in range(start + 1, len(debts)):
            if debts[j] * debts[start] < 0:
                debts[j] += debts[start]
                best = min(best, 1 + go(start + 1))
                debts[j] -= debts[start]
        return best

    return go(0)


def partitions(items):
    if not items:
        yield []
        return
    first, rest = items[0], items[1:]
    for part in partitions(rest):
        for k in range(len(part)):
            yield part[:k] + [[first] + part[k]] + part[k + 1 :]
        yield [[first]] + part


def partition_min_transfers(balances):
    vals = [b for b in balances if b != 0]
    if not vals:
        return 0
    best = max(len(p) for p in partitions(vals) if all(sum(b) == 0 for b in p))
    return len(vals) - best


@st.composite
def balance_lists(draw, min_n=1, max_n=12, amounts=AMOUNTS):
    n = draw(st.integers(min_n, max_n))
    head = draw(st.lists(amounts, min_size=n - 1, max_size=n - 1))
    return head + [-sum(head)]


def check_settlement(balances, s):
    assert apply(s.transfers, len(balances) + (1 if s.fund_index is not None else 0))[
        : len(balances)
    ] == list(balances)
    assert all(isinstance(a, int) and a > 0 for _, _, a in s.transfers)
    assert all(payer != payee for payer, payee, _ in s.transfers)


# --------------------------------------------------------------------------
# net positions
# --------------------------------------------------------------------------


def test_net_positions_example():
    net = net_positions([(0, 1, 500), (1, 2, 300), (2, 0, 100), (1, 1, 999)], 3)
    assert net.tolist() == [-400, 200, 200]
    assert net.dtype == np.int64
    assert net_positions([], 4).tolist() == [0, 0, 0, 0]


@FAST
@given(
    st.integers(1, 8).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(
                st.tuples(st.integers(0, n - 1), st.integers(0, n - 1), st.integers(0, 10**12)),
                max_size=40,
            ),
        )
    )
)
def test_net_positions_matches_loop_and_array_path(case):
    n, obligations = case
    expected = [0] * n
    for d, c, a in obligations:
        expected[d] -= a
        expected[c] += a
    net = net_positions(obligations, n)
    assert net.tolist() == expected
    assert int(net.sum()) == 0
    if obligations:
        assert net_positions(np.array(obligations, dtype=np.int64), n).tolist() == expected


@pytest.mark.parametrize(
    ("obligations", "n", "message"),
    [
        ([(0, 1, 5)], 0, "positive integer"),
        ([(0, 2, 5)], 2, "creditor 2 is not a member"),
        ([(-1, 1, 5)], 2, "debtor -1"),
        ([(0, 1, -5)], 2, "swap debtor and creditor"),
        ([(0, 1, 5.0)], 2, "integers"),
        ([(0, 1)], 2, "debtor, creditor, amount"),
        (np.array([[0, 1, 5.0]]), 2, "integers"),
        (np.array([0, 1, 5]), 2, "shape"),
        ([(0, 1, 2**62), (0, 1, 2**62)], 2, "64-bit"),
    ],
)
def test_net_positions_validation(obligations, n, message):
    with pytest.raises(ValueError, match=message):
        net_positions(obligations, n)


# --------------------------------------------------------------------------
# settlement
# --------------------------------------------------------------------------


def test_spec_example_three_transfers():
    balances = [4, 3, 3, -6, -4]
    transfers = settle(balances)
    assert len(transfers) == 3
    assert apply(transfers, 5) == balances
    s = settle_detailed(balances, "exact")
    assert s.optimal and s.groups == ((0, 4), (1, 2, 3))


def test_exact_beats_greedy_when_pairs_do_not_help():
    # no two positions cancel; the zero-sum groups {5, 3, -8} and {6, 1, -7}
    balances = [5, 3, -8, 6, 1, -7]
    exact = settle_detailed(balances, "exact")
    greedy = settle_detailed(balances, "greedy")
    assert exact.n_transfers == 4 == dfs_min_transfers(balances)
    assert greedy.n_transfers == 5
    assert not greedy.optimal and greedy.lower_bound == 4  # four creditors
    check_settlement(balances, exact)
    check_settlement(balances, greedy)


def test_central_counterparty():
    s = settle_detailed([400, 300, 300, -600, -400], "central")
    assert s.fund_index == 5 and s.method == "central" and not s.optimal
    assert s.n_transfers == 5
    assert all(5 in (p, q) for p, q, _ in s.transfers)
    pos = apply(s.transfers, 6)
    assert pos == [400, 300, 300, -600, -400, 0]  # the fund ends flat


def test_all_zero_and_single_member():
    assert settle([0, 0, 0]) == []
    assert settle([0]) == []
    s = settle_detailed([0, 0], "greedy")
    assert s.optimal and s.n_transfers == 0


def test_auto_switches_to_greedy_beyond_limit():
    rng = np.random.default_rng(0)
    head = [int(x) for x in rng.integers(1, 10**6, size=29)]
    balances = head + [-sum(head)]
    s = settle_detailed(balances)
    assert s.method == "greedy" and s.n_transfers <= 29
    check_settlement(balances, s)
    small = settle_detailed(balances[:4] + [-sum(balances[:4])], exact_limit=5)
    assert small.method == "exact"
    with pytest.raises(ValueError, match="exact_limit"):
        settle_detailed(balances, "exact")


def test_exact_twenty_members_with_planted_groups():
    # 20 members in 6 planted zero-sum groups: at most 14 transfers are needed.
    rng = np.random.default_rng(1)
    balances = []
    for size in (3, 3, 3, 3, 4, 4):
        part = [int(x) for x in rng.integers(1, 10**9, size=size - 1)]
        balances += part + [-sum(part)]
    order = rng.permutation(len(balances))
    balances = [balances[i] for i in order]
    s = settle_detailed(balances, "exact")
    assert s.n_transfers <= 14
    assert s.n_transfers >= s.lower_bound >= 10
    check_settlement(balances, s)
    g = settle_detailed(balances, "greedy")
    assert s.n_transfers <= g.n_transfers


@pytest.mark.parametrize(
    ("balances", "message"),
    [
        ([1, 2], "add up to 3 fen, not 0"),
        ([1.0, -1.0], "integer number of fen"),
        ([], "empty"),
        ("12", "sequence"),
        (np.array([0.5, -0.5]), "integers"),
        (np.zeros((2, 2), dtype=int), "one-dimensional"),
    ],
)
def test_settle_validation(balances, message):
    with pytest.raises(ValueError, match=message):
        settle(balances)


def test_settle_detailed_validation():
    with pytest.raises(ValueError, match="method"):
        settle_detailed([1, -1], "fastest")
    with pytest.raises(ValueError, match="exact_limit"):
        settle_detailed([1, -1], exact_limit=MAX_EXACT_MEMBERS + 1)


def test_numpy_and_big_python_integers():
    assert settle(np.array([5, -5], dtype=np.int64)) == [(1, 0, 5)]
    big = 10**20  # beyond int64: the greedy works on Python integers
    s = settle_detailed([big, -big + 1, -1], "greedy")
    check_settlement([big, -big + 1, -1], s)
    auto = settle_detailed([big, -big + 1, -1])
    assert auto.method == "greedy" and auto.n_transfers == 2
    with pytest.raises(ValueError, match="too large for the exact method"):
        settle_detailed([big, -big + 1, -1], "exact")


@FAST
@given(balance_lists())
def test_settle_properties(balances):
    k = sum(1 for b in balances if b != 0)
    results = {m: settle_detailed(balances, m) for m in ("exact", "greedy", "central")}
    for s in results.values():
        check_settlement(balances, s)
    exact, greedy, central = results["exact"], results["greedy"], results["central"]
    assert exact.n_transfers <= max(k - 1, 0)
    assert greedy.n_transfers <= max(k - 1, 0)
    assert exact.n_transfers <= greedy.n_transfers
    assert central.n_transfers == k
    assert exact.optimal and exact.lower_bound == exact.n_transfers
    assert greedy.lower_bound <= exact.n_transfers
    if greedy.optimal:
        assert greedy.n_transfers == exact.n_transfers
    # groups partition the members with a nonzero position into zero-sum groups
    members = sorted(i for g in exact.groups for i in g)
    assert members == [i for i, b in enumerate(balances) if b != 0]
    assert all(sum(balances[i] for i in g) == 0 for g in exact.groups)
    assert exact.n_transfers == k - len(exact.groups)
    assert settle(balances) == list(exact.transfers)


@settings(max_examples=60, deadline=None, database=None)
@given(balance_lists(max_n=7, amounts=st.integers(-6, 6)))
def test_exact_equals_brute_force_minimum(balances):
    s = settle_detailed(balances, "exact")
    assert s.n_transfers == dfs_min_transfers(balances)
    assert s.n_transfers == partition_min_transfers(balances)


def test_brute_force_oracles_agree_on_all_tiny_cases():
    # every multiset of 5 positions in -3..3 that adds up to 0
    for combo in itertools.combinations_with_replacement(range(-3, 4), 5):
        if sum(combo) != 0:
            continue
        assert dfs_min_transfers(list(combo)) == partition_min_transfers(list(combo))
        assert settle_detailed(list(combo), "exact").n_transfers == dfs_min_transfers(list(combo))


def test_pairing_is_deterministic_and_counts():
    balances = [7, -7, 7, -7, 3, -3]
    s = settle_detailed(balances)
    assert s.n_transfers == 3
    assert Counter(a for _, _, a in s.transfers) == Counter({7: 2, 3: 1})
    assert s.transfers == settle_detailed(list(balances)).transfers
