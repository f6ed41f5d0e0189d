"""Demo records behind the supported schools' capacity inputs (synthetic, marked so).

For each supported school of the demo cooperations: six teachers on its staff, trained by the
partner in two programmes of the cooperation (ended July 2021 and July 2023), some of whom
later move to another school of the county, and yearly satisfaction surveys 2022-2024. A school
heading for exit keeps its trained teachers and its satisfaction rises; a dependent one loses
half of them and stays below the 85 % line. Pupils transferring out come with the synthetic
statistics (``students_transferred_out``). Everything goes through the services, acting as the
operator's process; idempotent (nothing is added once the first demo programme exists).
"""

from __future__ import annotations

import datetime as dt

from xietong.schools.models import School
from xietong.talent.circulation import enrol, enrolment_complete, programme_create
from xietong.talent.models import TrainingProgramme
from xietong.talent.services import teacher_create, teacher_school_change

from . import services
from .models import Cooperation, PartyRole

PROGRAMME_ENDS = (dt.date(2021, 7, 20), dt.date(2023, 7, 20))
TEACHERS = 6
# teachers who leave (index among the six, date): few for a school heading for exit, half for
# one that stays dependent
LEAVERS = {
    "falling": ((5, dt.date(2022, 3, 1)),),
    "steady": ((3, dt.date(2022, 3, 1)), (4, dt.date(2023, 9, 1)), (5, dt.date(2024, 2, 1))),
}
# satisfied per 200 respondents, 2022-2024
SATISFIED = {"falling": (160, 172, 178), "steady": (156, 158, 160)}
STAGES = {"junior": "junior", "complete_secondary": "junior", "senior": "senior"}
SURVEY_SOURCE = "演示数据：学校满意度调查报告（合成）"
SURVEY_BY = "县级教育督导室（演示）"


def _first_code(coop: Cooperation) -> str:
    return f"{coop.code}-T21"


def _other_school(school: School) -> School | None:
    return (
        School.objects.filter(county_id=school.county_id, is_open=True, is_synthetic=True)
        .exclude(pk=school.pk)
        .order_by("code")
        .first()
    )


def _teachers(school: School, n: int) -> list:
    return [
        teacher_create(
            code=f"DEMO-C-{school.code}-{i}",
            school=school,
            name=f"示例受训教师{i + 1}",
            subject="maths" if i % 2 == 0 else "chinese",
            stage=STAGES.get(school.stage, "primary"),
            actor=None,
            is_synthetic=True,
            years_at_school=5 + i,
            weekly_hours=12 + i % 3,
        )
        for i in range(n)
    ]


def _programmes(coop: Cooperation) -> list[TrainingProgramme]:
    out = []
    for ends in PROGRAMME_ENDS:
        p = programme_create(
            area=coop.area,
            code=f"{coop.code}-T{ends.year % 100}",
            title=f"{coop.title_zh}教师研修 {ends.year}",
            credit_hours=48,
            starts=ends.replace(month=3, day=1),
            ends=ends,
            actor=None,
            provider=coop.title_zh,
        )
        services.training_programme_attach(actor=None, cooperation=coop, programme=p)
        out.append(p)
    return out


def _school_records(coop, school, programmes, pattern: str) -> dict:
    staff = _teachers(school, TEACHERS)
    for p in programmes:
        for t in staff:
            enrolment_complete(enrolment=enrol(programme=p, teacher=t, actor=None), actor=None)
    moves = 0
    other = _other_school(school)
    if other is not None:
        for i, on in LEAVERS[pattern]:
            teacher_school_change(
                teacher=staff[i], to_school=other, on=on, actor=None, is_synthetic=True
            )
            moves += 1
    for year, satisfied in zip((2022, 2023, 2024), SATISFIED[pattern], strict=True):
        services.satisfaction_survey_record(
            actor=None,
            school=school,
            year=year,
            respondents=200,
            satisfied=satisfied,
            conducted_by=SURVEY_BY,
            conducted_on=dt.date(year, 6, 10),
            source=SURVEY_SOURCE,
            is_synthetic=True,
        )
    return {"teachers": len(staff), "moves": moves, "surveys": 3}


def capacity_demo_load(patterns: dict[str, str]) -> dict:
    """``patterns``: cooperation code -> ``falling`` or ``steady``. Returns what was added."""
    coops = list(Cooperation.objects.filter(code__in=patterns, is_synthetic=True).order_by("code"))
    if not coops or TrainingProgramme.objects.filter(code=_first_code(coops[0])).exists():
        return {}
    added = {"teachers": 0, "moves": 0, "surveys": 0, "programmes": 0}
    done: set[int] = set()
    for coop in coops:
        supported = [
            p.school
            for p in coop.parties.filter(role=PartyRole.SUPPORTED, school__isnull=False)
            if p.school_id not in done
        ]
        if not supported:
            continue
        programmes = _programmes(coop)
        added["programmes"] += len(programmes)
        for school in supported:
            done.add(school.pk)
            for k, v in _school_records(coop, school, programmes, patterns[coop.code]).items():
                added[k] += v
    return added
