"""The indicator catalogue as data: raw counts stored per school and year, and the ratios derived
from them. Ratios are defined here once; queries, charts and evaluations read the definition.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from xietong.algorithms import indicators


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    definition_zh: str = ""
    definition_en: str = ""
    numerator: str | None = None
    denominator: str | None = None
    scale: Decimal = Decimal(1)
    integral: bool = False

    @property
    def kind(self) -> str:
        return "derived" if self.numerator else "raw"


# Names, units and definitions of the counts a school reports; their codes and order are
# those of xietong.algorithms.indicators (RAW below follows it).
_REPORTED: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "students",
        "在校生数",
        "Students",
        "人",
        "persons",
        "学校在校学生总数。",
        "All enrolled students of the school.",
        integral=True,
    ),
    IndicatorDef(
        "students_primary",
        "小学段在校生数",
        "Primary-stage students",
        "人",
        "persons",
        "一贯制学校中小学段学生数；小学即在校生数。",
        "Students in the primary stage (for combined schools).",
        integral=True,
    ),
    IndicatorDef(
        "students_junior",
        "初中段在校生数",
        "Junior-stage students",
        "人",
        "persons",
        "一贯制或完全中学中初中段学生数。",
        "Students in the junior-secondary stage.",
        integral=True,
    ),
    IndicatorDef(
        "students_senior",
        "高中段在校生数",
        "Senior-stage students",
        "人",
        "persons",
        "完全中学或十二年一贯制学校中高中段学生数。",
        "Students in the senior-secondary stage.",
        integral=True,
    ),
    IndicatorDef(
        "classes", "教学班数", "Classes", "个", "classes", "", "Teaching classes.", integral=True
    ),
    IndicatorDef(
        "teachers",
        "专任教师数",
        "Full-time teachers",
        "人",
        "persons",
        "",
        "Full-time teachers.",
        integral=True,
    ),
    IndicatorDef(
        "teachers_qualified",
        "高于规定学历教师数",
        "Teachers above required qualification",
        "人",
        "persons",
        "学历高于国家规定合格学历的专任教师。",
        "Full-time teachers whose education is above the legally required level.",
        integral=True,
    ),
    IndicatorDef(
        "teachers_backbone",
        "县级及以上骨干教师数",
        "Backbone teachers (county level and above)",
        "人",
        "persons",
        "",
        "Backbone teachers recognised at county level or above.",
        integral=True,
    ),
    IndicatorDef(
        "teachers_pe_arts",
        "体育、艺术（美术、音乐）专任教师数",
        "PE and arts (music, art) teachers",
        "人",
        "persons",
        "",
        "Full-time PE, music and art teachers.",
        integral=True,
    ),
    IndicatorDef(
        "teachers_mid_senior_title",
        "中级及以上专业技术职务教师数",
        "Teachers with middle or senior title",
        "人",
        "persons",
        "",
        "Teachers holding a middle or senior professional title.",
        integral=True,
    ),
    IndicatorDef(
        "building_area",
        "教学及辅助用房面积",
        "Teaching and auxiliary building area",
        "平方米",
        "m²",
    ),
    IndicatorDef("sports_area", "体育运动场馆面积", "Sports ground area", "平方米", "m²"),
    IndicatorDef("instrument_value", "教学仪器设备值", "Teaching instrument value", "元", "yuan"),
    IndicatorDef(
        "multimedia_classrooms",
        "网络多媒体教室数",
        "Networked multimedia classrooms",
        "间",
        "rooms",
        integral=True,
    ),
    IndicatorDef(
        "computers", "教学用计算机台数", "Computers for teaching", "台", "units", integral=True
    ),
    IndicatorDef("library_books", "图书册数", "Library books", "册", "volumes", integral=True),
    IndicatorDef("expenditure", "教育经费支出", "Expenditure", "元", "yuan"),
    IndicatorDef(
        "public_operating_funds",
        "公用经费财政拨款",
        "Public operating funds received",
        "元",
        "yuan",
        "学校当年收到的财政拨付公用经费（不含人员经费和基本建设支出）。",
        "Public operating funds the school received in the year (no staff costs, no construction).",
    ),
    IndicatorDef(
        "boarding_students",
        "寄宿生数",
        "Boarding students",
        "人",
        "persons",
        "",
        "Students who board at the school.",
        integral=True,
    ),
    IndicatorDef(
        "students_transferred_out",
        "转出学生数",
        "Pupils transferred out",
        "人",
        "persons",
        "学年内学籍转往其他学校的学生人数（不含毕业、升学）。",
        "Pupils whose school record (学籍) moved to another school during the year; graduates "
        "and pupils moving up a stage are not counted.",
        integral=True,
    ),
)

# Teachers of a combined school (九年一贯制, 完全中学, 十二年一贯制) by the stage they teach. The
# balance standards count teachers in the stage they teach rather than splitting a school's
# teachers by enrolment (docs/measures/standards.md, "Combined schools"); single-stage schools
# leave these empty.
TEACHER_COUNTS: tuple[str, ...] = indicators.TEACHER_COUNTS
_STAGE_NAMES = {
    "primary": ("小学段", "primary stage"),
    "junior": ("初中段", "junior-secondary stage"),
    "senior": ("高中段", "senior-secondary stage"),
}
_BY_CODE_RAW = {d.code: d for d in _REPORTED}
TEACHER_STAGE_BREAKDOWN: tuple[IndicatorDef, ...] = tuple(
    IndicatorDef(
        f"{code}_{stage}",
        f"{zh}{_BY_CODE_RAW[code].name_zh}",
        f"{_BY_CODE_RAW[code].name_en}, {en}",
        "人",
        "persons",
        f"一贯制学校或完全中学中任教{zh}的{_BY_CODE_RAW[code].name_zh.removesuffix('数')}人数；"
        "单一学段学校不填。",
        f"{_BY_CODE_RAW[code].name_en} teaching the {en} of a combined school; empty for "
        "single-stage schools.",
        integral=True,
    )
    for code in TEACHER_COUNTS
    for stage, (zh, en) in ((s, _STAGE_NAMES[s]) for s in indicators.TEACHER_STAGES)
)
_RAW_DEFS = {d.code: d for d in _REPORTED + TEACHER_STAGE_BREAKDOWN}
if set(_RAW_DEFS) != set(indicators.RAW_CODES):  # pragma: no cover - caught by any import
    raise ImportError(
        "schools.catalogue and algorithms.indicators disagree on the raw codes: "
        f"{sorted(set(_RAW_DEFS) ^ set(indicators.RAW_CODES))}"
    )
RAW: tuple[IndicatorDef, ...] = tuple(_RAW_DEFS[code] for code in indicators.RAW_CODES)

_H = Decimal(100)
DERIVED: tuple[IndicatorDef, ...] = (
    IndicatorDef(
        "student_teacher_ratio",
        "生师比",
        "Student-teacher ratio",
        "",
        "",
        "在校生数 / 专任教师数",
        "students / full-time teachers",
        "students",
        "teachers",
    ),
    IndicatorDef(
        "class_size",
        "平均班额",
        "Average class size",
        "人/班",
        "students per class",
        "在校生数 / 教学班数",
        "students / classes",
        "students",
        "classes",
    ),
    IndicatorDef(
        "teachers_per_100",
        "每百名学生专任教师数",
        "Teachers per 100 students",
        "人",
        "persons",
        "",
        "",
        "teachers",
        "students",
        _H,
    ),
    IndicatorDef(
        "qualified_per_100",
        "每百名学生拥有高于规定学历教师数",
        "Above-qualification teachers per 100 students",
        "人",
        "persons",
        "",
        "",
        "teachers_qualified",
        "students",
        _H,
    ),
    IndicatorDef(
        "backbone_per_100",
        "每百名学生拥有县级及以上骨干教师数",
        "Backbone teachers per 100 students",
        "人",
        "persons",
        "",
        "",
        "teachers_backbone",
        "students",
        _H,
    ),
    IndicatorDef(
        "pe_arts_per_100",
        "每百名学生拥有体育、艺术专任教师数",
        "PE and arts teachers per 100 students",
        "人",
        "persons",
        "",
        "",
        "teachers_pe_arts",
        "students",
        _H,
    ),
    IndicatorDef(
        "titled_per_100",
        "每百名学生拥有中级及以上职称教师数",
        "Middle/senior-title teachers per 100 students",
        "人",
        "persons",
        "",
        "",
        "teachers_mid_senior_title",
        "students",
        _H,
    ),
    IndicatorDef(
        "building_area_per_student",
        "生均教学及辅助用房面积",
        "Building area per student",
        "平方米",
        "m²",
        "",
        "",
        "building_area",
        "students",
    ),
    IndicatorDef(
        "sports_area_per_student",
        "生均体育运动场馆面积",
        "Sports ground area per student",
        "平方米",
        "m²",
        "",
        "",
        "sports_area",
        "students",
    ),
    IndicatorDef(
        "instrument_value_per_student",
        "生均教学仪器设备值",
        "Instrument value per student",
        "元",
        "yuan",
        "",
        "",
        "instrument_value",
        "students",
    ),
    IndicatorDef(
        "multimedia_per_100",
        "每百名学生拥有网络多媒体教室数",
        "Multimedia classrooms per 100 students",
        "间",
        "rooms",
        "",
        "",
        "multimedia_classrooms",
        "students",
        _H,
    ),
    IndicatorDef(
        "computers_per_100",
        "每百名学生拥有教学用计算机台数",
        "Computers per 100 students",
        "台",
        "units",
        "",
        "",
        "computers",
        "students",
        _H,
    ),
    IndicatorDef(
        "books_per_student",
        "生均图书册数",
        "Library books per student",
        "册",
        "volumes",
        "",
        "",
        "library_books",
        "students",
    ),
    IndicatorDef(
        "expenditure_per_student",
        "生均教育经费支出",
        "Expenditure per student",
        "元",
        "yuan",
        "",
        "",
        "expenditure",
        "students",
    ),
)

CATALOGUE: tuple[IndicatorDef, ...] = RAW + DERIVED
RAW_CODES: tuple[str, ...] = indicators.RAW_CODES
BY_CODE: dict[str, IndicatorDef] = {d.code: d for d in CATALOGUE}


def derive(definition: IndicatorDef, values: dict[str, float | Decimal | None]) -> float | None:
    """Value of a derived ratio from raw values; None when the denominator is missing or zero."""
    if definition.kind == "raw":
        v = values.get(definition.code)
        return None if v is None else float(v)
    num = values.get(definition.numerator or "")
    den = values.get(definition.denominator or "")
    if num is None or den is None or float(den) == 0:
        return None
    return float(num) / float(den) * float(definition.scale)
