"""The registry model: provinces, counties, schools and their stage parts, staffing and
students by year, in the order :func:`generate` draws them."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from .assumptions import (
    CLASS_SIZE,
    CORE_DISTRICTS,
    COUNTY_ADJ,
    KIND_ADJ,
    KIND_LOCATION,
    KIND_WEIGHT,
    MIN_CLASSES,
    MIN_PART_STUDENTS,
    PREFECTURE_ADJ,
    PROFILES,
    ST,
    STAGE_LOCATION_MULT,
    STAGE_PARTS,
    Profile,
    student_growth,
    teacher_growth,
    trend_factor,
)
from .calibration import CALIBRATION, SPECIAL_RATIO, VOCATIONAL_RATIO, ProvinceCalibration
from .sampling import allocate, allocate_counts, stratified_normal, stratified_uniform
from .vocabulary import STAGES, CountySpec


@dataclass(frozen=True)
class Provinces:
    """The provinces present, each county's province and the calibration that applies."""

    codes: list[str]
    c_prov: np.ndarray  # (n_c,) province index of each county
    coverage: np.ndarray  # (n_p,) share of the province's totals the given counties carry
    cal: list[ProvinceCalibration]
    prof: list[Profile]

    @classmethod
    def of(cls, counties: Sequence[CountySpec]) -> Provinces:
        codes = sorted({c.province_code for c in counties})
        index = {p: i for i, p in enumerate(codes)}
        c_prov = np.array([index[c.province_code] for c in counties], dtype=np.int64)
        per_prov = np.bincount(c_prov, minlength=len(codes))
        coverage = np.array(
            [
                1.0
                if per_prov[i] >= 0.9 * CALIBRATION[p].county_units
                else per_prov[i] / CALIBRATION[p].county_units
                for i, p in enumerate(codes)
            ]
        )
        cal = [CALIBRATION[p] for p in codes]
        return cls(codes, c_prov, coverage, cal, [PROFILES[p[:2]] for p in codes])


@dataclass(frozen=True)
class CountyModel:
    """Per-county prosperity, spread, weight and location probabilities (before stages)."""

    core: np.ndarray
    prosperity: np.ndarray
    sigma: np.ndarray
    gap: np.ndarray
    weight: np.ndarray
    loc_base: np.ndarray  # (n_c, 3) urban / town / rural
    size_mult: np.ndarray  # (n_c, 3)
    count_weight: np.ndarray

    @classmethod
    def draw(
        cls, rng: np.random.Generator, counties: Sequence[CountySpec], prov: Provinces
    ) -> CountyModel:
        n_c, c_prov, prof = len(counties), prov.c_prov, prov.prof
        kinds = [c.kind for c in counties]
        core = np.array([c.code[:6] in CORE_DISTRICTS for c in counties])
        prosperity = np.array(
            [
                prof[c_prov[i]].prosperity
                + PREFECTURE_ADJ.get(c.code[:4], 0.0)
                + COUNTY_ADJ.get(c.code[:6], 0.0)
                + KIND_ADJ[c.kind]
                for i, c in enumerate(counties)
            ]
        )
        prosperity = np.clip(prosperity + rng.normal(0.0, 0.05, n_c), 0.05, 0.98)
        sigma = 0.12 + 0.5 * (1.0 - prosperity) ** 1.2 + rng.uniform(0.0, 0.15, n_c)
        gap = 0.5 + 1.2 * (1.0 - prosperity)
        weight = rng.lognormal(0.0, 0.45, n_c) * np.array([KIND_WEIGHT[k] for k in kinds])
        weight = np.where(core, weight * 0.6, weight)
        loc_base = np.array([KIND_LOCATION[k] for k in kinds])
        loc_base[:, 2] *= np.array([prof[c_prov[i]].rural_mult for i in range(n_c)])
        loc_base[core] = (1.0, 0.0, 0.0)
        loc_base /= loc_base.sum(axis=1, keepdims=True)
        size_mult = np.array([prof[c_prov[i]].size_mult for i in range(n_c)])
        mean_size = (loc_base * size_mult).sum(axis=1)
        return cls(core, prosperity, sigma, gap, weight, loc_base, size_mult, weight / mean_size)


def school_counts(prov: Provinces, cm: CountyModel, scale: float) -> tuple[np.ndarray, np.ndarray]:
    """Schools per county and stage ``(n_c, n_stages)``, and teaching points per county."""
    n_c = cm.weight.size
    counts = np.zeros((n_c, len(STAGES)), dtype=np.int64)
    tp_counts = np.zeros(n_c, dtype=np.int64)
    for pi, (k, pr) in enumerate(zip(prov.cal, prov.prof, strict=True)):
        idx = np.flatnonzero(prov.c_prov == pi)
        f = prov.coverage[pi] * scale
        w = cm.count_weight[idx]
        n_junior_cap = k.junior_schools * f
        n_senior_cap = k.senior_schools * f
        plan = {
            "primary": (k.primary_schools * f, 1),
            "junior": (n_junior_cap * (1.0 - pr.nine_year_share), 1),
            "nine_year": (n_junior_cap * pr.nine_year_share, 0),
            "senior": (n_senior_cap * (1.0 - pr.complete_share - pr.twelve_share), 0),
            "complete_secondary": (n_senior_cap * pr.complete_share, 0),
            "twelve_year": (n_senior_cap * pr.twelve_share, 0),
            "vocational": (k.vocational_schools * f, 0),
            "special": (k.special_schools * f, 0),
        }
        for stage, (n_float, minimum) in plan.items():
            n_total = int(round(n_float))
            if stage == "senior" and n_total >= 1.5 * idx.size:
                minimum = 1
            weights = w if stage in ("primary", "nine_year") else cm.weight[idx]
            counts[idx, ST[stage]] = allocate_counts(n_total, weights, minimum)
        n_tp = int(round(k.primary_schools * pr.teaching_point_rate * f))
        tp_counts[idx] = allocate_counts(n_tp, cm.weight[idx] * cm.loc_base[idx, 2], 0)
    return counts, tp_counts


@dataclass(frozen=True)
class SchoolDraw:
    """One row per school, ordered within a county by stage, teaching points last, location."""

    stage_of: np.ndarray
    county_of: np.ndarray
    is_tp: np.ndarray
    loc_of: np.ndarray
    private: np.ndarray
    s_prov: np.ndarray

    @property
    def n(self) -> int:
        return self.stage_of.size

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        counts: np.ndarray,
        tp_counts: np.ndarray,
        cm: CountyModel,
        prov: Provinces,
        scale: float,
    ) -> SchoolDraw:
        n_c = counts.shape[0]
        # teaching points are primary schools flagged separately, listed after the primaries
        stage_of = np.repeat(np.tile(np.arange(len(STAGES)), n_c), counts.ravel())
        county_of = np.repeat(np.repeat(np.arange(n_c), len(STAGES)), counts.ravel())
        tp_county = np.repeat(np.arange(n_c), tp_counts)
        stage_of = np.concatenate([stage_of, np.zeros(tp_county.size, dtype=np.int64)])
        county_of = np.concatenate([county_of, tp_county])
        is_tp = np.concatenate(
            [np.zeros(stage_of.size - tp_county.size, bool), np.ones(tp_county.size, bool)]
        )
        # location
        urb_mult = np.array([STAGE_LOCATION_MULT[s][0] for s in STAGES])[stage_of]
        rur_mult = np.array([STAGE_LOCATION_MULT[s][1] for s in STAGES])[stage_of]
        lp = cm.loc_base[county_of].copy()
        lp[:, 0] *= urb_mult
        lp[:, 2] *= rur_mult
        lp /= lp.sum(axis=1, keepdims=True)
        strata = county_of * len(STAGES) + stage_of + np.where(is_tp, 10_000_000, 0)
        u = stratified_uniform(rng, strata, scale)
        loc_of = (u[:, None] > np.cumsum(lp, axis=1)[:, :2]).sum(axis=1)
        loc_of = np.where(is_tp, 2, loc_of)
        # ownership
        s_prov = prov.c_prov[county_of]
        priv_table = np.array([pr.private_share for pr in prov.prof])  # (n_p, 4)
        stage_priv_col = np.array([0, 1, 1, 2, 2, 2, 3, 0])[stage_of]
        p_priv = priv_table[s_prov, stage_priv_col] * np.array([1.6, 1.0, 0.2])[loc_of]
        p_priv = np.where(is_tp | (stage_of == ST["special"]), 0.0, p_priv)
        private = rng.random(stage_of.size) < p_priv
        order = np.lexsort((loc_of, is_tp, stage_of, county_of))
        return cls(*(a[order] for a in (stage_of, county_of, is_tp, loc_of, private, s_prov)))

    def strata(self) -> np.ndarray:
        """County x stage: the groups within which draws are stratified."""
        return self.county_of * len(STAGES) + self.stage_of


@dataclass(frozen=True)
class Parts:
    """Stage components of schools (a nine-year school has a primary and a junior part)."""

    school: np.ndarray
    stage: np.ndarray  # 0 primary, 1 junior, 2 senior, 3 vocational, 4 special
    mult: np.ndarray
    prov: np.ndarray
    group: np.ndarray  # province x stage
    loc: np.ndarray
    tp: np.ndarray

    @classmethod
    def of(cls, sch: SchoolDraw) -> Parts:
        school_l, stage_l, mult_l = [], [], []
        for st_i, st in enumerate(STAGES):
            rows = np.flatnonzero(sch.stage_of == st_i)
            for part, mult in STAGE_PARTS[st]:
                school_l.append(rows)
                stage_l.append(np.full(rows.size, part, dtype=np.int64))
                mult_l.append(np.full(rows.size, mult))
        school = np.concatenate(school_l)
        porder = np.argsort(school, kind="stable")
        school = school[porder]
        stage = np.concatenate(stage_l)[porder]
        p_prov = sch.s_prov[school]
        return cls(
            school=school,
            stage=stage,
            mult=np.concatenate(mult_l)[porder],
            prov=p_prov,
            group=p_prov * 5 + stage,
            loc=sch.loc_of[school],
            tp=sch.is_tp[school],
        )


def _reference_totals(prov: Provinces, parts: Parts) -> tuple[np.ndarray, np.ndarray]:
    """Students and teachers of each province x stage group in the reference year."""
    n_groups = len(prov.codes) * 5
    stud_tot = np.zeros(n_groups)
    teach_tot = np.zeros(n_groups)
    for pi, k in enumerate(prov.cal):
        cv = prov.coverage[pi]
        stud = (
            k.primary_students,
            k.junior_students,
            k.senior_students,
            k.vocational_students,
            k.special_students,
        )
        teach = (
            k.primary_teachers,
            k.junior_teachers,
            k.senior_teachers,
            k.vocational_students / VOCATIONAL_RATIO,
            k.special_students / SPECIAL_RATIO,
        )
        for part in range(5):
            stud_tot[pi * 5 + part] = stud[part] * cv
            teach_tot[pi * 5 + part] = teach[part] * cv
    present = np.bincount(parts.group, minlength=n_groups) > 0
    return np.where(present, stud_tot, 0.0), np.where(present, teach_tot, 0.0)


def _group_trend(
    growth: Callable[[int, int], float], n_p: int, year: int, ref_year: np.ndarray
) -> np.ndarray:
    """The trend factor of every province x stage group in ``year``."""
    return np.array(
        [trend_factor(growth, g % 5, year, int(ref_year[g // 5])) for g in range(n_p * 5)]
    )


@dataclass(frozen=True)
class Staffing:
    """Students, classes and teachers of every school part and year."""

    students: np.ndarray  # (n_parts, n_y) int64
    teachers: np.ndarray  # (n_parts, n_y) int64
    classes: np.ndarray  # (n_parts, n_y) int64
    students_ref: np.ndarray  # (n_parts,) reference-year enrolment: stocks are sized on it
    class_size: np.ndarray  # (n_parts,)
    s_students_ref: np.ndarray  # (n_s,)
    stage_median: np.ndarray  # (n_s,) median reference enrolment of the school's stage

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        prov: Provinces,
        cm: CountyModel,
        sch: SchoolDraw,
        parts: Parts,
        year_list: list[int],
        scale: float,
    ) -> Staffing:
        strata = sch.strata()
        # school size factor
        noise = stratified_normal(rng, strata, scale)
        z = cm.size_mult[sch.county_of, sch.loc_of] * np.exp(0.5 * noise)
        stud_tot, teach_tot = _reference_totals(prov, parts)
        ref_year = np.array([k.reference_year for k in prov.cal], dtype=np.int64)
        # teaching points: fixed small enrolment
        tp_students = rng.integers(12, 50, parts.school.size)
        p_min = np.where(parts.tp, tp_students, MIN_PART_STUDENTS[parts.stage])
        p_weight = np.where(parts.tp, 0.0, z[parts.school] * parts.mult)
        # per-school yearly noise of enrolment, student/teacher ratio noise, class sizes
        year_noise = rng.normal(0.0, 0.02, (sch.n, len(year_list)))
        r_noise = stratified_normal(rng, strata, scale) * 0.5 * cm.sigma[sch.county_of]
        class_mult = np.array([pr.class_mult for pr in prov.prof])[sch.s_prov]
        class_size = (
            CLASS_SIZE[parts.stage, parts.loc]
            * class_mult[parts.school]
            * rng.lognormal(0.0, 0.08, parts.school.size)
        )
        ref_alloc = allocate(np.round(stud_tot).astype(np.int64), parts.group, p_weight, p_min)
        students = _students_by_year(
            parts, sch, stud_tot, ref_alloc, tp_students, year_noise, year_list, ref_year
        )
        students_ref = ref_alloc.astype(np.float64)
        classes = _classes(parts, students, class_size)
        s_students_ref = np.bincount(parts.school, weights=students_ref, minlength=sch.n)
        stage_median = np.ones(sch.n)
        for st_i in range(len(STAGES)):
            m = sch.stage_of == st_i
            if m.any():
                stage_median[m] = np.median(s_students_ref[m])
        size_rel = np.maximum(s_students_ref, 1.0) / stage_median
        r_loc = np.array([0.12, 0.0, -0.30])[sch.loc_of]
        r_rel = np.exp(r_loc + r_noise) * size_rel**0.12
        teachers = np.zeros((parts.school.size, len(year_list)), dtype=np.int64)
        for yi, y in enumerate(year_list):
            trend = _group_trend(teacher_growth, len(prov.codes), y, ref_year)
            tot = np.round(teach_tot * trend).astype(np.int64)
            mins = np.where(
                parts.tp,
                np.maximum(1, np.round(students[:, yi] / 15.0)).astype(np.int64),
                np.maximum(1, np.round(0.9 * classes[:, yi])).astype(np.int64),
            )
            w = np.where(parts.tp, 0.0, students[:, yi] / r_rel[parts.school])
            teachers[:, yi] = allocate(tot, parts.group, w, mins)
        return cls(
            students, teachers, classes, students_ref, class_size, s_students_ref, stage_median
        )


def _students_by_year(
    parts: Parts,
    sch: SchoolDraw,
    stud_tot: np.ndarray,
    ref_alloc: np.ndarray,
    tp_students: np.ndarray,
    year_noise: np.ndarray,
    year_list: list[int],
    ref_year: np.ndarray,
) -> np.ndarray:
    """Enrolment of every part and year.

    The reference-year allocation gives the exact province totals; other years move each
    school by its location drift (urban schools grow, rural shrink) and a little noise, then
    are re-normalised to the trend of the total.
    """
    n_p = len(ref_year)
    loc_drift = np.array([0.01, 0.0, -0.03])[sch.loc_of]
    p_students = np.zeros((parts.school.size, len(year_list)), dtype=np.int64)
    for yi, y in enumerate(year_list):
        dy = y - ref_year[parts.prov]
        trend = _group_trend(student_growth, n_p, y, ref_year)
        tot = np.round(stud_tot * trend).astype(np.int64)
        is_ref = dy == 0
        if np.all(is_ref):
            p_students[:, yi] = ref_alloc
            continue
        w = ref_alloc * np.exp(
            loc_drift[parts.school] * dy + np.where(is_ref, 0.0, year_noise[parts.school, yi])
        )
        mins = np.where(
            parts.tp,
            np.maximum(5, np.round(tp_students * 0.97 ** np.maximum(dy, 0))).astype(np.int64),
            MIN_PART_STUDENTS[parts.stage],
        )
        w = np.where(parts.tp, 0.0, w)
        alloc = allocate(tot, parts.group, w, mins)
        # provinces in their reference year keep the reference allocation exactly
        p_students[:, yi] = np.where(is_ref, ref_alloc, alloc)
    return p_students


def _classes(parts: Parts, students: np.ndarray, class_size: np.ndarray) -> np.ndarray:
    p_classes = np.maximum(1, np.round(students / class_size[:, None])).astype(np.int64)
    min_classes = MIN_CLASSES[parts.stage][:, None]
    need_min = students >= 10 * min_classes
    p_classes = np.where(need_min, np.maximum(p_classes, min_classes), p_classes)
    tp_classes = np.clip(np.ceil(students / 12.0), 1, 4).astype(np.int64)
    return np.where(parts.tp[:, None], tp_classes, p_classes)


@dataclass(frozen=True)
class SchoolTotals:
    """School-level sums of the parts, by stage where needed."""

    students: np.ndarray  # (n_s, n_y)
    teachers: np.ndarray
    classes: np.ndarray
    students_by_stage: np.ndarray  # (n_s, n_y, 5)
    teachers_by_stage: np.ndarray  # (n_s, n_y, 5)
    students_ref: np.ndarray  # (n_s,) at least 1
    classes_ref: np.ndarray  # (n_s,)
    mix: np.ndarray  # (n_s, 5) stage mix (fractions of the reference enrolment)
    stage_median: np.ndarray  # (n_s,)

    @classmethod
    def of(cls, sch: SchoolDraw, parts: Parts, staff: Staffing) -> SchoolTotals:
        n_s, n_y = sch.n, staff.students.shape[1]

        def school_sum(a: np.ndarray, mask: np.ndarray | None = None) -> np.ndarray:
            out = np.zeros((n_s, n_y))
            sel = slice(None) if mask is None else mask
            np.add.at(out, parts.school[sel], a[sel])
            return out

        students = staff.students.astype(np.float64)
        teachers = staff.teachers.astype(np.float64)
        teachers_by_stage = np.zeros((n_s, n_y, 5))
        students_by_stage = np.zeros((n_s, n_y, 5))
        for part in range(5):
            teachers_by_stage[:, :, part] = school_sum(teachers, parts.stage == part)
            students_by_stage[:, :, part] = school_sum(students, parts.stage == part)
        ref_classes = np.maximum(1, np.round(staff.students_ref / staff.class_size))
        mix = np.zeros((n_s, 5))
        np.add.at(mix, (parts.school, parts.stage), staff.students_ref)
        mix /= np.maximum(mix.sum(axis=1, keepdims=True), 1.0)
        return cls(
            students=school_sum(students),
            teachers=school_sum(teachers),
            classes=school_sum(staff.classes.astype(np.float64)),
            students_by_stage=students_by_stage,
            teachers_by_stage=teachers_by_stage,
            students_ref=np.maximum(staff.s_students_ref, 1.0),
            classes_ref=school_sum(ref_classes[:, None].astype(np.float64))[:, 0],
            mix=mix,
            stage_median=staff.stage_median,
        )
