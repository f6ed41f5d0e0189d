"""Every read of joint plans, already scoped.

An adopted (or closed) plan is a public document: anyone reads its tree, its published status
reports and its counted values. A draft is read by those who read the body that negotiates it
(the area's secretariat, the members' bureaus, the delegates: ``consultation.selectors``).
Unpublished status reports and reported values not yet accepted are seen by the secretariat and
by the bureau that answers for the indicator.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.consultation.selectors import readable_body_ids

from .models import COUNTING, Actual, Indicator, Measure, Milestone, Plan, PlanStatus, StatusReport
from .services.common import can_manage, can_report


def plan_list(*, scope: Scope, user=None) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("body__area", "proposal").order_by("-start_year", "pk")
    ids = readable_body_ids(scope, user)
    if ids is None:
        return qs
    return qs.filter(~Q(status=PlanStatus.DRAFT) | Q(body_id__in=ids))


def plan_get(*, scope: Scope, user=None, pk: int) -> Plan | None:
    return plan_list(scope=scope, user=user).filter(pk=pk).first()


def indicator_get(*, scope: Scope, user=None, plan: Plan, pk: int) -> Indicator | None:
    return plan.indicators.select_related("member", "goal", "measure__lead").filter(pk=pk).first()


def indicator_find(*, scope: Scope, user=None, pk: int) -> Indicator | None:
    """An indicator of a plan the caller may read, by its own key."""
    return (
        Indicator.objects.select_related("member", "goal", "measure__lead")
        .filter(pk=pk, plan__in=plan_list(scope=scope, user=user))
        .first()
    )


def measure_get(*, plan: Plan, pk: int) -> Measure | None:
    """A measure of ``plan`` (already read through ``plan_get``)."""
    return Measure.objects.filter(pk=pk, goal__plan=plan).select_related("goal").first()


def milestone_get(*, scope: Scope, user=None, pk: int) -> Milestone | None:
    """A milestone of a plan the caller may read."""
    return (
        Milestone.objects.select_related("measure__goal__plan", "measure__lead")
        .filter(pk=pk, measure__goal__plan__in=plan_list(scope=scope, user=user))
        .first()
    )


def actual_get(*, scope: Scope, user=None, pk: int) -> Actual | None:
    """A reported or counted value the caller may see (``actual_rows``'s rule) of an indicator
    of a plan the caller may read."""
    a = Actual.objects.select_related("indicator__plan").filter(pk=pk).first()
    if a is None or indicator_find(scope=scope, user=user, pk=a.indicator_id) is None:
        return None
    return actual_rows(scope=scope, indicator=a.indicator).filter(pk=pk).first()


def group_indicators(*, indicator: Indicator) -> list[Indicator]:
    """The indicators of the plan sharing this one's group (the same measure per member)."""
    return list(
        indicator.plan.indicators.filter(group=indicator.group)
        .select_related("member")
        .order_by("member_id", "code")
    )


def actual_rows(*, scope: Scope, indicator: Indicator) -> QuerySet[Actual]:
    """Every actual of an indicator the caller may see: counted values for everyone; reports
    under review or rejected for the secretariat and the bureau that answers for it."""
    qs = indicator.actuals.select_related("submitted_by", "reviewed_by").order_by("year", "-pk")
    if can_manage(scope, indicator.plan) or can_report(scope, indicator):
        return qs
    return qs.filter(status__in=COUNTING)


def report_list(*, scope: Scope, plan: Plan) -> QuerySet[StatusReport]:
    qs = plan.reports.select_related("computed_by", "published_by").order_by("-year", "-pk")
    if can_manage(scope, plan):
        return qs
    return qs.filter(published_at__isnull=False)


def report_latest(*, scope: Scope, plan: Plan, year: int | None = None) -> StatusReport | None:
    qs = report_list(scope=scope, plan=plan)
    if year is not None:
        qs = qs.filter(year=year)
    return qs.first()


def report_get(*, scope: Scope, plan: Plan, pk: int) -> StatusReport | None:
    return report_list(scope=scope, plan=plan).filter(pk=pk).first()


def series(*, scope: Scope, indicators: list[Indicator], years: list[int]) -> list[dict]:
    """Per indicator, its target and counted actual of each year."""
    out = []
    for ind in indicators:
        targets = {t.year: t.value for t in ind.targets.all()}
        actual: dict[int, object] = {}
        for a in ind.actuals.filter(status__in=COUNTING).order_by("year", "-pk"):
            if a.year not in actual or a.status == "computed":
                actual[a.year] = a.value
        out.append(
            {
                "indicator": ind,
                "targets": [targets.get(y) for y in years],
                "actuals": [actual.get(y) for y in years],
            }
        )
    return out
