"""σ-convergence (a measure over time) and β-convergence (growth against the start level)."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

from .common import (
    FloatArray,
    as_1d_float,
    check_nonneg_finite,
    finite_number,
    readonly,
    weights_array,
)
from .measures import (
    MeasureFn,
    measure_function,
)
from .results import (
    BetaConvergence,
    SigmaConvergence,
)

__all__ = ["beta_convergence", "sigma_convergence"]


def _wls(x: FloatArray, y: FloatArray, w: FloatArray | None) -> tuple[float, float, float, float]:
    """Weighted least squares of y on x; returns (intercept, slope, se, r2).

    Weights are analytic weights normalised to sum to n, so the standard
    error uses n - 2 degrees of freedom and does not depend on weight scale.
    """
    n = x.size
    ww = np.ones(n) if w is None else w * (n / w.sum())
    xm = float(np.dot(ww, x)) / n
    ym = float(np.dot(ww, y)) / n
    dx = x - xm
    dy = y - ym
    sxx = float(np.dot(ww, dx * dx))
    if not sxx > 0:
        raise ValueError("the explanatory variable does not vary; the slope is undefined.")
    slope = float(np.dot(ww, dx * dy)) / sxx
    resid = dy - slope * dx
    sse = float(np.dot(ww, resid * resid))
    sst = float(np.dot(ww, dy * dy))
    se = math.sqrt(sse / (n - 2) / sxx) if n > 2 else math.nan
    r2 = 1.0 - sse / sst if sst > 0 else math.nan
    return ym - slope * xm, slope, se, r2


def sigma_convergence(
    values_by_year: Mapping[Any, ArrayLike] | ArrayLike,
    weights_by_year: Mapping[Any, ArrayLike] | ArrayLike | None = None,
    measure: str | MeasureFn = "cv",
    years: ArrayLike | None = None,
) -> SigmaConvergence:
    """Sigma convergence: does dispersion across units fall over time?

    Computes the dispersion measure in each year, fits an OLS line through
    (year, dispersion) and reports its slope.

    Parameters
    ----------
    values_by_year : mapping or array_like
        Either a mapping ``{year: values}`` (the set of units may differ per
        year) or a 2-D array of shape ``(n_units, n_years)`` together with
        ``years``.
    weights_by_year : mapping or array_like, optional
        Same structure as ``values_by_year`` (mapping with the same years, or
        ``(n_units, n_years)`` array); with a 2-D ``values_by_year`` a 1-D
        array of ``n_units`` weights is used for every year.
    measure : str or callable
        ``"cv"`` (default), ``"gini"``, ``"theil_t"``, ``"theil_l"``,
        ``"ge(a)"``, ``"atkinson(e)"``, ``"max_min_ratio"``,
        ``"percentile_ratio"`` / ``"percentile_ratio(75, 25)"``, or a function
        ``f(values, weights) -> float``.
    years : array_like, optional
        Year of each column; required with a 2-D array, not allowed with a
        mapping.

    Returns
    -------
    SigmaConvergence
        Years, dispersion per year, slope, intercept, slope standard error
        and ``declining = slope < 0``.

    Raises
    ------
    ValueError
        With fewer than two years, duplicate or non-numeric years, mismatched
        shapes or years, or invalid data in any year.

    References
    ----------
    .. [1] Barro, R. J., & Sala-i-Martin, X. (1992). Convergence.
       *Journal of Political Economy*, 100(2), 223-251.
    .. [2] Sala-i-Martin, X. (1996). The classical approach to convergence
       analysis. *The Economic Journal*, 106(437), 1019-1036.

    Examples
    --------
    >>> s = sigma_convergence({2020: [1, 3], 2021: [1.5, 2.5], 2022: [2, 2]})
    >>> s.dispersion.round(6).tolist()
    [0.5, 0.25, 0.0]
    >>> round(s.slope, 6), s.declining
    (-0.25, True)
    """
    label, fn = measure_function(measure)
    if isinstance(values_by_year, Mapping):
        if years is not None:
            raise ValueError("years must not be given when values_by_year is a mapping.")
        yrs, series, wseries = _series_from_mapping(values_by_year, weights_by_year)
    else:
        yrs, series, wseries = _series_from_table(values_by_year, weights_by_year, years)
    if yrs.size < 2:
        raise ValueError("sigma convergence needs at least two years.")
    if not np.isfinite(yrs).all():
        raise ValueError("years must be finite numbers.")
    if np.unique(yrs).size != yrs.size:
        raise ValueError("years must be distinct.")
    order = np.argsort(yrs)
    disp = np.empty(yrs.size)
    for j, idx in enumerate(order):
        try:
            disp[j] = fn(series[idx], wseries[idx])
        except ValueError as exc:
            raise ValueError(f"year {yrs[idx]:g}: {exc}") from exc
    yrs = yrs[order]
    intercept, slope, se, _ = _wls(yrs, disp, None)
    return SigmaConvergence(
        measure=label,
        years=readonly(yrs),
        dispersion=readonly(disp),
        slope=slope,
        intercept=intercept,
        slope_stderr=se,
        declining=bool(slope < 0),
    )


_Series = tuple[FloatArray, list[Any], list[Any]]


def _series_from_mapping(
    values_by_year: Mapping[Any, ArrayLike],
    weights_by_year: Mapping[Any, ArrayLike] | ArrayLike | None,
) -> _Series:
    """Years, values and weights of each year from ``{year: values}``."""
    keys = list(values_by_year.keys())
    yrs = as_1d_float(keys, "years (mapping keys)") if keys else np.empty(0)
    series = [values_by_year[k] for k in keys]
    if weights_by_year is None:
        wseries: list[Any] = [None] * len(keys)
    elif isinstance(weights_by_year, Mapping):
        missing = [k for k in keys if k not in weights_by_year]
        if missing:
            raise ValueError(f"weights_by_year has no entry for year(s) {missing[:5]}.")
        wseries = [weights_by_year[k] for k in keys]
    else:
        raise ValueError("weights_by_year must be a mapping when values_by_year is one.")
    return yrs, series, wseries


def _series_from_table(
    values_by_year: ArrayLike,
    weights_by_year: Mapping[Any, ArrayLike] | ArrayLike | None,
    years: ArrayLike | None,
) -> _Series:
    """Years, values and weights of each year from an ``(n_units, n_years)`` array."""
    table = np.asarray(values_by_year, dtype=np.float64)
    if table.ndim != 2:
        raise ValueError(
            "values_by_year must be a mapping {year: values} or a 2-D array "
            f"(n_units, n_years); got shape {table.shape}."
        )
    if years is None:
        raise ValueError("years is required when values_by_year is a 2-D array.")
    yrs = as_1d_float(years, "years")
    if yrs.size != table.shape[1]:
        raise ValueError(
            f"years has {yrs.size} entries but values_by_year has {table.shape[1]} columns."
        )
    series = [table[:, j] for j in range(table.shape[1])]
    if weights_by_year is None:
        return yrs, series, [None] * yrs.size
    wt = np.asarray(weights_by_year, dtype=np.float64)
    if wt.ndim == 1:
        return yrs, series, [wt] * yrs.size
    if wt.shape == table.shape:
        return yrs, series, [wt[:, j] for j in range(wt.shape[1])]
    raise ValueError(
        f"weights_by_year has shape {wt.shape}; expected {table.shape} or ({table.shape[0]},)."
    )


def beta_convergence(
    initial: ArrayLike,
    final: ArrayLike,
    years: float,
    weights: ArrayLike | None = None,
) -> BetaConvergence:
    """Absolute beta convergence: do units that start lower grow faster?

    Fits ``ln(final/initial) / T = a + beta * ln(initial) + e`` by (weighted)
    least squares.  ``beta < 0`` means convergence.  The implied speed of
    convergence is ``lambda = -ln(1 + beta*T) / T`` and the half-life is
    ``ln 2 / lambda``.

    Parameters
    ----------
    initial, final : array_like, shape (n,)
        Strictly positive levels at the start and end of the period.
    years : float
        Length ``T`` of the period in years (> 0).
    weights : array_like, shape (n,), optional
        Non-negative analytic weights (e.g. population).  They are normalised
        to sum to the number of units with positive weight, so the standard
        error uses ``n - 2`` degrees of freedom (Stata's ``aweight``
        convention) and does not depend on the weights' scale.

    Returns
    -------
    BetaConvergence
        beta, intercept, standard error, t, R², speed, half-life.

    Raises
    ------
    ValueError
        If fewer than three units, lengths differ, levels are not strictly
        positive and finite, ``years <= 0``, or initial levels do not vary.

    References
    ----------
    .. [1] Barro, R. J., & Sala-i-Martin, X. (1992). Convergence.
       *Journal of Political Economy*, 100(2), 223-251.
    .. [2] Sala-i-Martin, X. (1996). The classical approach to convergence
       analysis. *The Economic Journal*, 106(437), 1019-1036.

    Examples
    --------
    >>> import math
    >>> x0 = [1.0, 2.0, 4.0, 8.0]
    >>> x1 = [v ** 0.5 * 3 for v in x0]  # the log gap halves over 10 years
    >>> b = beta_convergence(x0, x1, years=10)
    >>> round(b.beta, 6), round(b.half_life, 6), round(b.r_squared, 6)
    (-0.05, 10.0, 1.0)
    """
    t = finite_number(years, "years")
    if not t > 0:
        raise ValueError(f"years must be positive (length of the period); got {years!r}.")
    x0 = as_1d_float(initial, "initial")
    x1 = as_1d_float(final, "final")
    if x0.size != x1.size:
        raise ValueError(f"initial has {x0.size} units but final has {x1.size}.")
    for arr, nm in ((x0, "initial"), (x1, "final")):
        check_nonneg_finite(arr, nm)
        if arr.min() <= 0:
            raise ValueError(f"{nm} must be strictly positive (log levels are used).")
    w = None
    if weights is not None:
        w = weights_array(weights, x0.size)
        keep = w > 0
        x0, x1, w = x0[keep], x1[keep], w[keep]
    if x0.size < 3:
        raise ValueError(
            "beta convergence needs at least three units (two for the line, one for its error)."
        )
    lx = np.log(x0)
    growth = (np.log(x1) - lx) / t
    intercept, beta, se, r2 = _wls(lx, growth, w)
    one_plus = 1.0 + beta * t
    speed = -math.log(one_plus) / t if one_plus > 0 else math.nan
    half_life = math.log(2.0) / speed if speed > 0 else math.nan
    return BetaConvergence(
        beta=beta,
        intercept=intercept,
        stderr=se,
        t_stat=beta / se if se > 0 else math.nan,
        r_squared=r2,
        speed=speed,
        half_life=half_life,
        converging=bool(beta < 0),
        n_units=int(x0.size),
        years=t,
    )
