"""The computed status of a plan for a reporting year, kept as a status report.

The tree handed to :func:`xietong.algorithms.plan_status.evaluate` is the plan, its goals and
their measures. Every indicator is measured against its target *for the reporting year* (the
items carry no dates, so the expected progress is 1 and the performance is the attainment
``(actual - baseline) / (target - baseline)``, clipped to [0, 1]); an indicator without a target
for the year or without an actual does not count. Milestones count once their due date has
passed (the share done); a milestone past due and not done is overdue. An item's score is the
weakest of its indicators, milestones and children (weighted means), and its status follows the
thresholds (on track >= 0.9, at risk >= 0.7, else off track). docs/planning.md gives the rule.
"""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.algorithms import plan_status as ps
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from ..models import COUNTING, Actual, Plan, PlanStatus, StatusReport, Target
from .common import LifecycleError, require_manage


def _frac(x: Fraction | None) -> str | None:
    return None if x is None else str(x)


def current_actuals(plan: Plan, year: int) -> dict[int, Actual]:
    """Per indicator, the value that counts in ``year``: the computed one, else the latest
    accepted report."""
    out: dict[int, Actual] = {}
    rows = Actual.objects.filter(indicator__plan=plan, year=year, status__in=COUNTING).order_by(
        "indicator_id", "-pk"
    )
    for a in rows:
        prev = out.get(a.indicator_id)
        if prev is None or (prev.status != "computed" and a.status == "computed"):
            out[a.indicator_id] = a
    return out


class _Tree:
    """The plan's rows as plan_status items, with the rows kept for serialising."""

    def __init__(self, plan: Plan, year: int):
        self.plan, self.year = plan, year
        self.actuals = current_actuals(plan, year)
        self.targets = {
            t.indicator_id: t.value for t in Target.objects.filter(indicator__plan=plan, year=year)
        }
        self.by_goal: dict[int, list] = {}
        self.by_measure: dict[int, list] = {}
        for ind in plan.indicators.select_related("member").order_by("code"):
            (self.by_goal if ind.goal_id else self.by_measure).setdefault(
                ind.goal_id or ind.measure_id, []
            ).append(ind)

    def indicators(self, rows) -> tuple[tuple, list]:
        items, skipped = [], []
        for ind in rows:
            target = self.targets.get(ind.pk)
            if target is None:
                skipped.append(ind)
                continue
            actual = self.actuals.get(ind.pk)
            items.append(
                ps.Indicator(
                    ind.code,
                    ind.algorithm_direction,
                    baseline=ind.baseline,
                    target=target,
                    actual=None if actual is None else actual.value,
                    weight=ind.weight,
                )
            )
        return tuple(items), skipped

    def build(self) -> ps.Item:
        goals = []
        for g in self.plan.goals.prefetch_related("measures__milestones").order_by("number"):
            measures = []
            for m in g.measures.all():
                inds, _skipped = self.indicators(self.by_measure.get(m.pk, []))
                miles = tuple(ps.Milestone(f"MS{x.pk}", x.due, x.done) for x in m.milestones.all())
                measures.append(
                    ps.Item(f"M{m.number}", weight=m.weight, indicators=inds, milestones=miles)
                )
            inds, _skipped = self.indicators(self.by_goal.get(g.pk, []))
            goals.append(
                ps.Item(f"G{g.number}", weight=g.weight, indicators=inds, children=tuple(measures))
            )
        return ps.Item("P", children=tuple(goals))


def _indicator_json(tree: _Tree, ind, res: ps.IndicatorResult | None) -> dict:
    actual = tree.actuals.get(ind.pk)
    target = tree.targets.get(ind.pk)
    return {
        "pk": ind.pk,
        "code": ind.code,
        "name_zh": ind.name_zh,
        "name_en": ind.name_en,
        "member": ind.member_id,
        "direction": ind.direction,
        "source": ind.source,
        "baseline": str(ind.baseline),
        "target": None if target is None else str(target),
        "actual": None if actual is None else str(actual.value),
        "actual_status": None if actual is None else actual.status,
        "state": res.state if res else "no_target",
        "attainment": _frac(res.attainment) if res else None,
        "performance": _frac(res.performance) if res else None,
        "weight": str(ind.weight),
    }


def _node(tree: _Tree, res: ps.ItemResult, kind: str, row, inds, miles) -> dict:
    by_code = {i.code: i for i in res.indicators}
    mres = {m.code: m for m in res.milestones}
    return {
        "code": res.code,
        "kind": kind,
        "pk": row.pk if row is not None else tree.plan.pk,
        "title_zh": getattr(row, "title_zh", tree.plan.title_zh),
        "title_en": getattr(row, "title_en", tree.plan.title_en),
        "weight": _frac(res.weight),
        "score": _frac(res.score),
        "status": res.status,
        "parts": {k: _frac(v) for k, v in res.parts.items()},
        "decided_by": res.decided_by,
        "indicators": [_indicator_json(tree, i, by_code.get(i.code)) for i in inds],
        "milestones": [
            {
                "pk": x.pk,
                "title_zh": x.title_zh,
                "title_en": x.title_en,
                "due": x.due.isoformat(),
                "done": mres[f"MS{x.pk}"].completed.isoformat()
                if mres[f"MS{x.pk}"].completed
                else None,
                "state": mres[f"MS{x.pk}"].state,
                "days_overdue": mres[f"MS{x.pk}"].days_overdue,
            }
            for x in miles
        ],
        "children": [],
    }


def status_tree(plan: Plan, year: int, as_of: dt.date) -> dict:
    """The plan's status in ``year`` on ``as_of`` as JSON: codes and exact numbers (fractions as
    ``"n/d"``), the rule's thresholds, and every input that produced them."""
    tree = _Tree(plan, year)
    result = ps.evaluate(tree.build(), as_of=as_of)
    root = _node(tree, result, "plan", None, [], [])
    goals = {f"G{g.number}": g for g in plan.goals.all()}
    for gres in result.children:
        g = goals[gres.code]
        gnode = _node(tree, gres, "goal", g, tree.by_goal.get(g.pk, []), [])
        measures = {f"M{m.number}": m for m in g.measures.all()}
        for mres in gres.children:
            m = measures[mres.code]
            mnode = _node(
                tree, mres, "measure", m, tree.by_measure.get(m.pk, []), list(m.milestones.all())
            )
            mnode["lead"] = m.lead_id
            gnode["children"].append(mnode)
        root["children"].append(gnode)
    rule = result.thresholds
    return {
        "year": year,
        "as_of": as_of.isoformat(),
        "rule": {
            "on_track": _frac(rule.on_track),
            "at_risk": _frac(rule.at_risk),
            "cap": _frac(rule.cap),
            "expected": "1",
        },
        "overdue": list(result.overdue),
        "root": root,
    }


def default_as_of(year: int) -> dt.date:
    return min(timezone.localdate(), dt.date(year, 12, 31))


@transaction.atomic
def planning_status_compute(
    *, plan: Plan, year: int, actor, as_of: dt.date | None = None
) -> StatusReport:
    """Compute the plan's status for a reporting year and keep it as a new status report
    (earlier reports stay, published or not)."""
    require_manage(scope_for(actor), plan)
    if plan.status == PlanStatus.DRAFT:
        raise LifecycleError(_("The plan is a draft: its status is computed once it is adopted."))
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise ValueError(_("year: %(v)s is not a year.") % {"v": year}) from None
    if not plan.start_year <= year <= plan.end_year:
        raise ValueError(
            _("year: %(y)d is outside the plan's years %(a)d–%(b)d.")
            % {"y": year, "a": plan.start_year, "b": plan.end_year}
        )
    as_of = as_of or default_as_of(year)
    tree = status_tree(plan, year, as_of)
    report = StatusReport.objects.create(
        plan=plan, year=year, as_of=as_of, tree=tree, computed_by=actor
    )
    root = tree["root"]
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_STATUS_COMPUTE,
        object_type=ObjectType.PLAN_STATUS_REPORT,
        object_id=report.pk,
        after={
            "plan": plan.pk,
            "year": year,
            "as_of": as_of.isoformat(),
            "score": root["score"],
            "status": root["status"],
            "overdue": tree["overdue"],
        },
    )
    return report


@transaction.atomic
def planning_status_publish(*, report: StatusReport, actor) -> StatusReport:
    r = StatusReport.objects.select_for_update().select_related("plan__body").get(pk=report.pk)
    require_manage(scope_for(actor), r.plan)
    if r.published_at is not None:
        raise LifecycleError(_("This status report is already published."))
    r.published_at, r.published_by = timezone.now(), actor
    r.save(update_fields=["published_at", "published_by"])
    audit_record(
        actor=actor,
        action=AuditAction.PLANNING_STATUS_PUBLISH,
        object_type=ObjectType.PLAN_STATUS_REPORT,
        object_id=r.pk,
        after={"plan": r.plan_id, "year": r.year, "published_at": r.published_at.isoformat()},
    )
    return r
