"""The public vocabularies of the synthetic registry (indicator, stage, location and
ownership codes) and the data classes it returns."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from xietong.algorithms.indicators import RAW_CODES

# ---------------------------------------------------------------------------------------------
# Public vocabularies
# ---------------------------------------------------------------------------------------------

#: Raw indicator codes, in the order of the last axis of :attr:`SyntheticRegion.values`.
INDICATORS: tuple[str, ...] = RAW_CODES

#: School stages (types of school).
STAGES: tuple[str, ...] = (
    "primary",
    "junior",
    "nine_year",
    "senior",
    "complete_secondary",
    "twelve_year",
    "vocational",
    "special",
)

#: 办学类型 code of each stage of school (teaching points are "218").
SCHOOL_TYPES: dict[str, str] = {
    "primary": "211",
    "junior": "311",
    "nine_year": "312",
    "senior": "342",
    "complete_secondary": "341",
    "twelve_year": "345",
    "vocational": "",
    "special": "",
}
TEACHING_POINT_TYPE = "218"

#: Location categories of the MoE statistics (城区 / 镇区 / 乡村).
LOCATIONS: tuple[str, ...] = ("urban", "town", "rural")

#: Ownership categories.
OWNERSHIPS: tuple[str, ...] = ("public", "private")

#: County-level division kinds accepted in :class:`CountySpec`.
KINDS: tuple[str, ...] = ("district", "county", "county_city")

#: Columns of :attr:`SyntheticRegion.teachers_by_stage`: the part of each school's
#: ``teachers`` that teaches the primary, junior-secondary, general senior-secondary,
#: vocational and special-education stage.
TEACHER_STAGE_PARTS: tuple[str, ...] = ("primary", "junior", "senior", "vocational", "special")

# ---------------------------------------------------------------------------------------------
# Data classes
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountySpec:
    """A county-level division to populate with schools.

    Attributes
    ----------
    code : str
        12-digit official code of the county or district, e.g. ``"110112000000"``.
    name_zh : str
        Chinese name, e.g. ``"通州区"``.
    province_code : str
        12-digit code of the province, e.g. ``"110000000000"``.
    prefecture_code : str
        12-digit code of the prefecture, e.g. ``"110100000000"``.
    lon, lat : float or None
        Centroid in degrees (WGS-84 as shipped by cpca); ``None`` when unknown.
    kind : str
        ``"district"`` (市辖区), ``"county"`` (县, 自治县) or ``"county_city"`` (县级市).
    """

    code: str
    name_zh: str
    province_code: str
    prefecture_code: str
    lon: float | None
    lat: float | None
    kind: str


@dataclass(frozen=True)
class SyntheticSchool:
    """One invented school.

    Attributes
    ----------
    code : str
        10-digit synthetic code: the county's 6-digit prefix and a 4-digit serial.
    name_zh, name_en : str
        Chinese name and its English rendering (pinyin for proper names).
    county_code : str
        12-digit code of the county the school belongs to.
    stage : str
        One of :data:`STAGES`.
    location : str
        One of :data:`LOCATIONS`.
    ownership : str
        One of :data:`OWNERSHIPS`.
    school_type : str
        办学类型 code of the national education statistics (:data:`SCHOOL_TYPES`): ``"218"``
        for a teaching point, else the usual code of the stage (empty for vocational and
        special schools, whose codes the registry does not list).
    lon, lat : float
        Coordinates in degrees, jittered around the county centroid.
    """

    code: str
    name_zh: str
    name_en: str
    county_code: str
    stage: str
    location: str
    ownership: str
    lon: float
    lat: float
    school_type: str = ""


@dataclass(frozen=True)
class SyntheticRegion:
    """Schools and their yearly statistics.

    Attributes
    ----------
    schools : tuple of SyntheticSchool
        The schools, grouped by county in the order the counties were given.
    years : tuple of int
        The years, ascending; order of the second axis of ``values``.
    indicators : tuple of str
        Raw indicator codes; order of the last axis of ``values`` (:data:`INDICATORS`).
    values : numpy.ndarray
        float64 array of shape ``(n_schools, n_years, n_indicators)``. Counts are whole
        numbers, areas whole square metres, money in yuan rounded to 2 decimals.
    seed : int
        The seed that produced the region.
    teachers_by_stage : numpy.ndarray or None
        float64 array of shape ``(n_schools, n_years, 5)`` splitting ``teachers`` by the stage
        taught (:data:`TEACHER_STAGE_PARTS`); its last axis sums to ``teachers``. Needed to
        check teacher totals per stage, because combined schools teach several stages.
    """

    schools: tuple[SyntheticSchool, ...]
    years: tuple[int, ...]
    indicators: tuple[str, ...]
    values: np.ndarray
    seed: int
    teachers_by_stage: np.ndarray | None = None
