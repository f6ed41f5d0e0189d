"""Result types of the inequality package: frozen dataclasses with read-only arrays."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .common import FloatArray, IntArray

__all__ = [
    "BetaConvergence",
    "BootstrapCI",
    "Decomposition",
    "GroupCodes",
    "LevelComponent",
    "SigmaConvergence",
]


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
