"""Bootstrap confidence intervals of an inequality measure (vectorised for named measures)."""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from .common import (
    FloatArray,
    IntArray,
    as_1d_float,
    finite_number,
    power,
    readonly,
    weights_array,
    xlogx,
)
from .decomposition import encode_groups
from .measures import (
    MeasureFn,
    measure_function,
    parse_measure,
)
from .results import (
    BootstrapCI,
    GroupCodes,
)

__all__ = ["bootstrap_ci"]

#: Bootstrap replicates are processed in chunks of about this many cells.
_BOOT_CHUNK_CELLS = 2_000_000


def _batch_measure(name: str, args: tuple[float, ...], ys: FloatArray, u: FloatArray) -> FloatArray:
    """Evaluate a named measure for each row of effective weights ``u``.

    ``ys`` is sorted ascending; ``u[b, i]`` is the weight of unit ``i`` in
    replicate ``b`` (resampling count times the unit's weight).
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        s0 = u.sum(axis=1)
        if name in ("gini", "percentile_ratio", "max_min_ratio"):
            if name == "max_min_ratio":
                pos = u > 0
                first = np.argmax(pos, axis=1)
                last = ys.size - 1 - np.argmax(pos[:, ::-1], axis=1)
                return ys[last] / ys[first]
            cum = np.cumsum(u, axis=1)
            if name == "gini":
                wy = u * ys
                num = np.einsum("ij,ij->i", wy, 2.0 * cum - u - s0[:, None])
                return num / (s0 * wy.sum(axis=1))
            up, low = args if args else (90.0, 10.0)
            idx_hi = np.minimum((cum < (up / 100.0) * s0[:, None]).sum(axis=1), ys.size - 1)
            idx_lo = np.minimum((cum < (low / 100.0) * s0[:, None]).sum(axis=1), ys.size - 1)
            return ys[idx_hi] / ys[idx_lo]
        mu0 = float(np.mean(ys))
        z = ys / mu0
        # Zero values reaching a log / negative power can only belong to units of
        # weight 0 (the full-sample estimate has rejected the rest): neutralise them.
        zpos = np.where(z > 0, z, 1.0)
        m = (u @ z) / s0
        if name == "cv":
            d = z - 1.0
            e1 = (u @ d) / s0
            var = (u @ (d * d)) / s0 - e1 * e1
            return np.sqrt(np.maximum(var, 0.0)) / m
        if name == "theil_t" or (name == "ge" and args[0] == 1.0):
            return np.maximum((u @ xlogx(z)) / (m * s0) - np.log(m), 0.0)
        if name == "theil_l" or (name == "ge" and args[0] == 0.0):
            return np.maximum(np.log(m) - (u @ np.log(zpos)) / s0, 0.0)
        if name == "ge":
            a = args[0]
            za = power(zpos if a < 0 else z, a)
            return np.maximum(((u @ za) / s0 / power(m, a) - 1.0) / (a * (a - 1.0)), 0.0)
        # atkinson
        e = args[0]
        if e == 0.0:
            return np.zeros(u.shape[0])
        if e == 1.0:
            return -np.expm1((u @ np.log(zpos)) / s0 - np.log(m))
        ze = power(zpos if e > 1.0 else z, 1.0 - e)
        return -np.expm1(np.log((u @ ze) / s0) / (1.0 - e) - np.log(m))


def bootstrap_ci(
    values: ArrayLike,
    measure: str | MeasureFn,
    weights: ArrayLike | None = None,
    n_boot: int = 1000,
    ci: float = 0.95,
    seed: int | np.random.Generator | None = 0,
    groups: ArrayLike | Sequence[ArrayLike] | GroupCodes | None = None,
) -> BootstrapCI:
    """Percentile bootstrap confidence interval for an inequality measure.

    Each replicate draws ``n`` units with replacement (a unit keeps its weight);
    with ``groups`` the draw is stratified: position ``i`` of a replicate is
    drawn from the stratum (finest group) of unit ``i``, so every stratum keeps
    its size and ``groups`` still labels the replicate position by position.

    Named measures are computed for all replicates at once from resampling
    counts (integer weights equal repeated units); a callable is called once
    per replicate as ``measure(values_b, weights_b)`` (``weights_b`` is
    ``None`` when no weights are given).

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values.
    measure : str or callable
        ``"cv"``, ``"gini"``, ``"theil_t"``, ``"theil_l"``, ``"ge(a)"``,
        ``"atkinson(e)"``, ``"max_min_ratio"``, ``"percentile_ratio"`` or
        ``"percentile_ratio(upper, lower)"``, or ``f(values, weights) -> float``.
    weights : array_like, shape (n,), optional
        Non-negative weights carried by each unit.
    n_boot : int
        Number of replicates (>= 1; 1000 or more for a 95 % interval).
    ci : float
        Confidence level in (0, 1).
    seed : int, numpy.random.Generator or None
        Seed for :func:`numpy.random.default_rng`; the default 0 makes the
        result reproducible.  ``None`` draws fresh entropy.
    groups : array_like, list of array_like or GroupCodes, optional
        Strata for resampling (the finest level is used if nested).

    Returns
    -------
    BootstrapCI
        Estimate, lower and upper bounds, standard error and the replicates.

    Raises
    ------
    ValueError
        On invalid data or parameters, or if the measure is undefined for
        some replicate (e.g. a resample of only zeros).

    References
    ----------
    .. [1] Efron, B., & Tibshirani, R. J. (1993). *An Introduction to the
       Bootstrap*. New York: Chapman & Hall.

    Examples
    --------
    >>> from xietong.algorithms.inequality import gini
    >>> x = [3, 5, 8, 13, 21, 34, 55, 89]
    >>> r = bootstrap_ci(x, "gini", n_boot=200, seed=1)
    >>> round(r.estimate, 6) == round(gini(x), 6)
    True
    >>> bool(r.lower <= r.estimate <= r.upper), r.replicates.shape
    (True, (200,))
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}.")
    level = finite_number(ci, "ci")
    if not 0.0 < level < 1.0:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {ci!r}.")
    y = as_1d_float(values, "values")
    n = y.size
    w = None if weights is None else weights_array(weights, n)
    label, fn = measure_function(measure)
    estimate = float(fn(y, w))
    rng = np.random.default_rng(seed)
    draw = _Draw.of(groups, n)
    named = None if callable(measure) else parse_measure(measure)
    if named is not None:
        reps = _named_replicates(rng, draw, named, y, w, int(n_boot))
    else:
        reps = _custom_replicates(rng, draw, fn, y, w, int(n_boot))
    bad = ~np.isfinite(reps)
    if bad.any():
        raise ValueError(
            f"{label} is undefined for {int(bad.sum())} of {n_boot} bootstrap replicates "
            "(e.g. a resample with only zeros); use more units or another measure."
        )
    lo_q, hi_q = np.quantile(reps, [(1.0 - level) / 2.0, (1.0 + level) / 2.0])
    return BootstrapCI(
        estimate=estimate,
        lower=float(lo_q),
        upper=float(hi_q),
        ci=level,
        standard_error=float(reps.std(ddof=1)) if n_boot > 1 else math.nan,
        replicates=readonly(reps),
        stratified=groups is not None,
    )


@dataclass(frozen=True)
class _Draw:
    """How a resample draws its units: from all ``n``, or within each stratum."""

    n: int
    high: int | IntArray  # exclusive upper bound of each draw (the unit's stratum size)
    start: IntArray | None = None  # first position of the unit's stratum in ``order``
    order: IntArray | None = None  # units sorted by stratum

    @classmethod
    def of(cls, groups: ArrayLike | Sequence[ArrayLike] | GroupCodes | None, n: int) -> _Draw:
        if groups is None:
            return cls(n, n)
        gc = encode_groups(groups)
        if gc.n_units != n:
            raise ValueError(f"groups label {gc.n_units} units but values has {n}.")
        order = np.argsort(gc.codes, kind="stable")
        starts = np.concatenate(([0], np.cumsum(gc.counts)[:-1]))
        return cls(n, gc.counts[gc.codes], starts[gc.codes], order)

    def chunks(self, rng: np.random.Generator, n_boot: int) -> Iterator[tuple[int, IntArray]]:
        """``(first replicate, unit indices (b, n))`` chunk by chunk."""
        n = self.n
        chunk = max(1, min(n_boot, _BOOT_CHUNK_CELLS // n))
        done = 0
        while done < n_boot:
            b = min(chunk, n_boot - done)
            idx = rng.integers(0, self.high, size=(b, n))
            if self.start is not None and self.order is not None:
                idx = self.order[idx + self.start]
            yield done, idx
            done += b


def _named_replicates(
    rng: np.random.Generator,
    draw: _Draw,
    named: tuple[str, tuple[float, ...]],
    y: FloatArray,
    w: FloatArray | None,
    n_boot: int,
) -> FloatArray:
    """Replicates of a named measure, vectorised over resampling counts."""
    n = y.size
    sort_idx = np.argsort(y, kind="stable")
    ys = y[sort_idx]
    base_w = np.ones(n) if w is None else w[sort_idx]
    rank = np.empty(n, dtype=np.intp)
    rank[sort_idx] = np.arange(n)
    reps = np.empty(n_boot)
    for done, idx in draw.chunks(rng, n_boot):
        b = idx.shape[0]
        flat = rank[idx] + (np.arange(b) * n)[:, None]
        counts = np.bincount(flat.ravel(), minlength=b * n).reshape(b, n)
        reps[done : done + b] = _batch_measure(named[0], named[1], ys, counts * base_w)
    return reps


def _custom_replicates(
    rng: np.random.Generator,
    draw: _Draw,
    fn: MeasureFn,
    y: FloatArray,
    w: FloatArray | None,
    n_boot: int,
) -> FloatArray:
    """Replicates of a callable measure, one resample at a time."""
    reps = np.empty(n_boot)
    for done, idx in draw.chunks(rng, n_boot):
        for j, row in enumerate(idx):
            reps[done + j] = float(fn(y[row], None if w is None else w[row]))
    return reps
