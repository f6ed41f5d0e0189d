"""Dependence on the partner over time, and the exit rule."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..exact import to_fraction
from ._common import mean, non_negative
from .index import CapacityInputs, CapacityResult, capacity_index  # noqa: F401 (doctest)

__all__ = ["DependenceTrend", "ExitDecision", "ExitRule", "dependence_trend", "exit_ready"]


@dataclass(frozen=True)
class DependenceTrend:
    """Dependence share per year and its least-squares slope (per year).

    ``shares[i] = partner_lessons / (partner_lessons + own_lessons)`` in ``years[i]``;
    ``slope`` is exact, ``slope_se = sqrt(SSR / (n - 2) / Sxx)`` (None with 2 years);
    ``fte_slope`` is the slope of seconded FTE per year.
    """

    years: tuple[int, ...]
    shares: tuple[Fraction, ...]
    slope: Fraction
    slope_se: float | None
    intercept: Fraction
    fte_slope: Fraction
    fte_slope_se: float | None


def _ols(xs: Sequence[int], ys: Sequence[Fraction]) -> tuple[Fraction, Fraction, float | None]:
    n = len(xs)
    mx = Fraction(sum(xs), n)
    my = mean(ys)
    sxx = sum(((x - mx) ** 2 for x in xs), Fraction(0))
    slope = sum(((x - mx) * (y - my) for x, y in zip(xs, ys, strict=True)), Fraction(0)) / sxx
    intercept = my - slope * mx
    if n < 3:
        return slope, intercept, None
    ssr = sum(((y - intercept - slope * x) ** 2 for x, y in zip(xs, ys, strict=True)), Fraction(0))
    return slope, intercept, math.sqrt(ssr / (n - 2) / sxx)


def dependence_trend(
    years: Sequence[int],
    seconded_fte: Sequence[object],
    partner_lessons: Sequence[object],
    own_lessons: Sequence[object],
) -> DependenceTrend:
    """The trend of a supported school's dependence on its partner.

    Parameters
    ----------
    years : sequence of int
        Distinct years, at least 2.
    seconded_fte : sequence of number
        Seconded staff (full-time equivalents) each year.
    partner_lessons, own_lessons : sequence of number
        Lessons delivered by the partner and by the school's own staff each year.

    Returns
    -------
    DependenceTrend

    Raises
    ------
    ValueError
        Sequences of different lengths, fewer than 2 or repeated years, negative values, or a
        year with no lessons at all.

    Examples
    --------
    Partner share 0.4, 0.3, 0.2 over 2023-2025: it falls 0.1 a year, exactly on a line.

    >>> t = dependence_trend([2023, 2024, 2025], [4, 3, 2], [40, 30, 20], [60, 70, 80])
    >>> t.slope, t.slope_se, t.fte_slope
    (Fraction(-1, 10), 0.0, Fraction(-1, 1))
    """
    n = len(years)
    if not len(seconded_fte) == len(partner_lessons) == len(own_lessons) == n:
        raise ValueError(
            "dependence_trend: years, seconded_fte, partner_lessons and own_lessons must have "
            f"the same length, got {n}, {len(seconded_fte)}, {len(partner_lessons)}, "
            f"{len(own_lessons)}"
        )
    if n < 2 or len(set(years)) != n:
        raise ValueError(f"years: need at least 2 distinct years, got {list(years)}")
    order = sorted(range(n), key=lambda i: years[i])
    ys, shares, fte = [], [], []
    for i in order:
        p = non_negative(partner_lessons[i], f"partner_lessons[{years[i]}]")
        o = non_negative(own_lessons[i], f"own_lessons[{years[i]}]")
        if p + o == 0:
            raise ValueError(f"year {years[i]}: no lessons recorded, the share is undefined")
        ys.append(int(years[i]))
        shares.append(p / (p + o))
        fte.append(non_negative(seconded_fte[i], f"seconded_fte[{years[i]}]"))
    slope, intercept, se = _ols(ys, shares)
    fslope, _, fse = _ols(ys, fte)
    return DependenceTrend(tuple(ys), tuple(shares), slope, se, intercept, fslope, fse)


@dataclass(frozen=True)
class ExitRule:
    """Exit-ready when every condition holds (thresholds shown with the decision).

    ``index_target``: latest capacity index at least this (3/4). ``max_share``: latest
    dependence share at most this (1/5). ``max_slope``: dependence slope below this (0: falling).
    ``z``: if set, the slope must stay below ``max_slope`` at ``slope + z*se`` (a trend that is
    falling beyond its noise; needs 3+ years). ``require_lines``: the backbone and satisfaction
    components, where counted, meet their 2017 lines.
    """

    index_target: Fraction = Fraction(3, 4)
    max_share: Fraction = Fraction(1, 5)
    max_slope: Fraction = Fraction(0)
    z: float | None = None
    require_lines: bool = True

    def __post_init__(self):
        for name in ("index_target", "max_share", "max_slope"):
            object.__setattr__(self, name, to_fraction(getattr(self, name), f"rule.{name}"))
        if not 0 <= self.max_share <= 1:
            raise ValueError(f"rule.max_share: a share between 0 and 1, got {self.max_share}")
        if self.z is not None and not (math.isfinite(self.z) and self.z >= 0):
            raise ValueError(f"rule.z: a non-negative number or None, got {self.z!r}")


@dataclass(frozen=True)
class ExitDecision:
    """``ready`` and the codes of the conditions that failed (empty when ready)."""

    ready: bool
    failed: tuple[str, ...]
    index: Fraction | None
    share: Fraction
    slope: Fraction
    rule: ExitRule


def exit_ready(
    capacity: CapacityResult,
    trend: DependenceTrend,
    *,
    rule: ExitRule | None = None,
) -> ExitDecision:
    """Whether a supported school can leave its cooperation (Chengdu's 退出), by ``rule``.

    Failure codes: ``index_missing``, ``index_below_target``, ``share_above_max``,
    ``dependence_not_falling``, ``trend_too_short`` (``z`` set, 2 years), ``trend_uncertain``,
    ``backbone_below_line``, ``satisfaction_below_line``.

    Parameters
    ----------
    capacity : CapacityResult
        The latest year's capacity index.
    trend : DependenceTrend
        The dependence trend up to that year.
    rule : ExitRule, optional
        The thresholds (default :class:`ExitRule`).

    Returns
    -------
    ExitDecision

    Raises
    ------
    ValueError
        The capacity index and the trend are not of the same latest year.

    Examples
    --------
    >>> cap = capacity_index([CapacityInputs(2025, own_lessons=85, partner_lessons=15)])[0]
    >>> t = dependence_trend([2023, 2024, 2025], [3, 2, 1], [40, 25, 15], [60, 75, 85])
    >>> d = exit_ready(cap, t)
    >>> d.ready, d.failed, d.share
    (True, (), Fraction(3, 20))
    """
    r = rule or ExitRule()
    if capacity.year != trend.years[-1]:
        raise ValueError(
            f"exit_ready: the capacity index is of {capacity.year} but the trend ends in "
            f"{trend.years[-1]}; give both for the same latest year"
        )
    failed = []
    if capacity.index is None:
        failed.append("index_missing")
    elif capacity.index < r.index_target:
        failed.append("index_below_target")
    share = trend.shares[-1]
    if share > r.max_share:
        failed.append("share_above_max")
    failed.extend(_trend_failures(trend, r))
    if r.require_lines:
        failed.extend(
            f"{code}_below_line"
            for code in ("backbone", "satisfaction")
            if capacity.component(code).meets_line is False
        )
    return ExitDecision(not failed, tuple(failed), capacity.index, share, trend.slope, r)


def _trend_failures(trend: DependenceTrend, r: ExitRule) -> list[str]:
    if trend.slope >= r.max_slope:
        return ["dependence_not_falling"]
    if r.z is None:
        return []
    if trend.slope_se is None:
        return ["trend_too_short"]
    if float(trend.slope) + r.z * trend.slope_se >= float(r.max_slope):
        return ["trend_uncertain"]
    return []
