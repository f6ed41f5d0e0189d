"""Reads of the talent app, already filtered to the caller's scope."""

from __future__ import annotations

import copy

from django.db.models import Count, Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import area_member_prefixes, prefixes_q
from xietong.schools.models import School

from .models import (
    Appointment,
    ExchangePost,
    ExchangeRound,
    Placement,
    Position,
    PostKind,
    RoundStatus,
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


def placements(*, scope: Scope, rnd: ExchangeRound) -> QuerySet[Placement]:
    """Per-teacher results: nothing before the outcome is visible to the caller; then a round's
    managers see everyone, a bureau or secretariat the teachers whose home or host school is in
    its subtree or area, a school its own teachers, a teacher herself."""
    qs = Placement.objects.filter(round=rnd).select_related(
        "teacher", "teacher__school", "post", "post__host_school"
    )
    qs = qs.order_by("teacher__code")
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
