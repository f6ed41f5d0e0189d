"""Tests for xietong.algorithms.cost_sharing.

Published examples used as fixed points:

* Littlechild and Owen (1973) rule on the 4-type runway example of the
  "Airport problem" literature (costs 8, 11, 13, 18 -> charges 2, 3, 4, 9).
* Littlechild and Thompson (1977), Bell Journal of Economics 8(1), 186-204:
  Birmingham airport 1968-69, 11 aircraft types, 13,572 movements; their
  Shapley-value landing charges (capital cost, pounds per movement) to two
  decimals.  Data as reproduced in the R package AirportProblems (dataset
  ``Birmingham``).
* Aumann and Maschler (1985), J. Econ. Theory 36, 195-213: the Talmud's
  bankruptcy divisions (claims 100, 200, 300; estates 100, 200, 300) are the
  nucleoli of the bankruptcy games.
* The 3-player glove game (Maschler, Solan and Zamir 2013, ch. 17-20;
  Osborne and Rubinstein 1994, ch. 13-14): Shapley (2/3, 1/6, 1/6), core and
  nucleolus (1, 0, 0); the 3-player majority game: Shapley and nucleolus
  (1/3, 1/3, 1/3), empty core.

Independent oracles: Shapley by enumerating all n! orders; the prenucleolus by
Kohlberg's criterion (E. Kohlberg, SIAM J. Appl. Math. 20(1), 1971, 62-66);
floors/caps by the characterisation "every member pays clamp(scale * weight,
floor, cap)".
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from scipy.optimize import linprog

import xietong.algorithms.cost_sharing.shapley_value as shapley_kernel
from xietong.algorithms.cost_sharing import (
    EQUAL,
    airport_game,
    airport_shares,
    coalition_sums,
    core_check,
    format_fen,
    in_core,
    largest_remainder_round,
    nucleolus,
    nucleolus_detailed,
    proportional_shares,
    shapley,
    shapley_detailed,
    shapley_sampled,
    yuan_to_fen,
)

FAST = settings(
    max_examples=60, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)
SLOW = settings(
    max_examples=25, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


# --------------------------------------------------------------------------
# helpers / oracles
# --------------------------------------------------------------------------

GLOVE = np.array([0, 0, 0, 1, 0, 1, 0, 1], dtype=float)  # player 0: left glove
MAJORITY = np.array([0, 0, 0, 1, 0, 1, 1, 1], dtype=float)  # any two of three win


def brute_shapley(v: np.ndarray) -> np.ndarray:
    """Average marginal contribution over all n! joining orders."""
    n = len(v).bit_length() - 1
    phi = np.zeros(n)
    for perm in itertools.permutations(range(n)):
        mask = 0
        for i in perm:
            phi[i] += v[mask | 1 << i] - v[mask]
            mask |= 1 << i
    return phi / math.factorial(n)


def formula_shapley(v: np.ndarray) -> np.ndarray:
    """Direct bitmask formula with full-size temporaries (independent of the chunked kernel)."""
    n = len(v).bit_length() - 1
    masks = np.arange(1 << n)
    size = np.array([bin(m).count("1") for m in range(1 << n)])
    w = np.array([1 / (n * math.comb(n - 1, s)) for s in range(n)])
    phi = np.zeros(n)
    for i in range(n):
        s = masks[(masks >> i & 1) == 0]
        phi[i] = np.sum(w[size[s]] * (v[s | 1 << i] - v[s]))
    return phi


def bankruptcy_game(claims: list[int], estate: int) -> np.ndarray:
    n = len(claims)
    v = np.zeros(1 << n)
    for m in range(1 << n):
        outside = sum(c for i, c in enumerate(claims) if not m >> i & 1)
        v[m] = max(0, estate - outside)
    return v


def unanimity_game(n: int, members: int) -> np.ndarray:
    """u_T(S) = 1 if T is a subset of S."""
    m = np.arange(1 << n)
    return ((m & members) == members).astype(float)


@st.composite
def games(draw, min_n=1, max_n=5, integers=False):
    n = draw(st.integers(min_n, max_n))
    if integers:
        vals = draw(st.lists(st.integers(-50, 50), min_size=(1 << n) - 1, max_size=(1 << n) - 1))
    else:
        vals = draw(
            st.lists(
                st.floats(-100, 100, allow_nan=False, allow_subnormal=False),
                min_size=(1 << n) - 1,
                max_size=(1 << n) - 1,
            )
        )
    return np.array([0.0] + [float(x) for x in vals])


@st.composite
def convex_games(draw, min_n=2, max_n=5):
    """Non-negative combinations of unanimity games are convex (supermodular)."""
    n = draw(st.integers(min_n, max_n))
    v = np.zeros(1 << n)
    for _ in range(draw(st.integers(1, 6))):
        t = draw(st.integers(1, (1 << n) - 1))
        v += draw(st.integers(1, 20)) * unanimity_game(n, t)
    return v


def kohlberg_prenucleolus(v: np.ndarray, x: np.ndarray, tol: float = 1e-6) -> bool:
    """Kohlberg (1971): x is the prenucleolus iff every collection
    {S : e(S, x) >= a} (nonempty) is balanced."""
    n = len(x)
    full = (1 << n) - 1
    if abs(x.sum() - v[full]) > tol:
        return False
    masks = np.arange(1, full)
    excess = v[masks] - coalition_sums(x)[masks]
    levels = sorted(set(np.round(excess / tol).astype(np.int64).tolist()), reverse=True)
    for lev in levels:
        coll = masks[np.round(excess / tol).astype(np.int64) >= lev]
        a = ((coll[None, :] >> np.arange(n)[:, None]) & 1).astype(float)
        k = coll.size
        # maximise s subject to A lam = 1, lam >= s, s <= 1
        c = np.zeros(k + 1)
        c[-1] = -1.0
        a_eq = np.hstack([a, np.zeros((n, 1))])
        a_ub = np.hstack([-np.eye(k), np.ones((k, 1))])
        res = linprog(
            c,
            A_ub=a_ub,
            b_ub=np.zeros(k),
            A_eq=a_eq,
            b_eq=np.ones(n),
            bounds=[(0, None)] * k + [(None, 1)],
            method="highs",
        )
        if res.status != 0 or -res.fun <= 1e-9:
            return False
    return True


# --------------------------------------------------------------------------
# money helpers and rounding
# --------------------------------------------------------------------------


def test_yuan_to_fen_and_format():
    assert yuan_to_fen("0.01") == 1
    assert yuan_to_fen(Decimal("12345.60")) == 1234560
    assert yuan_to_fen(7) == 700
    assert format_fen(1234560) == "12,345.60"
    assert format_fen(0) == "0.00"
    with pytest.raises(ValueError, match="fraction of a fen"):
        yuan_to_fen("0.001")
    with pytest.raises(ValueError, match="float"):
        yuan_to_fen(0.1)
    with pytest.raises(ValueError, match="cannot read"):
        yuan_to_fen("abc")
    with pytest.raises(ValueError, match="integer number of fen"):
        format_fen(1.5)


def test_largest_remainder_round_basic_and_ties():
    q = [Fraction(10, 3)] * 3
    assert largest_remainder_round(q, 10) == (4, 3, 3)
    assert largest_remainder_round(q, 10, priority=[0, 5, 1]) == (3, 4, 3)
    assert largest_remainder_round([Fraction(7, 2), Fraction(13, 2)], 10) == (4, 6)
    with pytest.raises(ValueError, match="not to the total"):
        largest_remainder_round([Fraction(1, 2)], 1)
    with pytest.raises(ValueError, match="exact Fraction"):
        largest_remainder_round([0.5, 0.5], 1)


@FAST
@given(st.lists(st.integers(0, 10**6), min_size=1, max_size=30), st.integers(0, 10**9))
def test_largest_remainder_round_properties(raw, total):
    assume(sum(raw) > 0)
    quotas = [Fraction(total * r, sum(raw)) for r in raw]
    out = largest_remainder_round(quotas, total)
    assert sum(out) == total
    for a, q in zip(out, quotas, strict=True):
        assert math.floor(q) <= a <= math.ceil(q)
    # Hamilton: every member that got the extra fen has a remainder at least as
    # large as every member that did not.
    got = [q - math.floor(q) for a, q in zip(out, quotas, strict=True) if a > q]
    not_got = [q - math.floor(q) for a, q in zip(out, quotas, strict=True) if a < q]
    if got and not_got:
        assert min(got) >= max(not_got)


# --------------------------------------------------------------------------
# proportional rules
# --------------------------------------------------------------------------


def test_proportional_simple():
    r = proportional_shares(10000, [3, 1])
    assert r.amounts == (7500, 2500)
    assert r.scale == 10000
    assert [s.clamped for s in r.shares] == [None, None]
    assert all(s.rounding == 0 for s in r.shares)


def test_proportional_rounding_explained():
    r = proportional_shares(100, [1, 1, 1])
    assert r.amounts == (34, 33, 33)
    assert [s.rounding for s in r.shares] == [Fraction(2, 3), Fraction(-1, 3), Fraction(-1, 3)]
    assert [s.quota for s in r.shares] == [Fraction(100, 3)] * 3
    # the tie goes to the larger weight before the lower index
    r = proportional_shares(2, [1, 2, 3])
    assert r.amounts == (0, 1, 1)  # quotas 1/3, 2/3, 1: remainders 1/3, 2/3, 0


def test_proportional_rounding_tie_lower_index():
    # remainders 1/6, 1/6, 1/3, 1/3; members 2 and 3 tie on remainder and weight
    r = proportional_shares(1, [1, 1, 2, 2])
    assert r.amounts == (0, 0, 1, 0)


def test_proportional_mix_matches_manual_weights():
    students = [700, 200, 100]
    population = [50, 30, 20]
    mixed = proportional_shares(
        1_000_000,
        {"students": students, "population": population},
        mix={"students": 40, "population": 30, EQUAL: 30},
    )
    floats = proportional_shares(
        1_000_000,
        {"students": students, "population": population},
        mix={"students": 0.4, "population": 0.3, EQUAL: 0.3},
    )
    manual = [
        Fraction(4, 10) * Fraction(s, 1000) + Fraction(3, 10) * Fraction(p, 100) + Fraction(1, 10)
        for s, p in zip(students, population, strict=True)
    ]
    assert [s.weight for s in mixed.shares] == manual
    assert mixed.amounts == floats.amounts == (530000, 270000, 200000)
    assert mixed.shares[0].components == (
        ("students", Fraction(7, 10)),
        ("population", Fraction(1, 2)),
        (EQUAL, Fraction(1, 3)),
    )


def test_proportional_equal_only_with_labels():
    r = proportional_shares(1000, {}, mix={EQUAL: 1}, labels=["A", "B", "C"])
    assert r.amounts == (334, 333, 333)
    assert r.shares[1].label == "B"


def test_proportional_floors_and_caps_worked_example():
    # 1,000 yuan by population 6:3:1 with a 150-yuan floor and a 500-yuan cap.
    r = proportional_shares(100000, [600, 300, 100], floors=[0, 0, 15000], caps=[50000, None, None])
    # A capped at 500; C raised to 150; B pays the rest, 350.
    assert r.amounts == (50000, 35000, 15000)
    assert [s.clamped for s in r.shares] == ["cap", None, "floor"]
    assert "lowered to its cap 500.00 yuan" in r.explain()
    assert "raised to its floor 150.00 yuan" in r.explain()


def test_proportional_cascading_clamps():
    # Capping A raises B and C; B then hits its own cap; C takes the rest.
    r = proportional_shares(1000, [5, 3, 2], caps=[400, 310, None])
    assert r.amounts == (400, 310, 290)
    assert [s.clamped for s in r.shares] == ["cap", "cap", None]


def test_proportional_zero_weight_member_pays_floor():
    r = proportional_shares(1000, [1, 0, 1], floors=[0, 100, 0])
    assert r.amounts == (450, 100, 450)
    with pytest.raises(ValueError, match="caps add up to only"):
        proportional_shares(1000, [1, 0], floors=[0, 100], caps=[500, 800])


def test_proportional_infeasible():
    with pytest.raises(ValueError, match="floors add up to 15.00 yuan, more than the total"):
        proportional_shares(1000, [1, 1], floors=[500, 1000])
    with pytest.raises(ValueError, match="caps add up to only 8.00 yuan"):
        proportional_shares(1000, [1, 1], caps=[400, 400])
    with pytest.raises(ValueError, match="below its floor"):
        proportional_shares(1000, [1, 1], floors=[300, 0], caps=[200, None])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"total": 10.0, "weights": [1]}, "integer number of fen"),
        ({"total": -1, "weights": [1]}, ">= 0"),
        ({"total": 10, "weights": [1, -1]}, "negative"),
        ({"total": 10, "weights": [0, 0]}, "adds up to 0"),
        ({"total": 10, "weights": [1, float("nan")]}, "finite"),
        ({"total": 10, "weights": [True, 1]}, "boolean"),
        ({"total": 10, "weights": [1, 2], "floors": [0]}, "floors has 1"),
        ({"total": 10, "weights": [1, 2], "floors": [0, 0.5]}, "integer number of fen"),
        ({"total": 10, "weights": [1, 2], "labels": ["a"]}, "1 labels for 2"),
        ({"total": 10, "weights": {"a": [1], "b": [2]}}, "mix="),
        ({"total": 10, "weights": {"a": [1], "b": [2]}, "mix": {"a": 1}}, "not used in mix"),
        ({"total": 10, "weights": {"a": [1]}, "mix": {"a": 1, "gdp": 1}}, "no weight vector"),
        ({"total": 10, "weights": {"a": [1, 2], "b": [1]}, "mix": {"a": 1, "b": 1}}, "expected 2"),
        ({"total": 10, "weights": [1, 2], "mix": {"a": 1}}, "mapping"),
        ({"total": 10, "weights": {"a": [1]}, "mix": {"a": 0}}, "add up to 0"),
        ({"total": 10, "weights": {}, "mix": {EQUAL: 1}}, "number of members"),
        ({"total": 10, "weights": "12"}, "sequence of numbers"),
    ],
)
def test_proportional_validation(kwargs, message):
    with pytest.raises(ValueError, match=message):
        proportional_shares(**kwargs)


def test_proportional_accepts_decimal_numpy_and_fraction_weights():
    a = proportional_shares(999, [Decimal("1.5"), np.int64(3), Fraction(1, 2), np.float64(0.25)])
    b = proportional_shares(999, [6, 12, 2, 1])
    assert a.amounts == b.amounts
    assert sum(a.amounts) == 999


@st.composite
def bounded_problems(draw):
    n = draw(st.integers(1, 12))
    weights = draw(st.lists(st.integers(0, 1000), min_size=n, max_size=n))
    assume(sum(weights) > 0)
    floors = draw(st.lists(st.integers(0, 5000), min_size=n, max_size=n))
    caps = [None if draw(st.booleans()) else f + draw(st.integers(0, 20000)) for f in floors]
    lo = sum(floors)
    if all(c is not None or w == 0 for c, w in zip(caps, weights, strict=True)):
        hi = sum(f if w == 0 else c for f, c, w in zip(floors, caps, weights, strict=True))
    else:
        hi = lo + 10**6
    assume(lo <= hi)
    total = draw(st.integers(lo, hi))
    return total, weights, floors, caps


@FAST
@given(bounded_problems())
def test_proportional_floors_caps_properties(problem):
    total, weights, floors, caps = problem
    r = proportional_shares(total, weights, floors=floors, caps=caps)
    assert sum(r.amounts) == total
    assert sum(s.quota for s in r.shares) == total
    lam = r.scale
    wsum = sum(weights)
    for s, w, f, c in zip(r.shares, weights, floors, caps, strict=True):
        assert f <= s.amount and (c is None or s.amount <= c)
        assert abs(s.rounding) < 1
        assert s.weight == Fraction(w, wsum)
        # characterisation: quota = clamp(scale * weight, floor, cap)
        raw = lam * s.weight
        expect = max(Fraction(f), raw if c is None else min(Fraction(c), raw))
        assert s.quota == expect
        if s.clamped == "floor":
            assert raw < f
        elif s.clamped == "cap":
            assert raw > c
        else:
            assert f <= raw and (c is None or raw <= c)


@FAST
@given(st.lists(st.integers(1, 10**6), min_size=1, max_size=20), st.integers(0, 10**10))
def test_proportional_without_bounds_is_hamilton(weights, total):
    r = proportional_shares(total, weights)
    quotas = [Fraction(total * w, sum(weights)) for w in weights]
    assert [s.quota for s in r.shares] == quotas
    assert r.amounts == largest_remainder_round(quotas, total, priority=weights)
    assert all(s.clamped is None for s in r.shares)


# --------------------------------------------------------------------------
# Shapley value
# --------------------------------------------------------------------------


def test_shapley_glove_and_majority():
    assert np.allclose(shapley(GLOVE), [2 / 3, 1 / 6, 1 / 6])
    assert np.allclose(shapley(MAJORITY), [1 / 3, 1 / 3, 1 / 3])


def test_shapley_single_member_and_integer_input():
    assert shapley([0, 7]).tolist() == [7.0]
    assert np.allclose(shapley(np.array([0, 1, 2, 5])), [2.0, 3.0])


@FAST
@given(games(max_n=5))
def test_shapley_equals_brute_force(v):
    assert np.allclose(shapley(v), brute_shapley(v), atol=1e-9)


@FAST
@given(games(max_n=7))
def test_shapley_efficiency(v):
    assert math.isclose(shapley(v).sum(), v[-1], abs_tol=1e-9)


@FAST
@given(games(min_n=2, max_n=6), st.data())
def test_shapley_symmetry(v, data):
    n = len(v).bit_length() - 1
    i, j = data.draw(st.lists(st.integers(0, n - 1), min_size=2, max_size=2, unique=True))
    # symmetrise: v'(S) = v(S with i and j swapped) averaged with v(S)
    masks = np.arange(1 << n)
    bi, bj = (masks >> i) & 1, (masks >> j) & 1
    swapped = masks & ~((1 << i) | (1 << j)) | (bi << j) | (bj << i)
    sym = (v + v[swapped]) / 2
    phi = shapley(sym)
    assert math.isclose(phi[i], phi[j], abs_tol=1e-9)


@FAST
@given(games(min_n=2, max_n=6), st.data())
def test_shapley_null_player(v, data):
    n = len(v).bit_length() - 1
    k = data.draw(st.integers(0, n - 1))
    masks = np.arange(1 << n)
    null = v[masks & ~(1 << k)]  # member k adds nothing anywhere
    phi = shapley(null)
    assert abs(phi[k]) < 1e-9
    assert math.isclose(phi.sum(), null[-1], abs_tol=1e-9)


@FAST
@given(st.integers(1, 6).flatmap(lambda n: st.tuples(games(n, n), games(n, n))))
def test_shapley_additivity(pair):
    v, w = pair
    assert np.allclose(shapley(v + w), shapley(v) + shapley(w), atol=1e-9)
    assert np.allclose(shapley(2.5 * v), 2.5 * shapley(v), atol=1e-9)


def test_shapley_unanimity_and_additive_games_large_n():
    # n = 18 exercises the column-chunked path of the kernel (2**17 >= chunk).
    n = 18
    t = 0b101000000000010011  # 5 members
    phi = shapley(unanimity_game(n, t))
    members = [i for i in range(n) if t >> i & 1]
    assert np.allclose(phi[members], 1 / 5)
    assert np.allclose(np.delete(phi, members), 0)
    a = np.arange(1, n + 1, dtype=float)
    additive = coalition_sums(a)
    assert np.allclose(shapley(additive), a)


def test_shapley_matches_direct_formula_n17():
    rng = np.random.default_rng(7)
    v = rng.normal(size=1 << 17)
    v[0] = 0
    assert np.allclose(shapley(v), formula_shapley(v), atol=1e-9)


def test_shapley_small_chunks(monkeypatch):
    # the block size lives in the part that runs the exact kernel
    monkeypatch.setattr(shapley_kernel, "_CHUNK", 4)
    rng = np.random.default_rng(3)
    v = rng.normal(size=1 << 6)
    v[0] = 0
    assert np.allclose(shapley(v), brute_shapley(v), atol=1e-9)
    e = shapley_detailed(v)
    assert np.allclose(e.values, brute_shapley(v), atol=1e-9)


@FAST
@given(games(max_n=5))
def test_shapley_detailed_explains(v):
    n = len(v).bit_length() - 1
    e = shapley_detailed(v)
    assert np.allclose(e.values, shapley(v))
    assert np.allclose(e.mean_marginal_by_size.mean(axis=1), e.values)
    full = (1 << n) - 1
    for i in range(n):
        marg = [v[m | 1 << i] - v[m] for m in range(1 << n) if not m >> i & 1]
        assert math.isclose(e.min_marginal[i], min(marg), abs_tol=1e-12)
        assert math.isclose(e.max_marginal[i], max(marg), abs_tol=1e-12)
        assert e.standalone[i] == v[1 << i]
        assert math.isclose(e.joins_last[i], v[full] - v[full ^ 1 << i], abs_tol=1e-12)
        assert math.isclose(e.mean_marginal_by_size[i, 0], v[1 << i], abs_tol=1e-12)
    assert len(e.explain().splitlines()) == n
    with pytest.raises(ValueError):
        e.values[0] = 1.0  # read-only


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ([0, 1, 2], "length 2\\*\\*n"),
        ([0], "length 2\\*\\*n"),
        ([1, 1], "must be 0"),
        ([0, float("nan")], "finite"),
        ([[0, 1], [1, 2]], "one-dimensional"),
        (["a", "b"], "numbers"),
    ],
)
def test_shapley_validation(values, message):
    with pytest.raises(ValueError, match=message):
        shapley(values)


# --------------------------------------------------------------------------
# sampled Shapley
# --------------------------------------------------------------------------


def _table_fn(v):
    return lambda mask: v[mask]


def test_shapley_sampled_close_to_exact_within_bounds():
    rng = np.random.default_rng(11)
    n = 8
    v = np.maximum(0, rng.normal(size=1 << n)).cumsum() / 50  # arbitrary, bounded increments
    v[0] = 0
    exact = shapley(v)
    marg = np.array(
        [v[m | 1 << i] - v[m] for i in range(n) for m in range(1 << n) if not m >> i & 1]
    )
    est = shapley_sampled(
        _table_fn(v), n, 4000, seed=5, marginal_range=(float(marg.min()), float(marg.max()))
    )
    assert math.isclose(est.values.sum(), v[-1], abs_tol=1e-9)
    assert np.all(np.abs(est.values - exact) <= est.hoeffding_half_width)
    assert np.all(np.abs(est.values - exact) <= 4 * est.std_error + 1e-12)
    assert est.n_evaluations == 2 + 4000 * 7
    assert np.allclose(est.ci_half_width, 1.959963984540054 * est.std_error)


def test_shapley_sampled_reproducible_and_unbiased_on_additive_game():
    a = [3.0, -1.0, 2.5, 0.0, 7.0]
    fn = lambda m: sum(a[i] for i in range(5) if m >> i & 1)  # noqa: E731
    e1 = shapley_sampled(fn, 5, 50, seed=42)
    e2 = shapley_sampled(fn, 5, 50, seed=42)
    assert np.array_equal(e1.values, e2.values)
    assert np.allclose(e1.values, a)  # marginal contributions are constant
    assert np.allclose(e1.std_error, 0)


def test_shapley_sampled_validation():
    fn = _table_fn(GLOVE)
    with pytest.raises(ValueError, match="n_samples"):
        shapley_sampled(fn, 3, 1)
    with pytest.raises(ValueError, match="positive integer"):
        shapley_sampled(fn, 0, 10)
    with pytest.raises(ValueError, match="confidence"):
        shapley_sampled(fn, 3, 10, confidence=1.0)
    with pytest.raises(ValueError, match="empty coalition"):
        shapley_sampled(lambda m: 1.0, 3, 10)
    with pytest.raises(ValueError, match="outside"):
        shapley_sampled(fn, 3, 50, seed=0, marginal_range=(0.0, 0.5))
    with pytest.raises(ValueError, match="finite"):
        shapley_sampled(lambda m: float("inf") if m else 0.0, 3, 10)


# --------------------------------------------------------------------------
# airport games
# --------------------------------------------------------------------------

BIRMINGHAM_COSTS = [
    65899,
    76725,
    95200,
    97200,
    97436,
    98142,
    102496,
    104849,
    113322,
    115440,
    117676,
]
BIRMINGHAM_MOVEMENTS = [42, 9555, 288, 303, 151, 1315, 505, 1128, 151, 112, 22]
# Littlechild and Thompson (1977): Shapley value charges, pounds per movement.
BIRMINGHAM_SHAPLEY = [4.86, 5.66, 10.30, 10.85, 10.92, 11.13, 13.40, 15.07, 44.80, 60.61, 162.24]


def test_airport_textbook_example():
    assert airport_shares([8, 11, 13, 18], [1, 1, 1, 1]) == (2, 3, 4, 9)
    # unsorted input: the result follows the input order
    assert airport_shares([13, 8, 18, 11], [1, 1, 1, 1]) == (4, 2, 9, 3)


def test_airport_birmingham_littlechild_thompson():
    shares = airport_shares(BIRMINGHAM_COSTS, BIRMINGHAM_MOVEMENTS)
    assert sum(BIRMINGHAM_MOVEMENTS) == 13572
    assert [round(float(s), 2) for s in shares] == BIRMINGHAM_SHAPLEY
    assert sum(m * s for m, s in zip(BIRMINGHAM_MOVEMENTS, shares, strict=True)) == 117676


@SLOW
@given(
    st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 3)), min_size=1, max_size=5).filter(
        lambda cls: sum(m for _, m in cls) <= 9
    )
)
def test_airport_equals_shapley_of_expanded_game(classes):
    costs = [c for c, _ in classes]
    counts = [m for _, m in classes]
    shares = airport_shares(costs, counts)
    game = airport_game(costs, counts)
    # independent construction of the game: c(S) = max cost of a user in S
    users = [c for c, m in classes for _ in range(m)]
    for mask in range(len(game)):
        assert game[mask] == max([users[i] for i in range(len(users)) if mask >> i & 1], default=0)
    phi = shapley(game)
    per_user = [float(s) for s, m in zip(shares, counts, strict=True) for _ in range(m)]
    assert np.allclose(phi, per_user, atol=1e-9)
    assert sum(s * m for s, m in zip(shares, counts, strict=True)) == max(costs)
    # airport games are concave cost games: the Shapley value is in the core
    assert in_core(game, phi, kind="cost")


def test_airport_fen_rounding_and_validation():
    q = airport_shares([100, 250], [3, 2])
    per_user = [q[0]] * 3 + [q[1]] * 2
    fen = largest_remainder_round(per_user, 250)
    assert fen == (20, 20, 20, 95, 95)
    with pytest.raises(ValueError, match="one count per class"):
        airport_shares([1, 2], [1])
    with pytest.raises(ValueError, match="positive integer"):
        airport_shares([1, 2], [1, 0])
    with pytest.raises(ValueError, match=">= 0"):
        airport_shares([-1], [1])
    with pytest.raises(ValueError, match="too many"):
        airport_game([1], [26])


# --------------------------------------------------------------------------
# core
# --------------------------------------------------------------------------


def test_core_glove_and_majority():
    assert in_core(GLOVE, [1, 0, 0])
    assert not in_core(GLOVE, [0.5, 0.25, 0.25])
    r = core_check(GLOVE, [0.5, 0.25, 0.25])
    assert r.worst_coalition in (3, 5) and math.isclose(r.worst_excess, 0.25)
    # majority game: core empty; (1/3, 1/3, 1/3) is blocked by every pair
    r = core_check(MAJORITY, [1 / 3, 1 / 3, 1 / 3])
    assert not r.in_core and set(r.blocking) == {3, 5, 6}


def test_core_efficiency_required():
    r = core_check(GLOVE, [1, 0.5, 0])
    assert not r.in_core and math.isclose(r.efficiency_gap, 0.5) and r.n_blocking == 0


def test_core_cost_convention_and_exact_integers():
    c = airport_game([800, 1100, 1300, 1800], [1, 1, 1, 1]).astype(np.int64)
    assert in_core(c, np.array([200, 300, 400, 900]), kind="cost")
    assert core_check(c, np.array([200, 300, 400, 900]), kind="cost").tolerance == 0
    # one fen too much for the coalition {0, 1}: exact check catches it
    assert not in_core(c, np.array([801, 300, 0, 699]), kind="cost")
    # value game convention on the same numbers means something else
    assert not in_core(c, np.array([200, 300, 400, 900]), kind="value")
    with pytest.raises(ValueError, match="kind"):
        in_core(c, [200, 300, 400, 900], kind="costs")
    with pytest.raises(ValueError, match="one entry per member"):
        in_core(c, [1, 2])


@FAST
@given(games(max_n=5), st.data())
def test_core_cost_is_negated_value(v, data):
    n = len(v).bit_length() - 1
    x = np.array(data.draw(st.lists(st.floats(-50, 50), min_size=n, max_size=n)))
    x[-1] += v[-1] - x.sum()
    assert in_core(v, x, kind="value") == in_core(-v, -x, kind="cost")


@FAST
@given(convex_games())
def test_convex_game_shapley_in_core(v):
    # Shapley (1971): for convex games the Shapley value is in the core.
    assert in_core(v, shapley(v))


# --------------------------------------------------------------------------
# nucleolus
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("estate", "expected"),
    [(100, [100 / 3, 100 / 3, 100 / 3]), (200, [50, 75, 75]), (300, [50, 100, 150])],
)
def test_nucleolus_talmud_bankruptcy(estate, expected):
    v = bankruptcy_game([100, 200, 300], estate)
    assert np.allclose(nucleolus(v), expected, atol=1e-7)


def test_nucleolus_glove_and_majority():
    assert np.allclose(nucleolus(GLOVE), [1, 0, 0], atol=1e-9)
    assert np.allclose(nucleolus(MAJORITY), [1 / 3] * 3, atol=1e-9)
    r = nucleolus_detailed(MAJORITY)
    assert math.isclose(r.levels[0][0], 1 / 3)  # every pair is 1/3 short
    assert set(r.levels[0][1]) >= {3, 5, 6}
    assert "nucleolus:" in r.explain(["a", "b", "c"])


def test_nucleolus_airport_cost_game():
    c = airport_game([8, 11, 13, 18], [1, 1, 1, 1])
    x = nucleolus(c, kind="cost")
    assert np.allclose(x, [3.25, 3.25, 3.25, 8.25])
    assert in_core(c, x, kind="cost")
    assert np.allclose(nucleolus(-c), -x)
    r = nucleolus_detailed(c, kind="cost")
    assert math.isclose(r.levels[0][0], -3.25)


def test_nucleolus_hand_computed():
    # v(3) = 0.9, v(N) = 1, else 0: member 2 keeps 0.9 and the 0.1 left is shared
    # so that the largest excess, -x_0 = -x_1 = 0.9 - x_2 + ..., is minimal: 1/30 each.
    v = np.zeros(8)
    v[4], v[7] = 0.9, 1.0
    assert np.allclose(nucleolus(v), [1 / 30, 1 / 30, 0.9 + 1 / 30])


def test_nucleolus_imputation_constraint_matters():
    # v(0)=3, v(1)=-1, v(2)=-5, v(01)=1, v(02)=-3, v(12)=5, v(N)=5.  The excess of
    # {1, 2} is x_0 >= 3 on imputations, so the nucleolus sets x_0 = 3, then
    # equalises -1 - x_1 = -5 - x_2: (3, 3, -1).  The prenucleolus, free of
    # x_0 >= 3, is (1.5, 3.75, -0.25).
    v = np.array([0, 3, -1, 1, -5, -3, 5, 5], dtype=float)
    x = nucleolus(v)
    assert np.allclose(x, [3, 3, -1])
    r = nucleolus_detailed(v)
    assert math.isclose(r.levels[0][0], 3.0)
    pre = nucleolus(v, prenucleolus=True)
    assert np.allclose(pre, [1.5, 3.75, -0.25])
    assert kohlberg_prenucleolus(v, pre)
    assert not kohlberg_prenucleolus(v, x)


@SLOW
@given(games(min_n=2, max_n=4))
def test_prenucleolus_satisfies_kohlberg(v):
    x = nucleolus(v, prenucleolus=True)
    assert kohlberg_prenucleolus(v, x)


@SLOW
@given(convex_games(max_n=5))
def test_nucleolus_of_convex_game_in_core_and_equals_prenucleolus(v):
    x = nucleolus(v)
    assert in_core(v, x, tol=1e-7)
    assert np.allclose(x, nucleolus(v, prenucleolus=True), atol=1e-6)
    assert kohlberg_prenucleolus(v, x)


@SLOW
@given(games(min_n=2, max_n=5))
def test_nucleolus_is_an_imputation(v):
    n = len(v).bit_length() - 1
    singles = v[1 << np.arange(n)]
    assume(v[-1] >= singles.sum() + 1e-6)
    x = nucleolus(v)
    assert math.isclose(x.sum(), v[-1], abs_tol=1e-7)
    assert np.all(x >= singles - 1e-7)


def test_nucleolus_symmetric_members_get_equal_shares():
    n = 5
    sizes = np.array([bin(m).count("1") for m in range(1 << n)])
    v = (sizes**2).astype(float)
    x = nucleolus(v)
    assert np.allclose(x, 5.0)


def test_nucleolus_validation():
    with pytest.raises(ValueError, match="imputation set is empty"):
        nucleolus([0, 1, 1, 1])
    assert np.allclose(nucleolus([0, 1, 1, 1], prenucleolus=True), [0.5, 0.5])
    with pytest.raises(ValueError, match="too many"):
        nucleolus(np.zeros(1 << 13))
    assert nucleolus([0, 4]).tolist() == [4.0]


def test_nucleolus_fallback_without_dual_prices(monkeypatch):
    """If the solver reported no positive dual price, settled coalitions are found
    by checking, coalition by coalition, that their excess cannot go lower."""
    import scipy.optimize

    real = scipy.optimize.linprog

    def no_duals(*args, **kwargs):
        res = real(*args, **kwargs)
        if res.status == 0 and getattr(res, "ineqlin", None) is not None:
            res.ineqlin.marginals = np.zeros_like(res.ineqlin.marginals)
        return res

    monkeypatch.setattr(scipy.optimize, "linprog", no_duals)
    assert np.allclose(nucleolus(bankruptcy_game([100, 200, 300], 200)), [50, 75, 75])
    assert np.allclose(nucleolus(MAJORITY), [1 / 3] * 3)
    rng = np.random.default_rng(5)
    for _ in range(10):
        v = rng.normal(size=16)
        v[0] = 0
        x = nucleolus(v, prenucleolus=True)
        assert kohlberg_prenucleolus(v, x)
