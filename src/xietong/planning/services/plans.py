"""Drafting a joint plan and adopting it through its consultation."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.consultation.gate import require_adopted
from xietong.consultation.models import Level, Subject
from xietong.regions.models import AreaMembership

from ..models import (
    Direction,
    Goal,
    Indicator,
    Measure,
    Milestone,
    Plan,
    PlanStatus,
    Source,
    Target,
)
from ..sources import source_check
from .common import (
    LifecycleError,
    as_weight,
    decimal,
    require_draft,
    require_manage,
    text,
)

MIN_YEAR, MAX_YEAR = 2000, 2100


def _lock(plan: Plan) -> Plan:
    return Plan.objects.select_for_update().select_related("body__area").get(pk=plan.pk)


def _members(plan: Plan) -> set[str]:
    return set(
        AreaMembership.objects.filter(area_id=plan.body.area_id).values_list(
            "jurisdiction_id", flat=True
        )
    )


def _year(value, field: str) -> int:
    try:
        y = int(value)
    except (TypeError, ValueError):
        raise ValueError(_("%(f)s: %(v)s is not a year.") % {"f": field, "v": value}) from None
    if not MIN_YEAR <= y <= MAX_YEAR:
        raise ValueError(_("%(f)s: %(v)s is not a year.") % {"f": field, "v": value})
    return y


@transaction.atomic
def plan_create(
    *, body, title_zh: str, title_en: str = "", start_year: int, end_year: int, actor
) -> Plan:
    require_manage(scope_for(actor), body)
    start, end = _year(start_year, _("first year")), _year(end_year, _("last year"))
    if end < start:
        raise ValueError(_("last year: the plan ends before it starts."))
    plan = Plan.objects.create(
        body=body,
        title_zh=text(title_zh, _("Chinese title")),
        title_en=text(title_en, _("English title"), required=False),
        start_year=start,
        end_year=end,
        created_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_PLAN_CREATE,
        object_type=ObjectType.PLAN,
        object_id=plan.pk,
        after={"body": body.pk, "title_zh": plan.title_zh, "years": [start, end]},
    )
    return plan


@transaction.atomic
def goal_create(
    *, plan: Plan, title_zh: str, title_en: str = "", weight: object = 1, actor
) -> Goal:
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    number = (plan.goals.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    goal = Goal.objects.create(
        plan=plan,
        number=number,
        title_zh=text(title_zh, _("Chinese title")),
        title_en=text(title_en, _("English title"), required=False),
        weight=as_weight(weight, _("weight")),
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_GOAL_CREATE,
        object_type=ObjectType.PLAN_GOAL,
        object_id=goal.pk,
        after={
            "plan": plan.pk,
            "number": number,
            "title_zh": goal.title_zh,
            "weight": str(goal.weight),
        },
    )
    return goal


@transaction.atomic
def measure_create(
    *,
    goal: Goal,
    title_zh: str,
    title_en: str = "",
    lead: str,
    partners: list[str] = (),
    forum=None,
    start: dt.date,
    end: dt.date,
    weight: object = 1,
    actor,
) -> Measure:
    plan = goal.plan
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    members = _members(plan)
    if lead not in members:
        raise ValueError(_("lead member: %(c)s is not a member of the area.") % {"c": lead})
    partners = sorted(set(partners) - {lead})
    outside = [c for c in partners if c not in members]
    if outside:
        raise ValueError(
            _("co-responsible: %(c)s is not a member of the area.") % {"c": ", ".join(outside)}
        )
    if forum is not None and (forum.body_id != plan.body_id or forum.level != Level.EXECUTION):
        raise ValueError(_("working group: not a working group of this body."))
    if end < start:
        raise ValueError(_("end: the measure ends before it starts."))
    if start.year < plan.start_year or end.year > plan.end_year:
        raise ValueError(
            _("start / end: the measure must lie within the plan's years %(a)d–%(b)d.")
            % {"a": plan.start_year, "b": plan.end_year}
        )
    number = (goal.measures.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    m = Measure.objects.create(
        goal=goal,
        number=number,
        title_zh=text(title_zh, _("Chinese title")),
        title_en=text(title_en, _("English title"), required=False),
        lead_id=lead,
        forum=forum,
        start=start,
        end=end,
        weight=as_weight(weight, _("weight")),
    )
    m.partners.set(partners)
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_MEASURE_CREATE,
        object_type=ObjectType.PLAN_MEASURE,
        object_id=m.pk,
        after={
            "goal": goal.pk,
            "number": number,
            "title_zh": m.title_zh,
            "lead": lead,
            "partners": partners,
            "forum": forum.pk if forum else None,
            "dates": [start.isoformat(), end.isoformat()],
            "weight": str(m.weight),
        },
    )
    return m


@transaction.atomic
def milestone_create(
    *, measure: Measure, title_zh: str, title_en: str = "", due: dt.date, actor
) -> Milestone:
    plan = measure.goal.plan
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    if not measure.start <= due <= measure.end:
        raise ValueError(
            _("due date: %(d)s is outside the measure's dates %(a)s – %(b)s.")
            % {"d": due, "a": measure.start, "b": measure.end}
        )
    ms = Milestone.objects.create(
        measure=measure,
        title_zh=text(title_zh, _("Chinese title")),
        title_en=text(title_en, _("English title"), required=False),
        due=due,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_MILESTONE_CREATE,
        object_type=ObjectType.PLAN_MILESTONE,
        object_id=ms.pk,
        after={"measure": measure.pk, "title_zh": ms.title_zh, "due": due.isoformat()},
    )
    return ms


def _indicator_parent(plan: Plan, goal: Goal | None, measure: Measure | None) -> None:
    if (goal is None) == (measure is None):
        raise ValueError(_("attached to: choose a goal or a measure (exactly one)."))
    if goal is not None and goal.plan_id != plan.pk:
        raise ValueError(_("attached to: the goal is not in this plan."))
    if measure is not None and measure.goal.plan_id != plan.pk:
        raise ValueError(_("attached to: the measure is not in this plan."))


@transaction.atomic
def indicator_create(
    *,
    plan: Plan,
    code: str,
    name_zh: str,
    name_en: str = "",
    unit: str = "",
    direction: str,
    baseline: object,
    baseline_year: int,
    source: str,
    goal: Goal | None = None,
    measure: Measure | None = None,
    member: str | None = None,
    kind: str = "",
    params: dict | None = None,
    group: str = "",
    weight: object = 1,
    actor,
) -> Indicator:
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    _indicator_parent(plan, goal, measure)
    code = text(code, _("code"), limit=60)
    if Indicator.objects.filter(plan=plan, code=code).exists():
        raise ValueError(_("code: the plan already has an indicator %(c)s.") % {"c": code})
    if direction not in Direction.values:
        raise ValueError(_("direction: expected up or down, got %(d)s.") % {"d": direction})
    if source not in Source.values:
        raise ValueError(_("source: expected measured or reported, got %(s)s.") % {"s": source})
    member = member or None
    if member is not None and member not in _members(plan):
        raise ValueError(_("member: %(c)s is not a member of the area.") % {"c": member})
    params = dict(params or {})
    if source == Source.MEASURED:
        problem = source_check(kind=kind, params=params, member=member)
        if problem:
            raise ValueError(_("measure: %(p)s.") % {"p": problem})
    else:
        kind, params = "", {}
    ind = Indicator.objects.create(
        plan=plan,
        goal=goal,
        measure=measure,
        code=code,
        group=(group or code)[:60],
        name_zh=text(name_zh, _("Chinese name")),
        name_en=text(name_en, _("English name"), required=False),
        unit=text(unit, _("unit"), required=False, limit=40),
        direction=direction,
        baseline=decimal(baseline, _("baseline")),
        baseline_year=_year(baseline_year, _("baseline year")),
        member_id=member,
        source=source,
        kind=kind,
        params=params,
        weight=as_weight(weight, _("weight")),
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_INDICATOR_CREATE,
        object_type=ObjectType.PLAN_INDICATOR,
        object_id=ind.pk,
        after={
            "plan": plan.pk,
            "code": code,
            "goal": goal.pk if goal else None,
            "measure": measure.pk if measure else None,
            "member": member,
            "direction": direction,
            "baseline": str(ind.baseline),
            "baseline_year": ind.baseline_year,
            "source": source,
            "kind": kind,
            "params": params,
        },
    )
    return ind


@transaction.atomic
def target_set(*, indicator: Indicator, year: int, value: object, actor) -> Target:
    """The target of one year. It must lie on the direction's side of the baseline (above it
    for 'higher is better', below for 'lower is better')."""
    plan = indicator.plan
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    year = _year(year, _("year"))
    if not plan.start_year <= year <= plan.end_year:
        raise ValueError(
            _("year: %(y)d is outside the plan's years %(a)d–%(b)d.")
            % {"y": year, "a": plan.start_year, "b": plan.end_year}
        )
    v = decimal(value, _("target"))
    wrong = (
        v <= indicator.baseline if indicator.direction == Direction.UP else v >= indicator.baseline
    )
    if wrong:
        raise ValueError(
            (
                _("target: %(v)s must be above the baseline %(b)s (higher is better).")
                if indicator.direction == Direction.UP
                else _("target: %(v)s must be below the baseline %(b)s (lower is better).")
            )
            % {"v": v, "b": indicator.baseline}
        )
    before = Target.objects.filter(indicator=indicator, year=year).first()
    t, _created = Target.objects.update_or_create(
        indicator=indicator, year=year, defaults={"value": v}
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_TARGET_SET,
        object_type=ObjectType.PLAN_TARGET,
        object_id=t.pk,
        before={"value": str(before.value)} if before else None,
        after={"indicator": indicator.pk, "year": year, "value": str(v)},
    )
    return t


@transaction.atomic
def plan_adopt(*, plan: Plan, actor) -> Plan:
    """Adopt the plan once a consultation of all members on it is adopted (the major-decision
    gate, subject ``planning.plan``); its content is frozen from here on."""
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    require_draft(plan)
    if not plan.goals.exists():
        raise ValueError(_("The plan has no goal yet."))
    proposal = require_adopted(Subject.JOINT_PLAN, plan.pk)
    if proposal.body_id != plan.body_id:
        raise ValueError(_("The adopted consultation belongs to another body."))
    plan.status = PlanStatus.ADOPTED
    plan.proposal = proposal
    plan.adopted_at = timezone.now()
    plan.save(update_fields=["status", "proposal", "adopted_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_PLAN_ADOPT,
        object_type=ObjectType.PLAN,
        object_id=plan.pk,
        before={"status": PlanStatus.DRAFT},
        after={"status": plan.status, "proposal": proposal.pk, "number": proposal.number},
    )
    return plan


@transaction.atomic
def plan_close(*, plan: Plan, actor) -> Plan:
    require_manage(scope_for(actor), plan)
    plan = _lock(plan)
    if plan.status != PlanStatus.ADOPTED:
        raise LifecycleError(_("Only an adopted plan can be closed."))
    plan.status = PlanStatus.CLOSED
    plan.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_PLAN_CLOSE,
        object_type=ObjectType.PLAN,
        object_id=plan.pk,
        before={"status": PlanStatus.ADOPTED},
        after={"status": plan.status},
    )
    return plan
