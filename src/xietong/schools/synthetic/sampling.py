"""Sampling and rounding helpers: whole-number allocation under minimums, stratified
draws, operating funds, logit and its inverse."""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def allocate(
    totals: np.ndarray, group: np.ndarray, weights: np.ndarray, minimum: np.ndarray
) -> np.ndarray:
    """Split integer ``totals`` per group over items proportionally to ``weights``.

    Every item first gets ``minimum``; the rest of its group's total is shared in proportion to
    the weights with the largest-remainder method, so each group sums exactly to its total
    (unless the minimums alone exceed it).

    Parameters
    ----------
    totals : numpy.ndarray
        int64, one total per group.
    group : numpy.ndarray
        int64 group index of each item.
    weights : numpy.ndarray
        Non-negative weights.
    minimum : numpy.ndarray
        int64 minimum of each item.

    Returns
    -------
    numpy.ndarray
        int64 allocation per item.
    """
    n_groups = totals.shape[0]
    minimum = minimum.astype(np.int64)
    if group.size == 0:
        return minimum
    min_sum = np.bincount(group, weights=minimum, minlength=n_groups).round().astype(np.int64)
    rest = np.maximum(totals.astype(np.int64) - min_sum, 0)
    wsum = np.bincount(group, weights=weights, minlength=n_groups)
    safe = np.where(wsum > 0, wsum, 1.0)
    share = np.where(wsum[group] > 0, weights / safe[group], 0.0) * rest[group]
    base = np.floor(share)
    frac = share - base
    base_i = base.astype(np.int64)
    left = rest - np.bincount(group, weights=base_i, minlength=n_groups).round().astype(np.int64)
    order = np.lexsort((-frac, group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, np.arange(n_groups))
    rank = np.arange(order.size) - starts[sorted_group]
    bonus = np.zeros(order.size, dtype=np.int64)
    bonus[order] = (rank < left[sorted_group]).astype(np.int64)
    return minimum + base_i + bonus


def split_whole(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split whole-number ``total`` (n, y) over the last axis of ``weights`` (n, y, k) in
    proportion, by largest remainder, so that the parts are whole and sum to ``total``."""
    w_sum = weights.sum(axis=2, keepdims=True)
    exact = np.where(w_sum > 0, total[:, :, None] * weights / np.maximum(w_sum, 1e-12), 0.0)
    base = np.floor(exact)
    short = np.round(total - base.sum(axis=2)).astype(np.int64)
    order = np.argsort(-(exact - base), axis=2, kind="stable")
    rank = np.argsort(order, axis=2, kind="stable")
    return base + (rank < short[:, :, None])


def allocate_counts(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Split one integer total over items (at least ``minimum`` each)."""
    n = weights.size
    total = max(total, minimum * n)
    return allocate(
        np.array([total], dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        weights,
        np.full(n, minimum, dtype=np.int64),
    )


def stratified_uniform(rng: np.random.Generator, group: np.ndarray, scale: float) -> np.ndarray:
    """One draw in (0, 1) per row, spread evenly within each group and shuffled in it.

    A group of ``n`` rows stands for the ``N = n / scale`` rows it would have at full scale.
    Its rows take the probability levels ``(k - 0.5) / n`` except that the lowest and highest
    are pulled out to ``0.5 / N`` and ``1 - 0.5 / N``, the extremes of the full-scale group:
    the spread within a county and its weakest school (which decides the 2017 rule that every
    school must pass) are then about the same at every ``scale``, where independent draws
    gave small samples fewer outliers (docs/demo-data.md, "Scale"). A lone row takes the
    median: one school cannot stand for both ends of its county."""
    n = group.size
    order = np.lexsort((rng.random(n), group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, n])
    cnt = np.repeat(counts, counts).astype(np.float64)
    pos = np.arange(n) - np.repeat(starts, counts)
    full = np.maximum(cnt / scale, cnt)
    p = (pos + 0.5) / cnt
    p = np.where(pos == 0, 0.5 / full, p)
    p = np.where((pos == cnt - 1) & (cnt > 1), 1.0 - 0.5 / full, p)
    p = np.where(cnt == 1, 0.5, p)
    out = np.empty(n)
    out[order] = p
    return out


def stratified_normal(rng: np.random.Generator, group: np.ndarray, scale: float) -> np.ndarray:
    """Standard normal draws stratified like :func:`stratified_uniform`."""
    return ndtri(stratified_uniform(rng, group, scale))


COMPULSORY_STAGES = ("primary", "junior", "nine_year", "complete_secondary", "twelve_year")
_BOARDING_SHARE = np.array([[0.01, 0.05], [0.06, 0.30], [0.12, 0.45]])  # location x (pri, jun)


def operating_funds(
    rng: np.random.Generator,
    *,
    provinces: np.ndarray,
    prosperity: np.ndarray,
    loc_of: np.ndarray,
    is_tp: np.ndarray,
    primary: np.ndarray,
    junior: np.ndarray,
    compulsory: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Boarding pupils and the public operating funds each compulsory school received.

    Funds are the base rates of 国发〔2015〕67号 (``algorithms/funding.py``) times a province
    top-up that grows with prosperity (rich provinces set rates of their own well above the
    national ones). The shortfall the government-guarantee check looks for is modelled too: in
    poorer counties some rural schools under 100 pupils are funded on their real enrolment
    instead of the 100-pupil floor, and a few schools receive 5-15% less than due."""
    from xietong.algorithms.funding import load_base_rates, required_funds

    rates = load_base_rates("compulsory-operating-2016")
    n_s, n_y = primary.shape
    share = _BOARDING_SHARE[loc_of] * np.exp(rng.normal(0.0, 0.3, (n_s, 1)))
    boarding = np.round(primary * share[:, :1] + junior * share[:, 1:])
    boarding = np.where(is_tp[:, None], 0.0, boarding)
    rural = (loc_of > 0) | is_tp
    top_up = 1.02 * np.exp(
        1.6 * np.maximum(prosperity - 0.45, 0.0) + np.abs(rng.normal(0.0, 0.06, n_s))
    )
    on_real = rural & (rng.random(n_s) < 0.35 * (1.0 - prosperity) ** 1.5)
    late = rng.random(n_s) < 0.02
    cut = np.where(late, rng.uniform(0.85, 0.95, n_s), 1.0)
    funds = np.full((n_s, n_y), np.nan)
    for yi in range(n_y):
        due, _ = required_funds(
            rates,
            provinces=provinces,
            primary=primary[:, yi],
            junior=junior[:, yi],
            boarding=boarding[:, yi],
            rural=rural & ~on_real,
        )
        funds[:, yi] = np.round(due * top_up * cut, -2)
    funds = np.where(compulsory[:, None], funds, np.nan)
    boarding = np.where(compulsory[:, None], boarding, np.nan)
    return funds, boarding


# Yearly share of pupils transferring out by location (urban, town, rural): rural and town
# schools lose pupils to the county seat (a synthetic assumption, see docs/demo-data.md).
_TRANSFER_RATE = np.array([0.012, 0.025, 0.04])


def transfers_out(
    seed: int, *, students: np.ndarray, loc_of: np.ndarray, compulsory: np.ndarray
) -> np.ndarray:
    """Pupils transferred out per school and year (NaN outside compulsory education).

    A generator of its own (seeded from ``seed``) so that adding this column left every other
    drawn value as it was. Each school has a rate around its location's (log-normal, sd 0.4,
    at most 15 %), and each year's count is binomial in its students."""
    rng = np.random.default_rng([int(seed), 20])
    n_s = students.shape[0]
    rate = _TRANSFER_RATE[loc_of] * np.exp(rng.normal(0.0, 0.4, n_s))
    rate = np.minimum(rate, 0.15)
    pupils = np.nan_to_num(students, nan=0.0).astype(np.int64)
    out = rng.binomial(pupils, rate[:, None]).astype(np.float64)
    return np.where(compulsory[:, None], out, np.nan)


def logit_of(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))
