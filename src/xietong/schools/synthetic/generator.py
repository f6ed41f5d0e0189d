"""The entry point :func:`generate` and the checks of its input."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from .assumptions import MAX_YEAR, MIN_YEAR, ST
from .calibration import CALIBRATION
from .model import CountyModel, Parts, Provinces, SchoolDraw, SchoolTotals, Staffing, school_counts
from .names import named_schools, school_coordinates
from .resources import Resources, teachers_by_stage_taught
from .sampling import COMPULSORY_STAGES, operating_funds, transfers_out
from .vocabulary import INDICATORS, KINDS, CountySpec, SyntheticRegion


def _validate(counties: Sequence[CountySpec], years: Sequence[int], seed: int, scale: float):
    """Check the arguments of :func:`generate`; return the years, ascending."""
    if isinstance(seed, bool) or not isinstance(seed, int | np.integer) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
    if isinstance(scale, bool) or not isinstance(scale, int | float | np.floating):
        raise ValueError(f"scale must be a number in (0, 1], got {scale!r}")
    if not (0.0 < float(scale) <= 1.0) or not math.isfinite(float(scale)):
        raise ValueError(f"scale must be in (0, 1], got {scale!r}")
    ys = _validate_years(years)
    if isinstance(counties, CountySpec) or len(counties) == 0:
        raise ValueError("counties must be a non-empty sequence of CountySpec")
    seen: set[str] = set()
    for c in counties:
        if not isinstance(c, CountySpec):
            raise ValueError(f"counties must hold CountySpec objects, got {type(c).__name__}")
        _validate_county(c, seen)
    return sorted(ys)


def _validate_years(years: Sequence[int]) -> list[int]:
    if isinstance(years, str | bytes) or len(years) == 0:
        raise ValueError("years must be a non-empty sequence of integers")
    ys = []
    for y in years:
        if isinstance(y, bool) or not isinstance(y, int | np.integer):
            raise ValueError(f"years must be integers, got {y!r}")
        if not MIN_YEAR <= int(y) <= MAX_YEAR:
            raise ValueError(f"year out of range {MIN_YEAR}..{MAX_YEAR}: {y!r}")
        ys.append(int(y))
    if len(set(ys)) != len(ys):
        raise ValueError("years must not repeat")
    return ys


def _validate_county(c: CountySpec, seen: set[str]) -> None:
    """Check one county (code, parents, calibration, kind, name); add its code to ``seen``."""
    code = c.code
    if not (isinstance(code, str) and len(code) == 12 and code.isdigit() and code.isascii()):
        raise ValueError(f"county code must be 12 digits: {code!r}")
    if code[6:] != "000000" or code[4:6] == "00":
        raise ValueError(f"not a county-level code: {code!r}")
    if code in seen:
        raise ValueError(f"county listed twice: {code}")
    seen.add(code)
    if c.province_code != code[:2] + "0" * 10:
        raise ValueError(f"province_code {c.province_code!r} does not contain {code}")
    if c.prefecture_code != code[:4] + "0" * 8:
        raise ValueError(f"prefecture_code {c.prefecture_code!r} does not contain {code}")
    if c.province_code not in CALIBRATION:
        raise ValueError(f"no calibration for province {c.province_code} (county {code})")
    if c.kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {c.kind!r} ({code})")
    if not isinstance(c.name_zh, str) or not c.name_zh.strip():
        raise ValueError(f"county {code} has no name")
    _validate_coordinates(c)


def _validate_coordinates(c: CountySpec) -> None:
    code = c.code
    if (c.lon is None) != (c.lat is None):
        raise ValueError(f"county {code}: give both lon and lat or neither")
    if c.lon is not None:
        lon, lat = float(c.lon), float(c.lat)
        if not (math.isfinite(lon) and math.isfinite(lat)):
            raise ValueError(f"county {code}: coordinates must be finite")
        if not (-180.0 <= lon <= 180.0 and -90.0 <= lat <= 90.0):
            raise ValueError(f"county {code}: coordinates out of range")


# ---------------------------------------------------------------------------------------------
# Generator
# ---------------------------------------------------------------------------------------------


def generate(
    counties: Sequence[CountySpec],
    years: Sequence[int],
    *,
    seed: int = 2024,
    scale: float = 1.0,
) -> SyntheticRegion:
    """Generate synthetic schools and yearly statistics for the given counties.

    Parameters
    ----------
    counties : sequence of CountySpec
        County-level divisions of the seven member provinces (placeholders such as 市辖区
        excluded). Every county gets schools. When at least 90% of a province's county-level
        units (:attr:`ProvinceCalibration.county_units`) are given, the province totals equal
        the calibration; with fewer, the totals shrink in proportion so that a sample of
        counties keeps realistically sized schools.
    years : sequence of int
        Years to generate, 2000-2040 (returned ascending). Each province's totals equal the
        calibration in its :attr:`ProvinceCalibration.reference_year` and follow a documented
        trend in other years.
    seed : int, optional
        Seed of the numpy random generator; equal inputs give identical output.
    scale : float, optional
        In (0, 1]: multiplies the number of schools while students and teachers keep the
        province totals (schools become proportionally larger). Every county keeps at least
        one primary and one junior school.

    Returns
    -------
    SyntheticRegion
        Schools, years, indicator codes, the value array and the per-stage teacher split.

    Raises
    ------
    ValueError
        On malformed counties (codes, parents, kind, coordinates, unknown province),
        repeated or out-of-range years, a negative seed or a scale outside (0, 1].

    Notes
    -----
    ``students_primary/junior/senior`` break ``students`` down by stage: a nine-year school has
    primary and junior students, a complete secondary school junior and senior, a twelve-year
    school all three. Vocational schools count their students as ``students_senior`` (they are
    senior-secondary students); special-education schools have an all-zero breakdown, because
    the published stage totals exclude them.
    """
    year_list = _validate(counties, years, seed, scale)
    scale = float(scale)
    rng = np.random.default_rng(seed)
    counties = list(counties)
    # Every step draws from ``rng`` in a fixed order: equal inputs give identical output.
    prov = Provinces.of(counties)
    cm = CountyModel.draw(rng, counties, prov)
    counts, tp_counts = school_counts(prov, cm, scale)
    sch = SchoolDraw.draw(rng, counts, tp_counts, cm, prov, scale)
    parts = Parts.of(sch)
    staff = Staffing.draw(rng, prov, cm, sch, parts, year_list, scale)
    tot = SchoolTotals.of(sch, parts, staff)
    res = Resources.draw(rng, prov, cm, sch, tot, np.array(year_list, dtype=np.int64), scale)
    funds, boarding = operating_funds(
        rng,
        provinces=np.array(prov.codes, dtype=object)[sch.s_prov],
        prosperity=cm.prosperity[sch.county_of],
        loc_of=sch.loc_of,
        is_tp=sch.is_tp,
        primary=tot.students_by_stage[:, :, 0],
        junior=tot.students_by_stage[:, :, 1],
        compulsory=np.isin(sch.stage_of, [ST[s] for s in COMPULSORY_STAGES]),
    )
    transferred = transfers_out(
        int(seed),
        students=tot.students,
        loc_of=sch.loc_of,
        compulsory=np.isin(sch.stage_of, [ST[s] for s in COMPULSORY_STAGES]),
    )
    sbs = tot.students_by_stage
    values = np.stack(
        [
            tot.students,
            sbs[:, :, 0],
            sbs[:, :, 1],
            sbs[:, :, 2] + sbs[:, :, 3],
            tot.classes,
            tot.teachers,
            res.qualified,
            res.backbone,
            res.pe_arts,
            res.title,
            res.building,
            res.sports,
            res.instrument,
            res.multimedia,
            res.computers,
            res.books,
            res.expenditure,
            funds,
            boarding,
            *teachers_by_stage_taught(sch, tot, res),
            transferred,
        ],
        axis=2,
    ).astype(np.float64)
    lons, lats = school_coordinates(rng, counties, prov, sch)
    return SyntheticRegion(
        schools=named_schools(counties, sch, lons, lats, int(seed)),
        years=tuple(year_list),
        indicators=INDICATORS,
        values=values,
        seed=int(seed),
        teachers_by_stage=tot.teachers_by_stage,
    )
