"""Evaluate every county's schools of one stage against a balance standard."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .cv import weighted_stats
from .loading import load_standard
from .model import MISSING_MODES, SPLIT_RULES, Standard
from .results import CountyResult, Evaluation, IndicatorResult, Reason, SchoolDetails
from .selection import select, stage_counts
from .table import SchoolTable

__all__ = ["evaluate"]

_TOL = 1e-9  # relative tolerance when comparing a value with a minimum or a threshold


def _le(value: Any, limit: Any) -> Any:
    """``value <= limit`` with a tiny relative tolerance for floating-point noise."""
    return value <= limit + _TOL * np.maximum(1.0, np.abs(limit))


def _ge(value: Any, limit: Any) -> Any:
    """``value >= limit`` with a tiny relative tolerance for floating-point noise."""
    return value >= limit - _TOL * np.maximum(1.0, np.abs(limit))


def evaluate(
    standard: Standard | str | Path,
    schools: Mapping[str, Any] | Sequence[Mapping[str, Any]] | Any,
    *,
    stage: str,
    split_rule: str | None = None,
    missing: str = "raise",
) -> Evaluation:
    """Evaluate every county's schools of one stage against a balance standard.

    Parameters
    ----------
    standard : Standard, str or Path
        A :class:`Standard`, a built-in id (``"quality-balance-2017"``) or a JSON file path.
    schools : mapping, DataFrame or sequence of dicts
        One row per school. Columns: ``school_id``, ``county``, ``stage`` (one of
        :data:`SCHOOL_STAGES`), ``students``, the raw indicator columns the standard uses,
        and for combined schools the enrolment breakdown ``students_primary`` /
        ``students_junior`` / ``students_senior``. Optional ``teaching_point`` (yes/no flag)
        marks teaching points. ``school_id`` and ``county`` are compared as strings.
    stage : str
        The stage to evaluate; one of ``standard.stages`` (``"primary"``, ``"junior"``).
    split_rule : {"proportional", "physical_weighted", "by_stage_columns", "exclude"}, optional
        How a combined school (``nine_year``, ``complete_secondary``, ``twelve_year``) enters
        the evaluation of ``stage``; default: the standard's ``combined.rule``.
        ``"proportional"``: its stage part has enrolment ``students_<stage>`` and a share
        ``w_s * students_<stage> / sum_t(w_t * students_t)`` (weights
        ``standard.split_weights``) of every other raw count. ``"physical_weighted"``: that
        share of the physical items only (``standard.combined.physical_items``: buildings,
        grounds, equipment, books); teacher counts come from ``<code>_<stage>`` columns
        (e.g. ``teachers_backbone_primary``), the teachers of that stage.
        ``"by_stage_columns"``: the caller supplies ``<code>_<stage>`` columns for every raw
        count used. ``"exclude"``: combined schools are left out (recorded in ``excluded``).
    missing : {"raise", "incomplete"}, default "raise"
        A school that takes part but has no value (NaN/None) in a column it needs:
        ``"raise"`` stops with a ValueError naming the row and column; ``"incomplete"``
        takes the school out of the computation, lists it in ``Evaluation.missing`` with
        the columns it lacks and gives its county the status ``"incomplete"`` (reason
        ``incomplete_data``): a county is never judged on part of its schools.

    Returns
    -------
    Evaluation
        One :class:`CountyResult` per county present in ``schools`` (sorted by code).

    Raises
    ------
    ValueError
        If the stage, split rule or missing mode is unknown, a required column is absent, a
        school id repeats, or a school that takes part has a negative or non-numeric value
        (or, with ``missing="raise"``, a missing one) in a column the standard needs (the
        message names the school row and the column).

    Notes
    -----
    * A school whose enrolment for ``stage`` is zero or missing is excluded with reason
      ``no_enrolment``; schools of the standard's excluded stages with
      ``excluded_school_stage``; small teaching points with ``small_teaching_point`` (only
      when a ``teaching_point`` column is given, otherwise a note
      ``teaching_point_rule_not_applied`` is added); combined schools under
      ``split_rule="exclude"`` with ``combined_school_excluded``.
    * A county with a single school has CV 0 by the formula (no dispersion); it is judged
      normally and carries the note ``single_school``. A county with no school left has
      status ``no_schools``.
    * A CV is ``nan`` when the county value is 0 (0 / 0); that fails with ``cv_undefined``.
    * Values within a relative 1e-9 of a minimum or threshold count as meeting it.

    References
    ----------
    .. [1] 教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》.
    .. [2] 教督〔2017〕6号 《县域义务教育优质均衡发展督导评估办法》.

    Examples
    --------
    >>> schools = {
    ...     "school_id": ["A1", "A2", "B1"],
    ...     "county": ["A", "A", "B"],
    ...     "stage": ["primary", "primary", "primary"],
    ...     "students": [500, 300, 400],
    ...     "teachers_qualified": [25, 12, 20],
    ...     "teachers_backbone": [6, 2, 5],
    ...     "teachers_pe_arts": [5, 3, 4],
    ...     "building_area": [2500, 1200, 2000],
    ...     "sports_area": [4000, 2400, 3200],
    ...     "instrument_value": [1.1e6, 6.3e5, 9e5],
    ...     "multimedia_classrooms": [12, 7, 10],
    ... }
    >>> ev = evaluate("quality-balance-2017", schools, stage="primary")
    >>> [(c.county, c.status) for c in ev.counties]
    [('A', 'fail'), ('B', 'pass')]
    >>> a = ev.county("A")
    >>> a.school_pass_rate, [r.code for r in a.reasons]
    (0.5, ['schools_below_standard'])
    >>> s = a.shortfalls[0]
    >>> s.school_id, s.indicator, round(s.value, 2), s.minimum, round(s.ratio, 3)
    ('A2', 'teachers_qualified_per_100_students', 4.0, 4.2, 0.952)
    >>> [r.as_dict() for r in a.failing_schools[0].reasons()]  # doctest: +NORMALIZE_WHITESPACE
    [{'code': 'too_few_minimums_met', 'school_id': 'A2', 'met': 4, 'required': 6},
     {'code': 'indicator_below_floor', 'school_id': 'A2',
      'indicator': 'teachers_backbone_per_100_students'}]
    >>> round(a.indicator("building_area_per_student").cv, 4)
    0.1047
    >>> ev.county("B").notes[0].code
    'single_school'
    """
    std = standard if isinstance(standard, Standard) else load_standard(standard)
    split_rule = _check_arguments(std, stage, split_rule, missing)
    table = SchoolTable(schools)
    if "students" not in table.keys:
        raise ValueError("schools has no 'students' column")
    _check_unique_ids(table)
    labels_arr, ccode = np.unique(table.county, return_inverse=True)
    ccode = ccode.reshape(-1)
    labels = tuple(labels_arr.tolist())
    ng = len(labels)

    sel = select(std, table, stage, split_rule, missing)
    rows, num, den = stage_counts(std, table, sel, stage, split_rule)
    # group the participating rows by county (stable: input order within a county)
    order = np.argsort(ccode[rows], kind="stable")
    rows, num, den = rows[order], num[order], den[order]
    codes = ccode[rows]
    scale = np.array([ind.scale for ind in std.indicators])
    with np.errstate(divide="ignore", invalid="ignore"):
        values = num * scale / den  # R * scale first: 21 * 100 / 500 == 4.2 exactly
    _, _, mean, _, cv = weighted_stats(num, den, codes, ng)
    n_sch = np.bincount(codes, minlength=ng)
    details, n_below, n_pass = _school_details(
        std, stage, labels, n_sch, table.school_id[rows], sel.enrol[rows], values, codes
    )
    judged = _CVJudgement.of(std, stage, cv)
    counts = _CountyCounts(
        value=mean * scale,
        cv=cv,
        n_schools=n_sch,
        enrolment=np.bincount(codes, weights=sel.enrol[rows], minlength=ng),
        n_excluded=np.bincount(ccode[sel.ex_mask], minlength=ng),
        n_missing=np.bincount(ccode[sel.miss_mask], minlength=ng),
        n_below=n_below,
        n_pass=n_pass,
    )
    counties = tuple(
        _county_result(std, stage, g, label, counts, judged, details)
        for g, label in enumerate(labels)
    )
    return Evaluation(
        standard_id=std.id,
        standard_version=std.version,
        stage=stage,
        split_rule=split_rule,
        counties=counties,
        excluded=tuple(sel.excluded),
        notes=tuple(sel.notes),
        missing=tuple(sel.missing),
        _details=details,
    )


def _check_arguments(std: Standard, stage: str, split_rule: str | None, missing: str) -> str:
    """Check the stage, split rule and missing mode; return the split rule to apply."""
    if stage not in std.stages:
        raise ValueError(
            f"stage {stage!r} is not evaluated by standard {std.id!r}; its stages are "
            + ", ".join(std.stages)
        )
    if split_rule is None:
        split_rule = std.combined.rule
    if split_rule not in SPLIT_RULES:
        raise ValueError(f"split_rule must be one of {', '.join(SPLIT_RULES)}, got {split_rule!r}")
    if missing not in MISSING_MODES:
        raise ValueError(f"missing must be one of {', '.join(MISSING_MODES)}, got {missing!r}")
    return split_rule


def _check_unique_ids(table: SchoolTable) -> None:
    uniq, first, counts = np.unique(table.school_id, return_index=True, return_counts=True)
    if (counts > 1).any():
        d = int(np.flatnonzero(counts > 1)[0])
        raise ValueError(
            f"schools: school_id {str(uniq[d])!r} appears {int(counts[d])} times "
            f"(first at row {int(first[d])}); school ids must be unique"
        )


def _school_details(
    std: Standard,
    stage: str,
    labels: tuple[str, ...],
    n_sch: np.ndarray,
    school_id: np.ndarray,
    enrolment: np.ndarray,
    values: np.ndarray,
    codes: np.ndarray,
) -> tuple[SchoolDetails, np.ndarray, np.ndarray | None]:
    """Minimums and the school rule, school by school (rows grouped by county ``codes``).

    Returns the read-only per-school details, the number of schools below each minimum per
    county ``(g, k)`` and, with a school rule, the number of passing schools per county.
    """
    ng, k = len(labels), len(std.indicators)
    mins = np.array([np.nan if (x := i.minimum_for(stage)) is None else x for i in std.indicators])
    min_idx = np.flatnonzero(~np.isnan(mins))
    below = np.zeros((values.shape[0], k), dtype=bool)
    below[:, min_idx] = ~_ge(values[:, min_idx], mins[min_idx])
    rule = std.school_rule
    floor = None if rule is None else rule.floor_ratio
    below_floor = below.copy()
    if floor is not None:
        below_floor[:, min_idx] = ~_ge(values[:, min_idx], floor * mins[min_idx])
    n_below = np.stack(
        [np.bincount(codes, weights=below[:, j], minlength=ng) for j in range(k)], axis=1
    ).astype(np.int64)
    n_met = passed = n_pass = None
    if rule is not None:
        n_met = min_idx.size - below.sum(axis=1)
        passed = n_met >= rule.min_met
        if floor is not None:
            passed &= ~below_floor.any(axis=1)
        n_pass = np.bincount(codes, weights=passed, minlength=ng).astype(np.int64)

    details = SchoolDetails(
        labels=labels,
        offsets=np.concatenate([[0], np.cumsum(n_sch)]),
        indicator_codes=std.indicator_codes,
        school_id=school_id,
        enrolment=enrolment,
        values=values,
        minimums=mins,
        below=below,
        below_floor=below_floor,
        n_met=n_met,
        passed=passed,
        min_met=None if rule is None else rule.min_met,
    )
    for arr in (details.offsets, details.school_id, details.enrolment, values, mins, below):
        arr.flags.writeable = False
    below_floor.flags.writeable = False
    for arr in (n_met, passed):
        if arr is not None:
            arr.flags.writeable = False
    return details, n_below, n_pass


@dataclass(frozen=True)
class _CVJudgement:
    """The CV thresholds of one stage and which county CVs meet them."""

    each: bool  # every indicator's CV is judged (2017), else the composite (2012)
    base_threshold: float
    thresholds: np.ndarray  # (k,) per indicator
    cv_ok: np.ndarray  # (g, k) indicator CV within its threshold (nan compares False)
    composite: np.ndarray  # (g,) plain mean of the indicator CVs
    composite_ok: np.ndarray  # (g,)

    @classmethod
    def of(cls, std: Standard, stage: str, cv: np.ndarray) -> _CVJudgement:
        base_thr = std.cv.thresholds[stage]
        rnd = std.cv.round_decimals
        cmp_cv = cv if rnd is None else np.round(cv, rnd)
        ind_thr = np.array([ind.cv_threshold.get(stage, base_thr) for ind in std.indicators])
        with np.errstate(invalid="ignore"):
            composite = cv.mean(axis=1)
        cmp_comp = composite if rnd is None else np.round(composite, rnd)
        return cls(
            each=std.cv.apply_to == "each_indicator",
            base_threshold=base_thr,
            thresholds=ind_thr,
            cv_ok=_le(cmp_cv, ind_thr),
            composite=composite,
            composite_ok=_le(cmp_comp, base_thr),
        )


@dataclass(frozen=True)
class _CountyCounts:
    """Per-county arrays of one evaluation (``g`` counties, ``k`` indicators)."""

    value: np.ndarray  # (g, k) county value, scaled
    cv: np.ndarray  # (g, k)
    n_schools: np.ndarray  # (g,)
    enrolment: np.ndarray  # (g,)
    n_excluded: np.ndarray  # (g,)
    n_missing: np.ndarray  # (g,)
    n_below: np.ndarray  # (g, k)
    n_pass: np.ndarray | None  # (g,) with a school rule


def _county_result(
    std: Standard,
    stage: str,
    g: int,
    label: str,
    counts: _CountyCounts,
    judged: _CVJudgement,
    details: SchoolDetails,
) -> CountyResult:
    ns = int(counts.n_schools[g])
    each = judged.each
    ind_results = tuple(
        IndicatorResult(
            code=ind.code,
            value=float(counts.value[g, j]),
            cv=float(counts.cv[g, j]),
            cv_threshold=float(judged.thresholds[j]) if each else None,
            cv_passed=bool(judged.cv_ok[g, j]) if each and ns else None,
            minimum=None if (m := ind.minimum_for(stage)) is None else float(m),
            n_below_minimum=int(counts.n_below[g, j]),
        )
        for j, ind in enumerate(std.indicators)
    )
    n_ok = None if counts.n_pass is None or ns == 0 else int(counts.n_pass[g])
    pass_rate = None if n_ok is None else n_ok / ns
    nm = int(counts.n_missing[g])
    notes: list[Reason] = []
    if ns == 0 and nm:
        status = "incomplete"
        reasons = [Reason.of("incomplete_data", n_missing=nm, n_schools=nm)]
    elif ns == 0:
        status = "no_schools"
        reasons = [Reason.of("no_schools", county=label, stage=stage)]
    else:
        reasons = _cv_reasons(std, g, counts, judged)
        reasons += _school_rule_reasons(std, ns, n_ok)
        if ns == 1:
            notes.append(Reason.of("single_school", n_schools=1))
        status = "fail" if reasons else "pass"
        if nm:
            # What is known is reported, but the county is not judged on part of its schools.
            reasons.insert(0, Reason.of("incomplete_data", n_missing=nm, n_schools=ns + nm))
            status = "incomplete"
    return CountyResult(
        county=label,
        stage=stage,
        status=status,
        n_schools=ns,
        n_excluded=int(counts.n_excluded[g]),
        enrolment=float(counts.enrolment[g]),
        indicators=ind_results,
        composite_cv=None if each else float(judged.composite[g]),
        composite_threshold=None if each else float(judged.base_threshold),
        n_schools_passing=n_ok,
        school_pass_rate=pass_rate,
        reasons=tuple(reasons),
        notes=tuple(notes),
        n_missing=nm,
        _details=details,
        _group=g,
    )


def _cv_reasons(std: Standard, g: int, counts: _CountyCounts, judged: _CVJudgement) -> list[Reason]:
    """Why county ``g``'s CVs fail: undefined, or above the threshold judged."""
    reasons = []
    for j, ind in enumerate(std.indicators):
        if np.isnan(counts.cv[g, j]):
            reasons.append(
                Reason.of(
                    "cv_undefined", indicator=ind.code, county_value=float(counts.value[g, j])
                )
            )
        elif judged.each and not judged.cv_ok[g, j]:
            reasons.append(
                Reason.of(
                    "cv_above_threshold",
                    indicator=ind.code,
                    cv=float(counts.cv[g, j]),
                    threshold=float(judged.thresholds[j]),
                )
            )
    composite = judged.composite[g]
    if not judged.each and not np.isnan(composite) and not judged.composite_ok[g]:
        reasons.append(
            Reason.of(
                "composite_cv_above_threshold",
                cv=float(composite),
                threshold=float(judged.base_threshold),
            )
        )
    return reasons


def _school_rule_reasons(std: Standard, ns: int, n_ok: int | None) -> list[Reason]:
    """``schools_below_standard`` when fewer schools pass than the rule requires."""
    rule = std.school_rule
    if rule is None or n_ok is None:
        return []
    pass_rate = n_ok / ns
    if pass_rate >= rule.required_pass_rate - _TOL:
        return []
    return [
        Reason.of(
            "schools_below_standard",
            n_failing=ns - n_ok,
            n_schools=ns,
            pass_rate=pass_rate,
            required_pass_rate=rule.required_pass_rate,
        )
    ]
