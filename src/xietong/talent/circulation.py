"""Writes for multi-school appointments, shared training and the recruitment channel: atomic,
scope-checked, audited."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import area_member_prefixes
from xietong.schools.models import School

from .models import (
    Appointment,
    AppointmentPolicy,
    Candidacy,
    CandidacyStatus,
    Enrolment,
    EnrolmentStatus,
    Subject,
    Teacher,
    TeachingStage,
    TrainingProgramme,
    Vacancy,
    VacancyStatus,
)

# defaults when no cooperation area containing both schools has set its own policy
WEEKLY_LOAD_CAP = 20  # lessons a week over all schools
MAX_TRAVEL_KM = 60.0  # one way between the home school and an appointed school


def _area_depth(area_id: int, parents: dict[int, int | None]) -> int:
    depth, seen = 0, set()
    while parents.get(area_id) is not None and area_id not in seen:
        seen.add(area_id)
        area_id = parents[area_id]
        depth += 1
    return depth


def appointment_policy_for(home: School, school: School) -> AppointmentPolicy | None:
    """The policy of the cooperation area containing both schools; when several areas with a
    policy contain both, the innermost one (a sub-area before its parent), then the oldest."""
    policies = list(AppointmentPolicy.objects.select_related("area").order_by("area_id"))
    if not policies:
        return None
    parents = dict(CooperationArea.objects.values_list("pk", "parent_id"))
    best = None
    for p in policies:
        prefixes = area_member_prefixes(p.area)
        if not all(any(s.county_id.startswith(x) for x in prefixes) for s in (home, school)):
            continue
        key = (-_area_depth(p.area_id, parents), p.area_id)
        if best is None or key < best[0]:
            best = (key, p)
    return None if best is None else best[1]


def appointment_limits(home: School, school: School) -> tuple[int, float]:
    """Weekly lesson cap and distance limit for an appointment from ``home`` to ``school``."""
    p = appointment_policy_for(home, school)
    if p is None:
        return WEEKLY_LOAD_CAP, MAX_TRAVEL_KM
    return p.max_weekly_lessons, p.max_distance_km


POLICY_FIELDS = ("max_weekly_lessons", "max_distance_km")


@transaction.atomic
def appointment_policy_set(
    *, area: CooperationArea, actor, max_weekly_lessons: int, max_distance_km: float
) -> AppointmentPolicy:
    """Set an area's appointment limits; only the area's secretariat (or an administrator)."""
    scope = scope_for(actor)
    scope.require(
        scope.can_manage_area(area.pk),
        _("set the appointment limits of %(a)s") % {"a": area.name},
    )
    try:
        lessons = int(max_weekly_lessons)
        km = float(max_distance_km)
    except (TypeError, ValueError):
        raise ValueError(_("The limits are a number of lessons and a distance in km.")) from None
    if not 1 <= lessons <= 40:
        raise ValueError(_("The weekly lesson cap must be between 1 and 40."))
    if not (0 < km <= 1000):
        raise ValueError(_("The distance limit must be above 0 and at most 1000 km."))
    policy, _created = AppointmentPolicy.objects.select_for_update().get_or_create(area=area)
    before = {f: getattr(policy, f) for f in POLICY_FIELDS}
    policy.max_weekly_lessons = lessons
    policy.max_distance_km = km
    policy.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_APPOINTMENT_POLICY_SET,
        object_type=ObjectType.COOPERATION_AREA,
        object_id=area.slug,
        before=before,
        after={f: getattr(policy, f) for f in POLICY_FIELDS},
    )
    return policy


def haversine_km(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance on a sphere of radius 6371.0088 km (the mean Earth radius)."""
    r = 6371.0088
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(min(1.0, math.sqrt(a)))


class AppointmentConflict(ValueError):
    """The appointment cannot be held together with the teacher's other duties."""


def _weekdays(raw: str | list[int]) -> list[int]:
    items = raw if isinstance(raw, list) else [x for x in str(raw).replace(" ", "").split(",") if x]
    try:
        days = sorted({int(x) for x in items})
    except ValueError:
        raise ValueError(_("Weekdays are numbers 1 (Monday) to 7 (Sunday), e.g. 1,3.")) from None
    if not days or days[0] < 1 or days[-1] > 7:
        raise ValueError(_("Weekdays are numbers 1 (Monday) to 7 (Sunday), e.g. 1,3."))
    return days


def _overlap(a_start, a_end, b_start, b_end) -> bool:
    far = dt.date.max
    return a_start <= (b_end or far) and b_start <= (a_end or far)


def _check_no_clash(teacher: Teacher, school: School, days: list[int], starts, ends) -> list:
    """The teacher's other appointments in the period; refused if one is at the same school or
    shares a weekday."""
    others = [
        a
        for a in Appointment.objects.filter(teacher=teacher, active=True).select_related("school")
        if _overlap(starts, ends, a.starts, a.ends)
    ]
    for a in others:
        if a.school_id == school.pk:
            raise AppointmentConflict(
                _("%(t)s already serves %(s)s in this period.")
                % {"t": teacher.name, "s": school.name}
            )
        clash = sorted(set(days) & set(_weekdays(a.weekdays)))
        if clash:
            raise AppointmentConflict(
                _("%(t)s already teaches at %(s)s on weekday(s) %(d)s.")
                % {"t": teacher.name, "s": a.school.name, "d": ",".join(map(str, clash))}
            )
    return others


def _check_load(teacher: Teacher, others: list, weekly_hours: int, load_cap: int) -> None:
    """Home lessons, other appointments and this one stay within the weekly cap."""
    other = sum(a.weekly_hours for a in others)
    total = teacher.weekly_hours + other + weekly_hours
    if total > load_cap:
        raise AppointmentConflict(
            _(
                "The weekly load would be %(total)d lessons (home school %(home)d, other "
                "appointments %(other)d, this one %(this)d), above the cap of %(cap)d."
            )
            % {
                "total": total,
                "home": teacher.weekly_hours,
                "other": other,
                "this": weekly_hours,
                "cap": load_cap,
            }
        )


def _check_distance(home: School, school: School, max_km: float) -> float | None:
    """The great-circle distance between the schools (None without coordinates), refused beyond
    ``max_km``."""
    if None in (home.longitude, home.latitude, school.longitude, school.latitude):
        return None
    distance = haversine_km(home.longitude, home.latitude, school.longitude, school.latitude)
    if distance > max_km:
        raise AppointmentConflict(
            _("%(s)s is %(d).1f km from the home school, more than %(m).0f km.")
            % {"s": school.name, "d": distance, "m": max_km}
        )
    return distance


@transaction.atomic
def appointment_create(
    *,
    teacher: Teacher,
    school: School,
    weekly_hours: int,
    weekdays: str | list[int],
    starts: dt.date,
    ends: dt.date | None = None,
    actor,
    load_cap: int | None = None,
    max_km: float | None = None,
) -> Appointment:
    """Appoint a teacher to also serve ``school``. The bureau over the teacher's home school
    decides (or the bureau over both, for cross-border appointments: either side's bureau).

    The weekly lesson cap and the distance limit are those of the cooperation area containing
    both schools (:func:`appointment_limits`) unless given."""
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(teacher.school.county_id) or scope.acts_for(school.county_id),
        _("appoint teacher %(t)s at %(s)s") % {"t": teacher.code, "s": school.code},
    )
    Teacher.objects.select_for_update().get(pk=teacher.pk)  # serialise a teacher's appointments
    days = _weekdays(weekdays)
    if not 1 <= int(weekly_hours) <= 40:
        raise ValueError(_("Weekly lessons must be between 1 and 40."))
    if ends is not None and ends < starts:
        raise ValueError(_("The appointment ends before it starts."))
    if school.pk == teacher.school_id:
        raise AppointmentConflict(_("%(s)s is the teacher's home school.") % {"s": school.name})
    others = _check_no_clash(teacher, school, days, starts, ends)
    if load_cap is None or max_km is None:
        area_cap, area_km = appointment_limits(teacher.school, school)
        load_cap = area_cap if load_cap is None else load_cap
        max_km = area_km if max_km is None else max_km
    _check_load(teacher, others, int(weekly_hours), load_cap)
    distance = _check_distance(teacher.school, school, max_km)
    a = Appointment.objects.create(
        teacher=teacher,
        school=school,
        weekly_hours=weekly_hours,
        weekdays=",".join(map(str, days)),
        distance_km=distance,
        starts=starts,
        ends=ends,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_APPOINTMENT_CREATE,
        object_type=ObjectType.APPOINTMENT,
        object_id=a.pk,
        after={
            "teacher": teacher.code,
            "school": school.code,
            "weekly_hours": int(weekly_hours),
            "weekdays": a.weekdays,
            "distance_km": distance,
            "starts": starts,
            "ends": ends,
        },
    )
    return a


@transaction.atomic
def appointment_end(*, appointment: Appointment, actor, ends: dt.date | None = None) -> Appointment:
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(appointment.teacher.school.county_id)
        or scope.acts_for(appointment.school.county_id),
        _("end this appointment"),
    )
    appointment.active = False
    appointment.ends = ends or timezone.localdate()
    appointment.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_APPOINTMENT_END,
        object_type=ObjectType.APPOINTMENT,
        object_id=appointment.pk,
        after={"ends": appointment.ends},
    )
    return appointment


# ---- shared training ---------------------------------------------------------------------------
@transaction.atomic
def programme_create(
    *,
    area: CooperationArea,
    code: str,
    title: str,
    credit_hours: Decimal | float | str,
    starts: dt.date,
    ends: dt.date,
    actor,
    provider: str = "",
    capacity: int = 100,
) -> TrainingProgramme:
    """A regional programme, set up by the area's secretariat."""
    scope = scope_for(actor)
    scope.require(scope.can_manage_area(area.pk), _("set up training in %(a)s") % {"a": area.name})
    credits = Decimal(str(credit_hours))
    if not Decimal("0") < credits <= Decimal("1000"):
        raise ValueError(_("Credit hours must be above 0 and at most 1000."))
    if ends < starts:
        raise ValueError(_("The programme ends before it starts."))
    if not code.strip() or TrainingProgramme.objects.filter(code=code.strip()).exists():
        raise ValueError(_("Programme code %(c)s is empty or already used.") % {"c": code})
    if not 1 <= int(capacity) <= 100000:
        raise ValueError(_("Capacity must be between 1 and 100000."))
    p = TrainingProgramme.objects.create(
        area=area,
        code=code.strip(),
        title=title.strip(),
        provider=provider.strip(),
        credit_hours=credits,
        capacity=capacity,
        starts=starts,
        ends=ends,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_TRAINING_CREATE,
        object_type=ObjectType.TRAINING_PROGRAMME,
        object_id=p.code,
        after={"area": area.slug, "title": p.title, "credit_hours": credits, "capacity": capacity},
    )
    return p


def _teacher_in_area(teacher: Teacher, area: CooperationArea) -> bool:
    return any(teacher.school.county_id.startswith(p) for p in area_member_prefixes(area))


@transaction.atomic
def enrol(*, programme: TrainingProgramme, teacher: Teacher, actor) -> Enrolment:
    scope = scope_for(actor)
    own = getattr(actor, "pk", None) is not None and teacher.user_id == actor.pk
    scope.require(
        own or scope.acts_for_school(teacher.school),
        _("enrol teacher %(t)s") % {"t": teacher.code},
    )
    programme = TrainingProgramme.objects.select_for_update().get(pk=programme.pk)
    if not _teacher_in_area(teacher, programme.area):
        raise ValueError(_("The teacher's school is not in %(a)s.") % {"a": programme.area.name})
    if Enrolment.objects.filter(programme=programme, teacher=teacher).exists():
        raise ValueError(_("The teacher is already enrolled."))
    taken = programme.enrolments.exclude(status=EnrolmentStatus.WITHDRAWN).count()
    if taken >= programme.capacity:
        raise ValueError(_("The programme is full (%(n)d places).") % {"n": programme.capacity})
    e = Enrolment.objects.create(programme=programme, teacher=teacher)
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_TRAINING_ENROL,
        object_type=ObjectType.ENROLMENT,
        object_id=e.pk,
        after={"programme": programme.code, "teacher": teacher.code},
    )
    return e


@transaction.atomic
def enrolment_complete(*, enrolment: Enrolment, actor) -> Enrolment:
    """The area's secretariat records completion; the credit hours then count in every member."""
    scope = scope_for(actor)
    scope.require(
        scope.can_manage_area(enrolment.programme.area_id),
        _("record completion of %(p)s") % {"p": enrolment.programme.code},
    )
    if enrolment.status != EnrolmentStatus.ENROLLED:
        raise ValueError(_("Only an open enrolment can be completed."))
    enrolment.status = EnrolmentStatus.COMPLETED
    enrolment.credit_hours = enrolment.programme.credit_hours
    enrolment.completed_at = timezone.now()
    enrolment.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_TRAINING_COMPLETE,
        object_type=ObjectType.ENROLMENT,
        object_id=enrolment.pk,
        after={"credit_hours": enrolment.credit_hours},
    )
    return enrolment


def credit_hours(teacher: Teacher) -> Decimal:
    """Completed credit hours, from any member's programme: recognised everywhere alike."""
    from django.db.models import Sum

    total = Enrolment.objects.filter(teacher=teacher, status=EnrolmentStatus.COMPLETED).aggregate(
        s=Sum("credit_hours")
    )["s"]
    return total or Decimal("0")


# ---- recruitment channel -----------------------------------------------------------------------
@transaction.atomic
def vacancy_publish(
    *,
    school: School,
    title: str,
    subject: str,
    stage: str,
    actor,
    positions: int = 1,
    description: str = "",
    new_teachers: bool = False,
    closes: dt.date | None = None,
) -> Vacancy:
    scope = scope_for(actor)
    scope.require(
        scope.acts_for_school(school), _("publish vacancies of %(s)s") % {"s": school.code}
    )
    if subject not in Subject.values or stage not in TeachingStage.values:
        raise ValueError(_("Unknown subject or stage."))
    if not title.strip():
        raise ValueError(_("A vacancy needs a title."))
    if not 1 <= int(positions) <= 500:
        raise ValueError(_("Positions must be between 1 and 500."))
    v = Vacancy.objects.create(
        school=school,
        title=title.strip(),
        subject=subject,
        stage=stage,
        positions=positions,
        description=description,
        new_teachers=new_teachers,
        closes=closes,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_VACANCY_PUBLISH,
        object_type=ObjectType.VACANCY,
        object_id=v.pk,
        after={
            "school": school.code,
            "title": v.title,
            "positions": positions,
            "new_teachers": new_teachers,
        },
    )
    return v


@transaction.atomic
def vacancy_close(*, vacancy: Vacancy, actor) -> Vacancy:
    scope = scope_for(actor)
    scope.require(scope.acts_for_school(vacancy.school), _("close this vacancy"))
    vacancy.status = VacancyStatus.CLOSED
    vacancy.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_VACANCY_CLOSE,
        object_type=ObjectType.VACANCY,
        object_id=vacancy.pk,
        after={"status": "closed"},
    )
    return vacancy


@transaction.atomic
def candidacy_submit(*, vacancy: Vacancy, actor, statement: str = "") -> Candidacy:
    """Any signed-in person may apply to an open vacancy, from any member."""
    if getattr(actor, "pk", None) is None:
        raise ValueError(_("Sign in to apply."))
    if vacancy.status != VacancyStatus.OPEN or (
        vacancy.closes and vacancy.closes < timezone.localdate()
    ):
        raise ValueError(_("This vacancy is closed."))
    if Candidacy.objects.filter(vacancy=vacancy, applicant=actor).exists():
        raise ValueError(_("You have already applied."))
    c = Candidacy.objects.create(vacancy=vacancy, applicant=actor, statement=statement.strip())
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_CANDIDACY_SUBMIT,
        object_type=ObjectType.CANDIDACY,
        object_id=c.pk,
        after={"vacancy": vacancy.pk},
    )
    return c


CANDIDACY_MOVES = {
    "submitted": {"shortlisted", "rejected", "withdrawn"},
    "shortlisted": {"offered", "rejected", "withdrawn"},
    "offered": {"accepted", "rejected", "withdrawn"},
}


@transaction.atomic
def candidacy_set_status(*, candidacy: Candidacy, status: str, actor) -> Candidacy:
    """The school moves a candidacy on; only the applicant withdraws or accepts an offer."""
    if status not in CandidacyStatus.values:
        raise ValueError(_("Unknown status %(s)s.") % {"s": status})
    applicant_step = status in ("withdrawn", "accepted")
    if applicant_step:
        if getattr(actor, "pk", None) != candidacy.applicant_id and actor is not None:
            scope_for(actor).require(False, _("act for the applicant"))
    else:
        scope = scope_for(actor)
        scope.require(
            scope.acts_for_school(candidacy.vacancy.school),
            _("decide on applications to this vacancy"),
        )
    if status not in CANDIDACY_MOVES.get(candidacy.status, set()):
        raise ValueError(
            _("An application that is %(a)s cannot become %(b)s.")
            % {"a": candidacy.status, "b": status}
        )
    before = candidacy.status
    candidacy.status = status
    candidacy.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_CANDIDACY_STATUS,
        object_type=ObjectType.CANDIDACY,
        object_id=candidacy.pk,
        before={"status": before},
        after={"status": status},
    )
    return candidacy
