"""Modelling assumptions: invented but plausible parameters (prosperity profiles, stage
structure, class sizes, trends, resource coefficients), not calibration."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from .vocabulary import STAGES

# ---------------------------------------------------------------------------------------------
# Modelling assumptions (not calibration: invented but plausible parameters)
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Profile:
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


PROFILES: dict[str, Profile] = {
    "11": Profile(0.90, 0.6, (1.3, 1.0, 0.7), 0.02, 0.30, 0.45, 0.08,
                   (0.03, 0.08, 0.12, 0.25), 260_000, 12_000, 0.85, (116.40, 39.90)),
    "12": Profile(0.72, 0.7, (1.5, 1.1, 0.6), 0.00, 0.25, 0.35, 0.05,
                   (0.03, 0.08, 0.10, 0.20), 170_000, 6_000, 0.95, (117.20, 39.13)),
    "13": Profile(0.42, 1.35, (2.3, 1.2, 0.42), 0.18, 0.35, 0.30, 0.08,
                   (0.05, 0.12, 0.20, 0.25), 120_000, 3_000, 1.08, (114.51, 38.04)),
    "31": Profile(0.92, 0.5, (1.3, 1.0, 0.8), 0.00, 0.30, 0.40, 0.06,
                   (0.06, 0.15, 0.15, 0.30), 240_000, 10_000, 0.85, (121.47, 31.23)),
    "32": Profile(0.75, 0.8, (2.0, 1.2, 0.65), 0.03, 0.25, 0.25, 0.06,
                   (0.03, 0.10, 0.15, 0.25), 180_000, 5_000, 1.0, (118.76, 32.06)),
    "33": Profile(0.78, 0.85, (1.9, 1.2, 0.7), 0.06, 0.20, 0.25, 0.05,
                   (0.06, 0.15, 0.15, 0.25), 200_000, 6_000, 0.97, (120.15, 30.27)),
    "34": Profile(0.48, 1.3, (2.3, 1.2, 0.45), 0.22, 0.35, 0.30, 0.07,
                   (0.05, 0.12, 0.20, 0.30), 130_000, 3_500, 1.05, (117.28, 31.86)),
}  # fmt: skip

# Prosperity adjustments of prefectures (4-digit prefix) and of some county-level units.
PREFECTURE_ADJ: dict[str, float] = {
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
COUNTY_ADJ: dict[str, float] = {
    # Beijing core and outer mountain districts
    "110101": 0.06, "110102": 0.06, "110105": 0.04, "110108": 0.06,
    "110109": -0.10, "110111": -0.08, "110116": -0.10, "110117": -0.12, "110118": -0.12,
    "110119": -0.14,
    # Shanghai outer districts and Chongming island
    "310151": -0.16, "310116": -0.06, "310117": -0.04, "310118": -0.05, "310120": -0.06,
    # Tianjin outer districts
    "120116": 0.04, "120119": -0.14, "120117": -0.10, "120118": -0.09, "120115": -0.08,
}  # fmt: skip
CORE_DISTRICTS = frozenset(
    {"110101", "110102", "110105", "110106", "110107", "110108"}
    | {"310101", "310104", "310105", "310106", "310107", "310109", "310110"}
    | {"120101", "120102", "120103", "120104", "120105", "120106"}
)
KIND_ADJ = {"district": 0.04, "county_city": 0.0, "county": -0.06}
KIND_LOCATION = {  # probabilities urban / town / rural before adjustments
    "district": (0.65, 0.22, 0.13),
    "county_city": (0.32, 0.38, 0.30),
    "county": (0.18, 0.40, 0.42),
}
KIND_WEIGHT = {"district": 0.85, "county_city": 1.3, "county": 1.0}

# Stage structure: parts (0 primary, 1 junior, 2 senior, 3 vocational, 4 special) with the
# relative size of the part inside its stage group.
ST = {s: i for i, s in enumerate(STAGES)}
STAGE_PARTS: dict[str, tuple[tuple[int, float], ...]] = {
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
STAGE_LOCATION_MULT: dict[str, tuple[float, float]] = {
    "primary": (1.0, 1.0),
    "junior": (1.1, 0.55),
    "nine_year": (0.8, 1.3),
    "senior": (1.6, 0.08),
    "complete_secondary": (1.5, 0.15),
    "twelve_year": (2.0, 0.05),
    "vocational": (1.4, 0.1),
    "special": (2.0, 0.02),
}
MIN_PART_STUDENTS = np.array([20, 20, 20, 50, 8], dtype=np.int64)
CLASS_SIZE = np.array(  # [part, location]
    [[43.0, 40.0, 28.0], [47.0, 45.0, 38.0], [50.0, 48.0, 45.0], [40.0, 40.0, 38.0],
     [9.0, 9.0, 9.0]]
)  # fmt: skip
MIN_CLASSES = np.array([6, 3, 3, 3, 1], dtype=np.int64)


def student_growth(part: int, year: int) -> float:
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


def teacher_growth(part: int, year: int) -> float:
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


def trend_factor(growth: Callable[[int, int], float], part: int, year: int, ref: int) -> float:
    """Factor of the stage total in ``year`` relative to the reference year."""
    f = 1.0
    for y in range(ref + 1, year + 1):
        f *= 1.0 + growth(part, y)
    for y in range(year + 1, ref + 1):
        f /= 1.0 + growth(part, y)
    return f


# Resource model. Reference values per student (per part: primary, junior, senior, vocational,
# special) for a town school in a county of prosperity 0.6 in 2022.
RES_REF = {
    "building": np.array([6.2, 7.8, 8.5, 11.0, 28.0]),  # m2 per student
    "sports": np.array([11.5, 15.0, 14.0, 10.0, 15.0]),  # m2 per student
    "instrument": np.array([2900.0, 3700.0, 5000.0, 9000.0, 12000.0]),  # yuan per student
    "computers": np.array([0.15, 0.19, 0.22, 0.40, 0.30]),  # per student
    "books": np.array([30.0, 42.0, 48.0, 45.0, 40.0]),  # per student
    "multimedia": np.array([1.25, 1.25, 1.15, 1.0, 1.0]),  # rooms per class
}
# (effect of prosperity, location effects urban/town/rural (times the county gap), size
# elasticity, loading on the school quality factor, yearly growth)
RES_COEF = {
    "building": (0.6, (-0.10, 0.0, 0.05), -0.20, 0.6, 0.015),
    "sports": (0.4, (-0.12, 0.0, 0.08), -0.28, 0.5, 0.010),
    "instrument": (1.2, (0.12, 0.0, -0.25), -0.20, 0.9, 0.060),
    "computers": (1.0, (0.10, 0.0, -0.20), -0.20, 0.8, 0.040),
    "books": (0.5, (0.05, 0.0, -0.15), -0.20, 0.7, 0.020),
    "multimedia": (0.3, (0.05, 0.0, -0.15), 0.0, 0.5, 0.030),
}
# Teacher shares (logit model): reference share per part, prosperity effect, location effects,
# loading on the school quality factor, yearly logit growth.
SHARE_REF = {
    "qualified": np.array([0.96, 0.93, 0.95, 0.88, 0.90]),
    "backbone": np.array([0.18, 0.17, 0.18, 0.12, 0.12]),
    "pe_arts": np.array([0.17, 0.15, 0.12, 0.08, 0.10]),
    "title": np.array([0.52, 0.60, 0.62, 0.55, 0.55]),
}
SHARE_COEF = {
    "qualified": (2.0, (0.30, 0.0, -0.45), 1.5, 0.10),
    "backbone": (1.5, (0.25, 0.0, -0.20), 1.5, 0.05),
    "pe_arts": (1.2, (0.20, 0.0, -0.20), 1.2, 0.06),
    "title": (0.8, (0.15, 0.0, -0.20), 1.0, 0.02),
}
OPEX_MULT = np.array([1.0, 1.3, 1.5, 1.6, 4.0])
CONVERGENCE = 0.06  # yearly shrink of every deviation from the provincial reference
BASE_YEAR = 2022  # year of the resource reference values
MIN_YEAR, MAX_YEAR = 2000, 2040  # the trends are not meant for longer extrapolation
