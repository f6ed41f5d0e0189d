"""Single-number inequality measures, and measures named by a string (``"ge(2)"``)."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from types import MappingProxyType

import numpy as np
from numpy.typing import ArrayLike

from .common import (
    FloatArray,
    finite_number,
    ge_kernel,
    power,
    prepare,
    require_positive,
    weighted_average,
    weighted_mean,
)

__all__ = [
    "MeasureFn",
    "atkinson",
    "cv",
    "generalized_entropy",
    "gini",
    "max_min_ratio",
    "measure_function",
    "parse_measure",
    "percentile_ratio",
    "theil_l",
    "theil_t",
]


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
    y, w = prepare(values, weights)
    tw, mu = weighted_mean(y, w)
    d = y / mu - 1.0
    return math.sqrt(weighted_average(d * d, w, tw))


# Parameter and error text that several measures share, filled into their docstrings.
_DOC_PARTS = {
    "{values_weights}": """values : array_like, shape (n,)
        Non-negative, finite values.
    weights : array_like, shape (n,), optional
        Non-negative weights; ``None`` = equal weights.""",
    "{invalid_input}": """ValueError
        On invalid values or weights (see module conventions).""",
}


def _shared_doc(fn):
    doc = fn.__doc__
    for marker, text in _DOC_PARTS.items():
        doc = doc.replace(marker, text)
    fn.__doc__ = doc
    return fn


def _ge_index(y: FloatArray, w: FloatArray | None, a: float) -> float:
    """``sum_i v_i phi_a(x_i / mu)``: GE(a), Theil T at a = 1 and Theil L at a = 0."""
    tw, mu = weighted_mean(y, w)
    with np.errstate(over="ignore", invalid="ignore"):
        out = weighted_average(ge_kernel(y / mu, a), w, tw)
    if not math.isfinite(out):
        raise ValueError(
            f"GE({a:g}) overflowed for these values; use a smaller |alpha| or another measure."
        )
    return max(0.0, out)


@_shared_doc
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
    {values_weights}

    Returns
    -------
    float
        Gini coefficient in ``[0, 1)``.

    Raises
    ------
    {invalid_input}

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
    y, w = prepare(values, weights)
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


@_shared_doc
def theil_t(values: ArrayLike, weights: ArrayLike | None = None) -> float:
    """Theil T index (generalised entropy with alpha = 1).

    ``T = sum_i v_i * (x_i / mu) * ln(x_i / mu)`` with population shares
    ``v_i = w_i / sum(w)``.  Zero values are allowed: ``0 * ln 0`` is taken as
    its limit 0 (PySAL adds a tiny number to zeros, which gives the same value).
    Ranges from 0 (equality) to ``ln(sum(w)/w_i)`` when one unit holds all.

    Parameters
    ----------
    {values_weights}

    Returns
    -------
    float
        The Theil T index (>= 0).

    Raises
    ------
    {invalid_input}

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
    y, w = prepare(values, weights)
    return _ge_index(y, w, 1.0)


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
    y, w = prepare(values, weights)
    require_positive(y, "Theil L")
    return _ge_index(y, w, 0.0)


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
    a = finite_number(alpha, "alpha")
    if a == 1.0:
        return theil_t(values, weights)
    if a == 0.0:
        return theil_l(values, weights)
    y, w = prepare(values, weights)
    if a < 0:
        require_positive(y, f"GE({a:g})")
    return _ge_index(y, w, a)


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
    e = finite_number(epsilon, "epsilon")
    if e < 0:
        raise ValueError(f"epsilon must be >= 0 (inequality aversion); got {epsilon!r}.")
    y, w = prepare(values, weights)
    if e == 0.0:
        return 0.0
    if e >= 1.0:
        require_positive(y, f"Atkinson(epsilon={e:g})")
    tw, mu = weighted_mean(y, w)
    z = y / mu
    with np.errstate(over="ignore", divide="ignore"):
        if e == 1.0:
            out = -math.expm1(weighted_average(np.log(z), w, tw))
        else:
            out = -math.expm1(math.log(weighted_average(power(z, 1.0 - e), w, tw)) / (1.0 - e))
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
    y, _ = prepare(values, weights)
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
    hi = finite_number(upper, "upper")
    lo = finite_number(lower, "lower")
    if not 0.0 <= lo < hi <= 100.0:
        raise ValueError(
            f"need 0 <= lower < upper <= 100 (percentiles); got lower={lower!r}, upper={upper!r}."
        )
    y, w = prepare(values, weights)
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


def parse_measure(measure: str) -> tuple[str, tuple[float, ...]]:
    match = _SPEC.match(measure) if isinstance(measure, str) else None
    name = match.group(1).lower() if match else ""
    if name not in _NAMED_ARGS:
        raise ValueError(
            f"unknown measure {measure!r}; use one of cv, gini, theil_t, theil_l, ge(alpha), "
            "atkinson(epsilon), max_min_ratio, percentile_ratio[(upper, lower)], or a callable "
            "f(values, weights) -> float."
        )
    raw = match.group(2) if match else None
    args = tuple(finite_number(s, f"parameter of {name}") for s in (raw.split(",") if raw else []))
    if len(args) not in _NAMED_ARGS[name]:
        raise ValueError(
            f"measure {name} takes {' or '.join(map(str, _NAMED_ARGS[name]))} parameter(s); "
            f"got {measure!r}."
        )
    return name, args


def measure_function(measure: str | MeasureFn) -> tuple[str, MeasureFn]:
    if callable(measure):
        return getattr(measure, "__name__", "custom"), measure
    name, args = parse_measure(measure)
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
