"""What the parts of the inequality package share: array types, input checks and the
weighted-mean kernels.
"""

from __future__ import annotations

import math
from typing import Any, NoReturn

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "FloatArray",
    "IntArray",
    "as_1d_float",
    "check_nonneg_finite",
    "finite_number",
    "ge_kernel",
    "power",
    "prepare",
    "raise_bad",
    "readonly",
    "require_positive",
    "weighted_average",
    "weighted_mean",
    "weights_array",
    "xlogx",
]

FloatArray = NDArray[np.float64]
IntArray = NDArray[np.intp]


def readonly(a: np.ndarray) -> np.ndarray:
    a.setflags(write=False)
    return a


def as_1d_float(x: ArrayLike, name: str) -> FloatArray:
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


def raise_bad(arr: FloatArray, name: str) -> NoReturn:
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


def check_nonneg_finite(arr: FloatArray, name: str) -> float:
    """Check ``arr`` is finite and >= 0 with two cheap reductions; return its min."""
    lo = float(arr.min())
    hi = float(arr.max())
    if not (lo >= 0.0 and math.isfinite(hi)):
        raise_bad(arr, name)
    return lo


def weights_array(weights: ArrayLike, n: int) -> FloatArray:
    w = as_1d_float(weights, "weights")
    if w.size != n:
        raise ValueError(
            f"weights has {w.size} entries but values has {n}; give one weight per unit."
        )
    check_nonneg_finite(w, "weights")
    total = float(w.sum())
    if not total > 0:
        raise ValueError("weights sum to zero; at least one unit needs a positive weight.")
    if not math.isfinite(total):
        raise ValueError("weights are too large: their sum overflows floating point; rescale them.")
    return w


def prepare(values: ArrayLike, weights: ArrayLike | None) -> tuple[FloatArray, FloatArray | None]:
    """Validate; drop zero-weight units; reject all-zero data."""
    y = as_1d_float(values, "values")
    check_nonneg_finite(y, "values")
    w = None
    if weights is not None:
        w = weights_array(weights, y.size)
        if w.min() == 0.0:
            keep = w > 0
            y, w = y[keep], w[keep]
    if not y.max() > 0:
        raise ValueError("all values are zero; the mean is 0 so relative inequality is undefined.")
    return y, w


def require_positive(y: FloatArray, what: str) -> None:
    if y.min() <= 0:
        raise ValueError(
            f"{what} needs strictly positive values (it takes log(x) or x to a negative power), "
            f"but {int(np.count_nonzero(y <= 0))} value(s) are 0; use theil_t, cv or gini, "
            "or drop/adjust the zero values."
        )


def finite_number(x: Any, name: str) -> float:
    try:
        val = float(x)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be a number; got {x!r}.") from exc
    if not math.isfinite(val):
        raise ValueError(f"{name} must be finite; got {x!r}.")
    return val


def weighted_mean(y: FloatArray, w: FloatArray | None) -> tuple[float, float]:
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


def weighted_average(x: FloatArray, w: FloatArray | None, tw: float) -> float:
    return float(x.mean()) if w is None else float(np.dot(w, x)) / tw


def xlogx(z: FloatArray) -> FloatArray:
    """``z * log(z)`` with the limit value 0 at ``z == 0``."""
    out = np.zeros_like(z)
    np.log(z, out=out, where=z > 0)
    out *= z
    return out


def ge_kernel(r: FloatArray, alpha: float) -> FloatArray:
    """GE kernel ``(r**a - 1 - a*(r - 1)) / (a*(a - 1))`` (>= 0; limits at a = 0, 1)."""
    if alpha == 1.0:
        return xlogx(r) - r + 1.0
    if alpha == 0.0:
        return r - 1.0 - np.log(r)
    return (power(r, alpha) - 1.0 - alpha * (r - 1.0)) / (alpha * (alpha - 1.0))


def power(z: FloatArray, alpha: float) -> FloatArray:
    if alpha == 2.0:
        return z * z
    if alpha == 0.5:
        return np.sqrt(z)
    if alpha == -1.0:
        return 1.0 / z
    return np.power(z, alpha)
