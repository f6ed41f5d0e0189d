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
- ``trained_1y``/``retained_1y`` and ``trained_3y``/``retained_3y``: the school's teachers
  whose completed training in a programme linked to one of its cooperations (where it is not
  the lead) ended in year ``Y - k``, and of them those whose school ``k`` years after that end
  (talent's school history, ``SchoolChange``) is still this one. A teacher counts once per
  cohort; a cohort whose ``k`` years are not over yet is not counted.
- ``transfers_out``: the school's statistic ``students_transferred_out`` of that year.
- ``satisfaction``: the school's survey result of that year (``SatisfactionSurvey``, recorded by
  its bureau or the area's secretariat): satisfied respondents over respondents.

``TEACHING_WEEKS`` is 35: the teaching time of a school year in 教育部《义务教育课程方案
（2022年版）》 (课程设置, 课时: 每学年教学时间35周).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Q
from django.utils import timezone

from xietong.accounts.models import RoleAssignment
from xietong.accounts.scope import Scope
from xietong.algorithms.capacity import (
    INPUT_FIELDS,
    CapacityInputs,
    CapacityParams,
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
from xietong.talent.models import Appointment, Enrolment, EnrolmentStatus, Placement, Teacher
from xietong.talent.selectors import school_histories

from .capacity_did import DidReport, did_payload, partner_start, school_did
from .models import (
    Activity,
    ActivityKind,
    Cooperation,
    Party,
    PartyKind,
    PartyRole,
    SatisfactionSurvey,
)

__all__ = [
    "TEACHING_WEEKS",
    "CapacityReport",
    "Ref",
    "TracedInputs",
    "capacity_inputs",
    "capacity_payload",
    "survey_payload",
    "school_capacity",
]

TEACHING_WEEKS = 35
BACKBONE_LEVELS = ("county", "city", "province")
TRANSFERS = "students_transferred_out"
SATISFACTION_LINE = CapacityParams().satisfaction_line


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


RETENTION_YEARS = (1, 3)


def _anniversary(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February in a year that has none
        return day.replace(year=day.year + years, day=28)


def _partner_programmes(school: School) -> list[int]:
    """Training programmes linked to a cooperation in which the school is a party other than
    the lead (so the training comes from its partner)."""
    coops = (
        Party.objects.filter(kind=PartyKind.SCHOOL, school=school)
        .exclude(role=PartyRole.LEAD)
        .values("cooperation_id")
    )
    through = Cooperation.training_programmes.through
    rows = through.objects.filter(cooperation_id__in=coops)
    return sorted(set(rows.values_list("trainingprogramme_id", flat=True)))


def _cohorts(school: School, years: list[int]) -> tuple[dict, dict]:
    """Per (year, k): the school's teachers whose partner training ended in ``year - k``, each
    with (end date, enrolment pk, programme pk); a teacher counts once, with the earliest end."""
    wanted = {y - k for y in years for k in RETENTION_YEARS}
    rows = list(
        Enrolment.objects.filter(
            programme_id__in=_partner_programmes(school),
            status=EnrolmentStatus.COMPLETED,
            programme__ends__year__in=sorted(wanted),
        )
        .order_by("programme__ends", "pk")
        .values_list("pk", "teacher_id", "programme_id", "programme__ends")
    )
    histories = school_histories(teacher_ids=[r[1] for r in rows])
    today = timezone.localdate()
    out: dict[tuple[int, int], dict[int, tuple]] = defaultdict(dict)
    for pk, teacher, programme, ends in rows:
        if histories[teacher].school_on(ends) != school.pk:
            continue  # not the school's teacher when trained
        for k in RETENTION_YEARS:
            year = ends.year + k
            if year in years and _anniversary(ends, k) <= today:
                out[(year, k)].setdefault(teacher, (ends, pk, programme))
    return out, histories


def _retention(school: School, years: list[int]) -> dict[tuple[int, int], tuple]:
    """Per (year, k): (trained, retained, enrolment refs, retained refs). Retained: the teacher's
    school ``k`` years after the training ended (talent's school history) is still this one;
    the moves that took the others away are listed with the retained teachers."""
    cohorts, histories = _cohorts(school, years)
    out = {}
    for (year, k), teachers in cohorts.items():
        trained_refs, retained_refs, retained = [], [], 0
        for teacher, (ends, enrolment, programme) in sorted(teachers.items()):
            trained_refs.append(Ref("talent.enrolment", enrolment, programme))
            h = histories[teacher]
            later = _anniversary(ends, k)
            if h.school_on(later) == school.pk:
                retained += 1
                retained_refs.append(Ref("talent.teacher", teacher))
            else:
                retained_refs += [
                    Ref("talent.schoolchange", m) for m in h.moves_between(ends, later)
                ]
        out[(year, k)] = (len(teachers), retained, trained_refs, retained_refs)
    return out


def _surveys(school: School, years: list[int]) -> dict[int, SatisfactionSurvey]:
    return {s.year: s for s in SatisfactionSurvey.objects.filter(school=school, year__in=years)}


def _satisfaction(survey: SatisfactionSurvey | None, trace) -> Fraction | None:
    if survey is None:
        return None
    trace["satisfaction"] = [Ref("partnerships.satisfactionsurvey", survey.pk)]
    return Fraction(survey.satisfied, survey.respondents)


def _year_inputs(  # noqa: PLR0913 - one argument per source of records
    school: School, year: int, stats, reuse, retention, surveys
) -> TracedInputs:
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
    kept: dict[str, int | None] = {}
    for k in RETENTION_YEARS:
        hit = retention.get((year, k))
        kept[f"trained_{k}y"] = kept[f"retained_{k}y"] = None
        if hit is not None:
            kept[f"trained_{k}y"], kept[f"retained_{k}y"] = hit[0], hit[1]
            trace[f"trained_{k}y"], trace[f"retained_{k}y"] = hit[2], hit[3]
    inputs = CapacityInputs(
        year,
        own_lessons=own,
        partner_lessons=partner,
        seconded_fte=fte,
        students=stat("students", "students"),
        backbone_teachers=stat("teachers_backbone", "backbone_teachers"),
        reused_resources=reused,
        transfers_out=stat(TRANSFERS, "transfers_out"),
        satisfaction=_satisfaction(surveys.get(year), trace),
        **kept,
    )
    return TracedInputs(year, inputs, trace)


def capacity_inputs(school: School, years: list[int]) -> list[TracedInputs]:
    """The traced inputs of ``school`` for each of ``years`` (ascending). Not scope-checked:
    the selector that calls it checks that the caller may see the school's statistics."""
    years = sorted(set(years))
    stats = _statistics(school, years)
    reuse = _reuse(school, years)
    retention = _retention(school, years)
    surveys = _surveys(school, years)
    return [_year_inputs(school, y, stats, reuse, retention, surveys) for y in years]


@dataclass
class CapacityReport:
    """A school's index per year (with the traced inputs), its dependence trend and the exit
    decision of the latest year. ``trend``/``exit`` are None with fewer than 2 years of lessons."""

    school: School
    years: list[TracedInputs]
    results: list[CapacityResult]
    trend: DependenceTrend | None
    exit: ExitDecision | None
    surveys: list[SatisfactionSurvey] = field(default_factory=list)
    did: list[DidReport] = field(default_factory=list)


def _years_of(school: School) -> list[int]:
    """The years with statistics or a satisfaction survey of the school."""
    stats = SchoolStatistic.objects.filter(school=school).values_list("year", flat=True)
    surveyed = SatisfactionSurvey.objects.filter(school=school).values_list("year", flat=True)
    return sorted(set(stats) | set(surveyed))


def _trend(traced: list[TracedInputs], start: date | None = None) -> DependenceTrend | None:
    """The dependence trend over the years with lessons recorded, from the year the school's
    first cooperation started (``start``; all years when it has none): the years before it
    had no partner to depend on, and their zero shares would hide a falling dependence."""
    first = start.year if start is not None else None
    rows = [
        t.inputs
        for t in traced
        if t.inputs.own_lessons is not None
        and (t.inputs.own_lessons + t.inputs.partner_lessons)
        and (first is None or t.year >= first)
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
    trend = _trend(traced, partner_start(school))
    decision = None
    if trend is not None:
        latest = next(r for r in results if r.year == trend.years[-1])
        decision = exit_ready(latest, trend)
    surveys = list(SatisfactionSurvey.objects.filter(school=school).order_by("year"))
    did = school_did(scope=scope, school=school)
    return CapacityReport(school, traced, results, trend, decision, surveys, did)


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
        "surveys": [survey_payload(v) for v in report.surveys],
        "did": [did_payload(d) for d in report.did],
    }


def survey_payload(v: SatisfactionSurvey) -> dict:
    """One survey result as plain data (the API's and the page's)."""
    share = Fraction(v.satisfied, v.respondents)
    return {
        "pk": v.pk,
        "year": v.year,
        "respondents": v.respondents,
        "satisfied": v.satisfied,
        "share": str(share),
        "share_float": float(share),
        "meets_line": share >= SATISFACTION_LINE,
        "conducted_by": v.conducted_by,
        "conducted_on": v.conducted_on.isoformat(),
        "source": v.source,
    }
