"""Reads of the talent app, already filtered to the caller's scope."""

from __future__ import annotations

import copy
import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import area_member_prefixes, area_subtree_ids, prefixes_q
from xietong.schools.models import School

from .models import (
    Appointment,
    AppointmentPolicy,
    Candidacy,
    Choice,
    Enrolment,
    EnrolmentStatus,
    ExchangePost,
    ExchangeRound,
    Placement,
    Position,
    PostKind,
    RoundStatus,
    SchoolChange,
    Teacher,
    TrainingProgramme,
    Vacancy,
)


def round_prefixes(rnd: ExchangeRound) -> list[str]:
    """Division-code prefixes of the round's territory (area members or a bureau subtree)."""
    if rnd.area_id:
        return area_member_prefixes(rnd.area)
    return [rnd.jurisdiction.prefix]


def can_manage_round(scope: Scope, rnd: ExchangeRound) -> bool:
    """The area's secretariat (or an enclosing area's) runs area rounds; the bureau runs its own."""
    if scope.is_admin:
        return True
    if rnd.area_id:
        return scope.can_manage_area(rnd.area_id)
    return scope.acts_for(rnd.jurisdiction.code)


def _touches(scope: Scope, prefixes: list[str]) -> bool:
    for p in prefixes:
        for rp in scope.read_prefixes:
            if p.startswith(rp) or rp.startswith(p):
                return True
    if scope.read_school_ids:
        return School.objects.filter(
            prefixes_q(prefixes, "county__code"), pk__in=scope.read_school_ids
        ).exists()
    return False


def round_visible(scope: Scope, rnd: ExchangeRound) -> bool:
    """Managers, and bureaus, schools and teachers inside the territory, see a round once it is
    open (teachers apply, host schools rank); the public sees published rounds only."""
    if can_manage_round(scope, rnd):
        return True
    if rnd.status == RoundStatus.DRAFT:
        return False
    return _touches(scope, round_prefixes(rnd))


def round_outcome_visible(scope: Scope, rnd: ExchangeRound) -> bool:
    """The outcome of the matching (certificate, policy check, predicted effect, flows, results)
    before publication: the round's managers and the bureaus and secretariats inside its
    territory; schools, teachers and the public only once the round is published."""
    if rnd.status in PUBLIC_STATUSES:
        return True
    if can_manage_round(scope, rnd):
        return True
    return bool(scope.read_prefixes) and _touches(scope, round_prefixes(rnd))


def round_redacted(scope: Scope, rnd: ExchangeRound) -> ExchangeRound:
    """The round as the caller may read it: without the matching's outcome if that is not
    visible to the caller yet (a copy; the stored round is unchanged)."""
    if round_outcome_visible(scope, rnd):
        return rnd
    out = copy.copy(rnd)
    out.certificate, out.policy, out.effect = {}, {}, {}
    return out


PUBLIC_STATUSES = (RoundStatus.PUBLISHED, RoundStatus.IN_SERVICE, RoundStatus.RETURNED)


def round_list(*, scope: Scope) -> list[ExchangeRound]:
    # the certificate (with every teacher's "why not") and the effect can be megabytes: a list
    # does not need them
    rounds = (
        ExchangeRound.objects.select_related("area", "jurisdiction")
        .defer("certificate", "effect")
        .annotate(n_posts=Count("posts", distinct=True))
    )
    if scope.is_public:
        return list(rounds.filter(status__in=PUBLIC_STATUSES))
    return [
        round_redacted(scope, r)
        for r in rounds
        if round_visible(scope, r) or r.status in PUBLIC_STATUSES
    ]


def round_get(*, scope: Scope, pk: int) -> ExchangeRound | None:
    rnd = ExchangeRound.objects.select_related("area", "jurisdiction").filter(pk=pk).first()
    if rnd is None:
        return None
    if round_visible(scope, rnd) or rnd.status in PUBLIC_STATUSES:
        return rnd
    return None


def may_see_people(scope: Scope, rnd: ExchangeRound) -> bool:
    """Does the caller see other teachers' results (not only her own)?"""
    return can_manage_round(scope, rnd) or bool(scope.read_prefixes or scope.stat_school_ids)


def teacher_list(*, scope: Scope, school: School | None = None) -> QuerySet[Teacher]:
    qs = Teacher.objects.select_related("school").filter(scope.teachers_q())
    if school is not None:
        qs = qs.filter(school=school)
    return qs


def teacher_of(user) -> Teacher | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    return Teacher.objects.select_related("school").filter(user=user).first()


def placements(
    *, scope: Scope, rnd: ExchangeRound, teacher_prefix: str = ""
) -> QuerySet[Placement]:
    """Per-teacher results: nothing before the outcome is visible to the caller; then a round's
    managers see everyone, a bureau or secretariat the teachers whose home or host school is in
    its subtree or area, a school its own teachers, a teacher herself. ``teacher_prefix``: only
    the teachers whose staff number starts so."""
    qs = Placement.objects.filter(round=rnd).select_related(
        "teacher", "teacher__school", "post", "post__host_school"
    )
    if teacher_prefix:
        qs = qs.filter(teacher_code__startswith=teacher_prefix)
    qs = qs.order_by("teacher_code")
    if not round_outcome_visible(scope, rnd):
        return qs.none()
    if can_manage_round(scope, rnd):
        return qs
    return qs.filter(scope.teacher_moves_q(host="post__host_school__"))


def appointment_list(*, scope: Scope) -> QuerySet[Appointment]:
    """Multi-school appointments: those of the teachers the caller reads, and for a bureau or
    secretariat those serving at a school in its subtree or area."""
    return (
        Appointment.objects.filter(scope.teacher_moves_q(host="school__"))
        .select_related("teacher", "teacher__school", "school")
        .order_by("teacher__code", "pk")
    )


def programme_list(*, scope: Scope) -> QuerySet[TrainingProgramme]:
    """Regional programmes are public information."""
    return TrainingProgramme.objects.select_related("area").annotate(n_enrolled=Count("enrolments"))


def areas_of_school(school: School) -> list[CooperationArea]:
    return [
        a
        for a in CooperationArea.objects.all()
        if any(school.county_id.startswith(p) for p in area_member_prefixes(a))
    ]


def vacancy_list(*, scope: Scope, area: CooperationArea | None = None) -> QuerySet[Vacancy]:
    """Open vacancies are visible to everyone across the area (that is the channel's point)."""
    qs = Vacancy.objects.select_related("school", "school__county").annotate(
        n_candidates=Count("candidacies")
    )
    if area is not None:
        qs = qs.filter(prefixes_q(area_member_prefixes(area), "school__county__code"))
    return qs


# ---- what the pickers of the talent forms offer (and the forms validate against) ------------
def post_host_schools(scope: Scope, rnd: ExchangeRound) -> QuerySet[School]:
    """Schools where the caller may offer a post of the round (``services.post_create``): any
    school of the territory for the round's managers, else the schools it writes for."""
    from xietong.schools.selectors import school_choices

    manage = can_manage_round(scope, rnd)
    return school_choices(scope=scope, writable=not manage, prefixes=round_prefixes(rnd))


def post_choices(rnd: ExchangeRound, teacher: Teacher) -> QuerySet[ExchangePost]:
    """The posts of the round a teacher may rank (``services.application_submit``): her
    subject and stage, not at her own school, principal posts only for school leaders."""
    qs = ExchangePost.objects.filter(
        round=rnd, subject=teacher.subject, stage=teacher.stage
    ).exclude(host_school_id=teacher.school_id)
    if teacher.position == Position.TEACHER:
        qs = qs.exclude(kind=PostKind.PRINCIPAL)
    return qs.select_related("host_school", "host_school__county").order_by("code")


def post_search(qs: QuerySet[ExchangePost], q: str) -> QuerySet[ExchangePost]:
    """Posts whose code starts with ``q`` or whose host school or its county is named so."""
    q = q.strip()
    if not q:
        return qs
    return qs.filter(
        Q(code__istartswith=q)
        | Q(host_school__code__startswith=q)
        | Q(host_school__name_zh__icontains=q)
        | Q(host_school__name_en__icontains=q)
        | Q(host_school__county__name_zh__icontains=q)
        | Q(host_school__county__name_en__icontains=q)
    )


def teacher_search(qs: QuerySet[Teacher], q: str) -> QuerySet[Teacher]:
    """Teachers whose staff number starts with ``q`` or whose name or school is named so."""
    q = q.strip()
    if not q:
        return qs
    return qs.filter(Q(code__startswith=q) | Q(name__icontains=q) | Q(school__name_zh__icontains=q))


# ---- what the talent pages read (each page calls these, never the ORM) ---------------------
def areas_managed(*, scope: Scope) -> list[CooperationArea]:
    """The cooperation areas whose secretariat the caller is (all of them for an administrator):
    where it sets up rounds, training and appointment limits."""
    return [a for a in CooperationArea.objects.order_by("pk") if scope.can_manage_area(a.pk)]


def area_list() -> QuerySet[CooperationArea]:
    """Cooperation areas are public information."""
    return CooperationArea.objects.order_by("pk")


def area_get(*, slug: str) -> CooperationArea | None:
    return CooperationArea.objects.filter(slug=slug).first() if slug else None


def bureaus_managed(*, scope: Scope) -> list[Jurisdiction]:
    """The jurisdictions whose bureau the caller is (none listed for an administrator, who runs
    area rounds): where it runs its own exchange rounds."""
    if scope.is_admin:
        return []
    codes = [p.ljust(12, "0") for p in scope.write_prefixes]
    return list(Jurisdiction.objects.filter(code__in=codes).order_by("code"))


def jurisdiction_names(*, codes) -> dict[str, tuple[str, str]]:
    """code -> (short name, full name) in the reader's language (names are public)."""
    return {
        j.code: (j.name, j.display_name)
        for j in Jurisdiction.objects.filter(code__in=sorted(set(codes)))
    }


def round_posts(*, rnd: ExchangeRound) -> QuerySet[ExchangePost]:
    """The posts of a round the caller sees (``round_get``): posts are public with the round."""
    return rnd.posts.select_related("host_school", "host_school__county").order_by("code")


def round_application_count(*, rnd: ExchangeRound) -> int:
    return rnd.applications.count()


def round_cap_members(*, rnd: ExchangeRound) -> list[tuple[str, str, int | None]]:
    """The members that may get a cap (area members, or the bureau's next level) with their
    caps: (code, name, cap or None)."""
    caps = rnd.member_caps or {}
    if rnd.area_id:
        qs = Jurisdiction.objects.filter(
            memberships__area_id__in=area_subtree_ids([rnd.area_id])
        ).distinct()
    else:
        qs = Jurisdiction.objects.filter(parent_id=rnd.jurisdiction_id)
    members = {j.code: j.display_name for j in qs.order_by("code")}
    for code in caps:
        members.setdefault(code, code)
    return [(c, n, caps.get(c)) for c, n in sorted(members.items())]


def teacher_get(*, scope: Scope, code: str) -> Teacher | None:
    """A teacher the caller sees, by staff number."""
    return teacher_list(scope=scope).filter(code=code).first() if code else None


def application_list_of(*, rnd: ExchangeRound, teacher: Teacher) -> list:
    """A teacher's ranked choices in a round (a teacher the caller sees), best first, with None
    where staying at her current post ranks (if she put it anywhere but last)."""
    current: list = list(
        Choice.objects.filter(application__round=rnd, application__teacher=teacher)
        .select_related("post", "post__host_school", "application")
        .order_by("rank")
    )
    if current and current[0].application.home_rank is not None:
        current.insert(current[0].application.home_rank, None)  # None: staying at home
    return current


def posts_for_teacher(*, rnd: ExchangeRound, teacher: Teacher, limit: int = 300) -> list:
    """The round's posts in the teacher's subject and stage, away from her school (the list
    the application page shows beside the form)."""
    return list(
        ExchangePost.objects.filter(round=rnd, subject=teacher.subject, stage=teacher.stage)
        .exclude(host_school=teacher.school)
        .select_related("host_school", "host_school__county")[:limit]
    )


def round_post_get(*, rnd: ExchangeRound, code: str) -> ExchangePost | None:
    """A post of a round the caller sees (``round_get``), by code: posts are public with the
    round."""
    return round_posts(rnd=rnd).filter(code=code).first() if code else None


def _posts_ranked_by(scope: Scope, rnd: ExchangeRound) -> QuerySet[ExchangePost]:
    qs = rnd.posts.select_related("host_school").order_by("code")
    if can_manage_round(scope, rnd):
        return qs
    return qs.filter(scope.acts_for_school_q("host_school__"))


def posts_to_rank(*, scope: Scope, rnd: ExchangeRound) -> list[ExchangePost]:
    """The posts whose applicants the caller gives points: every post for the round's managers,
    else the posts at the schools it writes for (``services.scores_set`` decides alike)."""
    return list(_posts_ranked_by(scope, rnd))


def post_to_rank_get(*, scope: Scope, rnd: ExchangeRound, code: str) -> ExchangePost | None:
    """One of ``posts_to_rank`` by code; None for a post the caller does not rank."""
    return _posts_ranked_by(scope, rnd).filter(code=code).first() if code else None


def post_applicants(*, post: ExchangePost, limit: int | None = 500) -> list[Choice]:
    """The applicants who ranked a post (one the caller ranks: ``posts_to_rank``), best points
    first."""
    qs = (
        Choice.objects.filter(post=post)
        .select_related("application__teacher", "application__teacher__school")
        .order_by("-score", "application__teacher__code")
    )
    return list(qs if limit is None else qs[:limit])


def appointment_policies(*, scope: Scope) -> list[dict]:
    """Every cooperation area's appointment limits (the defaults where none are set), and
    whether the caller may change them."""
    from . import circulation

    set_ = {p.area_id: p for p in AppointmentPolicy.objects.all()}
    out = []
    for area in CooperationArea.objects.order_by("pk"):
        p = set_.get(area.pk)
        out.append(
            {
                "area": area,
                "lessons": p.max_weekly_lessons if p else circulation.WEEKLY_LOAD_CAP,
                "km": p.max_distance_km if p else circulation.MAX_TRAVEL_KM,
                "own": p is not None,
                "manage": scope.can_manage_area(area.pk),
            }
        )
    return out


def appointment_policy_get(*, scope: Scope, area: CooperationArea) -> AppointmentPolicy | None:
    """The appointment limits an area has set (None: the defaults apply). Limits are public
    information, like ``appointment_policies``."""
    return AppointmentPolicy.objects.filter(area=area).first()


def programme_get(*, scope: Scope, pk: int) -> TrainingProgramme | None:
    """Regional programmes are public information."""
    return programme_list(scope=scope).filter(pk=pk).first()


def programme_by_code(*, scope: Scope, code: str) -> TrainingProgramme | None:
    """Regional programmes are public information."""
    return programme_list(scope=scope).filter(code=code).first() if code else None


def enrolments_of(*, teacher: Teacher | None) -> QuerySet[Enrolment] | list:
    """A teacher's own enrolments (the caller's teacher record)."""
    if teacher is None:
        return []
    return Enrolment.objects.filter(teacher=teacher).select_related("programme")


def enrolments_to_complete(*, scope: Scope, limit: int = 200) -> list[Enrolment]:
    """Open enrolments in the programmes of the areas whose secretariat the caller is."""
    if not scope.area_ids:
        return []
    return list(
        Enrolment.objects.filter(
            programme__area_id__in=scope.area_ids, status=EnrolmentStatus.ENROLLED
        ).select_related("programme", "teacher")[:limit]
    )


def enrolment_get(*, scope: Scope, pk: int) -> Enrolment | None:
    """An enrolment the caller sees: its own, one of a teacher it reads, or one in a programme
    of an area it manages."""
    qs = Enrolment.objects.select_related("programme", "teacher", "teacher__school")
    if not scope.is_admin:
        q = Q(teacher__in=teacher_list(scope=scope)) | Q(programme__area_id__in=scope.area_ids)
        qs = qs.filter(q)
    return qs.filter(pk=pk).first()


def vacancy_get(*, scope: Scope, pk: int) -> Vacancy | None:
    """Vacancies are public across the area (``vacancy_list``)."""
    return vacancy_list(scope=scope).filter(pk=pk).first()


def candidacies_of(*, user) -> QuerySet[Candidacy] | list:
    """The caller's own applications to vacancies."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    return Candidacy.objects.filter(applicant=user).select_related("vacancy")


def candidacies_incoming(*, scope: Scope) -> QuerySet[Candidacy]:
    """Applications to the vacancies of the schools the caller acts for (its school, or the
    schools of its bureau's subtree: those who decide on them, ``candidacy_set_status``)."""
    schools = School.objects.filter(scope.acts_for_school_q())
    return Candidacy.objects.filter(vacancy__school__in=schools).select_related(
        "vacancy", "applicant"
    )


def candidacy_get(*, scope: Scope, user, pk: int) -> Candidacy | None:
    """A candidacy the caller sees: its own, or one to a vacancy of a school it acts for (its
    school, or a school of its bureau's subtree)."""
    qs = Candidacy.objects.select_related("vacancy__school")
    if not scope.is_admin:
        own = Q(applicant=user) if getattr(user, "is_authenticated", False) else Q(pk__in=[])
        schools = School.objects.filter(scope.acts_for_school_q())  # as the service decides
        qs = qs.filter(own | Q(vacancy__school__in=schools))
    return qs.filter(pk=pk).first()


def vacancy_schools(*, scope: Scope) -> QuerySet[School]:
    """The schools for which the caller publishes vacancies (``circulation.vacancy_publish``)."""
    return School.objects.filter(pk__in=scope.write_school_ids).order_by("code")


def teachers_kept(*, scope: Scope, q: str = "") -> QuerySet[Teacher]:
    """The teachers whose records the caller keeps (a school administrator its own school's, a
    bureau those of the schools of its subtree, an administrator everyone's), by school; ``q``:
    those whose staff number starts so or whose name contains it."""
    qs = teacher_list(scope=scope)
    if not scope.is_admin:
        keeps = Q(school_id__in=sorted(scope.write_school_ids))
        for prefix in sorted(scope.write_prefixes):
            keeps |= Q(school__county__code__startswith=prefix)
        qs = qs.filter(keeps)
    q = q.strip()
    if q:
        qs = qs.filter(Q(code__startswith=q) | Q(name__contains=q))
    return qs.select_related("user").order_by("school__code", "code")


def teacher_kept_get(*, scope: Scope, code: str) -> Teacher | None:
    return teachers_kept(scope=scope).filter(code=code).first()


def account_by_username(username: str):
    """The account a school administrator names to link a teacher record to (the service then
    checks it holds the teacher role at the school)."""
    from xietong.accounts.models import User

    return User.objects.filter(username=username.strip()).first() if username.strip() else None


@dataclass
class SchoolHistory:
    """A teacher's schools over time: the current school and the recorded moves, by date."""

    current: int
    moves: list[tuple[dt.date, int, int, int]] = field(default_factory=list)
    """``(on, from school pk, to school pk, SchoolChange pk)``, ordered by date."""

    def school_on(self, day: dt.date) -> int:
        """The school (pk) the teacher belonged to on ``day``; a move counts from its date."""
        for on, from_school, _to, _pk in self.moves:
            if day < on:
                return from_school
        return self.current

    def moves_between(self, first: dt.date, last: dt.date) -> list[int]:
        """The pks of the moves dated after ``first`` up to and including ``last``."""
        return [pk for on, _f, _t, pk in self.moves if first < on <= last]


def school_histories(*, teacher_ids) -> dict[int, SchoolHistory]:
    """The school history of each of ``teacher_ids`` (not scope-checked: for computations
    whose caller has checked that the figures may be seen, e.g. a capacity report)."""
    ids = sorted(set(teacher_ids))
    out = {
        pk: SchoolHistory(school)
        for pk, school in Teacher.objects.filter(pk__in=ids).values_list("pk", "school_id")
    }
    rows = (
        SchoolChange.objects.filter(teacher_id__in=ids)
        .order_by("teacher_id", "on", "pk")
        .values_list("teacher_id", "on", "from_school_id", "to_school_id", "pk")
    )
    for teacher, on, from_school, to_school, pk in rows:
        out[teacher].moves.append((on, from_school, to_school, pk))
    return out
