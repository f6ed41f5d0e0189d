"""Which school rows take part in the evaluation of a stage, and with what counts.

Applies the standard's exclusions (school stages, small teaching points, combined schools under
``split_rule="exclude"``, no enrolment), withdraws rows that lack data under
``missing="incomplete"``, and splits a combined school's counts by the split rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .model import STAGE_ENROLMENT, STAGE_PARTS, Standard
from .results import Reason
from .table import SchoolTable

__all__ = ["Selection", "select", "stage_counts"]


@dataclass
class Selection:
    """Working state of :func:`evaluate`: which rows take part, and why others do not."""

    table: SchoolTable
    teaches: np.ndarray  # (n,) row takes part in the evaluated stage
    combined: np.ndarray  # (n,) ... and is a combined school
    enrol: np.ndarray  # (n,) enrolment of the evaluated stage
    share: np.ndarray  # (n,) proportional share of a combined school's counts
    ex_mask: np.ndarray  # (n,) row excluded with a reason
    miss_mask: np.ndarray  # (n,) row lacks data the standard needs (missing="incomplete")
    excluded: list[Reason] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)
    missing: list[Reason] = field(default_factory=list)

    def withdraw_missing(self, columns: Mapping[int, list[str]]) -> None:
        """Take rows that lack values out of the evaluation, recording what each lacks."""
        ids = self.table.ids()
        for i in sorted(columns):
            self.missing.append(
                Reason.of(
                    "missing_values",
                    school_id=ids[i],
                    county=str(self.table.county[i]),
                    columns=sorted(set(columns[i])),
                )
            )
            self.miss_mask[i] = True
        self.teaches &= ~self.miss_mask
        self.combined &= self.teaches

    def exclude(
        self,
        mask: np.ndarray,
        code: str,
        per_row: Mapping[str, np.ndarray] | None = None,
        **kw: Any,
    ) -> None:
        rows = np.flatnonzero(mask & ~self.ex_mask)
        ids = self.table.ids()
        counties = self.table.county[rows].tolist()
        extra = {key: arr[rows].tolist() for key, arr in (per_row or {}).items()}
        for t, (i, c) in enumerate(zip(rows.tolist(), counties, strict=True)):
            row_params = {key: vals[t] for key, vals in extra.items()}
            self.excluded.append(Reason.of(code, school_id=ids[i], county=c, **kw, **row_params))
        self.ex_mask[rows] = True
        self.teaches &= ~self.ex_mask
        self.combined &= self.teaches


def _row_columns(std: Standard, stage: str, split_rule: str, kind: str) -> list[str]:
    """The columns a row of school kind ``kind`` needs to be evaluated for ``stage``."""
    parts = STAGE_PARTS[kind]
    codes = sorted(
        {c for ind in std.indicators for c in (ind.numerator, ind.denominator)} - {"students"}
    )
    if len(parts) <= 1:
        return ["students", *codes]
    cols = [STAGE_ENROLMENT[stage]]
    if split_rule in ("proportional", "physical_weighted"):
        cols += [STAGE_ENROLMENT[p] for p in parts if p != stage]
    for code in codes:
        split = split_rule == "proportional" or (
            split_rule == "physical_weighted" and code in std.combined.physical_items
        )
        cols.append(code if split else f"{code}_{stage}")
    return cols


def _missing_values(
    std: Standard, table: SchoolTable, sel: Selection, stage: str, split_rule: str
) -> dict[int, list[str]]:
    """Rows taking part in ``stage`` whose needed values are NaN, with those columns. A column
    absent from the table altogether is left to the checks that raise (a malformed table)."""
    stage_of = table.stage()
    found: dict[int, list[str]] = {}
    for kind, parts in STAGE_PARTS.items():
        rows = sel.teaches & (stage_of == kind)
        if stage not in parts or not rows.any():
            continue
        for col in _row_columns(std, stage, split_rule, kind):
            if col not in table.keys:
                continue
            for i in np.flatnonzero(rows & np.isnan(table.numeric(col))).tolist():
                found.setdefault(i, []).append(col)
    return found


def select(
    std: Standard, table: SchoolTable, stage: str, split_rule: str, missing: str = "raise"
) -> Selection:
    """Decide which rows take part in ``stage``, their enrolment and split share."""
    stage_of = table.stage()
    sel = _start(table, stage_of, stage)
    for kind in std.exclusions.school_stages:
        m = stage_of == kind
        if m.any():
            sel.exclude(m, "excluded_school_stage", school_stage=kind)
    if split_rule == "exclude" and sel.combined.any():
        sel.exclude(sel.combined, "combined_school_excluded", stage=stage)
    students = table.numeric("students")
    _set_enrolment(table, sel, stage_of, stage, students, missing)
    _exclude_small_teaching_points(std, table, sel, students)
    if missing == "incomplete":
        found = _missing_values(std, table, sel, stage, split_rule)
        if found:
            sel.withdraw_missing(found)
    if split_rule in ("proportional", "physical_weighted") and sel.combined.any():
        _set_split_shares(std, table, sel, stage_of, stage)
    return sel


def _start(table: SchoolTable, stage_of: np.ndarray, stage: str) -> Selection:
    """Every row of a kind of school that teaches ``stage``, nothing excluded yet."""
    n = table.n
    teaches = np.zeros(n, dtype=bool)
    combined = np.zeros(n, dtype=bool)
    for kind, parts in STAGE_PARTS.items():
        if stage in parts:
            m = stage_of == kind
            teaches |= m
            if len(parts) > 1:
                combined |= m
    return Selection(
        table=table,
        teaches=teaches,
        combined=combined,
        enrol=np.full(n, np.nan),
        share=np.ones(n),
        ex_mask=np.zeros(n, dtype=bool),
        miss_mask=np.zeros(n, dtype=bool),
    )


def _set_enrolment(
    table: SchoolTable,
    sel: Selection,
    stage_of: np.ndarray,
    stage: str,
    students: np.ndarray,
    missing: str,
) -> None:
    """The enrolment of ``stage`` (a combined school's from its breakdown column); rows
    without one are excluded (``no_enrolment``) or, when unknown under ``missing="incomplete"``,
    withdrawn."""
    single = sel.teaches & ~sel.combined
    sel.enrol[single] = students[single]
    if sel.combined.any():
        col = STAGE_ENROLMENT[stage]
        if col not in table.keys:
            i = int(np.flatnonzero(sel.combined)[0])
            raise ValueError(
                f"schools {table.row_name(i)} is a {str(stage_of[i])} school but there is no "
                f"{col!r} column to take its {stage} enrolment from"
            )
        sel.enrol[sel.combined] = table.numeric(col)[sel.combined]
    if missing == "incomplete":
        # An unknown enrolment is missing data, not "no enrolment": the school still counts.
        unknown = sel.teaches & np.isnan(sel.enrol)
        if unknown.any():
            cols = np.where(sel.combined, STAGE_ENROLMENT[stage], "students")
            sel.withdraw_missing({i: [str(cols[i])] for i in np.flatnonzero(unknown).tolist()})
    no_enrol = sel.teaches & ~(np.isfinite(sel.enrol) & (sel.enrol > 0))
    if no_enrol.any():
        sel.exclude(no_enrol, "no_enrolment", stage=stage)


def _exclude_small_teaching_points(
    std: Standard, table: SchoolTable, sel: Selection, students: np.ndarray
) -> None:
    """The standard's teaching-point rule, or a note that the table cannot apply it."""
    tp_min = std.exclusions.teaching_point_min_students
    if tp_min is None:
        return
    if "teaching_point" not in table.keys:
        sel.notes.append(
            Reason.of(
                "teaching_point_rule_not_applied",
                min_students=tp_min,
                missing_column="teaching_point",
            )
        )
        return
    small = table.flag("teaching_point") & sel.teaches & ~(students >= tp_min)
    if small.any():
        sel.exclude(
            small,
            "small_teaching_point",
            per_row={"students": students},
            min_students=tp_min,
        )


def _set_split_shares(
    std: Standard, table: SchoolTable, sel: Selection, stage_of: np.ndarray, stage: str
) -> None:
    """A combined school's share of ``stage``: ``w_s * students_s / sum_t(w_t * students_t)``."""
    denom = np.zeros(table.n)
    for kind, parts in STAGE_PARTS.items():
        m = sel.combined & (stage_of == kind)
        if not m.any():
            continue
        for part in parts:
            col = STAGE_ENROLMENT[part]
            if col not in table.keys:
                i = int(np.flatnonzero(m)[0])
                raise ValueError(
                    f"schools {table.row_name(i)} is a {kind} school; splitting it "
                    f"proportionally needs the {col!r} column"
                )
            vals = table.numeric(col)
            table.check_values(vals[m], np.flatnonzero(m), col)
            denom[m] += std.split_weights[part] * vals[m]
    c = sel.combined
    sel.share[c] = std.split_weights[stage] * sel.enrol[c] / denom[c]


def stage_counts(
    std: Standard, table: SchoolTable, sel: Selection, stage: str, split_rule: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numerator and denominator matrices ``(m, k)`` for the participating rows."""
    rows = np.flatnonzero(sel.teaches)
    comb = sel.combined[rows]
    enrol = sel.enrol[rows]
    share = sel.share[rows]
    cache: dict[str, np.ndarray] = {}

    def counts(code: str) -> np.ndarray:
        if code == "students":
            return enrol
        if code in cache:
            return cache[code]
        if code not in table.keys:
            raise ValueError(f"schools has no {code!r} column, which standard {std.id!r} needs")
        raw = table.numeric(code)[rows]
        if split_rule == "proportional" or (
            split_rule == "physical_weighted" and code in std.combined.physical_items
        ):
            table.check_values(raw, rows, code)
            out = raw * share
        else:  # per-stage columns ("exclude" has no combined rows left)
            out = raw.copy()
            table.check_values(raw[~comb], rows[~comb], code)
            if comb.any():
                col = f"{code}_{stage}"
                if col not in table.keys:
                    i = int(rows[np.flatnonzero(comb)[0]])
                    raise ValueError(
                        f"split_rule={split_rule!r} needs a {col!r} column for combined "
                        f"schools (first: {table.row_name(i)})"
                    )
                staged = table.numeric(col)[rows[comb]]
                table.check_values(staged, rows[comb], col)
                out[comb] = staged
        cache[code] = out
        return out

    k = len(std.indicators)
    num = np.empty((rows.size, k))
    den = np.empty((rows.size, k))
    for j, ind in enumerate(std.indicators):
        num[:, j] = counts(ind.numerator)
        den[:, j] = counts(ind.denominator)
        zero = den[:, j] <= 0
        if zero.any():
            i = int(rows[np.flatnonzero(zero)[0]])
            raise ValueError(
                f"schools {table.row_name(i)}: indicator {ind.code!r} has a zero denominator "
                f"({ind.denominator!r})"
            )
    return rows, num, den
