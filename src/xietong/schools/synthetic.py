"""Deterministic synthetic school registries and yearly statistics for the demo.

Every school produced here is **invented**. Only the *province totals* (students and full-time
teachers of the primary and junior-secondary stages, and school counts) are calibrated: to
published education statistics where a source could be checked, otherwise to estimates that
are marked as unverified. :data:`CALIBRATION` and ``docs/demo-data.md`` list every figure with
its source and status. Everything below the province level (how students spread over counties
and schools, the resources of each school, names, codes and coordinates) comes from a seeded
random model with realistic gaps: rich and poor provinces, rich and poor prefectures within a
province (southern versus northern Jiangsu, Langfang versus Zhangjiakou and Chengde), urban and
rural schools within a county, and a gentle convergence over the years.

The module is pure Python plus numpy so that it can be used without Django; the Django loader
turns a :class:`SyntheticRegion` into database rows.

Examples
--------
>>> spec = CountySpec("110112000000", "通州区", "110000000000", "110100000000",
...                   116.656, 39.910, "district")
>>> region = generate([spec], [2022, 2023], seed=7, scale=0.05)
>>> region.values.shape[1:] == (2, len(INDICATORS))
True
>>> region.schools[0].code[:6]
'110112'
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
from pypinyin import Style, lazy_pinyin
from scipy.special import ndtri

__all__ = [
    "CALIBRATION",
    "INDICATORS",
    "KINDS",
    "LOCATIONS",
    "OWNERSHIPS",
    "STAGES",
    "TEACHER_STAGE_PARTS",
    "CountySpec",
    "ProvinceCalibration",
    "SyntheticRegion",
    "SyntheticSchool",
    "generate",
]

# ---------------------------------------------------------------------------------------------
# Public vocabularies
# ---------------------------------------------------------------------------------------------

#: Raw indicator codes, in the order of the last axis of :attr:`SyntheticRegion.values`.
INDICATORS: tuple[str, ...] = (
    "students",
    "students_primary",
    "students_junior",
    "students_senior",
    "classes",
    "teachers",
    "teachers_qualified",
    "teachers_backbone",
    "teachers_pe_arts",
    "teachers_mid_senior_title",
    "building_area",
    "sports_area",
    "instrument_value",
    "multimedia_classrooms",
    "computers",
    "library_books",
    "expenditure",
    "public_operating_funds",
    "boarding_students",
    # teachers of a combined school by the stage they teach (NaN for single-stage schools)
    *(
        f"{code}_{stage}"
        for code in (
            "teachers",
            "teachers_qualified",
            "teachers_backbone",
            "teachers_pe_arts",
            "teachers_mid_senior_title",
        )
        for stage in ("primary", "junior", "senior")
    ),
)

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


@dataclass(frozen=True)
class ProvinceCalibration:
    """Published (or, where marked, estimated) totals of one province.

    ``primary_*`` are the primary stage (小学阶段), ``junior_*`` the junior-secondary stage
    (初中阶段), ``senior_*`` general senior secondary (普通高中), ``vocational_*`` secondary
    vocational schools (中等职业学校, without technical schools) and ``special_*`` special
    education schools. School counts follow the MoE convention: nine-year schools are counted
    among the junior schools, complete-secondary and twelve-year schools among the senior
    schools. Teaching points (教学点) are not schools and are added on top.

    Attributes
    ----------
    verified : tuple of str
        Names of the fields checked against the published source in ``source``; every other
        number is an unverified estimate.
    county_units : int
        Number of county-level divisions of the province (used to tell whether the caller
        passed the whole province; see :func:`generate`).
    """

    province_code: str
    name_zh: str
    name_en: str
    reference_year: int
    primary_schools: int
    primary_students: int
    primary_teachers: int
    junior_schools: int
    junior_students: int
    junior_teachers: int
    senior_schools: int
    senior_students: int
    senior_teachers: int
    vocational_schools: int
    vocational_students: int
    special_schools: int
    special_students: int
    county_units: int
    source: str
    verified: tuple[str, ...]


# ---------------------------------------------------------------------------------------------
# Calibration (see docs/demo-data.md for the full source notes)
# ---------------------------------------------------------------------------------------------

_CALIBRATION_ROWS: tuple[ProvinceCalibration, ...] = (
    ProvinceCalibration(
        "110000000000",
        "北京市",
        "Beijing",
        2022,
        primary_schools=940,
        primary_students=1_060_000,
        primary_teachers=76_000,
        junior_schools=345,
        junior_students=350_000,
        junior_teachers=40_000,
        senior_schools=330,
        senior_students=175_000,
        senior_teachers=22_000,
        vocational_schools=90,
        vocational_students=55_000,
        special_schools=22,
        special_students=3_500,
        county_units=16,
        source="Unverified estimate of the 2022 figures of the Beijing Municipal Education "
        "Commission's statistics (北京市教育事业发展统计概况); no copy could be consulted.",
        verified=(),
    ),
    ProvinceCalibration(
        "120000000000",
        "天津市",
        "Tianjin",
        2022,
        primary_schools=884,
        primary_students=770_900,
        primary_teachers=50_400,
        junior_schools=340,
        junior_students=365_000,
        junior_teachers=32_000,
        senior_schools=200,
        senior_students=206_000,
        senior_teachers=17_500,
        vocational_schools=58,
        vocational_students=82_900,
        special_schools=20,
        special_students=2_500,
        county_units=16,
        source="Tianjin Municipal Bureau of Statistics, end-2022 figures as quoted in its "
        "review of education since the reform era: 小学884所, 在校生77.09万人; 普通中学542所, "
        "在校生57.11万人; 中等职业教育学校58所, 在校生8.29万人. Junior/senior split of the "
        "57.11万 secondary students and all teacher counts are estimates.",
        verified=(
            "primary_schools",
            "primary_students",
            "vocational_schools",
            "vocational_students",
        ),
    ),
    ProvinceCalibration(
        "130000000000",
        "河北省",
        "Hebei",
        2021,
        primary_schools=11_604,
        primary_students=6_844_000,
        primary_teachers=393_000,
        junior_schools=2_516,
        junior_students=3_089_000,
        junior_teachers=230_500,
        senior_schools=738,
        senior_students=1_648_000,
        senior_teachers=118_000,
        vocational_schools=602,
        vocational_students=910_000,
        special_schools=165,
        special_students=16_000,
        county_units=167,
        source="Hebei Provincial Bureau of Statistics, 党的十八大到二十大河北经济社会发展成就"
        "系列报告 (Hebei Daily, 2022-10-13), 2021 figures: 小学11604所, 在校生684.4万人; "
        "普通初中2516所, 在校生308.9万人; 普通高中738所, 在校生164.8万人; 中等职业学校602所, "
        "在校生91.0万人. Teacher counts and special schools are estimates.",
        verified=(
            "primary_schools",
            "primary_students",
            "junior_schools",
            "junior_students",
            "senior_schools",
            "senior_students",
            "vocational_schools",
            "vocational_students",
        ),
    ),
    ProvinceCalibration(
        "310000000000",
        "上海市",
        "Shanghai",
        2022,
        primary_schools=680,
        primary_students=900_000,
        primary_teachers=66_000,
        junior_schools=600,
        junior_students=500_000,
        junior_teachers=47_000,
        senior_schools=260,
        senior_students=180_000,
        senior_teachers=19_500,
        vocational_schools=75,
        vocational_students=80_000,
        special_schools=30,
        special_students=5_000,
        county_units=16,
        source="Unverified estimate of the 2022 figures of the Shanghai Municipal Education "
        "Commission's statistical bulletin (上海市教育事业发展统计公报); no copy could be "
        "consulted.",
        verified=(),
    ),
    ProvinceCalibration(
        "320000000000",
        "江苏省",
        "Jiangsu",
        2022,
        primary_schools=4_170,
        primary_students=5_950_000,
        primary_teachers=348_000,
        junior_schools=2_340,
        junior_students=2_880_000,
        junior_teachers=234_000,
        senior_schools=630,
        senior_students=1_260_000,
        senior_teachers=105_000,
        vocational_schools=210,
        vocational_students=640_000,
        special_schools=110,
        special_students=16_000,
        county_units=95,
        source="Unverified estimate of the 2022 figures of the Jiangsu Provincial Department of "
        "Education's statistical bulletin (江苏省教育事业发展统计公报); no copy could be "
        "consulted.",
        verified=(),
    ),
    ProvinceCalibration(
        "330000000000",
        "浙江省",
        "Zhejiang",
        2022,
        primary_schools=3_300,
        primary_students=3_920_000,
        primary_teachers=232_000,
        junior_schools=1_790,
        junior_students=1_880_000,
        junior_teachers=149_000,
        senior_schools=620,
        senior_students=880_000,
        senior_teachers=72_000,
        vocational_schools=280,
        vocational_students=580_000,
        special_schools=95,
        special_students=10_000,
        county_units=90,
        source="Unverified estimate of the 2022 figures of the Zhejiang Provincial Department of "
        "Education's statistical bulletin (浙江教育事业发展统计公报). Cross-checked only for "
        "plausibility against the verified 2012 bulletin (小学3698所, 在校生346.73万人, 专任教师"
        "17.95万人; 初中1735所, 在校生149.3万人, 专任教师11.89万人).",
        verified=(),
    ),
    ProvinceCalibration(
        "340000000000",
        "安徽省",
        "Anhui",
        2022,
        primary_schools=7_300,
        primary_students=5_100_000,
        primary_teachers=290_000,
        junior_schools=2_850,
        junior_students=2_400_000,
        junior_teachers=179_000,
        senior_schools=690,
        senior_students=1_300_000,
        senior_teachers=88_000,
        vocational_schools=340,
        vocational_students=780_000,
        special_schools=90,
        special_students=12_000,
        county_units=104,
        source="Unverified estimate of the 2022 figures of the Anhui Provincial Department of "
        "Education's statistical bulletin (安徽省教育事业发展统计公报); no copy could be "
        "consulted.",
        verified=(),
    ),
)

#: Calibration rows keyed by the 12-digit province code.
CALIBRATION: dict[str, ProvinceCalibration] = {r.province_code: r for r in _CALIBRATION_ROWS}

#: Students per full-time teacher for the stages whose teacher totals are not in the table.
#: Special education: 2023 national figures (34.12万 students in special schools, 7.7万 special-
#: education teachers, MoE 2023 summary) give about 4.4; vocational 18 is an estimate.
_VOCATIONAL_RATIO = 18.0
_SPECIAL_RATIO = 4.4

# ---------------------------------------------------------------------------------------------
# Modelling assumptions (not calibration: invented but plausible parameters)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Profile:
    prosperity: float  # 0..1, drives resource levels and gaps
    rural_mult: float  # multiplies the rural share of schools
    size_mult: tuple[float, float, float]  # relative school size urban / town / rural
    teaching_point_rate: float  # teaching points per primary school
    nine_year_share: float  # of the junior schools
    complete_share: float  # of the senior schools
    twelve_share: float  # of the senior schools
    private_share: tuple[float, float, float, float]  # primary, junior-capable, senior, voc.
    salary: float  # yuan per teacher per year (wages and social insurance), 2022
    opex: float  # yuan per student per year, non-wage spending, primary, 2022
    class_mult: float  # multiplies class sizes
    centroid: tuple[float, float]  # fallback coordinates (the capital)


_PROFILES: dict[str, _Profile] = {
    "11": _Profile(0.90, 0.6, (1.3, 1.0, 0.7), 0.02, 0.30, 0.45, 0.08,
                   (0.03, 0.08, 0.12, 0.25), 260_000, 12_000, 0.85, (116.40, 39.90)),
    "12": _Profile(0.72, 0.7, (1.5, 1.1, 0.6), 0.00, 0.25, 0.35, 0.05,
                   (0.03, 0.08, 0.10, 0.20), 170_000, 6_000, 0.95, (117.20, 39.13)),
    "13": _Profile(0.42, 1.35, (2.3, 1.2, 0.42), 0.18, 0.35, 0.30, 0.08,
                   (0.05, 0.12, 0.20, 0.25), 120_000, 3_000, 1.08, (114.51, 38.04)),
    "31": _Profile(0.92, 0.5, (1.3, 1.0, 0.8), 0.00, 0.30, 0.40, 0.06,
                   (0.06, 0.15, 0.15, 0.30), 240_000, 10_000, 0.85, (121.47, 31.23)),
    "32": _Profile(0.75, 0.8, (2.0, 1.2, 0.65), 0.03, 0.25, 0.25, 0.06,
                   (0.03, 0.10, 0.15, 0.25), 180_000, 5_000, 1.0, (118.76, 32.06)),
    "33": _Profile(0.78, 0.85, (1.9, 1.2, 0.7), 0.06, 0.20, 0.25, 0.05,
                   (0.06, 0.15, 0.15, 0.25), 200_000, 6_000, 0.97, (120.15, 30.27)),
    "34": _Profile(0.48, 1.3, (2.3, 1.2, 0.45), 0.22, 0.35, 0.30, 0.07,
                   (0.05, 0.12, 0.20, 0.30), 130_000, 3_500, 1.05, (117.28, 31.86)),
}  # fmt: skip

# Prosperity adjustments of prefectures (4-digit prefix) and of some county-level units.
_PREFECTURE_ADJ: dict[str, float] = {
    # Jiangsu: south rich, north poorer
    "3201": 0.10, "3202": 0.12, "3204": 0.08, "3205": 0.14, "3211": 0.05, "3206": 0.02,
    "3203": -0.10, "3207": -0.14, "3208": -0.12, "3209": -0.08, "3213": -0.16,
    # Zhejiang: Hangzhou / Ningbo rich, the south-west mountains poorer
    "3301": 0.12, "3302": 0.10, "3303": -0.02, "3304": 0.05, "3305": 0.03, "3306": 0.04,
    "3308": -0.12, "3309": 0.02, "3310": -0.03, "3311": -0.15,
    # Anhui: Hefei and the Yangtze cities richer, the north and Dabie mountains poorer
    "3401": 0.15, "3402": 0.08, "3405": 0.06, "3407": 0.03, "3418": 0.02, "3417": -0.03,
    "3408": -0.06, "3403": -0.03, "3404": -0.05, "3406": -0.05, "3412": -0.13,
    "3413": -0.12, "3415": -0.10, "3416": -0.13,
    # Hebei: Langfang and the big cities richer, Zhangjiakou / Chengde poorer
    "1301": 0.10, "1302": 0.10, "1303": 0.05, "1304": -0.03, "1305": -0.06, "1306": -0.02,
    "1307": -0.13, "1308": -0.13, "1310": 0.12, "1311": -0.05,
}  # fmt: skip
_COUNTY_ADJ: dict[str, float] = {
    # Beijing core and outer mountain districts
    "110101": 0.06, "110102": 0.06, "110105": 0.04, "110108": 0.06,
    "110109": -0.10, "110111": -0.08, "110116": -0.10, "110117": -0.12, "110118": -0.12,
    "110119": -0.14,
    # Shanghai outer districts and Chongming island
    "310151": -0.16, "310116": -0.06, "310117": -0.04, "310118": -0.05, "310120": -0.06,
    # Tianjin outer districts
    "120116": 0.04, "120119": -0.14, "120117": -0.10, "120118": -0.09, "120115": -0.08,
}  # fmt: skip
_CORE_DISTRICTS = frozenset(
    {"110101", "110102", "110105", "110106", "110107", "110108"}
    | {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
    | {"120101", "120102", "120103", "120104", "120105", "120106"}
)
_KIND_ADJ = {"district": 0.04, "county_city": 0.0, "county": -0.06}
_KIND_LOCATION = {  # probabilities urban / town / rural before adjustments
    "district": (0.65, 0.22, 0.13),
    "county_city": (0.32, 0.38, 0.30),
    "county": (0.18, 0.40, 0.42),
}
_KIND_WEIGHT = {"district": 0.85, "county_city": 1.3, "county": 1.0}

# Stage structure: parts (0 primary, 1 junior, 2 senior, 3 vocational, 4 special) with the
# relative size of the part inside its stage group.
_ST = {s: i for i, s in enumerate(STAGES)}
_STAGE_PARTS: dict[str, tuple[tuple[int, float], ...]] = {
    "primary": ((0, 1.0),),
    "junior": ((1, 1.0),),
    "nine_year": ((0, 0.55), (1, 0.5)),
    "senior": ((2, 1.0),),
    "complete_secondary": ((1, 0.55), (2, 0.75)),
    "twelve_year": ((0, 0.35), (1, 0.3), (2, 0.35)),
    "vocational": ((3, 1.0),),
    "special": ((4, 1.0),),
}
# Location modifiers by stage: multiplier of the urban and of the rural probability.
_STAGE_LOCATION_MULT: dict[str, tuple[float, float]] = {
    "primary": (1.0, 1.0),
    "junior": (1.1, 0.55),
    "nine_year": (0.8, 1.3),
    "senior": (1.6, 0.08),
    "complete_secondary": (1.5, 0.15),
    "twelve_year": (2.0, 0.05),
    "vocational": (1.4, 0.1),
    "special": (2.0, 0.02),
}
_MIN_PART_STUDENTS = np.array([20, 20, 20, 50, 8], dtype=np.int64)
_CLASS_SIZE = np.array(  # [part, location]
    [[43.0, 40.0, 28.0], [47.0, 45.0, 38.0], [50.0, 48.0, 45.0], [40.0, 40.0, 38.0],
     [9.0, 9.0, 9.0]]
)  # fmt: skip
_MIN_CLASSES = np.array([6, 3, 3, 3, 1], dtype=np.int64)


def _student_growth(part: int, year: int) -> float:
    """Growth of a stage's enrolment from ``year - 1`` to ``year`` (modelling assumption)."""
    if part == 0:
        # primary: national enrolment 10,780万 (2021) -> 10,732万 (2022) -> 10,836万 (2023)
        # in the MoE statistical bulletins; from 2024 on, the smaller birth cohorts since 2017
        # enter school (a modelling assumption, not a published figure)
        return {2022: -0.0045, 2023: 0.0097}.get(year, 0.015 if year < 2022 else -0.025)
    if part == 1:
        return 0.03 if year <= 2024 else -0.005
    if part == 2:
        return 0.03
    if part == 3:
        return -0.01
    return 0.02


def _teacher_growth(part: int, year: int) -> float:
    """Growth of a stage's full-time teachers from ``year - 1`` to ``year`` (assumption)."""
    if part == 0:
        return 0.005 if year <= 2023 else -0.01
    if part == 1:
        return 0.015
    if part == 2:
        return 0.025
    if part == 3:
        return 0.0
    return 0.02


def _trend(growth: Callable[[int, int], float], part: int, year: int, ref: int) -> float:
    """Factor of the stage total in ``year`` relative to the reference year."""
    f = 1.0
    for y in range(ref + 1, year + 1):
        f *= 1.0 + growth(part, y)
    for y in range(year + 1, ref + 1):
        f /= 1.0 + growth(part, y)
    return f


# Resource model. Reference values per student (per part: primary, junior, senior, vocational,
# special) for a town school in a county of prosperity 0.6 in 2022.
_RES_REF = {
    "building": np.array([6.2, 7.8, 8.5, 11.0, 28.0]),  # m2 per student
    "sports": np.array([11.5, 15.0, 14.0, 10.0, 15.0]),  # m2 per student
    "instrument": np.array([2900.0, 3700.0, 5000.0, 9000.0, 12000.0]),  # yuan per student
    "computers": np.array([0.15, 0.19, 0.22, 0.40, 0.30]),  # per student
    "books": np.array([30.0, 42.0, 48.0, 45.0, 40.0]),  # per student
    "multimedia": np.array([1.25, 1.25, 1.15, 1.0, 1.0]),  # rooms per class
}
# (effect of prosperity, location effects urban/town/rural (times the county gap), size
# elasticity, loading on the school quality factor, yearly growth)
_RES_COEF = {
    "building": (0.6, (-0.10, 0.0, 0.05), -0.20, 0.6, 0.015),
    "sports": (0.4, (-0.12, 0.0, 0.08), -0.28, 0.5, 0.010),
    "instrument": (1.2, (0.12, 0.0, -0.25), -0.20, 0.9, 0.060),
    "computers": (1.0, (0.10, 0.0, -0.20), -0.20, 0.8, 0.040),
    "books": (0.5, (0.05, 0.0, -0.15), -0.20, 0.7, 0.020),
    "multimedia": (0.3, (0.05, 0.0, -0.15), 0.0, 0.5, 0.030),
}
# Teacher shares (logit model): reference share per part, prosperity effect, location effects,
# loading on the school quality factor, yearly logit growth.
_SHARE_REF = {
    "qualified": np.array([0.96, 0.93, 0.95, 0.88, 0.90]),
    "backbone": np.array([0.18, 0.17, 0.18, 0.12, 0.12]),
    "pe_arts": np.array([0.17, 0.15, 0.12, 0.08, 0.10]),
    "title": np.array([0.52, 0.60, 0.62, 0.55, 0.55]),
}
_SHARE_COEF = {
    "qualified": (2.0, (0.30, 0.0, -0.45), 1.5, 0.10),
    "backbone": (1.5, (0.25, 0.0, -0.20), 1.5, 0.05),
    "pe_arts": (1.2, (0.20, 0.0, -0.20), 1.2, 0.06),
    "title": (0.8, (0.15, 0.0, -0.20), 1.0, 0.02),
}
_OPEX_MULT = np.array([1.0, 1.3, 1.5, 1.6, 4.0])
_CONVERGENCE = 0.06  # yearly shrink of every deviation from the provincial reference
_BASE_YEAR = 2022  # year of the resource reference values
_MIN_YEAR, _MAX_YEAR = 2000, 2040  # the trends are not meant for longer extrapolation

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_TOWN_FIRST = "东西南北新大小高马李王张石白黄青龙凤金双三平安永和兴福清柳桃杨梅花古"
_TOWN_SECOND = "桥庄集店湖河山塘口坝岗林沟湾圩埠铺营寨渡港墩坊"
_VILLAGE_FIRST = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈彭吕苏"
_VILLAGE_SECOND = "庄家营寨屯湾岗圩楼集"
_ROADS = (
    "人民", "解放", "建设", "中山", "新华", "文化", "和平", "胜利", "东风", "健康", "光明",
    "青年", "长江", "滨河", "府前", "北关", "南关", "东关", "西关", "文昌", "振兴", "学府",
    "新建", "团结", "友谊", "工农", "幸福", "迎宾", "环城", "花园", "公园", "体育", "城南",
    "城北",
)  # fmt: skip
_BRANDS = ("育英", "启明", "博雅", "华英", "英才", "明德", "崇文", "致远", "新星", "培德")
_ETHNIC = ("蒙古族", "回族", "满族", "畲族")
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """Chinese numeral for 1 <= n <= 99 (e.g. 12 -> 十二, 20 -> 二十)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> str:
    """Capitalised pinyin word without tones, with apostrophes before a/o/e syllables."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in ("a", "o", "e"):
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def _short_name(name: str) -> str:
    """The name used in school names: 通州区 -> 通州, 丰县 -> 丰县, 大厂回族自治县 -> 大厂."""
    if name.endswith("自治县"):
        base = name[: -len("自治县")]
        changed = True
        while changed:
            changed = False
            for e in _ETHNIC:
                if base.endswith(e) and len(base) > len(e):
                    base = base[: -len(e)]
                    changed = True
        return base
    if name.endswith("新区") and len(name) > 3:
        return name[:-2]
    if name.endswith("矿区"):
        return name
    if len(name) > 2 and name[-1] in "区县市":
        return name[:-1]
    return name


_TOWN_NAMES: tuple[str, ...] = tuple(a + b for a in _TOWN_FIRST for b in _TOWN_SECOND)
_VILLAGE_NAMES: tuple[str, ...] = tuple(a + b for a in _VILLAGE_FIRST for b in _VILLAGE_SECOND)
_PRIVATE_SUFFIX: dict[str, tuple[str, str]] = {
    "primary": ("小学", "Primary School"),
    "junior": ("初级中学", "Junior Middle School"),
    "nine_year": ("学校", "School"),
    "senior": ("高级中学", "Senior High School"),
    "complete_secondary": ("中学", "Middle School"),
    "twelve_year": ("外国语学校", "Foreign Languages School"),
    "vocational": ("职业学校", "Vocational School"),
    "special": ("特殊教育学校", "Special Education School"),
}
_VOCATIONAL_NAMES = (
    ("职业教育中心", "Vocational Education Centre"),
    ("中等专业学校", "Secondary Specialised School"),
    ("职业技术学校", "Vocational and Technical School"),
    ("职业高级中学", "Vocational High School"),
)
_SPECIAL_NAMES = (
    ("特殊教育学校", "Special Education School"),
    ("启智学校", "Qizhi School"),
    ("启聪学校", "Qicong School"),
    ("培智学校", "Peizhi School"),
)


class _CountyNamer:
    """Deterministic name factory for the schools of one county.

    Parameters
    ----------
    county : CountySpec
        The county.
    seed : int
        Generator seed; names depend only on it and the county code.
    n_rural : int
        Number of town and rural schools to name (sets how many towns the county has).
    """

    def __init__(self, county: CountySpec, seed: int, n_rural: int) -> None:
        self.short = _short_name(county.name_zh)
        self.short_en = _pinyin(self.short)
        self.rng = np.random.default_rng([seed, int(county.code[:6]), 7])
        n_towns = min(max(4, n_rural // 5), 40)
        picks = self.rng.choice(len(_TOWN_NAMES), size=n_towns + 1, replace=False)
        towns = [_TOWN_NAMES[i] for i in picks if _TOWN_NAMES[i] != self.short]
        self.towns = towns[:n_towns]
        self.villages = [_VILLAGE_NAMES[i] for i in self.rng.permutation(len(_VILLAGE_NAMES))]
        self.brands = [_BRANDS[i] for i in self.rng.permutation(len(_BRANDS))]
        self.roads = [_ROADS[i] for i in self.rng.permutation(len(_ROADS))]
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}

    def _next(self, key: str) -> int:
        k = self.counters.get(key, 0)
        self.counters[key] = k + 1
        return k

    def _town(self) -> str:
        return self.towns[self._next("town") % len(self.towns)]

    def _village(self) -> str:
        return self.villages[self._next("village") % len(self.villages)]

    def _unique(self, zh: str, en: str) -> tuple[str, str]:
        if zh not in self.used:
            self.used.add(zh)
            return zh, en
        k = 2
        while f"{zh}（{_cn_number(k)}）" in self.used:
            k += 1
        zh2 = f"{zh}（{_cn_number(k)}）"
        self.used.add(zh2)
        return zh2, f"{en} ({k})"

    def _numbered_middle(self) -> int:
        """Next number of the county's 第N中学 series (shared by secondary schools)."""
        return self._next("middle") + 1

    def name(self, stage: str, location: str, ownership: str, teaching_point: bool):
        """Chinese and English name of the next school of this kind."""
        if ownership == "private":
            return self._private_name(stage)
        if teaching_point:
            t, v = self._town(), self._village()
            return self._unique(f"{t}镇{v}教学点", f"{_pinyin(t)} Town {_pinyin(v)} Teaching Point")
        if stage in ("primary", "junior", "nine_year") and location != "urban":
            return self._rural_name(stage, location)
        urban = {
            "primary": self._urban_primary,
            "junior": self._urban_junior,
            "nine_year": self._urban_nine_year,
            "senior": self._senior,
            "complete_secondary": self._complete_secondary,
            "twelve_year": self._twelve_year,
        }
        if stage in urban:
            return urban[stage]()
        return self._vocational_or_special(stage)

    def _private_name(self, stage: str) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("private")
        brand = self.brands[k % len(self.brands)]
        brand_en = _pinyin(brand)
        if k >= len(self.brands):
            extra, extra_en = (
                ("实验", "Experimental") if k < 2 * len(self.brands) else ("双语", "Bilingual")
            )
            brand, brand_en = brand + extra, f"{brand_en} {extra_en}"
        zh_suffix, en_suffix = _PRIVATE_SUFFIX[stage]
        return self._unique(f"{s}{brand}{zh_suffix}", f"{se} {brand_en} {en_suffix}")

    def _urban_primary(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("urban_primary")
        if k == 0:
            return self._unique(f"{s}实验小学", f"{se} Experimental Primary School")
        if k % 3 == 0 and k // 3 <= len(self.roads):
            road = self.roads[k // 3 - 1]
            return self._unique(f"{s}{road}路小学", f"{se} {_pinyin(road)} Road Primary School")
        n = self._next("numbered_primary") + 1
        return self._unique(f"{s}第{_cn_number(n)}小学", f"{se} No. {n} Primary School")

    def _urban_junior(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        if self._next("urban_junior") == 0:
            return self._unique(f"{s}实验初级中学", f"{se} Experimental Junior Middle School")
        n = self._numbered_middle()
        return self._unique(f"{s}第{_cn_number(n)}中学", f"{se} No. {n} Middle School")

    def _urban_nine_year(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("urban_nine")
        if k == 0:
            return self._unique(f"{s}实验学校", f"{se} Experimental School")
        if k <= len(self.roads):
            road = self.roads[-k]
            return self._unique(f"{s}{road}路学校", f"{se} {_pinyin(road)} Road School")
        return self._unique(f"{s}第{_cn_number(k)}实验学校", f"{se} No. {k} Experimental School")

    def _senior(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        n = self._numbered_middle()
        if self._next("senior") == 0:
            return self._unique(f"{s}高级中学", f"{se} Senior High School")
        return self._unique(f"{s}第{_cn_number(n)}高级中学", f"{se} No. {n} Senior High School")

    def _complete_secondary(self) -> tuple[str, str]:
        n = self._numbered_middle()
        return self._unique(
            f"{self.short}第{_cn_number(n)}中学", f"{self.short_en} No. {n} Middle School"
        )

    def _twelve_year(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("twelve")
        if k == 0:
            return self._unique(f"{s}外国语学校", f"{se} Foreign Languages School")
        return self._unique(
            f"{s}第{_cn_number(k + 1)}实验学校", f"{se} No. {k + 1} Experimental School"
        )

    def _vocational_or_special(self, stage: str) -> tuple[str, str]:
        s, se = self.short, self.short_en
        options = _VOCATIONAL_NAMES if stage == "vocational" else _SPECIAL_NAMES
        k = self._next(stage)
        zh, en = options[k % len(options)]
        if k >= len(options):
            n = k // len(options) + 1
            return self._unique(f"{s}第{_cn_number(n)}{zh}", f"{se} No. {n} {en}")
        return self._unique(f"{s}{zh}", f"{se} {en}")

    def _rural_name(self, stage: str, location: str) -> tuple[str, str]:
        t = self._town()
        te = _pinyin(t)
        if location == "rural" and stage == "primary":
            v = self._village()
            return self._unique(f"{t}镇{v}小学", f"{te} Town {_pinyin(v)} Primary School")
        if stage == "primary":
            k = self._next("town_primary:" + t)
            if k == 0:
                return self._unique(f"{t}镇中心小学", f"{te} Town Central Primary School")
            return self._unique(
                f"{t}镇第{_cn_number(k + 1)}小学", f"{te} Town No. {k + 1} Primary School"
            )
        if stage == "junior":
            k = self._next("town_junior:" + t)
            if k == 0:
                return self._unique(f"{t}镇初级中学", f"{te} Town Junior Middle School")
            return self._unique(
                f"{t}镇第{_cn_number(k + 1)}初级中学",
                f"{te} Town No. {k + 1} Junior Middle School",
            )
        k = self._next("town_nine:" + t)
        if k == 0:
            return self._unique(f"{t}镇九年一贯制学校", f"{te} Town Nine-Year School")
        v = self._village()
        return self._unique(f"{t}镇{v}学校", f"{te} Town {_pinyin(v)} School")


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def _allocate(
    totals: np.ndarray, group: np.ndarray, weights: np.ndarray, minimum: np.ndarray
) -> np.ndarray:
    """Split integer ``totals`` per group over items proportionally to ``weights``.

    Every item first gets ``minimum``; the rest of its group's total is shared in proportion to
    the weights with the largest-remainder method, so each group sums exactly to its total
    (unless the minimums alone exceed it).

    Parameters
    ----------
    totals : numpy.ndarray
        int64, one total per group.
    group : numpy.ndarray
        int64 group index of each item.
    weights : numpy.ndarray
        Non-negative weights.
    minimum : numpy.ndarray
        int64 minimum of each item.

    Returns
    -------
    numpy.ndarray
        int64 allocation per item.
    """
    n_groups = totals.shape[0]
    minimum = minimum.astype(np.int64)
    if group.size == 0:
        return minimum
    min_sum = np.bincount(group, weights=minimum, minlength=n_groups).round().astype(np.int64)
    rest = np.maximum(totals.astype(np.int64) - min_sum, 0)
    wsum = np.bincount(group, weights=weights, minlength=n_groups)
    safe = np.where(wsum > 0, wsum, 1.0)
    share = np.where(wsum[group] > 0, weights / safe[group], 0.0) * rest[group]
    base = np.floor(share)
    frac = share - base
    base_i = base.astype(np.int64)
    left = rest - np.bincount(group, weights=base_i, minlength=n_groups).round().astype(np.int64)
    order = np.lexsort((-frac, group))
    sorted_group = group[order]
    starts = np.searchsorted(sorted_group, np.arange(n_groups))
    rank = np.arange(order.size) - starts[sorted_group]
    bonus = np.zeros(order.size, dtype=np.int64)
    bonus[order] = (rank < left[sorted_group]).astype(np.int64)
    return minimum + base_i + bonus


def _split_whole(total: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Split whole-number ``total`` (n, y) over the last axis of ``weights`` (n, y, k) in
    proportion, by largest remainder, so that the parts are whole and sum to ``total``."""
    w_sum = weights.sum(axis=2, keepdims=True)
    exact = np.where(w_sum > 0, total[:, :, None] * weights / np.maximum(w_sum, 1e-12), 0.0)
    base = np.floor(exact)
    short = np.round(total - base.sum(axis=2)).astype(np.int64)
    order = np.argsort(-(exact - base), axis=2, kind="stable")
    rank = np.argsort(order, axis=2, kind="stable")
    return base + (rank < short[:, :, None])


def _allocate_counts(total: int, weights: np.ndarray, minimum: int) -> np.ndarray:
    """Split one integer total over items (at least ``minimum`` each)."""
    n = weights.size
    total = max(total, minimum * n)
    return _allocate(
        np.array([total], dtype=np.int64),
        np.zeros(n, dtype=np.int64),
        weights,
        np.full(n, minimum, dtype=np.int64),
    )


def _stratified_uniform(rng: np.random.Generator, group: np.ndarray, scale: float) -> np.ndarray:
    """One draw in (0, 1) per row, spread evenly within each group and shuffled in it.

    A group of ``n`` rows stands for the ``N = n / scale`` rows it would have at full scale.
    Its rows take the probability levels ``(k - 0.5) / n`` except that the lowest and highest
    are pulled out to ``0.5 / N`` and ``1 - 0.5 / N``, the extremes of the full-scale group:
    the spread within a county and its weakest school (which decides the 2017 rule that every
    school must pass) are then about the same at every ``scale``, where independent draws
    gave small samples fewer outliers (docs/demo-data.md, "Scale"). A lone row takes the
    median: one school cannot stand for both ends of its county."""
    n = group.size
    order = np.lexsort((rng.random(n), group))
    g = group[order]
    starts = np.flatnonzero(np.r_[True, g[1:] != g[:-1]])
    counts = np.diff(np.r_[starts, n])
    cnt = np.repeat(counts, counts).astype(np.float64)
    pos = np.arange(n) - np.repeat(starts, counts)
    full = np.maximum(cnt / scale, cnt)
    p = (pos + 0.5) / cnt
    p = np.where(pos == 0, 0.5 / full, p)
    p = np.where((pos == cnt - 1) & (cnt > 1), 1.0 - 0.5 / full, p)
    p = np.where(cnt == 1, 0.5, p)
    out = np.empty(n)
    out[order] = p
    return out


def _stratified_normal(rng: np.random.Generator, group: np.ndarray, scale: float) -> np.ndarray:
    """Standard normal draws stratified like :func:`_stratified_uniform`."""
    return ndtri(_stratified_uniform(rng, group, scale))


_COMPULSORY_STAGES = ("primary", "junior", "nine_year", "complete_secondary", "twelve_year")
_BOARDING_SHARE = np.array([[0.01, 0.05], [0.06, 0.30], [0.12, 0.45]])  # location x (pri, jun)


def _operating_funds(
    rng: np.random.Generator,
    *,
    provinces: np.ndarray,
    prosperity: np.ndarray,
    loc_of: np.ndarray,
    is_tp: np.ndarray,
    primary: np.ndarray,
    junior: np.ndarray,
    compulsory: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Boarding pupils and the public operating funds each compulsory school received.

    Funds are the base rates of 国发〔2015〕67号 (``algorithms/funding.py``) times a province
    top-up that grows with prosperity (rich provinces set rates of their own well above the
    national ones). The shortfall the government-guarantee check looks for is modelled too: in
    poorer counties some rural schools under 100 pupils are funded on their real enrolment
    instead of the 100-pupil floor, and a few schools receive 5-15% less than due."""
    from xietong.algorithms.funding import load_base_rates, required_funds

    rates = load_base_rates("compulsory-operating-2016")
    n_s, n_y = primary.shape
    share = _BOARDING_SHARE[loc_of] * np.exp(rng.normal(0.0, 0.3, (n_s, 1)))
    boarding = np.round(primary * share[:, :1] + junior * share[:, 1:])
    boarding = np.where(is_tp[:, None], 0.0, boarding)
    rural = (loc_of > 0) | is_tp
    top_up = 1.02 * np.exp(
        1.6 * np.maximum(prosperity - 0.45, 0.0) + np.abs(rng.normal(0.0, 0.06, n_s))
    )
    on_real = rural & (rng.random(n_s) < 0.35 * (1.0 - prosperity) ** 1.5)
    late = rng.random(n_s) < 0.02
    cut = np.where(late, rng.uniform(0.85, 0.95, n_s), 1.0)
    funds = np.full((n_s, n_y), np.nan)
    for yi in range(n_y):
        due, _ = required_funds(
            rates,
            provinces=provinces,
            primary=primary[:, yi],
            junior=junior[:, yi],
            boarding=boarding[:, yi],
            rural=rural & ~on_real,
        )
        funds[:, yi] = np.round(due * top_up * cut, -2)
    funds = np.where(compulsory[:, None], funds, np.nan)
    boarding = np.where(compulsory[:, None], boarding, np.nan)
    return funds, boarding


def _logit(p: np.ndarray) -> np.ndarray:
    return np.log(p / (1.0 - p))


def _expit(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


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
        if not _MIN_YEAR <= int(y) <= _MAX_YEAR:
            raise ValueError(f"year out of range {_MIN_YEAR}..{_MAX_YEAR}: {y!r}")
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
    prov = _Provinces.of(counties)
    cm = _CountyModel.draw(rng, counties, prov)
    counts, tp_counts = _school_counts(prov, cm, scale)
    sch = _Schools.draw(rng, counts, tp_counts, cm, prov, scale)
    parts = _Parts.of(sch)
    staff = _Staffing.draw(rng, prov, cm, sch, parts, year_list, scale)
    tot = _SchoolTotals.of(sch, parts, staff)
    res = _Resources.draw(rng, prov, cm, sch, tot, np.array(year_list, dtype=np.int64), scale)
    funds, boarding = _operating_funds(
        rng,
        provinces=np.array(prov.codes, dtype=object)[sch.s_prov],
        prosperity=cm.prosperity[sch.county_of],
        loc_of=sch.loc_of,
        is_tp=sch.is_tp,
        primary=tot.students_by_stage[:, :, 0],
        junior=tot.students_by_stage[:, :, 1],
        compulsory=np.isin(sch.stage_of, [_ST[s] for s in _COMPULSORY_STAGES]),
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
            *_teachers_by_stage_taught(sch, tot, res),
        ],
        axis=2,
    ).astype(np.float64)
    lons, lats = _school_coordinates(rng, counties, prov, sch)
    return SyntheticRegion(
        schools=_named_schools(counties, sch, lons, lats, int(seed)),
        years=tuple(year_list),
        indicators=INDICATORS,
        values=values,
        seed=int(seed),
        teachers_by_stage=tot.teachers_by_stage,
    )


@dataclass(frozen=True)
class _Provinces:
    """The provinces present, each county's province and the calibration that applies."""

    codes: list[str]
    c_prov: np.ndarray  # (n_c,) province index of each county
    coverage: np.ndarray  # (n_p,) share of the province's totals the given counties carry
    cal: list[ProvinceCalibration]
    prof: list[_Profile]

    @classmethod
    def of(cls, counties: Sequence[CountySpec]) -> _Provinces:
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
        return cls(codes, c_prov, coverage, cal, [_PROFILES[p[:2]] for p in codes])


@dataclass(frozen=True)
class _CountyModel:
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
        cls, rng: np.random.Generator, counties: Sequence[CountySpec], prov: _Provinces
    ) -> _CountyModel:
        n_c, c_prov, prof = len(counties), prov.c_prov, prov.prof
        kinds = [c.kind for c in counties]
        core = np.array([c.code[:6] in _CORE_DISTRICTS for c in counties])
        prosperity = np.array(
            [
                prof[c_prov[i]].prosperity
                + _PREFECTURE_ADJ.get(c.code[:4], 0.0)
                + _COUNTY_ADJ.get(c.code[:6], 0.0)
                + _KIND_ADJ[c.kind]
                for i, c in enumerate(counties)
            ]
        )
        prosperity = np.clip(prosperity + rng.normal(0.0, 0.05, n_c), 0.05, 0.98)
        sigma = 0.12 + 0.5 * (1.0 - prosperity) ** 1.2 + rng.uniform(0.0, 0.15, n_c)
        gap = 0.5 + 1.2 * (1.0 - prosperity)
        weight = rng.lognormal(0.0, 0.45, n_c) * np.array([_KIND_WEIGHT[k] for k in kinds])
        weight = np.where(core, weight * 0.6, weight)
        loc_base = np.array([_KIND_LOCATION[k] for k in kinds])
        loc_base[:, 2] *= np.array([prof[c_prov[i]].rural_mult for i in range(n_c)])
        loc_base[core] = (1.0, 0.0, 0.0)
        loc_base /= loc_base.sum(axis=1, keepdims=True)
        size_mult = np.array([prof[c_prov[i]].size_mult for i in range(n_c)])
        mean_size = (loc_base * size_mult).sum(axis=1)
        return cls(core, prosperity, sigma, gap, weight, loc_base, size_mult, weight / mean_size)


def _school_counts(
    prov: _Provinces, cm: _CountyModel, scale: float
) -> tuple[np.ndarray, np.ndarray]:
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
            counts[idx, _ST[stage]] = _allocate_counts(n_total, weights, minimum)
        n_tp = int(round(k.primary_schools * pr.teaching_point_rate * f))
        tp_counts[idx] = _allocate_counts(n_tp, cm.weight[idx] * cm.loc_base[idx, 2], 0)
    return counts, tp_counts


@dataclass(frozen=True)
class _Schools:
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
        cm: _CountyModel,
        prov: _Provinces,
        scale: float,
    ) -> _Schools:
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
        urb_mult = np.array([_STAGE_LOCATION_MULT[s][0] for s in STAGES])[stage_of]
        rur_mult = np.array([_STAGE_LOCATION_MULT[s][1] for s in STAGES])[stage_of]
        lp = cm.loc_base[county_of].copy()
        lp[:, 0] *= urb_mult
        lp[:, 2] *= rur_mult
        lp /= lp.sum(axis=1, keepdims=True)
        strata = county_of * len(STAGES) + stage_of + np.where(is_tp, 10_000_000, 0)
        u = _stratified_uniform(rng, strata, scale)
        loc_of = (u[:, None] > np.cumsum(lp, axis=1)[:, :2]).sum(axis=1)
        loc_of = np.where(is_tp, 2, loc_of)
        # ownership
        s_prov = prov.c_prov[county_of]
        priv_table = np.array([pr.private_share for pr in prov.prof])  # (n_p, 4)
        stage_priv_col = np.array([0, 1, 1, 2, 2, 2, 3, 0])[stage_of]
        p_priv = priv_table[s_prov, stage_priv_col] * np.array([1.6, 1.0, 0.2])[loc_of]
        p_priv = np.where(is_tp | (stage_of == _ST["special"]), 0.0, p_priv)
        private = rng.random(stage_of.size) < p_priv
        order = np.lexsort((loc_of, is_tp, stage_of, county_of))
        return cls(*(a[order] for a in (stage_of, county_of, is_tp, loc_of, private, s_prov)))

    def strata(self) -> np.ndarray:
        """County x stage: the groups within which draws are stratified."""
        return self.county_of * len(STAGES) + self.stage_of


@dataclass(frozen=True)
class _Parts:
    """Stage components of schools (a nine-year school has a primary and a junior part)."""

    school: np.ndarray
    stage: np.ndarray  # 0 primary, 1 junior, 2 senior, 3 vocational, 4 special
    mult: np.ndarray
    prov: np.ndarray
    group: np.ndarray  # province x stage
    loc: np.ndarray
    tp: np.ndarray

    @classmethod
    def of(cls, sch: _Schools) -> _Parts:
        school_l, stage_l, mult_l = [], [], []
        for st_i, st in enumerate(STAGES):
            rows = np.flatnonzero(sch.stage_of == st_i)
            for part, mult in _STAGE_PARTS[st]:
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


def _reference_totals(prov: _Provinces, parts: _Parts) -> tuple[np.ndarray, np.ndarray]:
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
            k.vocational_students / _VOCATIONAL_RATIO,
            k.special_students / _SPECIAL_RATIO,
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
    return np.array([_trend(growth, g % 5, year, int(ref_year[g // 5])) for g in range(n_p * 5)])


@dataclass(frozen=True)
class _Staffing:
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
        prov: _Provinces,
        cm: _CountyModel,
        sch: _Schools,
        parts: _Parts,
        year_list: list[int],
        scale: float,
    ) -> _Staffing:
        strata = sch.strata()
        # school size factor
        noise = _stratified_normal(rng, strata, scale)
        z = cm.size_mult[sch.county_of, sch.loc_of] * np.exp(0.5 * noise)
        stud_tot, teach_tot = _reference_totals(prov, parts)
        ref_year = np.array([k.reference_year for k in prov.cal], dtype=np.int64)
        # teaching points: fixed small enrolment
        tp_students = rng.integers(12, 50, parts.school.size)
        p_min = np.where(parts.tp, tp_students, _MIN_PART_STUDENTS[parts.stage])
        p_weight = np.where(parts.tp, 0.0, z[parts.school] * parts.mult)
        # per-school yearly noise of enrolment, student/teacher ratio noise, class sizes
        year_noise = rng.normal(0.0, 0.02, (sch.n, len(year_list)))
        r_noise = _stratified_normal(rng, strata, scale) * 0.5 * cm.sigma[sch.county_of]
        class_mult = np.array([pr.class_mult for pr in prov.prof])[sch.s_prov]
        class_size = (
            _CLASS_SIZE[parts.stage, parts.loc]
            * class_mult[parts.school]
            * rng.lognormal(0.0, 0.08, parts.school.size)
        )
        ref_alloc = _allocate(np.round(stud_tot).astype(np.int64), parts.group, p_weight, p_min)
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
            trend = _group_trend(_teacher_growth, len(prov.codes), y, ref_year)
            tot = np.round(teach_tot * trend).astype(np.int64)
            mins = np.where(
                parts.tp,
                np.maximum(1, np.round(students[:, yi] / 15.0)).astype(np.int64),
                np.maximum(1, np.round(0.9 * classes[:, yi])).astype(np.int64),
            )
            w = np.where(parts.tp, 0.0, students[:, yi] / r_rel[parts.school])
            teachers[:, yi] = _allocate(tot, parts.group, w, mins)
        return cls(
            students, teachers, classes, students_ref, class_size, s_students_ref, stage_median
        )


def _students_by_year(
    parts: _Parts,
    sch: _Schools,
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
        trend = _group_trend(_student_growth, n_p, y, ref_year)
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
            _MIN_PART_STUDENTS[parts.stage],
        )
        w = np.where(parts.tp, 0.0, w)
        alloc = _allocate(tot, parts.group, w, mins)
        # provinces in their reference year keep the reference allocation exactly
        p_students[:, yi] = np.where(is_ref, ref_alloc, alloc)
    return p_students


def _classes(parts: _Parts, students: np.ndarray, class_size: np.ndarray) -> np.ndarray:
    p_classes = np.maximum(1, np.round(students / class_size[:, None])).astype(np.int64)
    min_classes = _MIN_CLASSES[parts.stage][:, None]
    need_min = students >= 10 * min_classes
    p_classes = np.where(need_min, np.maximum(p_classes, min_classes), p_classes)
    tp_classes = np.clip(np.ceil(students / 12.0), 1, 4).astype(np.int64)
    return np.where(parts.tp[:, None], tp_classes, p_classes)


@dataclass(frozen=True)
class _SchoolTotals:
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
    def of(cls, sch: _Schools, parts: _Parts, staff: _Staffing) -> _SchoolTotals:
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


@dataclass(frozen=True)
class _Resources:
    """Buildings, grounds, equipment, books, teacher qualifications and spending per school."""

    building: np.ndarray
    sports: np.ndarray
    instrument: np.ndarray
    computers: np.ndarray
    books: np.ndarray
    multimedia: np.ndarray
    qualified: np.ndarray
    backbone: np.ndarray
    pe_arts: np.ndarray
    title: np.ndarray
    expenditure: np.ndarray

    @classmethod
    def draw(
        cls,
        rng: np.random.Generator,
        prov: _Provinces,
        cm: _CountyModel,
        sch: _Schools,
        tot: _SchoolTotals,
        years_arr: np.ndarray,
        scale: float,
    ) -> _Resources:
        model = _ResourceModel.of(rng, cm, sch, tot, years_arr, scale)
        s_ref, c_ref, t = tot.students_ref[:, None], tot.classes_ref[:, None], tot.teachers
        building = np.round(model.level(rng, "building") * s_ref)
        sports = np.round(model.level(rng, "sports") * s_ref)
        instrument = np.round(model.level(rng, "instrument") * s_ref, 2)
        computers = np.round(model.level(rng, "computers") * s_ref)
        books = np.round(model.level(rng, "books") * s_ref)
        multimedia = np.round(model.level(rng, "multimedia") * c_ref)
        qualified = np.minimum(np.round(model.share(rng, "qualified") * t), t)
        backbone = np.minimum(np.round(model.share(rng, "backbone") * t), t)
        pe_arts = np.minimum(np.round(model.share(rng, "pe_arts") * t), t)
        title = np.minimum(np.round(model.share(rng, "title") * t), t)
        expenditure = model.expenditure(rng, prov, sch, tot)
        return cls(
            building,
            sports,
            instrument,
            computers,
            books,
            multimedia,
            qualified,
            backbone,
            pe_arts,
            title,
            expenditure,
        )


@dataclass(frozen=True)
class _ResourceModel:
    """The school-level terms every resource draws on (see ``_RES_COEF``, ``_SHARE_COEF``)."""

    prosperity: np.ndarray
    gap: np.ndarray
    sigma: np.ndarray
    quality: np.ndarray  # school quality factor
    dyr: np.ndarray  # (1, n_y) years since the base year
    conv: np.ndarray  # (1, n_y) deviations shrink every year after the base year
    log_size: np.ndarray
    core: np.ndarray  # urban schools of core districts
    loc_of: np.ndarray
    mix: np.ndarray
    strata: np.ndarray
    scale: float

    @classmethod
    def of(
        cls,
        rng: np.random.Generator,
        cm: _CountyModel,
        sch: _Schools,
        tot: _SchoolTotals,
        years_arr: np.ndarray,
        scale: float,
    ) -> _ResourceModel:
        strata = sch.strata()
        sigma = cm.sigma[sch.county_of]
        dyr = (years_arr - _BASE_YEAR)[None, :]
        return cls(
            prosperity=cm.prosperity[sch.county_of],
            gap=cm.gap[sch.county_of],
            sigma=sigma,
            quality=_stratified_normal(rng, strata, scale) * sigma,
            dyr=dyr,
            conv=(1.0 - _CONVERGENCE) ** np.maximum(dyr, -8),  # capped going back in time
            log_size=np.log(tot.students_ref / tot.stage_median),
            core=cm.core[sch.county_of] & (sch.loc_of == 0),
            loc_of=sch.loc_of,
            mix=tot.mix,
            strata=strata,
            scale=scale,
        )

    def level(self, rng: np.random.Generator, key: str) -> np.ndarray:
        """Resource ``key`` per student (or class), school by school and year by year."""
        a, locs, size_el, load, growth = _RES_COEF[key]
        ref = self.mix @ _RES_REF[key]
        dev = (
            a * (self.prosperity - 0.6)
            + np.array(locs)[self.loc_of] * self.gap
            + size_el * self.log_size
            + load * self.quality
            + 0.6 * self.sigma * _stratified_normal(rng, self.strata, self.scale)
        )
        if key == "sports":
            dev = dev + np.where(self.core, np.log(0.6), 0.0)
        elif key == "building":
            dev = dev + np.where(self.core, np.log(0.9), 0.0)
        eps = rng.normal(0.0, 0.02, (dev.size, self.dyr.shape[1]))
        return ref[:, None] * np.exp(growth * self.dyr + dev[:, None] * self.conv + eps)

    def share(self, rng: np.random.Generator, key: str) -> np.ndarray:
        """Share ``key`` of the teachers (logit model), school by school and year by year."""
        a, locs, load, growth = _SHARE_COEF[key]
        ref = _logit(np.clip(self.mix @ _SHARE_REF[key], 0.01, 0.99))
        dev = (
            a * (self.prosperity - 0.6)
            + np.array(locs)[self.loc_of] * self.gap
            + load * self.quality
            + 0.8 * self.sigma * _stratified_normal(rng, self.strata, self.scale)
        )
        eps = rng.normal(0.0, 0.05, (dev.size, self.dyr.shape[1]))
        return _expit(ref[:, None] + growth * self.dyr + dev[:, None] * self.conv + eps)

    def expenditure(
        self, rng: np.random.Generator, prov: _Provinces, sch: _Schools, tot: _SchoolTotals
    ) -> np.ndarray:
        """Wages, non-wage spending per student and a fixed part, in yuan."""
        salary = np.array([pr.salary for pr in prov.prof])[sch.s_prov]
        opex = np.array([pr.opex for pr in prov.prof])[sch.s_prov] * (self.mix @ _OPEX_MULT)
        money_dev = 0.5 * (self.prosperity - 0.6) + 0.5 * self.quality
        dyr = self.dyr
        expenditure = (
            tot.teachers * salary[:, None] * np.exp(rng.normal(0.0, 0.05, (sch.n, 1))) * 1.04**dyr
            + tot.students * opex[:, None] * np.exp(money_dev[:, None] * self.conv) * 1.03**dyr
            + 30_000.0 * np.exp(self.prosperity)[:, None]
        )
        return np.round(expenditure, 2)


def _teachers_by_stage_taught(
    sch: _Schools, tot: _SchoolTotals, res: _Resources
) -> list[np.ndarray]:
    """Teachers of combined schools by the stage they teach (NaN for other schools).

    Each school total is split over the stages in proportion to the teachers of that stage,
    to whole persons.
    """
    combined = np.isin(
        sch.stage_of, [_ST["nine_year"], _ST["complete_secondary"], _ST["twelve_year"]]
    )
    tbs = tot.teachers_by_stage
    tb3 = np.stack([tbs[:, :, 0], tbs[:, :, 1], tbs[:, :, 2] + tbs[:, :, 3]], axis=2)
    by_stage = []
    for total in (tot.teachers, res.qualified, res.backbone, res.pe_arts, res.title):
        split = _split_whole(total, tb3)
        split[~combined] = np.nan
        by_stage.extend(split[:, :, k] for k in range(3))
    return by_stage


def _school_coordinates(
    rng: np.random.Generator, counties: Sequence[CountySpec], prov: _Provinces, sch: _Schools
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates jittered around the county centroid (farther out for rural schools)."""
    lon_c, lat_c = _county_coordinates(counties, prov.prof, prov.c_prov)
    radius = np.array([0.04, 0.09, 0.13])[sch.loc_of] * np.sqrt(rng.uniform(0.15, 1.0, sch.n))
    angle = rng.uniform(0.0, 2.0 * np.pi, sch.n)
    lons = np.round(lon_c[sch.county_of] + radius * np.cos(angle), 6)
    lats = np.round(lat_c[sch.county_of] + radius * np.sin(angle) * 0.8, 6)
    return lons, lats


def _named_schools(
    counties: Sequence[CountySpec], sch: _Schools, lons: np.ndarray, lats: np.ndarray, seed: int
) -> tuple[SyntheticSchool, ...]:
    """Codes (county prefix and a serial) and names of the schools."""
    n_c = len(counties)
    n_rural = np.bincount(sch.county_of[sch.loc_of > 0], minlength=n_c).tolist()
    per_county = np.bincount(sch.county_of, minlength=n_c)
    if per_county.max() > 9999:
        worst = counties[int(per_county.argmax())].code
        raise ValueError(f"county {worst} would need more than 9999 school codes")
    namers = [_CountyNamer(c, seed, n_rural[i]) for i, c in enumerate(counties)]
    serial = [0] * n_c
    schools: list[SyntheticSchool] = []
    for ci, st_i, lo_i, pv, tp, x, y in zip(
        sch.county_of.tolist(),
        sch.stage_of.tolist(),
        sch.loc_of.tolist(),
        sch.private.tolist(),
        sch.is_tp.tolist(),
        lons.tolist(),
        lats.tolist(),
        strict=True,
    ):
        county = counties[ci]
        serial[ci] += 1
        stage, location = STAGES[st_i], LOCATIONS[lo_i]
        ownership = OWNERSHIPS[1 if pv else 0]
        zh, en = namers[ci].name(stage, location, ownership, tp)
        schools.append(
            SyntheticSchool(
                f"{county.code[:6]}{serial[ci]:04d}",
                zh,
                en,
                county.code,
                stage,
                location,
                ownership,
                x,
                y,
                TEACHING_POINT_TYPE if tp else SCHOOL_TYPES[stage],
            )
        )
    return tuple(schools)


def _county_coordinates(
    counties: Sequence[CountySpec], prof: list[_Profile], c_prov: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """County centroids, filling gaps from the prefecture, the province or the capital."""
    lon = np.array([np.nan if c.lon is None else float(c.lon) for c in counties])
    lat = np.array([np.nan if c.lat is None else float(c.lat) for c in counties])
    missing = np.flatnonzero(np.isnan(lon))
    for i in missing:
        c = counties[i]
        for key in (lambda d: d.prefecture_code, lambda d: d.province_code):
            near = [
                j
                for j, d in enumerate(counties)
                if key(d) == key(c) and d.lon is not None and d.lat is not None
            ]
            if near:
                lon[i] = float(np.mean([counties[j].lon for j in near]))
                lat[i] = float(np.mean([counties[j].lat for j in near]))
                break
        else:
            lon[i], lat[i] = prof[c_prov[i]].centroid
    return lon, lat
