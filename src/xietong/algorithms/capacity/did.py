"""Difference-in-differences of an indicator: supported schools against unpartnered ones."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np
from scipy import stats

from ..exact import to_fraction
from ._common import mean

__all__ = ["DidResult", "did_estimate"]


@dataclass(frozen=True)
class DidResult:
    """``estimate`` = (mean treated change) - (mean control change), exact.

    ``method`` is ``welch`` (both groups have 2+ schools), ``control_variance`` (one treated
    school: the change of a single school is assumed to vary like a control school's, so
    ``se = s_c * sqrt(1 + 1/n_c)`` with ``n_c - 1`` df) or ``bootstrap``.
    """

    estimate: Fraction
    treated_change: Fraction
    control_change: Fraction
    se: float
    ci_low: float
    ci_high: float
    level: float
    df: float | None
    n_treated: int
    n_control: int
    method: str


def _changes(before: Sequence[object], after: Sequence[object], name: str) -> list[Fraction]:
    if len(before) != len(after):
        raise ValueError(
            f"{name}: before has {len(before)} schools and after {len(after)}; give both values "
            "of every school in the same order"
        )
    return [
        to_fraction(a, f"{name}_after[{i}]") - to_fraction(b, f"{name}_before[{i}]")
        for i, (b, a) in enumerate(zip(before, after, strict=True))
    ]


def _var(xs: Sequence[Fraction]) -> float:
    m = mean(xs)
    return float(sum(((x - m) ** 2 for x in xs), Fraction(0)) / (len(xs) - 1))


def did_estimate(  # noqa: PLR0913 - four groups plus the options are the natural signature
    treated_before: Sequence[object],
    treated_after: Sequence[object],
    control_before: Sequence[object],
    control_after: Sequence[object],
    *,
    level: float = 0.95,
    min_controls: int = 3,
    bootstrap: int = 0,
    seed: int = 0,
) -> DidResult:
    """Difference-in-differences of an indicator, supported schools against unpartnered ones.

    Each group gives one value per school before and after (paired by position). With
    ``d_t``, ``d_c`` the per-school changes, the estimate is ``mean(d_t) - mean(d_c)``. The
    standard error is Welch's ``sqrt(s_t^2/n_t + s_c^2/n_c)`` with Welch-Satterthwaite df and
    a Student-t interval; with a single treated school the control variance stands in for it
    (``se = s_c * sqrt(1 + 1/n_c)``, ``n_c - 1`` df). With ``bootstrap=B > 0`` schools are
    resampled with replacement within each group ``B`` times (``numpy`` generator seeded with
    ``seed``); the se is the replicates' standard deviation and the interval their percentiles.

    Parameters
    ----------
    treated_before, treated_after : sequence of number
        The indicator of each supported school before and after the cooperation.
    control_before, control_after : sequence of number
        The same for the comparable schools without a partner.
    level : float
        Confidence level of the interval, in (0, 1).
    min_controls : int
        Fewest control schools accepted (default 3; at least 2, a variance needs two).
    bootstrap : int
        Number of bootstrap replicates (0: analytic se).
    seed : int
        Seed of the bootstrap.

    Returns
    -------
    DidResult

    Raises
    ------
    ValueError
        Unpaired values, no treated school, fewer than ``min_controls`` controls, a level
        outside (0, 1), or fewer than 100 bootstrap replicates.

    Examples
    --------
    Two supported schools rise 60->70 and 62->74 (mean change 11), three controls 60->63,
    61->63, 59->63 (mean change 3): the estimate is 8.

    >>> r = did_estimate([60, 62], [70, 74], [60, 61, 59], [63, 63, 63])
    >>> r.estimate, r.method, round(r.se, 4)
    (Fraction(8, 1), 'welch', 1.1547)
    """
    if not 0 < level < 1:
        raise ValueError(f"level: must be between 0 and 1, got {level!r}")
    if min_controls < 2:
        raise ValueError(f"min_controls: at least 2 (a variance needs two), got {min_controls}")
    dt = _changes(treated_before, treated_after, "treated")
    dc = _changes(control_before, control_after, "control")
    if not dt:
        raise ValueError("treated: no supported school given")
    if len(dc) < min_controls:
        raise ValueError(
            f"control: {len(dc)} comparable schools without a partner, at least {min_controls} "
            "are needed for an uncertainty; add comparable schools or lower min_controls"
        )
    mt, mc = mean(dt), mean(dc)
    est = mt - mc
    nt, nc = len(dt), len(dc)
    if bootstrap:
        return _did_bootstrap(dt, dc, est, mt, mc, level, bootstrap, seed)
    vc = _var(dc)
    if nt >= 2:
        vt = _var(dt)
        a, b = vt / nt, vc / nc
        se = math.sqrt(a + b)
        df = (a + b) ** 2 / (a**2 / (nt - 1) + b**2 / (nc - 1)) if a + b > 0 else float(nt + nc - 2)
        method = "welch"
    else:
        se = math.sqrt(vc * (1 + 1 / nc))
        df = float(nc - 1)
        method = "control_variance"
    half = float(stats.t.ppf((1 + level) / 2, df)) * se
    return DidResult(
        est, mt, mc, se, float(est) - half, float(est) + half, level, df, nt, nc, method
    )


def _did_bootstrap(dt, dc, est, mt, mc, level, reps, seed) -> DidResult:  # noqa: PLR0913
    if reps < 100:
        raise ValueError(f"bootstrap: at least 100 replicates, got {reps}")
    rng = np.random.default_rng(seed)
    t = np.array([float(x) for x in dt])
    c = np.array([float(x) for x in dc])
    ti = rng.integers(0, len(t), size=(reps, len(t)))
    ci = rng.integers(0, len(c), size=(reps, len(c)))
    reps_est = t[ti].mean(axis=1) - c[ci].mean(axis=1)
    lo, hi = np.quantile(reps_est, [(1 - level) / 2, (1 + level) / 2])
    se = float(reps_est.std(ddof=1))
    return DidResult(
        est, mt, mc, se, float(lo), float(hi), level, None, len(t), len(c), "bootstrap"
    )
