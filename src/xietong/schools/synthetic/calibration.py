"""Province totals the generator is calibrated to, with their sources (docs/demo-data.md)."""

from __future__ import annotations

from dataclasses import dataclass


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
VOCATIONAL_RATIO = 18.0
SPECIAL_RATIO = 4.4
