"""Inequality, decomposition and convergence measures (numpy only).

This module measures how evenly a quantity (spending per pupil, teachers per
class, building area, ...) is spread over units (schools, counties, ...), how
much of the unevenness lies *between* regions versus *within* them, and
whether regions are converging over time.

Conventions shared by every function
------------------------------------
* ``values`` is a one-dimensional array-like of non-negative, finite numbers,
  one per unit.  NaN, infinite or negative values raise :class:`ValueError`.
  All-zero data raise :class:`ValueError` (the mean is zero, so relative
  inequality is undefined).
* ``weights`` (optional) are non-negative, finite numbers of the same length,
  for example student counts.  ``None`` means every unit counts once.  Weights
  behave exactly like replication counts: integer weight ``k`` gives the same
  result as repeating the unit ``k`` times.  Units with weight 0 are ignored;
  a zero total weight raises :class:`ValueError`.
* Every inequality index is *relative*: multiplying all values by the same
  positive number does not change it.
* Measures built on ``log(x)`` at ``x = 0`` (Theil L, generalised entropy with
  ``alpha <= 0``, Atkinson with ``epsilon >= 1``) need strictly positive values
  and raise :class:`ValueError` otherwise.  Theil T accepts zeros because its
  ``x * log(x)`` term tends to 0 as ``x -> 0`` and is taken to be exactly 0.

Performance
-----------
:func:`decompose` does one pass over the units per indicator, whatever the
number of levels: group sums are taken at the finest level with
:func:`numpy.bincount` and aggregated upwards on the (small) group arrays.
Encode the group labels once with :func:`encode_groups` and pass the resulting
:class:`GroupCodes` to :func:`decompose` for every indicator to avoid
re-encoding them.  Non-negative integer labels use a sort-free dense path.
See ``docs/measures/inequality.md`` for formulas and worked examples.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BetaConvergence",
    "BootstrapCI",
    "Decomposition",
    "GroupCodes",
    "LevelComponent",
    "SigmaConvergence",
    "atkinson",
    "beta_convergence",
    "bootstrap_ci",
    "cv",
    "decompose",
    "encode_groups",
    "generalized_entropy",
    "gini",
    "max_min_ratio",
    "percentile_ratio",
    "sigma_convergence",
    "theil_l",
    "theil_t",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]

#: Largest span (max - min + 1) of integer labels handled by the sort-free
#: dense path is ``max(_DENSE_SPAN_FACTOR * n, _DENSE_SPAN_MIN)``.
_DENSE_SPAN_FACTOR = 4
_DENSE_SPAN_MIN = 1 << 16
#: Bootstrap replicates are processed in chunks of about this many cells.
_BOOT_CHUNK_CELLS = 2_000_000
#: Units per chunk in the single pass of :func:`decompose` (fits in L2 cache).
_PASS_CHUNK = 1 << 16


# ---------------------------------------------------------------------------
# Result types
# ---------------------------------------------------------------------------


def _readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


@dataclass(frozen=True, eq=False)
class GroupCodes:
    """Group labels encoded once as integer codes, reusable across indicators.

    Built by :func:`encode_groups`.  Levels run from coarsest (index 0) to
    finest (index ``n_levels - 1``).  A group at level ``k`` is identified by
    its own label *and* its parent at level ``k - 1``, so a county label
    ``"01"`` under two different provinces is two different groups.

    Attributes
    ----------
    n_units : int
        Number of units (length of the label arrays).
    codes : ndarray of intp, shape (n_units,)
        Finest-level group index of each unit, in ``range(n_groups[-1])``.
    counts : ndarray of intp
        Number of units in each finest-level group.
    labels : tuple of ndarray
        ``labels[k][j]`` is the own label of group ``j`` at level ``k``
        (sorted as :func:`numpy.unique` sorts them within each parent).
    parents : tuple of ndarray
        ``parents[k][j]`` is the index of the parent (level ``k - 1``) of
        group ``j`` at level ``k``; ``-1`` for level 0.
    finest_to_level : tuple of ndarray
        ``finest_to_level[k][j]`` is the level-``k`` group containing finest
        group ``j``.
    """

    n_units: int
    codes: IntArray
    counts: IntArray
    labels: tuple[np.ndarray, ...]
    parents: tuple[IntArray, ...]
    finest_to_level: tuple[IntArray, ...]

    @property
    def n_levels(self) -> int:
        """Number of nesting levels."""
        return len(self.labels)

    @property
    def n_groups(self) -> tuple[int, ...]:
        """Number of groups at each level."""
        return tuple(len(lab) for lab in self.labels)


@dataclass(frozen=True, eq=False)
class LevelComponent:
    """One level of a (possibly nested) subgroup decomposition.

    Attributes
    ----------
    level : int
        0 for the coarsest level.
    between : float
        Inequality between the groups of this level *within* their parent
        groups of the previous level (for level 0: between the level-0 groups).
    within : float
        Inequality remaining inside the groups of this level; equals
        ``contribution.sum()``.  For every level,
        ``sum(between of levels 0..k) + within_k == total``.
    labels : ndarray
        Own label of each group at this level.
    parent : ndarray of intp
        Index of each group's parent in the previous level (``-1`` at level 0).
    population_share : ndarray
        Share of the total weight (units, or e.g. students) in each group.
    value_share : ndarray
        Share of the total weighted value (e.g. of all spending) in each group.
    mean : ndarray
        Weighted mean value of each group.
    index : ndarray
        Inequality *inside* each group, by the same measure.  A group whose
        members are all 0 is perfectly equal inside and gets 0.
    contribution : ndarray
        Each group's contribution to ``within``: ``index`` times the group's
        GE weight ``population_share ** (1 - alpha) * value_share ** alpha``.
    """

    level: int
    between: float
    within: float
    labels: np.ndarray
    parent: IntArray
    population_share: FloatArray
    value_share: FloatArray
    mean: FloatArray
    index: FloatArray
    contribution: FloatArray


@dataclass(frozen=True, eq=False)
class Decomposition:
    """Additive subgroup decomposition ``total == between + within``.

    Attributes
    ----------
    measure : str
        ``"theil_t"``, ``"theil_l"`` or ``"ge(alpha)"``.
    alpha : float
        Generalised-entropy parameter (1 for Theil T, 0 for Theil L).
    total : float
        Inequality over all units.
    between : float
        Sum of the between-group components of all levels.
    within : float
        Inequality remaining inside the finest groups.
    levels : tuple of LevelComponent
        One entry per level, coarsest first.
    """

    measure: str
    alpha: float
    total: float
    between: float
    within: float
    levels: tuple[LevelComponent, ...]

    @property
    def between_by_level(self) -> tuple[float, ...]:
        """Between-group component of each level, coarsest first."""
        return tuple(lv.between for lv in self.levels)

    @property
    def groups(self) -> LevelComponent:
        """Per-group detail of the finest level (the only level if not nested)."""
        return self.levels[-1]

    @property
    def between_share(self) -> float:
        """``between / total`` (NaN if ``total`` is 0)."""
        return self.between / self.total if self.total > 0 else math.nan


@dataclass(frozen=True, eq=False)
class SigmaConvergence:
    """Dispersion per year and its linear trend.

    Attributes
    ----------
    measure : str
        Name of the dispersion measure.
    years : ndarray
        Years, ascending.
    dispersion : ndarray
        The measure in each year.
    slope : float
        OLS slope of ``dispersion`` on ``years`` (change per year).
    intercept : float
        OLS intercept.
    slope_stderr : float
        Classical standard error of the slope (NaN with only two years).
    declining : bool
        ``slope < 0``: dispersion falls over the period (sigma convergence).
        No significance test is implied; look at ``slope / slope_stderr``.
    """

    measure: str
    years: FloatArray
    dispersion: FloatArray
    slope: float
    intercept: float
    slope_stderr: float
    declining: bool


@dataclass(frozen=True)
class BetaConvergence:
    """Cross-sectional (absolute) beta-convergence regression.

    Attributes
    ----------
    beta : float
        Slope of annualised log growth on log initial level.
    intercept : float
        Regression intercept.
    stderr : float
        Standard error of ``beta``.
    t_stat : float
        ``beta / stderr``.
    r_squared : float
        Coefficient of determination (NaN if growth does not vary).
    speed : float
        Implied convergence speed ``lambda = -ln(1 + beta * T) / T`` per year;
        NaN when ``1 + beta * T <= 0``.
    half_life : float
        Years to close half the gap, ``ln 2 / lambda``; NaN unless
        ``lambda > 0``.
    converging : bool
        ``beta < 0``.
    n_units : int
        Number of units with positive weight used in the regression.
    years : float
        Length ``T`` of the period.
    """

    beta: float
    intercept: float
    stderr: float
    t_stat: float
    r_squared: float
    speed: float
    half_life: float
    converging: bool
    n_units: int
    years: float


@dataclass(frozen=True, eq=False)
class BootstrapCI:
    """Percentile bootstrap confidence interval.

    Attributes
    ----------
    estimate : float
        The measure on the original data.
    lower, upper : float
        Percentile interval bounds.
    ci : float
        Confidence level, e.g. 0.95.
    standard_error : float
        Standard deviation of the replicates (NaN if ``n_boot == 1``).
    replicates : ndarray
        The ``n_boot`` bootstrap values.
    stratified : bool
        Whether units were resampled within groups.
    """

    estimate: float
    lower: float
    upper: float
    ci: float
    standard_error: float
    replicates: FloatArray
    stratified: bool


# ---------------------------------------------------------------------------
# Validation helpers
# ---------------------------------------------------------------------------


def _as_1d_float(x: ArrayLike, name: str) -> FloatArray:
    try:
        arr = np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must contain numbers only ({exc}).") from exc
    if arr.ndim != 1:
        raise ValueError(
            f"{name} must be one-dimensional (one number per unit); got shape {arr.shape}."
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty; at least one unit is needed.")
    return np.ascontiguousarray(arr)


def _raise_bad(arr: FloatArray, name: str) -> NoReturn:
    """Raise the ValueError describing the first problem in ``arr``."""
    bad = np.isnan(arr)
    if bad.any():
        pos = np.flatnonzero(bad)
        raise ValueError(
            f"{name} contains {pos.size} missing (NaN) value(s), first at position {pos[0]}; "
            "drop or impute them first."
        )
    bad = np.isinf(arr)
    if bad.any():
        pos = np.flatnonzero(bad)
        raise ValueError(
            f"{name} contains {pos.size} infinite value(s), first at position {pos[0]}."
        )
    bad = arr < 0
    if bad.any():
        pos = np.flatnonzero(bad)
        raise ValueError(
            f"{name} contains {pos.size} negative value(s), first at position {pos[0]} "
            f"(= {float(arr[pos[0]])!r}); these measures are defined for non-negative quantities."
        )
    raise ValueError(
        f"{name} are too large: their sum overflows floating point; rescale them "
        "(e.g. to thousands)."
    )


def _check_nonneg_finite(arr: FloatArray, name: str) -> float:
    """Check ``arr`` is finite and >= 0 with two cheap reductions; return its min."""
    lo = float(arr.min())
    hi = float(arr.max())
    if not (lo >= 0.0 and math.isfinite(hi)):
        _raise_bad(arr, name)
    return lo


def _weights_array(weights: ArrayLike, n: int) -> FloatArray:
    w = _as_1d_float(weights, "weights")
    if w.size != n:
        raise ValueError(
            f"weights has {w.size} entries but values has {n}; give one weight per unit."
        )
    _check_nonneg_finite(w, "weights")
    total = float(w.sum())
    if not total > 0:
        raise ValueError("weights sum to zero; at least one unit needs a positive weight.")
    if not math.isfinite(total):
        raise ValueError("weights are too large: their sum overflows floating point; rescale them.")
    return w


def _prepare(values: ArrayLike, weights: ArrayLike | None) -> tuple[FloatArray, FloatArray | None]:
    """Validate; drop zero-weight units; reject all-zero data."""
    y = _as_1d_float(values, "values")
    _check_nonneg_finite(y, "values")
    w = None
    if weights is not None:
        w = _weights_array(weights, y.size)
        if w.min() == 0.0:
            keep = w > 0
            y, w = y[keep], w[keep]
    if not y.max() > 0:
        raise ValueError("all values are zero; the mean is 0 so relative inequality is undefined.")
    return y, w


def _require_positive(y: FloatArray, what: str) -> None:
    if y.min() <= 0:
        raise ValueError(
            f"{what} needs strictly positive values (it takes log(x) or x to a negative power), "
            f"but {int(np.count_nonzero(y <= 0))} value(s) are 0; use theil_t, cv or gini, "
            "or drop/adjust the zero values."
        )


def _finite_number(x: Any, name: str) -> float:
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number; got {x!r}.") from exc
    if not math.isfinite(val):
        raise ValueError(f"{name} must be finite; got {x!r}.")
    return val


def _mean(y: FloatArray, w: FloatArray | None) -> tuple[float, float]:
    """Return (total weight, weighted mean)."""
    with np.errstate(over="ignore"):
        if w is None:
            tw, mu = float(y.size), float(y.mean())
        else:
            tw = float(w.sum())
            mu = float(np.dot(w, y)) / tw
    if not (math.isfinite(mu) and math.isfinite(tw)):
        raise ValueError(
            "values or weights are too large: their sum overflows floating point; rescale them."
        )
    return tw, mu


def _wavg(x: FloatArray, w: FloatArray | None, tw: float) -> float:
    return float(x.mean()) if w is None else float(np.dot(w, x)) / tw


def _xlogx(z: FloatArray) -> FloatArray:
    """``z * log(z)`` with the limit value 0 at ``z == 0``."""
    out = np.zeros_like(z)
    np.log(z, out=out, where=z > 0)
    out *= z
    return out


def _phi(r: FloatArray, alpha: float) -> FloatArray:
    """GE kernel ``(r**a - 1 - a*(r - 1)) / (a*(a - 1))`` (>= 0; limits at a = 0, 1)."""
    if alpha == 1.0:
        return _xlogx(r) - r + 1.0
    if alpha == 0.0:
        return r - 1.0 - np.log(r)
    return (_power(r, alpha) - 1.0 - alpha * (r - 1.0)) / (alpha * (alpha - 1.0))


def _power(z: FloatArray, alpha: float) -> FloatArray:
    if alpha == 2.0:
        return z * z
    if alpha == 0.5:
        return np.sqrt(z)
    if alpha == -1.0:
        return 1.0 / z
    return np.power(z, alpha)


# ---------------------------------------------------------------------------
# Single-number measures
# ---------------------------------------------------------------------------


def cv(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Coefficient of variation: population standard deviation over the mean.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values, one per unit.
    weights : array_like, shape (n,), optional
        Non-negative weights (e.g. student counts); ``None`` = equal weights.
        The weighted mean ``mu = sum(w*x)/sum(w)`` and weighted population
        variance ``sum(w*(x - mu)**2)/sum(w)`` are used.

    Returns
    -------
    float
        ``sqrt(variance) / mu`` (0 when all values are equal).

    Raises
    ------
    ValueError
        On NaN, infinite or negative values or weights, mismatched lengths,
        empty input, all-zero values or zero total weight.

    References
    ----------
    .. [1] Cowell, F. A. (2011). *Measuring Inequality* (3rd ed.), ch. 2.
       Oxford University Press.

    Examples
    --------
    >>> round(cv([1, 2, 3, 4]), 6)
    0.447214
    >>> round(cv([1, 2, 3, 4], weights=[1, 1, 1, 1]), 6)
    0.447214
    >>> round(cv([1, 3], weights=[3, 1]), 6)  # same as cv([1, 1, 1, 3])
    0.57735
    """
    y, w = _prepare(values, weights)
    tw, mu = _mean(y, w)
    d = y / mu - 1.0
    return math.sqrt(_wavg(d * d, w, tw))


def gini(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Gini coefficient, computed in O(n log n) by sorting.

    ``G = sum_i sum_j w_i w_j |x_i - x_j| / (2 W**2 mu)`` with ``W = sum(w)``.
    Without weights this is the "n-style" population Gini
    ``sum_i (2i - n - 1) x_(i) / (n * sum(x))`` used by PySAL's
    ``inequality.gini.Gini`` (no ``n/(n-1)`` small-sample correction), so a
    single unit gives 0 and the maximum for ``n`` units is ``1 - 1/n``.
    Integer weights give the same result as repeating units.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        Gini coefficient in ``[0, 1)``.

    Raises
    ------
    ValueError
        On invalid values or weights (see module conventions).

    References
    ----------
    .. [1] Gini, C. (1912). *Variabilità e mutabilità*. Bologna: Cuppini.
    .. [2] Lerman, R. I., & Yitzhaki, S. (1989). Improving the accuracy of
       estimates of Gini coefficients. *Journal of Econometrics*, 42(1), 43-47.

    Examples
    --------
    >>> gini([1, 1, 1, 1])
    0.0
    >>> gini([0, 0, 0, 1])  # one unit has everything: 1 - 1/n
    0.75
    >>> gini([2, 4], weights=[3, 1]) == gini([2, 2, 2, 4])
    True
    """
    y, w = _prepare(values, weights)
    n = y.size
    with np.errstate(over="ignore", invalid="ignore"):
        if w is None:
            ys = np.sort(y)
            rank_term = 2.0 * np.arange(1, n + 1, dtype=np.float64) - (n + 1.0)
            out = float(np.dot(rank_term, ys) / (n * ys.sum()))
        else:
            order = np.argsort(y)  # ties do not affect the result
            ys = y[order]
            ws = w[order]
            cum = np.cumsum(ws)
            tw = cum[-1]
            wy = ws * ys
            out = float(np.dot(wy, 2.0 * cum - ws - tw) / (tw * wy.sum()))
    if not math.isfinite(out):
        raise ValueError("the values (times weights) overflow floating point; rescale them.")
    return out


def theil_t(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil T index (generalised entropy with alpha = 1).

    ``T = sum_i v_i * (x_i / mu) * ln(x_i / mu)`` with population shares
    ``v_i = w_i / sum(w)``.  Zero values are allowed: ``0 * ln 0`` is taken as
    its limit 0 (PySAL adds a tiny number to zeros, which gives the same value).
    Ranges from 0 (equality) to ``ln(sum(w)/w_i)`` when one unit holds all.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        The Theil T index (>= 0).

    Raises
    ------
    ValueError
        On invalid values or weights (see module conventions).

    References
    ----------
    .. [1] Theil, H. (1967). *Economics and Information Theory*. Amsterdam:
       North-Holland.
    .. [2] Shorrocks, A. F. (1980). The class of additively decomposable
       inequality measures. *Econometrica*, 48(3), 613-625.

    Examples
    --------
    >>> round(theil_t([1, 2, 3, 4]), 6)
    0.10644
    >>> round(theil_t([0, 0, 0, 10, 10, 10]), 6)  # = ln 2
    0.693147
    """
    y, w = _prepare(values, weights)
    tw, mu = _mean(y, w)
    z = y / mu
    return max(0.0, _wavg(_phi(z, 1.0), w, tw))


def theil_l(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil L index, or mean log deviation (generalised entropy with alpha = 0).

    ``L = sum_i v_i * ln(mu / x_i)``; needs strictly positive values.

    Parameters
    ----------
    values : array_like, shape (n,)
        Strictly positive, finite values.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        The mean log deviation (>= 0).

    Raises
    ------
    ValueError
        If any value with positive weight is 0, or on invalid input.

    References
    ----------
    .. [1] Theil, H. (1967). *Economics and Information Theory*. North-Holland.
    .. [2] Bourguignon, F. (1979). Decomposable income inequality measures.
       *Econometrica*, 47(4), 901-920.

    Examples
    --------
    >>> round(theil_l([1, 2, 3, 4]), 6)
    0.121777
    >>> theil_l([1, 0])
    Traceback (most recent call last):
    ...
    ValueError: Theil L needs strictly positive values (it takes log(x) or x to a negative power), but 1 value(s) are 0; use theil_t, cv or gini, or drop/adjust the zero values.
    """
    y, w = _prepare(values, weights)
    _require_positive(y, "Theil L")
    tw, mu = _mean(y, w)
    return max(0.0, _wavg(_phi(y / mu, 0.0), w, tw))


def generalized_entropy(values: ArrayLike, alpha: float, weights: ArrayLike | None = None) -> float:
    """Generalised entropy index GE(alpha).

    ``GE(a) = (sum_i v_i (x_i/mu)**a - 1) / (a (a - 1))`` for ``a`` not 0 or 1;
    ``GE(1)`` is Theil T and ``GE(0)`` is Theil L.  ``GE(2)`` is half the squared
    coefficient of variation.  Larger ``alpha`` is more sensitive to the top,
    smaller ``alpha`` to the bottom of the distribution.  Computed as
    ``sum_i v_i phi(x_i/mu)`` with ``phi(r) = (r**a - 1 - a (r - 1))/(a (a - 1))
    >= 0``, which is algebraically identical and numerically more accurate.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values; strictly positive if ``alpha <= 0``.
    alpha : float
        Sensitivity parameter (any finite real number).
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        GE(alpha) (>= 0).

    Raises
    ------
    ValueError
        If ``alpha`` is not finite, if ``alpha <= 0`` and some value is 0, if
        the result overflows, or on invalid input.

    References
    ----------
    .. [1] Shorrocks, A. F. (1980). The class of additively decomposable
       inequality measures. *Econometrica*, 48(3), 613-625.
    .. [2] Cowell, F. A. (2011). *Measuring Inequality* (3rd ed.). Oxford UP.

    Examples
    --------
    >>> x = [1, 2, 3, 4]
    >>> round(generalized_entropy(x, 2), 6) == round(cv(x) ** 2 / 2, 6)
    True
    >>> generalized_entropy(x, 1) == theil_t(x)
    True
    """
    a = _finite_number(alpha, "alpha")
    if a == 1.0:
        return theil_t(values, weights)
    if a == 0.0:
        return theil_l(values, weights)
    y, w = _prepare(values, weights)
    if a < 0:
        _require_positive(y, f"GE({a:g})")
    tw, mu = _mean(y, w)
    with np.errstate(over="ignore", invalid="ignore"):
        out = _wavg(_phi(y / mu, a), w, tw)
    if not math.isfinite(out):
        raise ValueError(
            f"GE({a:g}) overflowed for these values; use a smaller |alpha| or another measure."
        )
    return max(0.0, out)


def atkinson(values: ArrayLike, epsilon: float, weights: ArrayLike | None = None) -> float:
    """Atkinson index with inequality aversion ``epsilon``.

    ``A = 1 - (sum_i v_i (x_i/mu)**(1-e))**(1/(1-e))`` for ``e != 1`` and
    ``A = 1 - exp(sum_i v_i ln(x_i/mu))`` (one minus geometric over arithmetic
    mean) for ``e = 1``.  It is the share of the total that could be given up
    without loss of social welfare if the rest were shared equally.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values; strictly positive if ``epsilon >= 1``.
    epsilon : float
        Inequality aversion, ``>= 0``; 0 means no aversion (index 0).
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        The Atkinson index in ``[0, 1]``.

    Raises
    ------
    ValueError
        If ``epsilon`` is negative or not finite, if ``epsilon >= 1`` and some
        value is 0, or on invalid input.

    References
    ----------
    .. [1] Atkinson, A. B. (1970). On the measurement of inequality.
       *Journal of Economic Theory*, 2(3), 244-263.

    Examples
    --------
    >>> round(atkinson([10, 20, 30, 40, 50], 0.5), 5)
    0.06315
    >>> round(atkinson([10, 20, 30, 40, 50], 1), 5)
    0.13161
    """
    e = _finite_number(epsilon, "epsilon")
    if e < 0:
        raise ValueError(f"epsilon must be >= 0 (inequality aversion); got {epsilon!r}.")
    y, w = _prepare(values, weights)
    if e == 0.0:
        return 0.0
    if e >= 1.0:
        _require_positive(y, f"Atkinson(epsilon={e:g})")
    tw, mu = _mean(y, w)
    z = y / mu
    with np.errstate(over="ignore", divide="ignore"):
        if e == 1.0:
            out = -math.expm1(_wavg(np.log(z), w, tw))
        else:
            out = -math.expm1(math.log(_wavg(_power(z, 1.0 - e), w, tw)) / (1.0 - e))
    if not math.isfinite(out):
        raise ValueError(f"Atkinson(epsilon={e:g}) overflowed; use a smaller epsilon.")
    return min(1.0, max(0.0, out))


def max_min_ratio(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Ratio of the largest to the smallest value.

    Weights only decide which units take part (weight 0 = excluded); they do not
    otherwise change the result.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = all units.

    Returns
    -------
    float
        ``max / min`` (>= 1).

    Raises
    ------
    ValueError
        If the smallest value is 0 (the ratio would be infinite), or on
        invalid input.

    References
    ----------
    .. [1] Cowell, F. A. (2011). *Measuring Inequality* (3rd ed.), ch. 2.
       Oxford University Press.

    Examples
    --------
    >>> max_min_ratio([2, 5, 8])
    4.0
    >>> max_min_ratio([2, 5, 8], weights=[0, 1, 1])
    1.6
    """
    y, _ = _prepare(values, weights)
    lo = float(y.min())
    if lo == 0.0:
        raise ValueError(
            "the smallest value is 0, so the max/min ratio is infinite; "
            "use percentile_ratio or gini instead."
        )
    return float(y.max()) / lo


def _weighted_quantiles(ys: FloatArray, cum: FloatArray, qs: Sequence[float]) -> list[float]:
    """Inverted-CDF quantiles of sorted ``ys`` with cumulative weights ``cum``."""
    total = cum[-1]
    idx = np.searchsorted(cum, np.asarray(qs) * total, side="left")
    idx = np.minimum(idx, ys.size - 1)
    return [float(v) for v in ys[idx]]


def percentile_ratio(
    values: ArrayLike,
    upper: float = 90,
    lower: float = 10,
    weights: ArrayLike | None = None,
) -> float:
    """Ratio of two percentiles, e.g. P90/P10.

    Percentiles use the inverted empirical distribution function (Hyndman and
    Fan's definition 1, numpy's ``method="inverted_cdf"``): ``P_p`` is the
    smallest value ``x`` with ``F(x) >= p/100`` where ``F`` is the weighted
    share of units at or below ``x``.  No interpolation is done, so integer
    weights act exactly as repeated units and ``weights=None`` equals unit
    weights.  Note that percentile ratios do not satisfy the Pigou-Dalton
    transfer principle.

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values.
    upper, lower : float
        Percentiles with ``0 <= lower < upper <= 100``.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.

    Returns
    -------
    float
        ``P_upper / P_lower`` (>= 1).

    Raises
    ------
    ValueError
        If the percentiles are out of range or not ordered, if ``P_lower`` is
        0, or on invalid input.

    References
    ----------
    .. [1] Hyndman, R. J., & Fan, Y. (1996). Sample quantiles in statistical
       packages. *The American Statistician*, 50(4), 361-365.

    Examples
    --------
    >>> x = list(range(1, 11))  # 1..10
    >>> percentile_ratio(x)  # P90 = 9, P10 = 1
    9.0
    >>> percentile_ratio(x, upper=75, lower=25)  # P75 = 8, P25 = 3
    2.6666666666666665
    """
    hi = _finite_number(upper, "upper")
    lo = _finite_number(lower, "lower")
    if not 0.0 <= lo < hi <= 100.0:
        raise ValueError(
            f"need 0 <= lower < upper <= 100 (percentiles); got lower={lower!r}, upper={upper!r}."
        )
    y, w = _prepare(values, weights)
    order = np.argsort(y)  # ties do not affect the result
    ys = y[order]
    cum = np.arange(1, ys.size + 1, dtype=np.float64) if w is None else np.cumsum(w[order])
    p_hi, p_lo = _weighted_quantiles(ys, cum, [hi / 100.0, lo / 100.0])
    if p_lo == 0.0:
        raise ValueError(
            f"the {lo:g}th percentile is 0, so the ratio is infinite; "
            "choose a higher lower percentile or another measure."
        )
    return p_hi / p_lo


# ---------------------------------------------------------------------------
# Group encoding and decomposition
# ---------------------------------------------------------------------------


def _check_label_missing(arr: np.ndarray, what: str) -> None:
    if arr.dtype.kind == "f":
        bad = np.isnan(arr)
    elif arr.dtype.kind == "O":
        bad = np.fromiter(
            (v is None or (isinstance(v, float) and v != v) for v in arr),
            dtype=bool,
            count=arr.size,
        )
    else:
        return
    if bad.any():
        pos = np.flatnonzero(bad)
        raise ValueError(
            f"{what} has {pos.size} missing label(s) (None/NaN), first at position {pos[0]}; "
            "every unit needs a group."
        )


def _factorize(arr: np.ndarray, what: str) -> tuple[np.ndarray, IntArray]:
    """Sorted unique labels and the code of each element (like np.unique)."""
    n = arr.size
    small_ints = arr.dtype.kind in "ib" or (arr.dtype.kind == "u" and n > 0 and arr.max() < 2**62)
    if small_ints and n > 0:
        lo = int(arr.min())
        span = int(arr.max()) - lo + 1
        if span <= max(_DENSE_SPAN_FACTOR * n, _DENSE_SPAN_MIN):
            shifted = arr.astype(np.intp, copy=False)
            if lo != 0:
                shifted = shifted - lo
            present = np.bincount(shifted, minlength=span).astype(bool)
            uniques = (np.flatnonzero(present) + lo).astype(arr.dtype)
            remap = np.cumsum(present, dtype=np.intp) - 1
            return uniques, remap[shifted]
    _check_label_missing(arr, what)
    try:
        uniques, codes = np.unique(arr, return_inverse=True)
    except TypeError as exc:
        raise ValueError(
            f"{what} mixes label types that cannot be compared ({exc}); "
            "use labels of one type (all strings or all integers)."
        ) from exc
    return uniques, codes.reshape(-1).astype(np.intp, copy=False)


def _is_level_list(groups: Any) -> bool:
    return (
        isinstance(groups, list | tuple)
        and len(groups) > 0
        and all(np.ndim(g) == 1 for g in groups)
    )


def encode_groups(groups: ArrayLike | Sequence[ArrayLike]) -> GroupCodes:
    """Encode group labels once for reuse in :func:`decompose`.

    Parameters
    ----------
    groups : array_like or list of array_like
        Either one 1-D array of labels (any hashable, mutually comparable
        type: strings, integers, ...), or a list/tuple of such arrays ordered
        from the coarsest level to the finest (e.g. ``[area, province, city,
        county]``).  In the nested case a label is read *within its parent*:
        groups at level ``k`` are the distinct combinations of labels of levels
        ``0..k``, so reused county codes under different cities are different
        counties.  (Tuples used as labels must be given as a 1-D object
        ndarray, or they are read as levels.)

    Returns
    -------
    GroupCodes
        The integer codes and per-level label tables.

    Raises
    ------
    ValueError
        If a level is empty, not 1-D, has missing labels (None/NaN),
        incomparable label types, or levels differ in length.

    References
    ----------
    .. [1] Akita, T. (2003). Decomposing regional income inequality in China
       and Indonesia using two-stage nested Theil decomposition method.
       *The Annals of Regional Science*, 37(1), 55-77.

    Examples
    --------
    >>> gc = encode_groups([["N", "N", "S", "S"], ["a", "b", "a", "a"]])
    >>> gc.n_groups
    (2, 3)
    >>> gc.codes.tolist()
    [0, 1, 2, 2]
    >>> [str(v) for v in gc.labels[1]], gc.parents[1].tolist()
    (['a', 'b', 'a'], [0, 0, 1])
    """
    if isinstance(groups, GroupCodes):
        return groups
    if _is_level_list(groups):
        level_inputs = [np.asarray(g) for g in groups]
    else:
        arr = np.asarray(groups)
        if arr.ndim != 1:
            raise ValueError(
                f"groups must be a 1-D label array or a list of 1-D label arrays "
                f"(coarsest first); got an array of shape {arr.shape}."
            )
        level_inputs = [arr]
    n = level_inputs[0].size
    if n == 0:
        raise ValueError("groups is empty; at least one unit is needed.")
    for k, arr in enumerate(level_inputs):
        if arr.ndim != 1 or arr.size != n:
            raise ValueError(
                f"group level {k} has shape {arr.shape} but level 0 has {n} labels; "
                "every level needs one label per unit."
            )

    labels: list[np.ndarray] = []
    parents: list[IntArray] = []
    codes: IntArray | None = None
    for k, arr in enumerate(level_inputs):
        what = "groups" if len(level_inputs) == 1 else f"group level {k}"
        own_labels, own_codes = _factorize(arr, what)
        if codes is None:
            labels.append(own_labels)
            parents.append(np.full(own_labels.size, -1, dtype=np.intp))
            codes = own_codes
            continue
        m_own = own_labels.size
        combined = codes * m_own
        combined += own_codes
        uniq_comb, codes = _factorize(combined, what)
        uniq_comb = uniq_comb.astype(np.intp, copy=False)
        parents.append(uniq_comb // m_own)
        labels.append(own_labels[uniq_comb % m_own])
    assert codes is not None
    counts = np.bincount(codes, minlength=labels[-1].size)
    finest_to_level: list[IntArray] = [np.empty(0, dtype=np.intp)] * len(labels)
    finest_to_level[-1] = np.arange(labels[-1].size, dtype=np.intp)
    for k in range(len(labels) - 2, -1, -1):
        finest_to_level[k] = parents[k + 1][finest_to_level[k + 1]]
    return GroupCodes(
        n_units=int(n),
        codes=_readonly(codes),
        counts=_readonly(counts.astype(np.intp, copy=False)),
        labels=tuple(_readonly(np.asarray(lab)) for lab in labels),
        parents=tuple(_readonly(p) for p in parents),
        finest_to_level=tuple(_readonly(m) for m in finest_to_level),
    )


_GE_SPEC = re.compile(r"^\s*ge\s*\(\s*([^)]+?)\s*\)\s*$", re.IGNORECASE)


def _decomposable_alpha(measure: str, alpha: float | None) -> tuple[str, float]:
    """Resolve a decomposable measure name to (canonical name, alpha)."""
    if not isinstance(measure, str):
        raise ValueError(f"measure must be a string; got {measure!r}.")
    key = measure.strip().lower()
    match = _GE_SPEC.match(key)
    if key == "theil_t":
        a = 1.0
    elif key == "theil_l":
        a = 0.0
    elif key == "ge":
        if alpha is None:
            raise ValueError('measure="ge" needs alpha, e.g. alpha=2 (or write measure="ge(2)").')
        a = _finite_number(alpha, "alpha")
    elif match:
        a = _finite_number(match.group(1), "alpha in measure")
    else:
        raise ValueError(
            f"measure {measure!r} is not additively decomposable here; use "
            '"theil_t", "theil_l", "ge(alpha)" (e.g. "ge(2)") or measure="ge" with alpha=.'
        )
    if alpha is not None and key != "ge" and _finite_number(alpha, "alpha") != a:
        raise ValueError(f"alpha={alpha!r} contradicts measure={measure!r}.")
    if a == 1.0:
        return "theil_t", 1.0
    if a == 0.0:
        return "theil_l", 0.0
    return f"ge({a:g})", a


def _group_stats(
    wg: FloatArray, zg: FloatArray, fg: FloatArray, a: float, tw: float
) -> tuple[FloatArray, FloatArray, FloatArray, FloatArray]:
    """Per-group (population share, relative mean, index, contribution).

    ``wg`` = sum of weights, ``zg`` = sum of w*z, ``fg`` = sum of w*z*ln z
    (a=1), w*ln z (a=0) or w*z**a, with ``z = x / overall mean``.
    """
    v = wg / tw
    m = zg / wg
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        if a == 1.0:
            index = np.where(zg > 0, fg / zg - np.log(np.where(m > 0, m, 1.0)), 0.0)
            contribution = v * m * index
        elif a == 0.0:
            index = np.log(m) - fg / wg
            contribution = v * index
        else:
            ma = _power(m, a)
            index = np.where(m > 0, (fg / (wg * ma) - 1.0) / (a * (a - 1.0)), 0.0)
            contribution = v * ma * index
    # tiny negative values are rounding noise of a zero index
    np.maximum(index, 0.0, out=index)
    np.maximum(contribution, 0.0, out=contribution)
    return v, m, index, contribution


def _unit_pass(
    y: FloatArray, w: FloatArray | None, codes: IntArray, m: int, a: float
) -> tuple[float, FloatArray | None, FloatArray, FloatArray]:
    """The single pass over the units behind :func:`decompose`.

    Returns ``min(y)`` and, per finest group, ``(sum w, sum w*y, sum w*f(y))``,
    where ``f(y)`` is ``y ln y`` (a = 1, with 0 at y = 0), ``ln y`` (a = 0) or
    ``y**a``; ``sum w`` is None without weights.  The data are processed in
    cache-sized chunks so that temporaries stay small.  Invalid input only shows
    up in the result (NaN or negative min, infinite sums); the caller checks.
    """
    n = y.size
    chunk = max(_PASS_CHUNK, 4 * m)
    yg = np.zeros(m)
    fg = np.zeros(m)
    wg = None if w is None else np.zeros(m)
    mins: list[float] = []
    with np.errstate(all="ignore"):
        for s in range(0, n, chunk):
            yc = y[s : s + chunk]
            cc = codes[s : s + chunk]
            c_lo = yc.min()
            mins.append(c_lo)
            if a == 1.0:
                if c_lo > 0:
                    f = np.log(yc)
                else:
                    f = np.zeros_like(yc)
                    np.log(yc, out=f, where=yc > 0)
                f *= yc
            elif a == 0.0:
                f = np.log(yc)
            else:
                f = _power(yc, a)
            if w is None:
                yg += np.bincount(cc, weights=yc, minlength=m)
            else:
                wc = w[s : s + chunk]
                assert wg is not None
                wg += np.bincount(cc, weights=wc, minlength=m)
                yg += np.bincount(cc, weights=wc * yc, minlength=m)
                f *= wc
                if c_lo <= 0:
                    f[wc == 0] = 0.0  # 0 * log(0) of a unit that does not count
            fg += np.bincount(cc, weights=f, minlength=m)
    return float(np.min(mins)), wg, yg, fg


def decompose(
    values: ArrayLike,
    groups: ArrayLike | Sequence[ArrayLike] | GroupCodes,
    weights: ArrayLike | None = None,
    measure: str = "theil_t",
    alpha: float | None = None,
) -> Decomposition:
    """Decompose a generalised-entropy index into between- and within-group parts.

    For groups ``g`` with population shares ``v_g``, relative means
    ``m_g = mu_g / mu`` and within-group indices ``I_g``::

        GE(a) = sum_g v_g * phi(m_g)  +  sum_g v_g * m_g**a * I_g
                \\_______ between _______/  \\________ within ________/

    with ``phi(r) = (r**a - 1 - a (r - 1)) / (a (a - 1))`` (for Theil T,
    ``a = 1``, the between part is ``sum_g s_g ln m_g`` with value shares
    ``s_g``; for Theil L, ``a = 0``, it is ``sum_g v_g ln(1/m_g)``).

    With nested levels (coarsest first) the between part splits by level:
    level ``k`` contributes the inequality between its groups inside their
    parent groups of level ``k - 1``, weighted by the parents' GE weights, and
    ``total == sum(between_by_level) + within`` (up to rounding).

    Parameters
    ----------
    values : array_like, shape (n,)
        Non-negative, finite values; strictly positive for ``alpha <= 0``.
    groups : array_like, list of array_like, or GroupCodes
        One label array, a list of label arrays from coarsest to finest (see
        :func:`encode_groups`), or a :class:`GroupCodes` from
        :func:`encode_groups`, which skips re-encoding (use this when
        decomposing many indicators over the same groups).
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = every unit counts once.
    measure : str
        ``"theil_t"`` (default), ``"theil_l"``, ``"ge(alpha)"`` such as
        ``"ge(2)"``, or ``"ge"`` together with ``alpha``.
    alpha : float, optional
        GE parameter when ``measure="ge"``.

    Returns
    -------
    Decomposition
        ``total``, ``between``, ``within`` and per-level, per-group detail.

    Raises
    ------
    ValueError
        On invalid values or weights, length mismatches, unknown measures,
        zeros with ``alpha <= 0``, or a group whose total weight is 0
        (drop such groups or give them weight).

    Notes
    -----
    PySAL's ``TheilD(y, partition).bg`` equals ``between`` for
    ``measure="theil_t"`` without weights.  Cost: one ``log`` (Theil) or
    ``power`` (GE) and two or three :func:`numpy.bincount` passes over the
    units, regardless of the number of levels.

    References
    ----------
    .. [1] Shorrocks, A. F. (1980). The class of additively decomposable
       inequality measures. *Econometrica*, 48(3), 613-625.
    .. [2] Shorrocks, A. F. (1984). Inequality decomposition by population
       subgroups. *Econometrica*, 52(6), 1369-1385.
    .. [3] Akita, T. (2003). Decomposing regional income inequality in China
       and Indonesia using two-stage nested Theil decomposition method.
       *The Annals of Regional Science*, 37(1), 55-77.

    Examples
    --------
    >>> d = decompose([0, 0, 0, 10, 10, 10], [0, 0, 0, 1, 1, 1])
    >>> round(d.total, 6), round(d.between, 6), round(d.within, 6)
    (0.693147, 0.693147, 0.0)

    Nested: two areas, each with two cities.

    >>> x = [1, 2, 3, 4, 5, 6, 7, 8]
    >>> area = ["E", "E", "E", "E", "W", "W", "W", "W"]
    >>> city = [1, 1, 2, 2, 3, 3, 4, 4]
    >>> d = decompose(x, [area, city])
    >>> [round(b, 6) for b in d.between_by_level], round(d.within, 6)
    ([0.102305, 0.031437], 0.008901)
    >>> abs(d.total - sum(d.between_by_level) - d.within) < 1e-15
    True
    >>> [str(v) for v in d.levels[0].labels], d.levels[0].mean.tolist()
    (['E', 'W'], [2.5, 6.5])
    """
    name, a = _decomposable_alpha(measure, alpha)
    gc = encode_groups(groups)
    y = _as_1d_float(values, "values")
    n = y.size
    if gc.n_units != n:
        raise ValueError(
            f"groups label {gc.n_units} units but values has {n}; give one label per unit."
        )
    codes = gc.codes
    m_fine = gc.labels[-1].size
    w = None if weights is None else _weights_array(weights, n)
    lo, wg, yg, fsum = _unit_pass(y, w, codes, m_fine, a)
    with np.errstate(over="ignore"):
        ytot = float(yg.sum())
    if not (lo >= 0.0 and math.isfinite(ytot)):
        _raise_bad(y, "values")
    if wg is None:
        wg = gc.counts.astype(np.float64)
    tw = float(wg.sum())
    if not ytot > 0:
        raise ValueError("all values are zero; the mean is 0 so relative inequality is undefined.")
    if not (wg > 0).all():
        empty = np.flatnonzero(wg == 0)
        raise ValueError(
            f"{empty.size} finest-level group(s) have zero total weight (first: "
            f"{gc.labels[-1][empty[0]]!r}); drop their units or give them positive weight."
        )
    if a <= 0 and lo == 0.0:
        _require_positive(y if w is None else y[w > 0], f"{name} decomposition")
    mu = ytot / tw
    if a == 1.0:
        fsum = (fsum - math.log(mu) * yg) / mu  # sum of w z ln z, z = x/mu
        total = float(fsum.sum()) / tw
    elif a == 0.0:
        fsum = fsum - math.log(mu) * wg  # sum of w ln z
        total = -float(fsum.sum()) / tw
    else:
        log_scale = a * math.log(mu)  # sum of w z**a = sum of w x**a / mu**a
        with np.errstate(all="ignore"):
            scaled = fsum / math.exp(log_scale) if abs(log_scale) < 230 else fsum * math.nan
        if not np.isfinite(scaled).all():  # x**a over/underflowed: redo on x/mu
            _, _, _, scaled = _unit_pass(y * (1.0 / mu), w, codes, m_fine, a)
        fsum = scaled
        total = (float(fsum.sum()) / tw - 1.0) / (a * (a - 1.0))
    if not math.isfinite(total):
        raise ValueError(
            f"{name} overflowed for these values; use a smaller |alpha| or another measure."
        )

    levels: list[LevelComponent] = []
    cumulative_between = 0.0
    parent_m: FloatArray | None = None
    n_levels = gc.n_levels
    for k in range(n_levels):
        if k == n_levels - 1:
            wk, yk, fk = wg, yg, fsum
        else:
            mapping = gc.finest_to_level[k]
            size = gc.labels[k].size
            wk = np.bincount(mapping, weights=wg, minlength=size)
            yk = np.bincount(mapping, weights=yg, minlength=size)
            fk = np.bincount(mapping, weights=fsum, minlength=size)
        zk = yk / mu
        v, m, index, contribution = _group_stats(wk, zk, fk, a, tw)
        mp = np.ones_like(m) if parent_m is None else parent_m[gc.parents[k]]
        with np.errstate(divide="ignore", invalid="ignore"):
            # v_g * m_p**a * phi(m_g / m_p); a parent whose mean is 0 has only
            # all-zero children and no between-children inequality.
            terms = v * _power(mp, a) * _phi(m / np.where(mp > 0, mp, 1.0), a)
        between = float(np.where(mp > 0, terms, 0.0).sum())
        cumulative_between += between
        levels.append(
            LevelComponent(
                level=k,
                between=between,
                within=float(contribution.sum()),
                labels=gc.labels[k],
                parent=gc.parents[k],
                population_share=_readonly(v),
                value_share=_readonly(v * m),
                mean=_readonly(yk / wk),
                index=_readonly(index),
                contribution=_readonly(contribution),
            )
        )
        parent_m = m
    return Decomposition(
        measure=name,
        alpha=a,
        total=total,
        between=cumulative_between,
        within=levels[-1].within,
        levels=tuple(levels),
    )


# ---------------------------------------------------------------------------
# Convergence
# ---------------------------------------------------------------------------


_SPEC = re.compile(r"^\s*([a-z_]+)\s*(?:\(\s*([^)]*?)\s*\))?\s*$", re.IGNORECASE)
_NAMED_ARGS = MappingProxyType(
    {
        "cv": (0,),
        "gini": (0,),
        "theil_t": (0,),
        "theil_l": (0,),
        "ge": (1,),
        "atkinson": (1,),
        "max_min_ratio": (0,),
        "percentile_ratio": (0, 2),
    }
)

MeasureFn = Callable[[FloatArray, FloatArray | None], float]


def _parse_measure(measure: str) -> tuple[str, tuple[float, ...]]:
    match = _SPEC.match(measure) if isinstance(measure, str) else None
    name = match.group(1).lower() if match else ""
    if name not in _NAMED_ARGS:
        raise ValueError(
            f"unknown measure {measure!r}; use one of cv, gini, theil_t, theil_l, ge(alpha), "
            "atkinson(epsilon), max_min_ratio, percentile_ratio[(upper, lower)], or a callable "
            "f(values, weights) -> float."
        )
    raw = match.group(2) if match else None
    args = tuple(_finite_number(s, f"parameter of {name}") for s in (raw.split(",") if raw else []))
    if len(args) not in _NAMED_ARGS[name]:
        raise ValueError(
            f"measure {name} takes {' or '.join(map(str, _NAMED_ARGS[name]))} parameter(s); "
            f"got {measure!r}."
        )
    return name, args


def _measure_function(measure: str | MeasureFn) -> tuple[str, MeasureFn]:
    if callable(measure):
        return getattr(measure, "__name__", "custom"), measure
    name, args = _parse_measure(measure)
    label = f"{name}({', '.join(f'{a:g}' for a in args)})" if args else name
    funcs: dict[str, Callable[..., float]] = {
        "cv": cv,
        "gini": gini,
        "theil_t": theil_t,
        "theil_l": theil_l,
        "max_min_ratio": max_min_ratio,
    }
    if name in funcs:
        fn = funcs[name]
        return label, lambda v, w: fn(v, w)
    if name == "ge":
        return label, lambda v, w: generalized_entropy(v, args[0], w)
    if name == "atkinson":
        return label, lambda v, w: atkinson(v, args[0], w)
    up, low = args if args else (90.0, 10.0)
    return label, lambda v, w: percentile_ratio(v, up, low, w)


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
    label, fn = _measure_function(measure)
    if isinstance(values_by_year, Mapping):
        if years is not None:
            raise ValueError("years must not be given when values_by_year is a mapping.")
        keys = list(values_by_year.keys())
        yrs = _as_1d_float(keys, "years (mapping keys)") if keys else np.empty(0)
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
    else:
        table = np.asarray(values_by_year, dtype=np.float64)
        if table.ndim != 2:
            raise ValueError(
                "values_by_year must be a mapping {year: values} or a 2-D array "
                f"(n_units, n_years); got shape {table.shape}."
            )
        if years is None:
            raise ValueError("years is required when values_by_year is a 2-D array.")
        yrs = _as_1d_float(years, "years")
        if yrs.size != table.shape[1]:
            raise ValueError(
                f"years has {yrs.size} entries but values_by_year has {table.shape[1]} columns."
            )
        series = [table[:, j] for j in range(table.shape[1])]
        if weights_by_year is None:
            wseries = [None] * yrs.size
        else:
            wt = np.asarray(weights_by_year, dtype=np.float64)
            if wt.ndim == 1:
                wseries = [wt] * yrs.size
            elif wt.shape == table.shape:
                wseries = [wt[:, j] for j in range(wt.shape[1])]
            else:
                raise ValueError(
                    f"weights_by_year has shape {wt.shape}; expected {table.shape} or "
                    f"({table.shape[0]},)."
                )
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
        years=_readonly(yrs),
        dispersion=_readonly(disp),
        slope=slope,
        intercept=intercept,
        slope_stderr=se,
        declining=bool(slope < 0),
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
    t = _finite_number(years, "years")
    if not t > 0:
        raise ValueError(f"years must be positive (length of the period); got {years!r}.")
    x0 = _as_1d_float(initial, "initial")
    x1 = _as_1d_float(final, "final")
    if x0.size != x1.size:
        raise ValueError(f"initial has {x0.size} units but final has {x1.size}.")
    for arr, nm in ((x0, "initial"), (x1, "final")):
        _check_nonneg_finite(arr, nm)
        if arr.min() <= 0:
            raise ValueError(f"{nm} must be strictly positive (log levels are used).")
    w = None
    if weights is not None:
        w = _weights_array(weights, x0.size)
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


# ---------------------------------------------------------------------------
# Bootstrap
# ---------------------------------------------------------------------------


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
            return np.maximum((u @ _xlogx(z)) / (m * s0) - np.log(m), 0.0)
        if name == "theil_l" or (name == "ge" and args[0] == 0.0):
            return np.maximum(np.log(m) - (u @ np.log(zpos)) / s0, 0.0)
        if name == "ge":
            a = args[0]
            za = _power(zpos if a < 0 else z, a)
            return np.maximum(((u @ za) / s0 / _power(m, a) - 1.0) / (a * (a - 1.0)), 0.0)
        # atkinson
        e = args[0]
        if e == 0.0:
            return np.zeros(u.shape[0])
        if e == 1.0:
            return -np.expm1((u @ np.log(zpos)) / s0 - np.log(m))
        ze = _power(zpos if e > 1.0 else z, 1.0 - e)
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
    >>> x = [3, 5, 8, 13, 21, 34, 55, 89]
    >>> r = bootstrap_ci(x, "gini", n_boot=200, seed=1)
    >>> round(r.estimate, 6) == round(gini(x), 6)
    True
    >>> bool(r.lower <= r.estimate <= r.upper), r.replicates.shape
    (True, (200,))
    """
    if isinstance(n_boot, bool) or not isinstance(n_boot, int | np.integer) or n_boot < 1:
        raise ValueError(f"n_boot must be a positive integer; got {n_boot!r}.")
    level = _finite_number(ci, "ci")
    if not 0.0 < level < 1.0:
        raise ValueError(f"ci must be between 0 and 1 (e.g. 0.95); got {ci!r}.")
    y = _as_1d_float(values, "values")
    n = y.size
    w = None if weights is None else _weights_array(weights, n)
    label, fn = _measure_function(measure)
    estimate = float(fn(y, w))
    rng = np.random.default_rng(seed)

    if groups is None:
        high: int | IntArray = n
        start: IntArray | None = None
        order_strata: IntArray | None = None
    else:
        gc = encode_groups(groups)
        if gc.n_units != n:
            raise ValueError(f"groups label {gc.n_units} units but values has {n}.")
        order_strata = np.argsort(gc.codes, kind="stable")
        starts = np.concatenate(([0], np.cumsum(gc.counts)[:-1]))
        high = gc.counts[gc.codes]
        start = starts[gc.codes]

    named = None if callable(measure) else _parse_measure(measure)
    if named is not None:
        sort_idx = np.argsort(y, kind="stable")
        ys = y[sort_idx]
        base_w = np.ones(n) if w is None else w[sort_idx]
        rank = np.empty(n, dtype=np.intp)
        rank[sort_idx] = np.arange(n)

    chunk = max(1, min(n_boot, _BOOT_CHUNK_CELLS // n))
    reps = np.empty(n_boot)
    done = 0
    while done < n_boot:
        b = min(chunk, n_boot - done)
        idx = rng.integers(0, high, size=(b, n))
        if start is not None and order_strata is not None:
            idx = order_strata[idx + start]
        if named is not None:
            flat = rank[idx] + (np.arange(b) * n)[:, None]
            counts = np.bincount(flat.ravel(), minlength=b * n).reshape(b, n)
            reps[done : done + b] = _batch_measure(named[0], named[1], ys, counts * base_w)
        else:
            for j in range(b):
                row = idx[j]
                reps[done + j] = float(fn(y[row], None if w is None else w[row]))
        done += b
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
        replicates=_readonly(reps),
        stratified=groups is not None,
    )
