"""A supported school's capacity inputs, built from the records of the other apps.

Each number of :class:`~xietong.algorithms.capacity.CapacityInputs` comes with the records
behind it (``Ref``: app label, model, primary key), so the page can link every input to what it
was counted from. The sources, per school and year:

- ``students``, ``backbone_teachers``: the school's statistics of that year (indicators
  ``students`` and ``teachers_backbone``, county level and above).
- ``seconded_fte``: teachers of other schools working here that year: exchange placements to a
  post hosted here (one FTE each, for the post's term) and multi-school appointments (weekly
  hours here over the teacher's weekly load).
- ``partner_lessons``: the seconded teachers' lessons here (weekly hours x ``TEACHING_WEEKS``)
  plus the synchronous lessons (partnerships activities of kind ``sync_lesson``) the school
  received from another party that year.
- ``own_lessons``: the school's own teachers (statistics ``teachers`` of the year) at the mean
  weekly load of its staff roster, x ``TEACHING_WEEKS``, less nothing else: seconded-in
  teachers are on the roll of their home school.
- ``reused_resources``: the school's resources imported into a collection that year
  by someone who is neither its teacher nor one of its school administrators.
- ``transfers_out``: the school's statistic ``students_transferred_out`` of that year.
- ``satisfaction``: no app records it yet (no survey), so it stays ``None`` and does not count.

``TEACHING_WEEKS`` is 35: the teaching time of a school year in 教育部《义务教育课程方案
（2022年版）》 (课程设置, 课时: 每学年教学时间35周).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Q

from xietong.accounts.models import RoleAssignment
from xietong.accounts.scope import Scope
from xietong.algorithms.capacity import (
    INPUT_FIELDS,
    CapacityInputs,
    CapacityResult,
    DependenceTrend,
    ExitDecision,
    capacity_index,
    dependence_trend,
    exit_ready,
)
from xietong.resources.models import CollectionItem
from xietong.schools.models import School, SchoolStatistic
from xietong.schools.selectors import can_see_statistics, school_get
from xietong.talent.models import Appointment, Placement, Teacher

from .models import Activity, ActivityKind

__all__ = [
    "TEACHING_WEEKS",
    "CapacityReport",
    "Ref",
    "TracedInputs",
    "capacity_inputs",
    "capacity_payload",
    "school_capacity",
]

TEACHING_WEEKS = 35
BACKBONE_LEVELS = ("county", "city", "province")
TRANSFERS = "students_transferred_out"


@dataclass(frozen=True, order=True)
class Ref:
    """One record behind a number: ``app.model``, its primary key and, where its page is the
    parent's (a placement's round, an imported resource), the parent's key."""

    model: str
    pk: int | str
    parent: int | str | None = None


@dataclass
class TracedInputs:
    """The inputs of one year and, per input name, the records they were counted from."""

    year: int
    inputs: CapacityInputs
    trace: dict[str, list[Ref]] = field(default_factory=dict)


def _statistics(school: School, years: list[int]) -> dict[tuple[int, str], tuple[Fraction, int]]:
    rows = SchoolStatistic.objects.filter(
        school=school,
        year__in=years,
        indicator_id__in=("students", "teachers", "teachers_backbone", TRANSFERS),
    ).values_list("year", "indicator_id", "value", "pk")
    return {(y, ind): (Fraction(value), pk) for y, ind, value, pk in rows}


def _placements(school: School, year: int) -> list[tuple[Fraction, int, Ref]]:
    """(FTE, weekly hours, pk) of teachers placed here by a published round covering ``year``."""
    rows = (
        Placement.objects.filter(
            post__host_school=school,
            round__published_at__isnull=False,
            round__year__lte=year,
        )
        .exclude(teacher__school=school)
        .values_list("pk", "round_id", "round__year", "post__term_years", "teacher__weekly_hours")
    )
    return [
        (Fraction(1), hours, Ref("talent.placement", pk, rnd))
        for pk, rnd, start, term, hours in rows
        if year < start + max(term, 1)
    ]


def _appointments(school: School, year: int) -> list[tuple[Fraction, int, Ref]]:
    """(FTE, weekly hours, pk) of other schools' teachers appointed here during ``year``."""
    first, last = date(year, 1, 1), date(year, 12, 31)
    rows = (
        Appointment.objects.filter(school=school, starts__lte=last)
        .filter(Q(ends__isnull=True) | Q(ends__gte=first))
        .exclude(teacher__school=school)
        .values_list("pk", "weekly_hours", "teacher__weekly_hours")
    )
    return [
        (Fraction(h, load) if load else Fraction(0), h, Ref("talent.appointment", pk))
        for pk, h, load in rows
    ]


def _sync_lessons(school: School, year: int) -> list[tuple[Fraction, Ref]]:
    """Synchronous lessons received by the school in ``year`` from another party, typed in the
    partnerships app (an activity linked to a talent record is counted through that record)."""
    rows = (
        Activity.objects.filter(
            kind=ActivityKind.SYNC_LESSON, recipient__school=school, date__year=year, source_app=""
        )
        .exclude(provider__school=school)
        .values_list("pk", "cooperation_id", "quantity")
    )
    return [(Fraction(q), Ref("partnerships.activity", pk, coop)) for pk, coop, q in rows]


def _seconded(school: School, year: int, trace: dict[str, list[Ref]]) -> tuple[Fraction, Fraction]:
    placed = _placements(school, year)
    appointed = _appointments(school, year)
    synced = _sync_lessons(school, year)
    trace["seconded_fte"] = [ref for _, _, ref in placed + appointed]
    trace["partner_lessons"] = trace["seconded_fte"] + [ref for _, ref in synced]
    fte = sum((f for f, _, _ in placed + appointed), Fraction(0))
    lessons = sum((Fraction(h) for _, h, _ in placed + appointed), Fraction(0)) * TEACHING_WEEKS
    return fte, lessons + sum((q for q, _ in synced), Fraction(0))


def _own_lessons(school: School, stats, year: int, trace) -> Fraction | None:
    staff = stats.get((year, "teachers"))
    roster = list(Teacher.objects.filter(school=school).values_list("pk", "weekly_hours"))
    if staff is None or not roster:
        return None
    mean_load = Fraction(sum(h for _, h in roster), len(roster))
    trace["own_lessons"] = [Ref("schools.schoolstatistic", staff[1])] + [
        Ref("talent.teacher", pk) for pk, _ in roster
    ]
    return staff[0] * mean_load * TEACHING_WEEKS


def _school_people(school: School) -> tuple[set[int], set[int]]:
    teachers = set(
        Teacher.objects.filter(school=school, user__isnull=False).values_list("user_id", flat=True)
    )
    admins = set(RoleAssignment.objects.filter(school=school).values_list("user_id", flat=True))
    return teachers, admins


def _reuse(school: School, years: list[int]) -> dict[int, tuple[list[Ref], int]]:
    """Per year: the collection items importing the school's resources from outside, and how
    many distinct resources they import."""
    teachers, admins = _school_people(school)
    rows = (
        CollectionItem.objects.filter(resource__owner_school=school, created_at__year__in=years)
        .exclude(user_id__in=sorted(teachers | admins))
        .values_list("pk", "resource_id", "created_at__year")
    )
    items: dict[int, list[Ref]] = defaultdict(list)
    resources: dict[int, set[int]] = defaultdict(set)
    for pk, resource, year in rows:
        items[year].append(Ref("resources.collectionitem", pk, str(resource)))
        resources[year].add(resource)
    return {y: (items[y], len(resources[y])) for y in items}


def _year_inputs(school: School, year: int, stats, reuse) -> TracedInputs:
    trace: dict[str, list[Ref]] = {}

    def stat(code: str, name: str) -> Fraction | None:
        hit = stats.get((year, code))
        if hit is None:
            return None
        trace[name] = [Ref("schools.schoolstatistic", hit[1])]
        return hit[0]

    fte, partner = _seconded(school, year, trace)
    own = _own_lessons(school, stats, year, trace)
    items, reused = reuse.get(year, ([], 0))
    trace["reused_resources"] = items
    inputs = CapacityInputs(
        year,
        own_lessons=own,
        partner_lessons=partner,
        seconded_fte=fte,
        students=stat("students", "students"),
        backbone_teachers=stat("teachers_backbone", "backbone_teachers"),
        reused_resources=reused,
        transfers_out=stat(TRANSFERS, "transfers_out"),
    )
    return TracedInputs(year, inputs, trace)


def capacity_inputs(school: School, years: list[int]) -> list[TracedInputs]:
    """The traced inputs of ``school`` for each of ``years`` (ascending). Not scope-checked:
    the selector that calls it checks that the caller may see the school's statistics."""
    years = sorted(set(years))
    stats = _statistics(school, years)
    reuse = _reuse(school, years)
    return [_year_inputs(school, y, stats, reuse) for y in years]


@dataclass
class CapacityReport:
    """A school's index per year (with the traced inputs), its dependence trend and the exit
    decision of the latest year. ``trend``/``exit`` are None with fewer than 2 years of lessons."""

    school: School
    years: list[TracedInputs]
    results: list[CapacityResult]
    trend: DependenceTrend | None
    exit: ExitDecision | None


def _years_of(school: School) -> list[int]:
    return sorted(set(SchoolStatistic.objects.filter(school=school).values_list("year", flat=True)))


def _trend(traced: list[TracedInputs]) -> DependenceTrend | None:
    rows = [
        t.inputs
        for t in traced
        if t.inputs.own_lessons is not None and (t.inputs.own_lessons + t.inputs.partner_lessons)
    ]
    if len(rows) < 2:
        return None
    return dependence_trend(
        [r.year for r in rows],
        [r.seconded_fte for r in rows],
        [r.partner_lessons for r in rows],
        [r.own_lessons for r in rows],
    )


def school_capacity(*, scope: Scope, code: str) -> CapacityReport | None:
    """The capacity report of the school ``code``; None when the caller may not see the school
    or its statistics (the inputs are school-level statistics and staff records)."""
    school = school_get(scope=scope, code=code)
    if school is None or not can_see_statistics(scope, school):
        return None
    traced = capacity_inputs(school, _years_of(school))
    results = capacity_index([t.inputs for t in traced]) if traced else []
    trend = _trend(traced)
    decision = None
    if trend is not None:
        latest = next(r for r in results if r.year == trend.years[-1])
        decision = exit_ready(latest, trend)
    return CapacityReport(school, traced, results, trend, decision)


def _text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


INPUT_NAMES = INPUT_FIELDS
"""The engine's inputs, in the order the page and the API list them."""


def _year(traced, result) -> dict:
    return {
        "year": traced.year,
        "index": _text(result.index),
        "index_float": None if result.index is None else float(result.index),
        "components": [
            {
                "code": c.code,
                "state": c.state,
                "ratio": _text(c.ratio),
                "value": _text(c.value),
                "weight": str(c.weight),
                "formula": c.formula,
                "meets_line": c.meets_line,
            }
            for c in result.components
        ],
        "inputs": {n: _text(getattr(traced.inputs, n)) for n in INPUT_NAMES},
        "records": {
            n: [{"model": r.model, "pk": str(r.pk)} for r in refs]
            for n, refs in traced.trace.items()
        },
    }


def capacity_payload(report: CapacityReport) -> dict:
    """The report as plain data (the API's body, also the page's table)."""
    t, e = report.trend, report.exit
    return {
        "school": report.school.code,
        "years": [_year(tr, r) for tr, r in zip(report.years, report.results, strict=True)],
        "trend": None
        if t is None
        else {
            "years": list(t.years),
            "shares": [str(s) for s in t.shares],
            "slope": str(t.slope),
            "slope_se": t.slope_se,
            "fte_slope": str(t.fte_slope),
        },
        "exit": None if e is None else {"ready": e.ready, "failed": list(e.failed)},
    }
