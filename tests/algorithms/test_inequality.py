"""Tests for xietong.algorithms.inequality (known values, validation, properties)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xietong.algorithms import inequality as ineq
from xietong.algorithms.inequality import (
    GroupCodes,
    atkinson,
    beta_convergence,
    bootstrap_ci,
    cv,
    decompose,
    encode_groups,
    generalized_entropy,
    gini,
    max_min_ratio,
    percentile_ratio,
    sigma_convergence,
    theil_l,
    theil_t,
)
from xietong.algorithms.inequality.measures import measure_function

PROPS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def close(a: float, b: float, rel: float = 1e-9, abs_: float = 1e-12) -> bool:
    return math.isclose(a, b, rel_tol=rel, abs_tol=abs_)


# All single-number measures as f(values, weights), with their need for positive values.
MEASURES = {
    "cv": (lambda v, w=None: cv(v, w), False),
    "gini": (lambda v, w=None: gini(v, w), False),
    "theil_t": (lambda v, w=None: theil_t(v, w), False),
    "theil_l": (lambda v, w=None: theil_l(v, w), True),
    "ge2": (lambda v, w=None: generalized_entropy(v, 2, w), False),
    "ge0.5": (lambda v, w=None: generalized_entropy(v, 0.5, w), False),
    "ge-1": (lambda v, w=None: generalized_entropy(v, -1, w), True),
    "atk0.5": (lambda v, w=None: atkinson(v, 0.5, w), False),
    "atk1": (lambda v, w=None: atkinson(v, 1, w), True),
    "atk2": (lambda v, w=None: atkinson(v, 2, w), True),
    "maxmin": (lambda v, w=None: max_min_ratio(v, w), True),
    "p90p10": (lambda v, w=None: percentile_ratio(v, 90, 10, w), True),
    "p75p25": (lambda v, w=None: percentile_ratio(v, 75, 25, w), True),
}
TRANSFER_SAFE = [k for k in MEASURES if not k.startswith("p")]  # percentile ratios excluded


# ---------------------------------------------------------------------------
# Brute-force references (direct textbook formulas, O(n^2) where needed)
# ---------------------------------------------------------------------------


def ref_gini(x, w=None):
    x = np.asarray(x, float)
    w = np.ones_like(x) if w is None else np.asarray(w, float)
    diff = np.abs(x[:, None] - x[None, :])
    return (w[:, None] * w[None, :] * diff).sum() / (2 * w.sum() ** 2 * np.average(x, weights=w))


def ref_ge(x, alpha, w=None):
    x = np.asarray(x, float)
    w = np.ones_like(x) if w is None else np.asarray(w, float)
    v = w / w.sum()
    z = x / np.dot(v, x)
    if alpha == 1:
        return float(np.dot(v, np.where(z > 0, z * np.log(np.where(z > 0, z, 1)), 0)))
    if alpha == 0:
        return float(-np.dot(v, np.log(z)))
    return float((np.dot(v, z**alpha) - 1) / (alpha * (alpha - 1)))


def ref_group_means(x, labels, w):
    _, inv = np.unique(labels, return_inverse=True, axis=0)
    inv = inv.reshape(-1)
    means = np.bincount(inv, w * x) / np.bincount(inv, w)
    return means[inv]


# ---------------------------------------------------------------------------
# Known values
# ---------------------------------------------------------------------------


def test_known_values_small():
    x = [1, 2, 3, 4]
    assert close(cv(x), math.sqrt(1.25) / 2.5)
    assert close(gini(x), 0.25)
    assert close(gini([0, 0, 0, 1]), 0.75)
    assert gini([5.0]) == 0.0
    assert close(theil_t([0, 0, 0, 10, 10, 10]), math.log(2))
    assert close(theil_l(x), math.log(2.5) - np.mean(np.log(x)))
    assert close(generalized_entropy(x, 2), cv(x) ** 2 / 2)
    assert close(atkinson(x, 1), 1 - np.exp(np.mean(np.log(x))) / 2.5)
    assert close(atkinson(x, 2), 1 - (1 / np.mean(1 / np.asarray(x))) / 2.5)
    assert atkinson(x, 0) == 0.0
    assert max_min_ratio(x) == 4.0
    assert percentile_ratio(list(range(1, 11))) == 9.0


@pytest.mark.parametrize("name", list(MEASURES))
def test_equal_values_give_no_inequality(name):
    f, _ = MEASURES[name]
    expected = 1.0 if name in ("maxmin", "p90p10", "p75p25") else 0.0
    assert close(f([7.0] * 5), expected, abs_=1e-15)


@pytest.mark.parametrize("seed", range(5))
def test_gini_matches_pairwise_definition(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 60))
    x = rng.lognormal(1, 1, n) * (rng.random(n) > 0.2)
    w = rng.integers(0, 5, n).astype(float)
    x[0], w[0] = 1.0, 1.0  # at least one counted, non-zero unit
    assert close(gini(x), ref_gini(x))
    keep = w > 0
    assert close(gini(x, w), ref_gini(x[keep], w[keep]))


@pytest.mark.parametrize("alpha", [-2, -1, -0.5, 0, 0.5, 1, 1.5, 2, 3])
def test_ge_matches_definition(alpha):
    rng = np.random.default_rng(7)
    x = rng.lognormal(2, 0.8, 40)
    w = rng.random(40) * 10
    assert close(generalized_entropy(x, alpha, w), ref_ge(x, alpha, w))
    assert close(generalized_entropy(x, alpha), ref_ge(x, alpha))


def test_ge_continuous_at_zero_and_one():
    x = np.random.default_rng(1).lognormal(0, 1, 30)
    assert close(generalized_entropy(x, 1 + 1e-7), theil_t(x), rel=1e-5)
    assert close(generalized_entropy(x, 1e-7), theil_l(x), rel=1e-5)
    assert close(atkinson(x, 1 + 1e-7), atkinson(x, 1), rel=1e-5)


def test_theil_t_zeros_use_limit_value():
    x = np.array([0.0, 0.0, 3.0, 5.0])
    z = x / x.mean()
    expected = np.mean(np.where(z > 0, z * np.log(np.where(z > 0, z, 1)), 0))
    assert close(theil_t(x), expected)
    assert close(generalized_entropy(x, 2), ref_ge(x, 2))
    assert close(atkinson(x, 0.5), 1 - np.mean(np.sqrt(x)) ** 2 / x.mean())


def test_percentile_ratio_matches_numpy_inverted_cdf():
    rng = np.random.default_rng(3)
    for _ in range(50):
        n = int(rng.integers(1, 40))
        x = rng.integers(1, 20, n).astype(float)
        up, lo = sorted(rng.choice(np.arange(0, 101), 2, replace=False))[::-1]
        expected = np.percentile(x, up, method="inverted_cdf") / np.percentile(
            x, lo, method="inverted_cdf"
        )
        assert percentile_ratio(x, up, lo) == expected


def test_max_min_ratio_weights_only_select_units():
    assert max_min_ratio([2, 5, 8], [0, 1, 1]) == 1.6
    assert max_min_ratio([2, 5, 8], [1, 100, 1]) == 4.0


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

BAD_INPUTS = [
    ([1.0, float("nan")], None, "NaN"),
    ([1.0, float("inf")], None, "infinite"),
    ([1.0, -2.0], None, "negative"),
    ([], None, "empty"),
    ([[1.0, 2.0]], None, "one-dimensional"),
    (["a", "b"], None, "numbers"),
    ([0.0, 0.0], None, "all values are zero"),
    ([1.0, 2.0], [1.0], "weights has 1"),
    ([1.0, 2.0], [1.0, -1.0], "negative"),
    ([1.0, 2.0], [0.0, 0.0], "sum to zero"),
    ([1.0, 2.0], [1.0, float("nan")], "NaN"),
    ([0.0, 2.0], [1.0, 0.0], "all values are zero"),
]


@pytest.mark.parametrize("name", list(MEASURES))
@pytest.mark.parametrize("values,weights,message", BAD_INPUTS)
def test_invalid_input_raises(name, values, weights, message):
    f, _ = MEASURES[name]
    with pytest.raises(ValueError, match=message):
        f(values, weights)


@pytest.mark.parametrize("name", [k for k, (_, pos) in MEASURES.items() if pos])
def test_zero_values_rejected_when_positive_needed(name):
    f, _ = MEASURES[name]
    with pytest.raises(ValueError):
        f([0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 2.0])


@pytest.mark.parametrize("name", [k for k, (_, pos) in MEASURES.items() if not pos])
def test_zero_values_allowed_when_defined(name):
    f, _ = MEASURES[name]
    assert math.isfinite(f([0.0, 1.0, 2.0]))
    assert f([0.0, 1.0, 2.0]) > 0


def test_zero_weight_units_are_ignored():
    # a zero value is fine for Theil L if its unit does not count
    assert close(theil_l([0.0, 1.0, 3.0], [0, 1, 1]), theil_l([1.0, 3.0]))
    assert close(gini([100.0, 1.0, 3.0], [0, 1, 1]), gini([1.0, 3.0]))


def test_parameter_validation():
    with pytest.raises(ValueError, match="epsilon"):
        atkinson([1, 2], -0.5)
    with pytest.raises(ValueError, match="finite"):
        generalized_entropy([1, 2], float("nan"))
    with pytest.raises(ValueError, match="lower < upper"):
        percentile_ratio([1, 2], 10, 90)
    with pytest.raises(ValueError, match="lower < upper"):
        percentile_ratio([1, 2], 101, 10)
    with pytest.raises(ValueError, match="percentile is 0"):
        percentile_ratio([0, 0, 1, 2], 90, 10)
    with pytest.raises(ValueError, match="smallest value is 0"):
        max_min_ratio([0, 1])
    with pytest.raises(ValueError, match="overflow"):
        cv([1e308, 1e308])
    with pytest.raises(ValueError, match="overflow"):
        gini([1e308, 1e308, 1.0])


# ---------------------------------------------------------------------------
# Property tests
# ---------------------------------------------------------------------------

positive_values = st.lists(
    st.floats(min_value=0.01, max_value=1e4, allow_nan=False, allow_infinity=False),
    min_size=1,
    max_size=30,
)
int_weights = st.integers(min_value=1, max_value=4)


@PROPS
@given(values=positive_values, scale=st.floats(min_value=1e-3, max_value=1e3))
def test_scale_invariance(values, scale):
    x = np.array(values)
    for name, (f, _) in MEASURES.items():
        if name.startswith("p") or name == "maxmin":
            # ratios of order statistics: exact up to one rounding of each value
            assert close(f(x * scale), f(x), rel=1e-12), name
        else:
            assert close(f(x * scale), f(x), rel=1e-8, abs_=1e-12), name


@PROPS
@given(data=st.data(), values=positive_values)
def test_replication_equals_integer_weights(data, values):
    x = np.array(values)
    k = np.array(data.draw(st.lists(int_weights, min_size=x.size, max_size=x.size)))
    repeated = np.repeat(x, k)
    for name, (f, _) in MEASURES.items():
        assert close(f(x, k), f(repeated), rel=1e-9, abs_=1e-12), name


@PROPS
@given(values=positive_values)
def test_unit_weights_equal_no_weights(values):
    x = np.array(values)
    ones = np.ones_like(x)
    for name, (f, _) in MEASURES.items():
        assert close(f(x, ones), f(x), rel=1e-12, abs_=1e-14), name


@PROPS
@given(
    values=st.lists(st.floats(min_value=0.01, max_value=1e4), min_size=2, max_size=30),
    frac=st.floats(min_value=0.0, max_value=1.0),
    pair=st.tuples(st.integers(0, 29), st.integers(0, 29)),
)
def test_pigou_dalton_transfer_does_not_increase(values, frac, pair):
    x = np.array(values)
    i, j = pair[0] % x.size, pair[1] % x.size
    assume(x[i] > x[j])
    delta = frac * (x[i] - x[j]) / 2  # rich unit i stays at least as rich as j
    after = x.copy()
    after[i] -= delta
    after[j] += delta
    for name in TRANSFER_SAFE:
        f, _ = MEASURES[name]
        assert f(after) <= f(x) + 1e-12 * max(1.0, f(x)), name


@PROPS
@given(values=positive_values, perm_seed=st.integers(0, 2**32 - 1))
def test_unit_order_does_not_matter(values, perm_seed):
    x = np.array(values)
    w = np.arange(1, x.size + 1, dtype=float)
    p = np.random.default_rng(perm_seed).permutation(x.size)
    for name, (f, _) in MEASURES.items():
        assert close(f(x[p], w[p]), f(x, w), rel=1e-9, abs_=1e-12), name


# ---------------------------------------------------------------------------
# Group encoding
# ---------------------------------------------------------------------------


def test_encode_groups_nested_labels_are_read_within_parent():
    province = ["A", "A", "B", "B", "B"]
    county = [1, 2, 1, 1, 3]  # county 1 exists under both provinces
    gc = encode_groups([province, county])
    assert gc.n_groups == (2, 4)
    assert gc.codes.tolist() == [0, 1, 2, 2, 3]
    assert gc.labels[1].tolist() == [1, 2, 1, 3]
    assert gc.parents[1].tolist() == [0, 0, 1, 1]
    assert gc.parents[0].tolist() == [-1, -1]
    assert gc.finest_to_level[0].tolist() == [0, 0, 1, 1]
    assert gc.counts.tolist() == [1, 1, 2, 1]


@pytest.mark.parametrize(
    "labels",
    [
        np.array([5, -3, 5, 1_000_000_000_000, -3]),  # sparse ints: np.unique path
        np.array([5, -3, 5, 7, -3]),  # dense ints, negative offset
        np.array([2**63 + 5, 2**63 + 1, 2**63 + 5, 7, 1], dtype=np.uint64),
        np.array([3, 1, 3, 0, 1], dtype=np.uint8),
        np.array([True, False, True, True, False]),
        np.array(["x", "y", "x", "z", "y"]),
        np.array([1.5, 2.5, 1.5, 0.5, 2.5]),
        np.array(["x", "y", "x", "z", "y"], dtype=object),
    ],
)
def test_encode_groups_matches_numpy_unique(labels):
    gc = encode_groups(labels)
    uniq, inv = np.unique(labels, return_inverse=True)
    assert gc.codes.tolist() == inv.reshape(-1).tolist()
    assert gc.labels[0].tolist() == uniq.tolist()


@pytest.mark.parametrize(
    "groups,message",
    [
        ([], "empty"),
        (np.zeros((2, 2)), "1-D"),
        ([[1, 2, 3], [1, 2]], "level 1"),
        (np.array([1.0, np.nan]), "missing"),
        (np.array(["a", None], dtype=object), "missing"),
        (np.array(["a", 1], dtype=object), "cannot be compared"),
    ],
)
def test_encode_groups_rejects_bad_labels(groups, message):
    with pytest.raises(ValueError, match=message):
        encode_groups(groups)


def test_group_codes_are_read_only():
    gc = encode_groups([0, 1, 1])
    with pytest.raises(ValueError):
        gc.codes[0] = 1
    assert isinstance(gc, GroupCodes)


# ---------------------------------------------------------------------------
# Decomposition
# ---------------------------------------------------------------------------

DECOMP_ALPHAS = [1.0, 0.0, 2.0, 0.5, -1.0]


def _measure_name(alpha):
    return {1.0: "theil_t", 0.0: "theil_l"}.get(alpha, f"ge({alpha:g})")


def test_decompose_two_groups_pysal_example():
    d = decompose([0, 0, 0, 10, 10, 10], [0, 0, 0, 1, 1, 1])
    assert close(d.total, math.log(2))
    assert close(d.between, math.log(2))
    assert abs(d.within) < 1e-15  # rounding only: both groups are internally equal
    assert d.groups.index[0] == 0.0  # all-zero group: 0 by convention
    assert abs(d.groups.index[1]) < 1e-15
    assert d.groups.mean.tolist() == [0.0, 10.0]


@pytest.mark.parametrize("alpha", DECOMP_ALPHAS)
@pytest.mark.parametrize("weighted", [False, True])
def test_decompose_matches_smoothed_distribution_definition(alpha, weighted):
    rng = np.random.default_rng(11)
    n = 300
    x = rng.lognormal(3, 0.7, n)
    w = rng.integers(0, 50, n).astype(float) if weighted else np.ones(n)
    w[:5] = 1.0  # keep every group populated
    area = rng.integers(0, 2, n)
    prov = area * 10 + rng.integers(0, 3, n)
    city = rng.integers(0, 4, n)  # reused under every province
    levels = [area, prov, city]
    d = decompose(x, levels, w if weighted else None, measure=_measure_name(alpha))
    total = generalized_entropy(x, alpha, w)
    assert close(d.total, total, rel=1e-10)
    # Cumulative between up to level k = inequality of the level-k group means.
    cum = 0.0
    for k, lv in enumerate(d.levels):
        cum += lv.between
        key = np.stack(levels[: k + 1], axis=1)
        smoothed = ref_group_means(x, key, w)
        assert close(cum, generalized_entropy(smoothed, alpha, w), rel=1e-9, abs_=1e-13)
        assert close(cum + lv.within, total, rel=1e-10)
        # per-group detail
        _, inv = np.unique(key, return_inverse=True, axis=0)
        inv = inv.reshape(-1)
        for g in range(lv.labels.size):
            members = inv == g
            wg, xg = w[members], x[members]
            if wg.sum() == 0:
                continue
            assert close(lv.population_share[g], wg.sum() / w.sum())
            assert close(lv.value_share[g], np.dot(wg, xg) / np.dot(w, x))
            assert close(lv.mean[g], np.dot(wg, xg) / wg.sum())
            assert close(lv.index[g], generalized_entropy(xg, alpha, wg), rel=1e-8, abs_=1e-12)
            weight = lv.population_share[g] ** (1 - alpha) * lv.value_share[g] ** alpha
            assert close(lv.contribution[g], weight * lv.index[g], rel=1e-9, abs_=1e-15)
    assert close(d.between, sum(d.between_by_level))
    assert abs(d.total - d.between - d.within) < 1e-12


def test_decompose_accepts_group_codes_and_gives_same_result():
    rng = np.random.default_rng(2)
    x = rng.lognormal(0, 1, 100)
    levels = [rng.integers(0, 3, 100), rng.integers(0, 5, 100)]
    gc = encode_groups(levels)
    a, b = decompose(x, levels), decompose(x, gc)
    assert (a.total, a.between, a.within) == (b.total, b.between, b.within)
    np.testing.assert_array_equal(a.groups.contribution, b.groups.contribution)


def test_decompose_measure_spelling():
    x, g = [1, 2, 3, 4, 5, 9], [0, 0, 1, 1, 2, 2]
    a = decompose(x, g, measure="ge(2)")
    b = decompose(x, g, measure="ge", alpha=2)
    c = decompose(x, g, measure=" GE( 2 ) ")
    assert a.total == b.total == c.total and a.measure == "ge(2)"
    assert decompose(x, g, measure="ge(1)").measure == "theil_t"
    assert decompose(x, g, measure="ge", alpha=0).measure == "theil_l"
    assert close(a.total, cv(x) ** 2 / 2)
    for bad in ["gini", "ge", "ge(x)", "theil"]:
        with pytest.raises(ValueError):
            decompose(x, g, measure=bad)
    with pytest.raises(ValueError, match="contradicts"):
        decompose(x, g, measure="ge(2)", alpha=3)


def test_decompose_validation():
    with pytest.raises(ValueError, match="label 3 units"):
        decompose([1, 2], [0, 1, 1])
    with pytest.raises(ValueError, match="zero total weight"):
        decompose([1, 2, 3], ["a", "b", "b"], weights=[0, 1, 1])
    with pytest.raises(ValueError, match="strictly positive"):
        decompose([0, 2, 3], [0, 1, 1], measure="theil_l")
    with pytest.raises(ValueError, match="NaN"):
        decompose([np.nan, 2, 3], [0, 1, 1])
    with pytest.raises(ValueError, match="negative"):
        decompose([-1, 2, 3], [0, 1, 1])
    with pytest.raises(ValueError, match="all values are zero"):
        decompose([0, 0, 0], [0, 1, 1])
    with pytest.raises(ValueError, match="overflow"):
        decompose([1e308, 1e308], [0, 1])
    # a zero-valued unit with weight 0 does not count, even for Theil L
    d = decompose([0, 2, 3, 4], [0, 0, 1, 1], weights=[0, 1, 1, 1], measure="theil_l")
    assert close(d.total, theil_l([2, 3, 4]))


def test_decompose_all_zero_parent_group():
    # province B has only zeros: its counties have no between-county inequality
    x = [0, 0, 0, 5, 6, 7]
    prov = ["B", "B", "B", "A", "A", "A"]
    county = [1, 2, 2, 3, 3, 4]
    d = decompose(x, [prov, county])
    assert all(math.isfinite(b) for b in d.between_by_level)
    assert close(d.total, theil_t(x))
    assert close(sum(d.between_by_level) + d.within, d.total)


def test_decompose_ge_overflow_falls_back_to_normalised_values():
    x = [1e200, 2e200, 3e200]
    d = decompose(x, [0, 0, 1], measure="ge(2)")
    assert close(d.total, generalized_entropy([1, 2, 3], 2))


def test_decompose_results_are_immutable():
    d = decompose([1, 2, 3], [0, 1, 1])
    with pytest.raises(AttributeError):
        d.total = 0.0  # type: ignore[misc]
    with pytest.raises(ValueError):
        d.groups.index[0] = 1.0


labels_strategy = st.lists(st.integers(0, 3), min_size=2, max_size=40)


@PROPS
@given(data=st.data())
def test_decomposition_levels_add_up(data):
    n = data.draw(st.integers(2, 40))
    x = np.array(data.draw(st.lists(st.floats(0.01, 1e3), min_size=n, max_size=n)))
    levels = [
        np.array(data.draw(st.lists(st.integers(0, k), min_size=n, max_size=n))) for k in (1, 3, 2)
    ]
    alpha = data.draw(st.sampled_from(DECOMP_ALPHAS))
    d = decompose(x, levels, measure=_measure_name(alpha))
    assert close(sum(d.between_by_level) + d.within, d.total, rel=1e-9, abs_=1e-12)
    assert close(d.total, generalized_entropy(x, alpha), rel=1e-8, abs_=1e-12)
    assert all(b >= -1e-15 for b in d.between_by_level)
    cumulative = np.cumsum(d.between_by_level)
    for lv, c in zip(d.levels, cumulative, strict=True):
        assert close(c + lv.within, d.total, rel=1e-9, abs_=1e-12)
        assert close(lv.population_share.sum(), 1.0)
        assert close(lv.value_share.sum(), 1.0)


@PROPS
@given(data=st.data())
def test_decomposition_invariant_to_group_relabelling_and_unit_order(data):
    n = data.draw(st.integers(2, 40))
    x = np.array(data.draw(st.lists(st.floats(0.01, 1e3), min_size=n, max_size=n)))
    w = np.array(data.draw(st.lists(st.integers(1, 5), min_size=n, max_size=n)), float)
    outer = np.array(data.draw(st.lists(st.integers(0, 2), min_size=n, max_size=n)))
    inner = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    rename_outer = np.array(data.draw(st.permutations(["p", "q", "r"])))
    rename_inner = np.array(data.draw(st.permutations([10, 20, 30, 40])))
    perm = np.random.default_rng(data.draw(st.integers(0, 2**31))).permutation(n)
    a = decompose(x, [outer, inner], w)
    b = decompose(x[perm], [rename_outer[outer][perm], rename_inner[inner][perm]], w[perm])
    assert close(a.total, b.total, rel=1e-10, abs_=1e-14)
    for ba, bb in zip(a.between_by_level, b.between_by_level, strict=True):
        assert close(ba, bb, rel=1e-9, abs_=1e-13)
    assert close(a.within, b.within, rel=1e-9, abs_=1e-13)
    np.testing.assert_allclose(
        np.sort(a.groups.contribution), np.sort(b.groups.contribution), rtol=1e-9, atol=1e-13
    )


@PROPS
@given(data=st.data())
def test_decomposition_replication_and_unit_weights(data):
    n = data.draw(st.integers(2, 30))
    x = np.array(data.draw(st.lists(st.floats(0.01, 1e3), min_size=n, max_size=n)))
    k = np.array(data.draw(st.lists(st.integers(1, 4), min_size=n, max_size=n)))
    g = np.array(data.draw(st.lists(st.integers(0, 3), min_size=n, max_size=n)))
    alpha = data.draw(st.sampled_from(DECOMP_ALPHAS))
    m = _measure_name(alpha)
    weighted = decompose(x, g, k, measure=m)
    repeated = decompose(np.repeat(x, k), np.repeat(g, k), measure=m)
    ones = decompose(x, g, np.ones(n), measure=m)
    plain = decompose(x, g, measure=m)
    for u, v in [(weighted, repeated), (ones, plain)]:
        assert close(u.total, v.total, rel=1e-9, abs_=1e-13)
        assert close(u.between, v.between, rel=1e-9, abs_=1e-13)
        assert close(u.within, v.within, rel=1e-9, abs_=1e-13)


# ---------------------------------------------------------------------------
# Convergence
# ---------------------------------------------------------------------------


def test_sigma_convergence_mapping_and_array_forms_agree():
    rng = np.random.default_rng(5)
    table = rng.lognormal(0, 1, (20, 4)) * np.array([1.0, 0.9, 0.8, 0.7])
    table = table ** np.array([1.0, 0.8, 0.6, 0.4])
    years = [2010, 2012, 2014, 2016]
    w = rng.integers(1, 9, 20)
    a = sigma_convergence(table, w, measure="theil_t", years=years)
    b = sigma_convergence(
        {yr: table[:, j] for j, yr in reversed(list(enumerate(years)))},
        {yr: w for yr in years},
        measure="theil_t",
    )
    np.testing.assert_allclose(a.dispersion, b.dispersion, rtol=1e-12)
    assert a.years.tolist() == years == b.years.tolist()
    expected = [theil_t(table[:, j], w) for j in range(4)]
    np.testing.assert_allclose(a.dispersion, expected, rtol=1e-12)
    slope, intercept = np.polyfit(years, expected, 1)
    assert close(a.slope, slope, rel=1e-8)
    assert close(a.intercept, intercept, rel=1e-8)
    assert a.declining and a.slope < 0
    assert a.measure == "theil_t"


def test_sigma_convergence_measures_and_errors():
    data = {2000: [1, 2, 3, 4], 2001: [2, 2, 3, 4], 2002: [3, 3, 3, 4]}
    s = sigma_convergence(data, measure="atkinson(0.5)")
    assert s.measure == "atkinson(0.5)"
    assert close(s.dispersion[0], atkinson([1, 2, 3, 4], 0.5))
    s2 = sigma_convergence(data, measure=lambda v, w: float(np.std(v)))
    assert s2.dispersion.tolist() == [float(np.std(v)) for v in data.values()]
    assert math.isfinite(s.slope_stderr)
    assert math.isnan(sigma_convergence({1: [1, 2], 2: [1, 1]}).slope_stderr)
    with pytest.raises(ValueError, match="two years"):
        sigma_convergence({2000: [1, 2]})
    with pytest.raises(ValueError, match="year 2001"):
        sigma_convergence({2000: [1, 2], 2001: [1, float("nan")]})
    with pytest.raises(ValueError, match="years is required"):
        sigma_convergence(np.ones((3, 2)))
    with pytest.raises(ValueError, match="must not be given"):
        sigma_convergence(data, years=[1, 2, 3])
    with pytest.raises(ValueError, match="distinct"):
        sigma_convergence(np.ones((3, 2)), years=[1, 1])
    with pytest.raises(ValueError, match="unknown measure"):
        sigma_convergence(data, measure="variance")
    with pytest.raises(ValueError, match="no entry"):
        sigma_convergence(data, weights_by_year={2000: [1, 1, 1, 1]})


def test_beta_convergence_recovers_known_speed():
    x0 = np.array([1.0, 2.0, 4.0, 8.0, 16.0])
    lam, t = 0.03, 20.0
    x1 = np.exp(np.log(x0) * math.exp(-lam * t) + 0.5)  # log gap shrinks by e^(-lam T)
    b = beta_convergence(x0, x1, years=t)
    assert close(b.speed, lam, rel=1e-10)
    assert close(b.half_life, math.log(2) / lam, rel=1e-10)
    assert close(b.beta, -(1 - math.exp(-lam * t)) / t, rel=1e-10)
    assert close(b.r_squared, 1.0)
    assert b.converging and b.n_units == 5


def test_beta_convergence_matches_ols_formulas():
    rng = np.random.default_rng(9)
    x0 = rng.lognormal(2, 0.5, 50)
    x1 = x0 * np.exp(0.3 - 0.1 * np.log(x0) + rng.normal(0, 0.05, 50))
    b = beta_convergence(x0, x1, years=5)
    xx = np.log(x0)
    yy = np.log(x1 / x0) / 5
    design = np.column_stack([np.ones(50), xx])
    coef, res, *_ = np.linalg.lstsq(design, yy, rcond=None)
    sigma2 = res[0] / 48
    se = math.sqrt(sigma2 * np.linalg.inv(design.T @ design)[1, 1])
    assert close(b.beta, coef[1], rel=1e-9)
    assert close(b.intercept, coef[0], rel=1e-9)
    assert close(b.stderr, se, rel=1e-9)
    assert close(b.t_stat, coef[1] / se, rel=1e-9)
    assert close(b.r_squared, 1 - res[0] / ((yy - yy.mean()) ** 2).sum(), rel=1e-9)
    # weights: point estimate equals replication; SE does not depend on weight scale
    k = rng.integers(1, 4, 50)
    bw = beta_convergence(x0, x1, 5, weights=k)
    br = beta_convergence(np.repeat(x0, k), np.repeat(x1, k), 5)
    assert close(bw.beta, br.beta, rel=1e-9)
    assert close(beta_convergence(x0, x1, 5, weights=k * 1000).stderr, bw.stderr, rel=1e-9)


def test_beta_convergence_divergence_and_errors():
    x0 = np.array([1.0, 2.0, 4.0])
    b = beta_convergence(x0, x0**1.5, years=10)  # richer grow faster
    assert b.beta > 0 and not b.converging
    assert b.speed < 0 and math.isnan(b.half_life)
    with pytest.raises(ValueError, match="strictly positive"):
        beta_convergence([0, 1, 2], [1, 1, 2], 5)
    with pytest.raises(ValueError, match="three units"):
        beta_convergence([1, 2], [1, 2], 5)
    with pytest.raises(ValueError, match="positive"):
        beta_convergence([1, 2, 3], [1, 2, 3], 0)
    with pytest.raises(ValueError, match="does not vary"):
        beta_convergence([2, 2, 2], [1, 2, 3], 5)
    with pytest.raises(ValueError, match="final has 2"):
        beta_convergence([1, 2, 3], [1, 2], 5)


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------

BOOT_MEASURES = [
    "cv",
    "gini",
    "theil_t",
    "theil_l",
    "ge(2)",
    "ge(-1)",
    "ge(0.5)",
    "atkinson(0.5)",
    "atkinson(1)",
    "atkinson(2)",
    "max_min_ratio",
    "percentile_ratio",
    "percentile_ratio(75, 25)",
]


@pytest.mark.parametrize("measure", BOOT_MEASURES)
@pytest.mark.parametrize("weighted,stratified", [(False, False), (True, False), (True, True)])
def test_bootstrap_vectorised_equals_explicit_resampling(measure, weighted, stratified):
    rng = np.random.default_rng(4)
    n = 25
    x = rng.integers(1, 40, n).astype(float)
    w = rng.integers(1, 6, n).astype(float) if weighted else None
    groups = rng.integers(0, 3, n) if stratified else None
    label, fn = measure_function(measure)
    fast = bootstrap_ci(x, measure, w, n_boot=40, seed=3, groups=groups)
    slow = bootstrap_ci(x, lambda v, ww: fn(v, ww), w, n_boot=40, seed=3, groups=groups)
    np.testing.assert_allclose(fast.replicates, slow.replicates, rtol=1e-9, atol=1e-12)
    assert fast.estimate == fn(x, w)
    assert fast.lower <= fast.upper


def test_bootstrap_reproducible_and_seed_dependent():
    x = np.random.default_rng(0).lognormal(0, 1, 200)
    a = bootstrap_ci(x, "theil_t", n_boot=300, seed=42)
    b = bootstrap_ci(x, "theil_t", n_boot=300, seed=42)
    c = bootstrap_ci(x, "theil_t", n_boot=300, seed=43)
    np.testing.assert_array_equal(a.replicates, b.replicates)
    assert not np.array_equal(a.replicates, c.replicates)
    assert a.lower < a.estimate < a.upper
    assert close(a.lower, float(np.quantile(a.replicates, 0.025)))
    assert close(a.upper, float(np.quantile(a.replicates, 0.975)))
    assert close(a.standard_error, float(np.std(a.replicates, ddof=1)))
    wide = bootstrap_ci(x, "theil_t", n_boot=300, seed=42, ci=0.99)
    assert wide.lower <= a.lower and wide.upper >= a.upper


def test_bootstrap_stratified_keeps_units_in_their_stratum():
    n = 30
    groups = np.repeat(["a", "b", "c"], [5, 10, 15])
    x = np.arange(1, n + 1, dtype=float)  # value identifies the unit
    lookup = dict(zip(x, groups, strict=True))

    def check(values, weights):
        assert [lookup[v] for v in values] == groups.tolist()
        return cv(values)

    r = bootstrap_ci(x, check, n_boot=50, seed=1, groups=groups)
    assert r.stratified and r.replicates.shape == (50,)
    # between-stratum spread is fixed, so stratified intervals are narrower here
    plain = bootstrap_ci(x, "cv", n_boot=500, seed=1)
    strat = bootstrap_ci(x, "cv", n_boot=500, seed=1, groups=groups)
    assert strat.standard_error < plain.standard_error


def test_bootstrap_errors():
    with pytest.raises(ValueError, match="n_boot"):
        bootstrap_ci([1, 2, 3], "cv", n_boot=0)
    with pytest.raises(ValueError, match="ci must be"):
        bootstrap_ci([1, 2, 3], "cv", ci=95)
    with pytest.raises(ValueError, match="unknown measure"):
        bootstrap_ci([1, 2, 3], "sd")
    with pytest.raises(ValueError, match="groups label"):
        bootstrap_ci([1, 2, 3], "cv", groups=[0, 1])
    with pytest.raises(ValueError, match="undefined for"):
        bootstrap_ci([0, 0, 0, 0, 0, 1], "cv", n_boot=200, seed=0)
    with pytest.raises(ValueError, match="strictly positive"):
        bootstrap_ci([0, 1, 2], "theil_l")


def test_module_does_not_import_django():
    code = (
        "import sys, xietong.algorithms.inequality; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_api_is_documented():
    for name in ineq.__all__:
        obj = getattr(ineq, name)
        doc = obj.__doc__ or ""
        assert doc.strip(), name
        if callable(obj) and not isinstance(obj, type):
            for section in ("Parameters", "Returns", "Raises", "Examples", "References"):
                assert section in doc, (name, section)


def test_atkinson_ge_and_cv_identities():
    # GE(2) == CV^2 / 2 and Atkinson(e) == 1 - (1 + e(e-1) GE(1-e))^(1/(1-e))
    x = np.random.default_rng(8).lognormal(0, 0.6, 50)
    for e in (0.5, 2.0, 3.0):
        ge = generalized_entropy(x, 1 - e)
        assert close(atkinson(x, e), 1 - (1 + e * (e - 1) * ge) ** (1 / (1 - e)), rel=1e-9)
    assert close(generalized_entropy(x, 2), cv(x) ** 2 / 2, rel=1e-10)
