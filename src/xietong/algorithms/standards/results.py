"""What an evaluation returns: county results, school shortfalls and failures, reasons.

Reasons are codes with parameters (:class:`Reason`), never prose: the pages render them in the
reader's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from types import MappingProxyType
from typing import Any

import numpy as np

__all__ = [
    "CountyResult",
    "Evaluation",
    "IndicatorResult",
    "Reason",
    "SchoolDetails",
    "SchoolFailure",
    "SchoolShortfall",
]


@dataclass(frozen=True)
class Reason:
    """A machine-readable reason (``code``) with its parameters, for the UI to translate.

    Examples
    --------
    >>> Reason.of("cv_above_threshold", indicator="x", cv=0.61, threshold=0.5).as_dict()
    {'code': 'cv_above_threshold', 'indicator': 'x', 'cv': 0.61, 'threshold': 0.5}
    """

    code: str
    params: Mapping[str, Any]

    @classmethod
    def of(cls, code: str, **params: Any) -> Reason:
        """Build a reason with read-only parameters."""
        return cls(code, MappingProxyType(params))

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code": ..., **params}``."""
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class SchoolShortfall:
    """A school that misses an indicator's minimum, and by how much."""

    school_id: str
    county: str
    indicator: str
    value: float
    minimum: float
    shortfall: float  # minimum - value
    ratio: float  # value / minimum
    below_floor: bool  # value is also below floor_ratio * minimum (always True without floor)


@dataclass(frozen=True)
class SchoolFailure:
    """A school that fails the standard's "k of m with a floor" rule."""

    school_id: str
    county: str
    n_met: int
    n_required: int
    below_floor: tuple[str, ...]  # indicators under floor_ratio * minimum

    def reasons(self) -> tuple[Reason, ...]:
        """Human-readable reasons (``too_few_minimums_met``, ``indicator_below_floor``)."""
        out = []
        if self.n_met < self.n_required:
            out.append(
                Reason.of(
                    "too_few_minimums_met",
                    school_id=self.school_id,
                    met=self.n_met,
                    required=self.n_required,
                )
            )
        out.extend(
            Reason.of("indicator_below_floor", school_id=self.school_id, indicator=code)
            for code in self.below_floor
        )
        return tuple(out)


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator in one county: county value, CV and the CV judgement."""

    code: str
    value: float  # sum(numerator) / sum(denominator) * scale over the county's schools
    cv: float
    cv_threshold: float | None  # None when the standard judges the composite CV
    cv_passed: bool | None
    minimum: float | None
    n_below_minimum: int


@dataclass(frozen=True)
class SchoolDetails:
    """Per-school arrays of one evaluation, grouped by county (read-only, internal)."""

    labels: tuple[str, ...]
    offsets: np.ndarray  # (g + 1,) row offsets of each county in the arrays below
    indicator_codes: tuple[str, ...]
    school_id: np.ndarray  # (m,) str
    enrolment: np.ndarray  # (m,)
    values: np.ndarray  # (m, k) indicator values, scaled
    minimums: np.ndarray  # (k,) nan where the indicator has no minimum
    below: np.ndarray  # (m, k) value < minimum
    below_floor: np.ndarray  # (m, k) value < floor_ratio * minimum (== below without a floor)
    n_met: np.ndarray | None  # (m,) minimums met, when the standard has a school rule
    passed: np.ndarray | None  # (m,) school passes the school rule
    min_met: int | None

    def shortfalls(self, g: int) -> tuple[SchoolShortfall, ...]:
        a, b = int(self.offsets[g]), int(self.offsets[g + 1])
        sr, sc = np.nonzero(self.below[a:b])
        if sr.size == 0:
            return ()
        ids = self.school_id[a:b][sr].tolist()
        vals = self.values[a:b][sr, sc].tolist()
        mins = self.minimums[sc].tolist()
        flo = self.below_floor[a:b][sr, sc].tolist()
        county = self.labels[g]
        codes = self.indicator_codes
        return tuple(
            SchoolShortfall(
                school_id=i,
                county=county,
                indicator=codes[c],
                value=v,
                minimum=mn,
                shortfall=mn - v,
                ratio=v / mn,
                below_floor=fl,
            )
            for i, c, v, mn, fl in zip(ids, sc.tolist(), vals, mins, flo, strict=True)
        )

    def failures(self, g: int) -> tuple[SchoolFailure, ...]:
        if self.passed is None or self.n_met is None or self.min_met is None:
            return ()
        a, b = int(self.offsets[g]), int(self.offsets[g + 1])
        fr = np.flatnonzero(~self.passed[a:b])
        codes = self.indicator_codes
        uf = self.below_floor[a:b] & self.below[a:b]
        return tuple(
            SchoolFailure(
                school_id=str(self.school_id[a + r]),
                county=self.labels[g],
                n_met=int(self.n_met[a + r]),
                n_required=self.min_met,
                below_floor=tuple(codes[j] for j in np.flatnonzero(uf[r]).tolist()),
            )
            for r in fr.tolist()
        )


@dataclass(frozen=True)
class CountyResult:
    """The evaluation of one county for one stage.

    ``status`` is ``"pass"``, ``"fail"``, ``"incomplete"`` (``missing="incomplete"`` and at
    least one of the county's schools lacks a value the standard needs: the county cannot be
    judged, ``n_missing`` counts those schools and :attr:`Evaluation.missing` lists what each
    lacks) or ``"no_schools"`` (no school left to evaluate). ``reasons`` explain a failure; ``notes`` flag things worth knowing that are not failures
    (``single_school``: one school has no dispersion, so every CV is 0). ``shortfalls``
    (every school below a minimum, per indicator) and ``failing_schools`` are built on first
    access from the evaluation's arrays, so a million-row evaluation stays cheap.
    """

    county: str
    stage: str
    status: str
    n_schools: int
    n_excluded: int
    enrolment: float
    indicators: tuple[IndicatorResult, ...]
    composite_cv: float | None
    composite_threshold: float | None
    n_schools_passing: int | None
    school_pass_rate: float | None
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    n_missing: int = 0
    _details: SchoolDetails | None = field(default=None, repr=False, compare=False)
    _group: int = field(default=-1, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """``True`` when ``status == "pass"``."""
        return self.status == "pass"

    @cached_property
    def shortfalls(self) -> tuple[SchoolShortfall, ...]:
        """Every (school, indicator) below its minimum, in input order then indicator order."""
        return () if self._details is None else self._details.shortfalls(self._group)

    @cached_property
    def failing_schools(self) -> tuple[SchoolFailure, ...]:
        """Schools failing the "k of m with a floor" rule (empty without a school rule)."""
        return () if self._details is None else self._details.failures(self._group)

    def indicator(self, code: str) -> IndicatorResult:
        """Return the result of indicator ``code``.

        Raises
        ------
        ValueError
            If there is no such indicator.
        """
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise ValueError(f"county {self.county!r} has no indicator {code!r}")


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`: one :class:`CountyResult` per county (sorted by code).

    ``excluded`` lists every school row left out by a rule of the standard, with a reason;
    ``missing`` every school that could not be evaluated for lack of data (``missing_values``
    with the columns it lacks; only with ``missing="incomplete"``); ``notes`` holds remarks
    about the whole run (e.g. a rule that could not be applied for lack of a column).
    """

    standard_id: str
    standard_version: int
    stage: str
    split_rule: str
    counties: tuple[CountyResult, ...]
    excluded: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    missing: tuple[Reason, ...] = ()
    _details: SchoolDetails | None = field(default=None, repr=False, compare=False)

    @cached_property
    def _by_county(self) -> Mapping[str, CountyResult]:
        return MappingProxyType({c.county: c for c in self.counties})

    def county(self, code: str) -> CountyResult:
        """Return the result of county ``code`` (compared as a string).

        Raises
        ------
        ValueError
            If the county is not in the evaluation.
        """
        try:
            return self._by_county[str(code)]
        except KeyError:
            raise ValueError(f"county {code!r} is not in this evaluation") from None

    @property
    def n_passing(self) -> int:
        """Number of counties whose status is ``"pass"``."""
        return sum(1 for c in self.counties if c.passed)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat ``dict`` per county, ready for a table or ``csv.DictWriter``.

        Columns: ``standard_id``, ``standard_version``, ``stage``, ``county``, ``status``,
        ``n_schools``, ``n_excluded``, ``n_missing``, ``enrolment``, ``composite_cv``,
        ``composite_threshold``, ``n_schools_passing``, ``school_pass_rate``, then for every
        indicator ``<code>_value``, ``<code>_cv``, ``<code>_cv_passed``,
        ``<code>_n_below_minimum``, and finally ``reason_codes`` (``;``-separated).
        """
        rows = []
        for c in self.counties:
            row: dict[str, Any] = {
                "standard_id": self.standard_id,
                "standard_version": self.standard_version,
                "stage": self.stage,
                "county": c.county,
                "status": c.status,
                "n_schools": c.n_schools,
                "n_excluded": c.n_excluded,
                "n_missing": c.n_missing,
                "enrolment": c.enrolment,
                "composite_cv": c.composite_cv,
                "composite_threshold": c.composite_threshold,
                "n_schools_passing": c.n_schools_passing,
                "school_pass_rate": c.school_pass_rate,
            }
            for ind in c.indicators:
                row[f"{ind.code}_value"] = ind.value
                row[f"{ind.code}_cv"] = ind.cv
                row[f"{ind.code}_cv_passed"] = ind.cv_passed
                row[f"{ind.code}_n_below_minimum"] = ind.n_below_minimum
            row["reason_codes"] = ";".join(r.code for r in c.reasons)
            rows.append(row)
        return rows

    def school_table(self) -> dict[str, np.ndarray]:
        """Columnar per-school results (schools grouped by county, input order within).

        Columns: ``county``, ``school_id``, ``enrolment`` (for the evaluated stage), one
        column per indicator code with the school's value, and, when the standard has a
        school rule, ``n_met`` and ``passed``.
        """
        d = self._details
        if d is None:
            return {}
        counts = np.diff(d.offsets)
        out: dict[str, np.ndarray] = {
            "county": np.repeat(np.asarray(d.labels, dtype=str), counts),
            "school_id": d.school_id.copy(),
            "enrolment": d.enrolment.copy(),
        }
        for j, code in enumerate(d.indicator_codes):
            out[code] = d.values[:, j].copy()
        if d.n_met is not None and d.passed is not None:
            out["n_met"] = d.n_met.copy()
            out["passed"] = d.passed.copy()
        return out

    def shortfall_table(self) -> dict[str, np.ndarray]:
        """Columnar list of every (school, indicator) below its minimum.

        Columns: ``county``, ``school_id``, ``indicator``, ``value``, ``minimum``,
        ``shortfall`` (minimum - value), ``ratio`` (value / minimum), ``below_floor``.
        Cheap even for a million schools (no Python object per row).
        """
        d = self._details
        names = ("county", "school_id", "indicator", "value", "minimum", "shortfall", "ratio")
        if d is None:
            return {name: np.array([]) for name in (*names, "below_floor")}
        sr, sc = np.nonzero(d.below)
        county_of_row = np.repeat(np.arange(len(d.labels)), np.diff(d.offsets))
        vals = d.values[sr, sc]
        mins = d.minimums[sc]
        return {
            "county": np.asarray(d.labels, dtype=str)[county_of_row[sr]]
            if len(d.labels)
            else np.array([], dtype=str),
            "school_id": d.school_id[sr],
            "indicator": np.asarray(d.indicator_codes, dtype=str)[sc],
            "value": vals,
            "minimum": mins,
            "shortfall": mins - vals,
            "ratio": vals / mins,
            "below_floor": d.below_floor[sr, sc],
        }

    def shortfall_rows(self) -> list[dict[str, Any]]:
        """:meth:`shortfall_table` as one ``dict`` per row (plus ``standard_id``, ``stage``)."""
        t = self.shortfall_table()
        cols = {k: v.tolist() for k, v in t.items()}
        n = len(cols["value"])
        return [
            {"standard_id": self.standard_id, "stage": self.stage} | {k: cols[k][i] for k in cols}
            for i in range(n)
        ]
