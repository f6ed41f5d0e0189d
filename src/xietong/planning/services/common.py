"""Who may write what on a joint plan (re-checked by every service, whatever the page did).

* the secretariat of the plan's area (and the administrator; ``actor=None`` is the operator's
  own process) drafts the plan, its goals, measures, milestones, indicators and targets,
  adopts it once its consultation is adopted, computes and publishes the status, and reviews
  reported actuals;
* a member's bureau (at or above the member) reports the actuals of the indicators it answers
  for (the indicator's member, else the lead member of the indicator's measure) and marks the
  milestones of the measures it leads done;
* nobody else writes.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope

from ..models import Indicator, Plan, PlanStatus


class LifecycleError(ValueError):
    """A step asked in the wrong state of the plan (e.g. editing an adopted plan)."""


def can_manage(scope: Scope, plan_or_body) -> bool:
    body = getattr(plan_or_body, "body", plan_or_body)
    return scope.can_manage_area(body.area_id)


def require_manage(scope: Scope, plan_or_body) -> None:
    body = getattr(plan_or_body, "body", plan_or_body)
    scope.require(can_manage(scope, body), _("manage the joint plans of %(a)s") % {"a": body.area})


def answering_member(indicator: Indicator) -> str | None:
    """The member whose bureau reports this indicator's actuals."""
    if indicator.member_id:
        return indicator.member_id
    if indicator.measure_id:
        return indicator.measure.lead_id
    return None


def can_report(scope: Scope, indicator: Indicator) -> bool:
    member = answering_member(indicator)
    return member is not None and scope.acts_for(member)


def require_draft(plan: Plan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise LifecycleError(
            _("The plan is %(s)s: its content changes only through a new consultation.")
            % {"s": plan.get_status_display()}
        )


def require_adopted_plan(plan: Plan) -> None:
    if plan.status != PlanStatus.ADOPTED:
        raise LifecycleError(
            _("The plan is %(s)s: this step needs an adopted plan.")
            % {"s": plan.get_status_display()}
        )


def decimal(value, field: str) -> Decimal:
    try:
        d = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise ValueError(_("%(f)s: %(v)s is not a number.") % {"f": field, "v": value}) from None
    if not d.is_finite() or abs(d) >= Decimal(10) ** 15:
        raise ValueError(_("%(f)s: %(v)s is out of range.") % {"f": field, "v": value})
    return d.quantize(Decimal("0.00000001"))


def as_weight(value, field: str) -> Decimal:
    d = decimal(value, field)
    if d < 0 or d >= 100_000:
        raise ValueError(_("%(f)s: a weight is between 0 and 100,000.") % {"f": field})
    return d.quantize(Decimal("0.001"))


def text(value: str, field: str, *, required: bool = True, limit: int = 300) -> str:
    v = (value or "").strip()
    if required and not v:
        raise ValueError(_("%(f)s: required.") % {"f": field})
    if len(v) > limit:
        raise ValueError(_("%(f)s: at most %(n)d characters.") % {"f": field, "n": limit})
    return v
