"""The codes of the raw indicators a school reports each year: the one list the registry's
catalogue (``schools.catalogue``), the synthetic demo data and the balance standards read.

Only codes live here (names, units and ratios are in the catalogue); the module is plain data so
that the algorithms, which import no app, can check a standard's codes against it.

Examples
--------
>>> RAW_CODES[:3]
('students', 'students_primary', 'students_junior')
>>> "teachers_qualified_junior" in TEACHER_STAGE_CODES
True
>>> len(RAW_CODES) == len(set(RAW_CODES))
True
"""

from __future__ import annotations

__all__ = [
    "FUNDING_COUNTS",
    "MOBILITY_COUNTS",
    "RAW_CODES",
    "RESOURCE_COUNTS",
    "TEACHER_COUNTS",
    "TEACHER_STAGES",
    "TEACHER_STAGE_CODES",
]

#: The counts the balance standards are written in: enrolment (by stage for combined schools),
#: classes, teachers, buildings and grounds, equipment, books and spending.
RESOURCE_COUNTS: tuple[str, ...] = (
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
)

#: What the government-guarantee checks read besides them (public operating funds against the
#: per-pupil base rates, boarders for the boarding supplement).
FUNDING_COUNTS: tuple[str, ...] = ("public_operating_funds", "boarding_students")

#: Teacher counts that combined schools also report by the stage taught.
TEACHER_COUNTS: tuple[str, ...] = (
    "teachers",
    "teachers_qualified",
    "teachers_backbone",
    "teachers_pe_arts",
    "teachers_mid_senior_title",
)

#: The stages of that breakdown.
TEACHER_STAGES: tuple[str, ...] = ("primary", "junior", "senior")

#: ``{count}_{stage}``: a combined school's teachers by the stage they teach (empty for
#: single-stage schools).
TEACHER_STAGE_CODES: tuple[str, ...] = tuple(
    f"{code}_{stage}" for code in TEACHER_COUNTS for stage in TEACHER_STAGES
)

#: Pupil mobility: pupils whose school record (学籍) moved to another school during the year.
#: A supported school's capacity index reads it (``algorithms/capacity``, ``transfers_out``).
MOBILITY_COUNTS: tuple[str, ...] = ("students_transferred_out",)

#: Every raw indicator, in the catalogue's order (the last axis of the synthetic values).
RAW_CODES: tuple[str, ...] = (
    RESOURCE_COUNTS + FUNDING_COUNTS + TEACHER_STAGE_CODES + MOBILITY_COUNTS
)
