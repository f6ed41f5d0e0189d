"""A supported school's own capacity (造血): obligations, capacity index, DiD and dependence.

Every published cooperation scheme counts inputs (lessons given, visits, teachers sent). This
module adds what none of them measures: whether the supported school stands on its own feet.

1. :func:`obligation_compliance` -- each obligation of a cooperation (a quota of lessons,
   sessions, teachers or hours per period, with a verification standard) against the recorded
   activities. An activity is ``self_reported``, ``partner_confirmed`` or
   ``authority_verified``; totals keep the three apart and only the levels at or above the
   obligation's standard count towards it.
2. :func:`capacity_index` -- per year, a weighted mean of components each normalised to
   ``[0, 1]`` by a stated rule; a component without data does not count and the weights of the
   others are re-normalised over the components present.
3. :func:`did_estimate` -- difference-in-differences of an indicator for the supported
   school(s) against comparable schools without a partner, with a standard error and a
   confidence interval.
4. :func:`dependence_trend` and :func:`exit_ready` -- the least-squares slope of the share of
   lessons delivered by the partner over the years, and the exit rule.

Results carry codes and numbers only, so the page renders them in any language. Quotas, shares
and the index are exact (:class:`fractions.Fraction`), so a school with exactly 1 backbone
teacher per 100 students, or exactly 85 % satisfaction, meets the line.

>>> r = capacity_index([CapacityInputs(2025, own_lessons=900, partner_lessons=100,
...                                    students=400, backbone_teachers=4)])[0]
>>> r.component("own_teaching").value, r.component("backbone").value, r.index
(Fraction(9, 10), Fraction(1, 1), Fraction(47, 50))

References
----------
.. [1] 教育部《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号), 第九条 (资源配置):
   每百名学生拥有县级及以上骨干教师数达到1人以上; 第十二条 (社会认可): 社会认可度达到85%以上.
.. [2] Angrist, J. D. and Pischke, J.-S., *Mostly Harmless Econometrics* (2009), ch. 5:
   differences-in-differences.
.. [3] Welch, B. L., "The generalization of 'Student's' problem when several different
   population variances are involved", *Biometrika* 34 (1947): the Welch-Satterthwaite df.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction

import numpy as np
from scipy import stats

from .exact import to_fraction

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "LEVELS",
    "MEASURES",
    "Activity",
    "CapacityInputs",
    "CapacityParams",
    "CapacityResult",
    "ComponentResult",
    "ComplianceResult",
    "DependenceTrend",
    "DidResult",
    "ExitDecision",
    "ExitRule",
    "Obligation",
    "capacity_index",
    "dependence_trend",
    "did_estimate",
    "exit_ready",
    "obligation_compliance",
]

#: Verification levels, lowest first.
LEVELS = ("self_reported", "partner_confirmed", "authority_verified")
#: What an obligation counts.
MEASURES = ("lessons", "sessions", "teachers", "hours")


# --------------------------------------------------------------------------------------------
# 1. Obligation compliance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """A quota for one period: e.g. 20 synchronous ``lessons`` in ``"2025"``, partner-confirmed.

    ``standard`` is the lowest verification level that counts towards the quota.
    """

    code: str
    period: str
    quota: object
    measure: str = "lessons"
    standard: str = "partner_confirmed"


@dataclass(frozen=True)
class Activity:
    """An amount delivered against an obligation in a period, at a verification level."""

    obligation: str
    period: str
    amount: object
    level: str = "self_reported"


@dataclass(frozen=True)
class ComplianceResult:
    """One obligation in one period.

    ``totals`` maps each level to the amount recorded at exactly that level (kept apart);
    ``counted`` is the sum of the levels at or above ``standard``; ``shortfall`` is
    ``max(quota - counted, 0)`` and ``met`` is ``counted >= quota``.
    """

    code: str
    period: str
    measure: str
    standard: str
    quota: Fraction
    totals: dict[str, Fraction]
    counted: Fraction
    met: bool
    shortfall: Fraction


def obligation_compliance(
    quota: Sequence[Obligation],
    delivered: Sequence[Activity],
    *,
    verified_levels: Sequence[str] = LEVELS,
) -> tuple[ComplianceResult, ...]:
    """Each obligation per period against the activities recorded for it.

    Parameters
    ----------
    quota : sequence of Obligation
        The obligations, one per (code, period); the quota is a non-negative number.
    delivered : sequence of Activity
        The activities; each names an obligation and period present in ``quota``.
    verified_levels : sequence of str
        The verification levels, lowest first (default :data:`LEVELS`). An obligation counts the
        activities at its ``standard`` and every level after it.

    Returns
    -------
    tuple of ComplianceResult
        Ordered by period, then obligation code.

    Raises
    ------
    ValueError
        A duplicate (code, period), an unknown measure or level, a negative amount, or an
        activity for an obligation and period that has no quota.

    Examples
    --------
    Zhejiang's 教共体 minimum of 20 synchronous lessons a year, partner-confirmed: 12 lessons
    confirmed, 3 verified and 8 only self-reported count 15, so 5 are missing.

    >>> ob = Obligation("sync", "2025", 20, standard="partner_confirmed")
    >>> acts = [Activity("sync", "2025", 12, "partner_confirmed"),
    ...         Activity("sync", "2025", 3, "authority_verified"),
    ...         Activity("sync", "2025", 8, "self_reported")]
    >>> r = obligation_compliance([ob], acts)[0]
    >>> r.counted, r.met, r.shortfall, r.totals["self_reported"]
    (Fraction(15, 1), False, Fraction(5, 1), Fraction(8, 1))
    """
    levels = tuple(verified_levels)
    if not levels or len(set(levels)) != len(levels):
        raise ValueError(f"verified_levels: need distinct levels, lowest first, got {levels!r}")
    rank = {level: i for i, level in enumerate(levels)}
    obligations: dict[tuple[str, str], Obligation] = {}
    for i, ob in enumerate(quota):
        key = (ob.code, ob.period)
        if key in obligations:
            raise ValueError(f"quota[{i}]: obligation {ob.code!r} appears twice in {ob.period!r}")
        if ob.measure not in MEASURES:
            raise ValueError(f"quota[{i}]: measure {ob.measure!r} is not one of {MEASURES}")
        if ob.standard not in rank:
            raise ValueError(f"quota[{i}]: standard {ob.standard!r} is not one of {levels}")
        _non_negative(ob.quota, f"quota[{i}].quota")
        obligations[key] = ob
    totals = {key: dict.fromkeys(levels, Fraction(0)) for key in obligations}
    for i, act in enumerate(delivered):
        key = (act.obligation, act.period)
        if key not in obligations:
            raise ValueError(
                f"delivered[{i}]: no obligation {act.obligation!r} in period {act.period!r}; "
                "record the quota first or correct the activity"
            )
        if act.level not in rank:
            raise ValueError(f"delivered[{i}]: level {act.level!r} is not one of {levels}")
        totals[key][act.level] += _non_negative(act.amount, f"delivered[{i}].amount")
    out = []
    for key in sorted(obligations, key=lambda k: (k[1], k[0])):
        ob = obligations[key]
        need = to_fraction(ob.quota, "quota")
        floor = rank[ob.standard]
        counted = sum((v for lv, v in totals[key].items() if rank[lv] >= floor), Fraction(0))
        out.append(
            ComplianceResult(
                code=ob.code,
                period=ob.period,
                measure=ob.measure,
                standard=ob.standard,
                quota=need,
                totals=totals[key],
                counted=counted,
                met=counted >= need,
                shortfall=max(need - counted, Fraction(0)),
            )
        )
    return tuple(out)


def _non_negative(value: object, where: str) -> Fraction:
    f = to_fraction(value, where)
    if f < 0:
        raise ValueError(f"{where}: must not be negative, got {value!r}")
    return f


# --------------------------------------------------------------------------------------------
# 2. Capacity index
# --------------------------------------------------------------------------------------------

#: The components, in the order they are shown.
COMPONENTS = (
    "own_teaching",
    "backbone",
    "retention_1y",
    "retention_3y",
    "reuse",
    "satisfaction",
    "transfers_out",
)
#: Default weights: own teaching 3, backbone teachers 2, every other component 1.
DEFAULT_WEIGHTS: Mapping[str, int] = {
    "own_teaching": 3,
    "backbone": 2,
    "retention_1y": 1,
    "retention_3y": 1,
    "reuse": 1,
    "satisfaction": 1,
    "transfers_out": 1,
}


@dataclass(frozen=True)
class CapacityParams:
    """The normalisation lines (shown with every result).

    ``backbone_line``: backbone teachers (county level and above) per 100 students, 1 [1]_ art. 9.
    ``satisfaction_line``: 85 % [1]_ art. 12. ``reuse_target``: resources reused by other schools
    in the year that give the full score (5). ``transfer_cap``: the share of pupils transferring
    out at which the component reaches 0 (5 %).
    """

    backbone_line: Fraction = Fraction(1)
    satisfaction_line: Fraction = Fraction(85, 100)
    reuse_target: Fraction = Fraction(5)
    transfer_cap: Fraction = Fraction(5, 100)

    def __post_init__(self):
        for name in ("backbone_line", "satisfaction_line", "reuse_target", "transfer_cap"):
            v = to_fraction(getattr(self, name), f"params.{name}")
            if v <= 0:
                raise ValueError(f"params.{name}: must be more than 0, got {v}")
            object.__setattr__(self, name, v)
        if self.satisfaction_line > 1 or self.transfer_cap > 1:
            raise ValueError("params: satisfaction_line and transfer_cap are shares, at most 1")


@dataclass(frozen=True)
class CapacityInputs:
    """One supported school's records for one year; ``None`` means not recorded.

    ``own_lessons`` / ``partner_lessons``: lessons taught by its own staff / by the partner's
    staff (seconded teachers and synchronous lessons); ``seconded_fte`` is shown beside them.
    ``trained_1y`` / ``retained_1y``: teachers trained by the partner one year earlier and still
    at the school (likewise three years). ``reused_resources``: local courses and resources it
    produced that other schools used this year. ``satisfaction``: surveyed share satisfied.
    ``transfers_out``: pupils who transferred out during the year.
    """

    year: int
    own_lessons: object = None
    partner_lessons: object = None
    seconded_fte: object = None
    students: object = None
    backbone_teachers: object = None
    trained_1y: object = None
    retained_1y: object = None
    trained_3y: object = None
    retained_3y: object = None
    reused_resources: object = None
    satisfaction: object = None
    transfers_out: object = None


@dataclass(frozen=True)
class ComponentResult:
    """A component's raw ``ratio``, its normalised ``value`` in [0, 1] and the ``formula``.

    ``state`` is ``counted`` or ``missing``; ``meets_line`` is set for the components with a
    policy line (``backbone``, ``satisfaction``), else None.
    """

    code: str
    state: str
    ratio: Fraction | None
    value: Fraction | None
    weight: Fraction
    formula: str
    meets_line: bool | None = None


@dataclass(frozen=True)
class CapacityResult:
    """The index of one year: ``sum(w*v) / sum(w)`` over the counted components (None if none)."""

    year: int
    index: Fraction | None
    components: tuple[ComponentResult, ...]
    weight_counted: Fraction
    seconded_fte: Fraction | None
    params: CapacityParams = field(default_factory=CapacityParams)

    def component(self, code: str) -> ComponentResult:
        """The component with this code; KeyError if there is none."""
        for c in self.components:
            if c.code == code:
                return c
        raise KeyError(code)


FORMULAS = {
    "own_teaching": "own_lessons / (own_lessons + partner_lessons)",
    "backbone": "min(100 * backbone_teachers / students / backbone_line, 1)",
    "retention_1y": "retained_1y / trained_1y",
    "retention_3y": "retained_3y / trained_3y",
    "reuse": "min(reused_resources / reuse_target, 1)",
    "satisfaction": "min(satisfaction / satisfaction_line, 1)",
    "transfers_out": "1 - min(transfers_out / students / transfer_cap, 1)",
}


def _opt(value: object, where: str) -> Fraction | None:
    return None if value is None else _non_negative(value, where)


def _share(num: Fraction | None, den: Fraction | None, where: str) -> Fraction | None:
    if num is None or den is None or den == 0:
        return None
    if num > den:
        raise ValueError(f"{where}: {num} is more than the {den} it is a part of")
    return num / den


def _ratios(x: CapacityInputs, where: str) -> dict[str, Fraction | None]:
    """Raw ratio of every component (None: missing)."""
    g = {name: _opt(getattr(x, name), f"{where}.{name}") for name in _INPUT_FIELDS}
    own, partner, students = g["own_lessons"], g["partner_lessons"], g["students"]
    total = None if own is None or partner is None else own + partner
    sat = g["satisfaction"]
    if sat is not None and sat > 1:
        raise ValueError(f"{where}.satisfaction: a share at most 1, got {x.satisfaction!r}")
    per100 = None
    if g["backbone_teachers"] is not None and students:
        per100 = 100 * g["backbone_teachers"] / students
    return {
        "own_teaching": _share(own, total, f"{where}.own_lessons"),
        "backbone": per100,
        "retention_1y": _share(g["retained_1y"], g["trained_1y"], f"{where}.retained_1y"),
        "retention_3y": _share(g["retained_3y"], g["trained_3y"], f"{where}.retained_3y"),
        "reuse": g["reused_resources"],
        "satisfaction": sat,
        "transfers_out": _share(g["transfers_out"], students, f"{where}.transfers_out"),
    }


_INPUT_FIELDS = (
    "own_lessons",
    "partner_lessons",
    "seconded_fte",
    "students",
    "backbone_teachers",
    "trained_1y",
    "retained_1y",
    "trained_3y",
    "retained_3y",
    "reused_resources",
    "satisfaction",
    "transfers_out",
)


def _normalise(code: str, ratio: Fraction, p: CapacityParams) -> tuple[Fraction, bool | None]:
    one = Fraction(1)
    if code == "backbone":
        return min(ratio / p.backbone_line, one), ratio >= p.backbone_line
    if code == "reuse":
        return min(ratio / p.reuse_target, one), None
    if code == "satisfaction":
        return min(ratio / p.satisfaction_line, one), ratio >= p.satisfaction_line
    if code == "transfers_out":
        return one - min(ratio / p.transfer_cap, one), None
    return ratio, None


def _weights(weights: Mapping[str, object]) -> dict[str, Fraction]:
    unknown = set(weights) - set(COMPONENTS)
    if unknown:
        raise ValueError(f"weights: unknown components {sorted(unknown)}; use {COMPONENTS}")
    out = {}
    for code in COMPONENTS:
        w = to_fraction(weights.get(code, 0), f"weights[{code!r}]")
        if w < 0:
            raise ValueError(f"weights[{code!r}]: must not be negative, got {w}")
        out[code] = w
    if not any(out.values()):
        raise ValueError("weights: at least one component needs a weight above 0")
    return out


def capacity_index(
    inputs: Sequence[CapacityInputs],
    *,
    weights: Mapping[str, object] = DEFAULT_WEIGHTS,
    params: CapacityParams | None = None,
) -> tuple[CapacityResult, ...]:
    """The capacity index of a supported school for each year of ``inputs``.

    Each component is normalised to ``[0, 1]`` (see ``FORMULAS``):

    - ``own_teaching`` = own / (own + partner lessons);
    - ``backbone`` = backbone teachers per 100 students over the line of 1, capped at 1
      (教督〔2017〕6号 art. 9; exactly 1 per 100 meets the line and scores 1);
    - ``retention_1y``, ``retention_3y`` = share of partner-trained teachers still there;
    - ``reuse`` = resources reused by others over ``reuse_target``, capped at 1;
    - ``satisfaction`` = surveyed share over 85 %, capped at 1 (art. 12);
    - ``transfers_out`` = 1 - (transfer rate / ``transfer_cap``), floored at 0.

    A component whose inputs are missing (or whose denominator is 0) has state ``missing`` and
    does not count: the index is ``sum(w_c * v_c) / sum(w_c)`` over the counted components, so
    the weights of those present are re-normalised to sum to 1. With none counted the index is
    None.

    Parameters
    ----------
    inputs : sequence of CapacityInputs
        One per year (years distinct).
    weights : mapping of str to number
        Weight of each component (default :data:`DEFAULT_WEIGHTS`); a component left out has
        weight 0 and is shown but never counts.
    params : CapacityParams, optional
        The normalisation lines.

    Returns
    -------
    tuple of CapacityResult
        Ordered by year.

    Raises
    ------
    ValueError
        Duplicate years, a negative input, a part larger than its whole (retained above
        trained, transfers above students), an unknown component or all weights 0.

    Examples
    --------
    Own lessons 800 of 1,000 (0.8); 3 backbone teachers for 600 students is 0.5 per 100
    (0.5); satisfaction 0.68 is 0.8 of the line; nothing else recorded. Weights 3, 2, 1:
    ``(3*0.8 + 2*0.5 + 1*0.8) / 6 = 4.2 / 6 = 0.7``.

    >>> r = capacity_index([CapacityInputs(2024, own_lessons=800, partner_lessons=200,
    ...                                    students=600, backbone_teachers=3,
    ...                                    satisfaction="0.68")])[0]
    >>> r.index, r.weight_counted, r.component("satisfaction").meets_line
    (Fraction(7, 10), Fraction(6, 1), False)
    """
    p = params or CapacityParams()
    w = _weights(weights)
    years = [x.year for x in inputs]
    if len(set(years)) != len(years):
        raise ValueError(f"inputs: one record per year, got years {years}")
    out = []
    for x in sorted(inputs, key=lambda x: x.year):
        ratios = _ratios(x, f"inputs[{x.year}]")
        comps = []
        for code in COMPONENTS:
            ratio = ratios[code]
            if ratio is None:
                comps.append(ComponentResult(code, "missing", None, None, w[code], FORMULAS[code]))
                continue
            value, line = _normalise(code, ratio, p)
            comps.append(
                ComponentResult(code, "counted", ratio, value, w[code], FORMULAS[code], line)
            )
        counted = [c for c in comps if c.state == "counted" and c.weight > 0]
        total_w = sum((c.weight for c in counted), Fraction(0))
        index = (
            sum((c.weight * c.value for c in counted), Fraction(0)) / total_w if total_w else None
        )
        out.append(
            CapacityResult(
                year=x.year,
                index=index,
                components=tuple(comps),
                weight_counted=total_w,
                seconded_fte=_opt(x.seconded_fte, f"inputs[{x.year}].seconded_fte"),
                params=p,
            )
        )
    return tuple(out)


# --------------------------------------------------------------------------------------------
# 3. Difference in differences
# --------------------------------------------------------------------------------------------


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


def _mean(xs: Sequence[Fraction]) -> Fraction:
    return sum(xs, Fraction(0)) / len(xs)


def _var(xs: Sequence[Fraction]) -> float:
    m = _mean(xs)
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
        Unpaired values, no treated school, fewer than ``min_controls`` controls, or a level
        outside (0, 1).

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
    mt, mc = _mean(dt), _mean(dc)
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


# --------------------------------------------------------------------------------------------
# 4. Dependence trend and exit
# --------------------------------------------------------------------------------------------


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
    my = _mean(ys)
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
        p = _non_negative(partner_lessons[i], f"partner_lessons[{years[i]}]")
        o = _non_negative(own_lessons[i], f"own_lessons[{years[i]}]")
        if p + o == 0:
            raise ValueError(f"year {years[i]}: no lessons recorded, the share is undefined")
        ys.append(int(years[i]))
        shares.append(p / (p + o))
        fte.append(_non_negative(seconded_fte[i], f"seconded_fte[{years[i]}]"))
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

    Returns
    -------
    ExitDecision

    Examples
    --------
    >>> cap = capacity_index([CapacityInputs(2025, own_lessons=85, partner_lessons=15)])[0]
    >>> t = dependence_trend([2023, 2024, 2025], [3, 2, 1], [40, 25, 15], [60, 75, 85])
    >>> d = exit_ready(cap, t)
    >>> d.ready, d.failed, d.share
    (True, (), Fraction(3, 20))
    """
    r = rule or ExitRule()
    failed = []
    if capacity.index is None:
        failed.append("index_missing")
    elif capacity.index < to_fraction(r.index_target, "rule.index_target"):
        failed.append("index_below_target")
    share = trend.shares[-1]
    if share > to_fraction(r.max_share, "rule.max_share"):
        failed.append("share_above_max")
    max_slope = to_fraction(r.max_slope, "rule.max_slope")
    if trend.slope >= max_slope:
        failed.append("dependence_not_falling")
    elif r.z is not None:
        if trend.slope_se is None:
            failed.append("trend_too_short")
        elif float(trend.slope) + r.z * trend.slope_se >= float(max_slope):
            failed.append("trend_uncertain")
    if r.require_lines:
        for code in ("backbone", "satisfaction"):
            if capacity.component(code).meets_line is False:
                failed.append(f"{code}_below_line")
    return ExitDecision(not failed, tuple(failed), capacity.index, share, trend.slope, r)
