"""Actual values: computed from the other apps, or reported with evidence and reviewed; and
milestones marked done with evidence."""

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

from ..models import Actual, ActualStatus, Indicator, Milestone, Plan, Source
from ..sources import SOURCES
from .common import (
    LifecycleError,
    can_report,
    decimal,
    require_adopted_plan,
    require_manage,
    text,
)

Q8 = Decimal("0.00000001")


def _evidence(evidence_text: str, evidence_url: str) -> tuple[str, str]:
    t = text(evidence_text, _("evidence"), required=False, limit=5000)
    u = (evidence_url or "").strip()
    if u and not (u.startswith("https://") or u.startswith("http://")):
        raise ValueError(_("evidence link: %(u)s is not a web address.") % {"u": u})
    if len(u) > 200:
        raise ValueError(_("evidence link: at most 200 characters."))
    if not t and not u:
        raise ValueError(_("evidence: describe the evidence or give a link to it."))
    return t, u


def _plan_year(plan: Plan, year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValueError(_("year: %(v)s is not a year.") % {"v": year}) from None
    if not plan.start_year <= year <= plan.end_year:
        raise ValueError(
            _("year: %(y)d is outside the plan's years %(a)d–%(b)d.")
            % {"y": year, "a": plan.start_year, "b": plan.end_year}
        )
    return year


@transaction.atomic
def actual_report(
    *,
    indicator: Indicator,
    year: int,
    value: object,
    evidence_text: str = "",
    evidence_url: str = "",
    actor,
) -> Actual:
    """A member's bureau reports a value it answers for, with its evidence; it counts once the
    secretariat accepts it."""
    scope = scope_for(actor)
    scope.require(
        can_report(scope, indicator),
        _("report the actual values of %(i)s") % {"i": indicator.name},
    )
    require_adopted_plan(indicator.plan)
    if indicator.source != Source.REPORTED:
        raise ValueError(_("This indicator is measured by the platform; it is not typed."))
    year = _plan_year(indicator.plan, year)
    v = decimal(value, _("value"))
    t, u = _evidence(evidence_text, evidence_url)
    a = Actual.objects.create(
        indicator=indicator,
        year=year,
        value=v,
        status=ActualStatus.SUBMITTED,
        evidence_text=t,
        evidence_url=u,
        submitted_by=actor,
    )
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_ACTUAL_REPORT,
        object_type=ObjectType.PLAN_ACTUAL,
        object_id=a.pk,
        after={"indicator": indicator.pk, "year": year, "value": str(v), "evidence_url": u},
    )
    return a


@transaction.atomic
def actual_review(*, actual: Actual, accept: bool, note: str = "", actor) -> Actual:
    """The secretariat accepts or rejects a reported value (a rejection says why); nobody
    reviews their own report."""
    a = Actual.objects.select_for_update().select_related("indicator__plan__body").get(pk=actual.pk)
    require_manage(scope_for(actor), a.indicator.plan)
    if a.status != ActualStatus.SUBMITTED:
        raise LifecycleError(
            _("This value is %(s)s; only a submitted value is reviewed.")
            % {"s": a.get_status_display()}
        )
    if actor is not None and a.submitted_by_id == actor.pk:
        raise ValueError(_("A value is reviewed by someone other than the person who reported it."))
    note = text(note, _("review note"), required=not accept, limit=2000)
    a.status = ActualStatus.ACCEPTED if accept else ActualStatus.REJECTED
    a.review_note = note
    a.reviewed_by = actor
    a.reviewed_at = timezone.now()
    a.save(update_fields=["status", "review_note", "reviewed_by", "reviewed_at"])
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_ACTUAL_REVIEW,
        object_type=ObjectType.PLAN_ACTUAL,
        object_id=a.pk,
        before={"status": ActualStatus.SUBMITTED},
        after={"status": a.status, "note": note},
    )
    return a


@transaction.atomic
def milestone_done(
    *,
    milestone: Milestone,
    done: dt.date,
    evidence_text: str = "",
    evidence_url: str = "",
    actor,
) -> Milestone:
    """The lead member's bureau marks a milestone done, on a date not in the future, with
    evidence."""
    ms = (
        Milestone.objects.select_for_update()
        .select_related("measure__goal__plan__body")
        .get(pk=milestone.pk)
    )
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(ms.measure.lead_id),
        _("mark the milestones of %(m)s done") % {"m": ms.measure.title},
    )
    require_adopted_plan(ms.measure.goal.plan)
    if ms.done is not None:
        raise LifecycleError(_("This milestone is already done."))
    if done > timezone.localdate():
        raise ValueError(_("done on: %(d)s is in the future.") % {"d": done})
    t, u = _evidence(evidence_text, evidence_url)
    ms.done, ms.evidence_text, ms.evidence_url, ms.done_by = done, t, u, actor
    ms.save(update_fields=["done", "evidence_text", "evidence_url", "done_by"])
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_MILESTONE_DONE,
        object_type=ObjectType.PLAN_MILESTONE,
        object_id=ms.pk,
        before={"done": None},
        after={"done": done.isoformat(), "evidence_url": u},
    )
    return ms


def _as_decimal(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return Decimal(str(value)).quantize(Q8)


def _store_measured(ind: Indicator, year: int, value, inputs: dict, actor) -> str:
    """Store (or refresh, or remove) the measured actual of one year; returns what happened."""
    v = _as_decimal(value)
    row = Actual.objects.filter(indicator=ind, year=year, status=ActualStatus.COMPUTED).first()
    before = {"value": str(row.value), "inputs": row.inputs} if row else None
    if v is None:
        if row is None:
            return "no_value"
        row.delete()
        change = "removed"
    elif row is None:
        row = Actual.objects.create(
            indicator=ind,
            year=year,
            value=v,
            status=ActualStatus.COMPUTED,
            inputs=inputs,
            submitted_by=actor,
        )
        change = "created"
    elif row.value == v and row.inputs == inputs:
        return "unchanged"
    else:
        row.value, row.inputs, row.submitted_by = v, inputs, actor
        row.save(update_fields=["value", "inputs", "submitted_by"])
        change = "updated"
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_ACTUAL_COMPUTE,
        object_type=ObjectType.PLAN_INDICATOR,
        object_id=ind.pk,
        before=before,
        after={"year": year, "value": None if v is None else str(v), "inputs": inputs},
    )
    return change


def require_compute(scope, plan: Plan, year) -> int:
    """Who may compute a plan's measured actuals (the secretariat), for a year of the plan."""
    require_manage(scope, plan)
    if plan.status == "draft":
        raise LifecycleError(_("The plan is a draft: its actuals are computed once it is adopted."))
    return _plan_year(plan, year)


@transaction.atomic
def planning_actuals_compute(*, plan: Plan, year: int, actor, progress=None) -> dict:
    """Compute every measured indicator's actual of ``year`` from the other apps (the sources
    of :mod:`xietong.planning.sources`), storing what each read. A year without data leaves
    the indicator without a value (and removes one computed before)."""
    scope = scope_for(actor)
    year = require_compute(scope, plan, year)
    inds = list(
        plan.indicators.filter(source=Source.MEASURED).select_related("member", "plan__body__area")
    )
    counts: dict[str, int] = {}
    for n, ind in enumerate(inds, start=1):
        value, inputs = SOURCES[ind.kind].fn(ind, year, scope)
        change = _store_measured(ind, year, value, inputs, actor)
        counts[change] = counts.get(change, 0) + 1
        if progress is not None:
            progress(done=n, total=len(inds), stage="computing")
    return {"plan": plan.pk, "year": year, "indicators": len(inds), **counts}
