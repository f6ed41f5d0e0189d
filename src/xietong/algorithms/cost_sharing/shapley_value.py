"""The Shapley value: exact over all coalitions, explained, or sampled."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from statistics import NormalDist

import numpy as np

from .games import as_game
from .money import (
    decimal_text,
    is_int,
)

_CHUNK = 1 << 16  # elements per vectorised block in the exact Shapley kernel


def _popcount_table(n: int) -> np.ndarray:
    """``pc[mask]`` = number of members of coalition ``mask``, for all ``2**n`` masks."""
    pc = np.zeros(1 << n, dtype=np.uint8)
    for b in range(n):
        pc[1 << b : 2 << b] = pc[: 1 << b] + 1
    return pc


def _marginal_stats(
    v: np.ndarray, n: int, *, extremes: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Sum of marginal contributions by coalition size, per member.

    Returns ``sums[i, s] = sum over S not containing i with |S| = s of
    v(S | {i}) - v(S)`` and, optionally, per-member min and max marginal
    contributions.  Works on views of ``v`` in blocks of ``_CHUNK`` elements,
    so that temporaries stay small even for ``2**25`` coalitions.
    """
    pc = _popcount_table(n)
    sums = np.zeros((n, n), dtype=np.float64)
    mins = np.full(n, np.inf) if extremes else None
    maxs = np.full(n, -np.inf) if extremes else None
    for i in range(n):
        half = 1 << i
        rows = v.shape[0] >> (i + 1)
        vv = v.reshape(rows, 2, half)
        pp = pc.reshape(rows, 2, half)
        if half >= _CHUNK:
            blocks = (
                (np.s_[r], np.s_[c0 : c0 + _CHUNK])
                for r in range(rows)
                for c0 in range(0, half, _CHUNK)
            )
        else:
            step = _CHUNK // half
            blocks = ((np.s_[r0 : r0 + step], np.s_[:]) for r0 in range(0, rows, step))
        acc = sums[i]
        for rs, cs in blocks:
            d = vv[rs, 1, cs] - vv[rs, 0, cs]
            p = pp[rs, 0, cs]
            acc += np.bincount(p.ravel(), weights=d.ravel(), minlength=n)[:n]
            if extremes:
                assert mins is not None and maxs is not None
                mins[i] = min(mins[i], float(d.min()))
                maxs[i] = max(maxs[i], float(d.max()))
    return sums, mins, maxs


def _size_counts(n: int) -> np.ndarray:
    """``C(n-1, s)`` for ``s = 0..n-1``: coalitions of size s without a given member."""
    return np.array([math.comb(n - 1, s) for s in range(n)], dtype=np.float64)


def shapley(coalition_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Exact Shapley value of a game given by its coalition values.

    ``phi_i = sum over coalitions S not containing i of
    |S|! (n-|S|-1)! / n! * (v(S + i) - v(S))``: the average, over all orders
    in which the members could join, of the amount member ``i`` adds when it
    joins.  Computed with numpy over all bitmasks, one member at a time in
    blocks (memory beyond the input: a ``2**n`` byte popcount table and small
    temporaries), in ``O(n 2**n)`` time; practical up to about 25 members.

    Parameters
    ----------
    coalition_values : array_like of float, length ``2**n``
        ``coalition_values[mask]`` is the value (or cost) of the coalition
        whose members are the set bits of ``mask``; index 0 (empty coalition)
        must be 0.  A float64 contiguous array is used without copying.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        The Shapley values; they add up to the value of the grand coalition.

    Raises
    ------
    ValueError
        If the length is not a power of two (at least 2), values are not
        finite, the empty coalition is not worth 0, or ``n > 30``.

    See Also
    --------
    shapley_detailed : the same with an explanation of every share.
    shapley_sampled : estimate for games too large to enumerate.

    References
    ----------
    L. S. Shapley (1953); Maschler, Solan and Zamir (2013), ch. 18.

    Examples
    --------
    Glove game: member 0 has a left glove, members 1 and 2 a right glove; a
    pair is worth 1.

    >>> v = [0, 0, 0, 1, 0, 1, 0, 1]  # masks 0b011, 0b101, 0b111 are worth 1
    >>> shapley(v).round(6)
    array([0.666667, 0.166667, 0.166667])
    """
    v, n = as_game(coalition_values)
    sums, _, _ = _marginal_stats(v, n, extremes=False)
    return (sums / _size_counts(n)).sum(axis=1) / n


@dataclass(frozen=True, eq=False)
class ShapleyExplanation:
    """Shapley values with a summary of every member's marginal contributions.

    Attributes
    ----------
    values : numpy.ndarray, shape (n,)
        Shapley values.
    mean_marginal_by_size : numpy.ndarray, shape (n, n)
        ``[i, s]``: average of ``v(S + i) - v(S)`` over the coalitions ``S``
        of size ``s`` without ``i``.  The Shapley value is the plain average
        of row ``i``: ``values[i] == mean_marginal_by_size[i].mean()``.
    min_marginal, max_marginal : numpy.ndarray, shape (n,)
        Smallest and largest marginal contribution of each member.
    standalone : numpy.ndarray, shape (n,)
        Value of each member alone, ``v({i})`` (column 0 of the table above).
    joins_last : numpy.ndarray, shape (n,)
        What each member adds to all the others, ``v(N) - v(N - i)``.
    """

    values: np.ndarray
    mean_marginal_by_size: np.ndarray
    min_marginal: np.ndarray
    max_marginal: np.ndarray
    standalone: np.ndarray
    joins_last: np.ndarray

    def explain(self, labels: Sequence[str] | None = None) -> str:
        """Plain-language explanation, one line per member."""
        n = self.values.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        if len(names) != n:
            raise ValueError(f"{len(names)} labels for {n} members")
        lines = []
        for i in range(n):
            lines.append(
                f"{names[i]}: Shapley value {self.values[i]:.6g} = average over the {n} "
                f"coalition sizes of its average marginal contribution; alone {self.standalone[i]:.6g}, "
                f"joining all others {self.joins_last[i]:.6g}, "
                f"range {self.min_marginal[i]:.6g} to {self.max_marginal[i]:.6g}"
            )
        return "\n".join(lines)

    def record(self, labels: Sequence[str] | None = None) -> dict:
        """Per member, as codes and numbers (4 decimals, in the units of the game): the Shapley
        value, the stand-alone value, what it adds joining all others and the range of its
        marginal contributions.

        Examples
        --------
        >>> shapley_detailed([0, 0, 0, 1, 0, 1, 0, 1]).record(["L", "R1", "R2"])["members"][0]
        {'member': 'L', 'value': '0.6667', 'standalone': '0.0000', 'joins_last': '1.0000', 'min': '0.0000', 'max': '1.0000'}
        """
        n = self.values.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        if len(names) != n:
            raise ValueError(f"{len(names)} labels for {n} members")
        return {
            "rule": "shapley",
            "members": [
                {
                    "member": names[i],
                    "value": decimal_text(float(self.values[i]), 4),
                    "standalone": decimal_text(float(self.standalone[i]), 4),
                    "joins_last": decimal_text(float(self.joins_last[i]), 4),
                    "min": decimal_text(float(self.min_marginal[i]), 4),
                    "max": decimal_text(float(self.max_marginal[i]), 4),
                }
                for i in range(n)
            ],
        }


def shapley_detailed(coalition_values: Sequence[float] | np.ndarray) -> ShapleyExplanation:
    """Exact Shapley value with an explanation of every member's share.

    Parameters
    ----------
    coalition_values : array_like of float, length ``2**n``
        As for :func:`shapley`.

    Returns
    -------
    ShapleyExplanation
        Values and, per member, the average marginal contribution by
        coalition size, the range of marginal contributions, the stand-alone
        value and the contribution when joining last.

    Raises
    ------
    ValueError
        As for :func:`shapley`.

    References
    ----------
    L. S. Shapley (1953).

    Examples
    --------
    >>> e = shapley_detailed([0, 0, 0, 1, 0, 1, 0, 1])
    >>> e.mean_marginal_by_size[0]  # member 0 adds 0 alone, 1 to any right glove
    array([0., 1., 1.])
    >>> float(e.values[0]), float(e.mean_marginal_by_size[0].mean())
    (0.6666666666666666, 0.6666666666666666)
    >>> print(e.explain(["left", "right 1", "right 2"]).splitlines()[1])
    right 1: Shapley value 0.166667 = average over the 3 coalition sizes of its average marginal contribution; alone 0, joining all others 0, range 0 to 1
    """
    v, n = as_game(coalition_values)
    sums, mins, maxs = _marginal_stats(v, n, extremes=True)
    assert mins is not None and maxs is not None
    means = sums / _size_counts(n)
    full = (1 << n) - 1
    bits = 1 << np.arange(n)
    arrays = {
        "values": means.sum(axis=1) / n,
        "mean_marginal_by_size": means,
        "min_marginal": mins,
        "max_marginal": maxs,
        "standalone": v[bits].copy(),
        "joins_last": v[full] - v[full ^ bits],
    }
    for a in arrays.values():
        a.setflags(write=False)
    return ShapleyExplanation(**arrays)


@dataclass(frozen=True, eq=False)
class SampledShapley:
    """Result of :func:`shapley_sampled`.

    Attributes
    ----------
    values : numpy.ndarray, shape (n,)
        Estimated Shapley values (they add up exactly, up to float rounding,
        to ``v(N)``).
    std_error : numpy.ndarray, shape (n,)
        Estimated standard error of each value (sample standard deviation of
        the marginal contributions divided by ``sqrt(n_samples)``).
    ci_half_width : numpy.ndarray, shape (n,)
        Half-width of the approximate (central limit theorem) confidence
        interval at level ``confidence``, for each member separately.
    hoeffding_half_width : float or None
        Half-width ``t`` of a distribution-free bound: with probability at
        least ``confidence``, *all* members' estimates are within ``t`` of the
        true values simultaneously (Hoeffding's inequality with a union bound
        over members).  Only available when ``marginal_range`` was given.
    confidence : float
        Confidence level of the two bounds.
    n_samples : int
        Number of random orders sampled.
    n_evaluations : int
        Number of calls of the value function.
    """

    values: np.ndarray
    std_error: np.ndarray
    ci_half_width: np.ndarray
    hoeffding_half_width: float | None
    confidence: float
    n_samples: int
    n_evaluations: int


def shapley_sampled(
    value_fn: Callable[[int], float],
    n: int,
    n_samples: int,
    seed: int | None = None,
    *,
    confidence: float = 0.95,
    marginal_range: tuple[float, float] | None = None,
) -> SampledShapley:
    """Estimate the Shapley value by sampling random joining orders.

    For each of ``n_samples`` uniformly random orders of the members, every
    member's marginal contribution when it joins is recorded; the estimate is
    the average.  Each sample costs ``n - 1`` calls of ``value_fn`` (plus two
    calls overall for the empty and the grand coalition).  The estimate is
    unbiased and exactly efficient (it adds up to ``v(N)``).

    Error bounds reported: the standard error and a CLT confidence interval
    per member; and, if ``marginal_range = (a, b)`` bounds every marginal
    contribution, the Hoeffding half-width
    ``(b - a) * sqrt(log(2 n / (1 - confidence)) / (2 n_samples))`` valid for
    all members at once.

    Parameters
    ----------
    value_fn : callable
        ``value_fn(mask)`` returns the value of the coalition whose members
        are the set bits of the Python int ``mask``; ``value_fn(0)`` must be 0.
    n : int
        Number of members (any size; masks are Python ints).
    n_samples : int
        Number of random orders (at least 2).
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the
        same estimate.
    confidence : float, default 0.95
        Confidence level of the reported bounds, in (0, 1).
    marginal_range : (float, float), optional
        Known lower and upper bound of every marginal contribution
        ``v(S + i) - v(S)``, for the Hoeffding bound.

    Returns
    -------
    SampledShapley
        Estimates with their error bounds.

    Raises
    ------
    ValueError
        On bad parameters, if ``value_fn(0)`` is not 0 or returns a
        non-finite number, or if a sampled marginal contribution falls outside
        ``marginal_range`` (the bound would then be invalid).

    References
    ----------
    J. Castro, D. Gómez and J. Tejada (2009); W. Hoeffding, "Probability
    inequalities for sums of bounded random variables", *Journal of the
    American Statistical Association* 58(301), 1963, pp. 13-30.

    Examples
    --------
    A weighted majority game among 40 members (coalitions with more than half
    of the total weight are worth 1):

    >>> w = list(range(1, 41))
    >>> def v(mask):
    ...     return float(sum(w[i] for i in range(40) if mask >> i & 1) * 2 > sum(w))
    >>> est = shapley_sampled(v, 40, 500, seed=1, marginal_range=(0.0, 1.0))
    >>> round(float(est.values.sum()), 9)
    1.0
    >>> bool(est.values[39] > est.values[0])
    True
    >>> round(est.hoeffding_half_width, 4)
    0.0859
    """
    _check_sampling(value_fn, n, n_samples, confidence, marginal_range)
    n = int(n)
    n_samples = int(n_samples)

    def call(mask: int) -> float:
        x = float(value_fn(mask))
        if not math.isfinite(x):
            raise ValueError(f"value_fn({mask}) returned {x!r}; values must be finite")
        return x

    if call(0) != 0:
        raise ValueError("value_fn(0) (the empty coalition) must return 0")
    mean, m2, lo, hi = _sample_marginals(call, n, n_samples, np.random.default_rng(seed))
    std_error = np.sqrt(m2 / (n_samples - 1) / n_samples)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    hoeffding = None
    if marginal_range is not None:
        hoeffding = _hoeffding(marginal_range, lo, hi, n, n_samples, confidence)
    for arr in (mean, std_error):
        arr.setflags(write=False)
    half = z * std_error
    half.setflags(write=False)
    return SampledShapley(
        values=mean,
        std_error=std_error,
        ci_half_width=half,
        hoeffding_half_width=hoeffding,
        confidence=float(confidence),
        n_samples=n_samples,
        n_evaluations=2 + n_samples * (n - 1),
    )


def _check_sampling(value_fn, n, n_samples, confidence, marginal_range) -> None:
    if not callable(value_fn):
        raise ValueError("value_fn must be callable: value_fn(mask) -> float")
    if not is_int(n) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not is_int(n_samples) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    if marginal_range is not None:
        a, b = (float(marginal_range[0]), float(marginal_range[1]))
        if not (math.isfinite(a) and math.isfinite(b) and a <= b):
            raise ValueError(f"marginal_range must be finite (low, high), got {marginal_range!r}")


def _sample_marginals(
    call: Callable[[int], float], n: int, n_samples: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Marginal contributions along ``n_samples`` random orders: their running mean and sum of
    squared deviations (Welford), and the smallest and largest seen, per member."""
    v_full = call((1 << n) - 1)
    mean = np.zeros(n)
    m2 = np.zeros(n)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    row = np.empty(n)
    for k in range(1, n_samples + 1):
        perm = rng.permutation(n)
        mask = 0
        prev = 0.0
        for pos, i in enumerate(perm.tolist()):
            mask |= 1 << i
            cur = v_full if pos == n - 1 else call(mask)
            row[i] = cur - prev
            prev = cur
        delta = row - mean
        mean += delta / k
        m2 += delta * (row - mean)
        np.minimum(lo, row, out=lo)
        np.maximum(hi, row, out=hi)
    return mean, m2, lo, hi


def _hoeffding(
    marginal_range, lo: np.ndarray, hi: np.ndarray, n: int, n_samples: int, confidence: float
) -> float:
    """Hoeffding's half-width for contributions known to lie in ``marginal_range`` (checked
    against those sampled)."""
    a, b = float(marginal_range[0]), float(marginal_range[1])
    slack = 1e-9 * max(1.0, abs(a), abs(b))
    if lo.min() < a - slack or hi.max() > b + slack:
        raise ValueError(
            f"a sampled marginal contribution ({lo.min():.6g} .. {hi.max():.6g}) lies outside "
            f"marginal_range {marginal_range}; widen the range or drop it"
        )
    return (b - a) * math.sqrt(math.log(2 * n / (1 - confidence)) / (2 * n_samples))
