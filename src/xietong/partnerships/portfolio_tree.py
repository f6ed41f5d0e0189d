"""The portfolio as a tree: joint plan -> task -> cooperation -> activity, rolled up by the rule
of :mod:`xietong.algorithms.rollup` (records count 1 each; an amount sums over the activities
that have one, an activity without a value does not count; compliance pools ``met / assessed``
over the obligations with a result for the period, one without a result does not count).

Plans are the area's joint plans the caller may read (``planning.selectors.plan_list``); a
task is a plan's measure (its goal's number and its own, ``2.1``); a cooperation hangs under
the task it carries out (``Cooperation.plan_task``), or under "not in a plan" when it has none
(or under "in a plan you cannot read" when its plan is a draft the caller does not read). An activity's amount is its quantity in its
obligation's measure (lessons, sessions, teachers, hours); an activity recorded against no
obligation is a record without an amount. Funding (linked from the fund's records) is money:
its amount is in yuan, in the measure ``disbursed`` (a disbursement of the fund) or
``donated`` (a donation earmarked for the cooperation), never added to each other or to an
obligation's measure.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, QuerySet, Sum

from xietong.accounts.scope import Scope
from xietong.algorithms.rollup import Node, Rollup, rollup

from .models import Activity, ActivityKind, ComplianceResult, Cooperation
from .services.links import FUNDING_MEASURES

__all__ = [
    "HIDDEN",
    "MONEY_MEASURES",
    "UNPLANNED",
    "TreeItem",
    "activity_amounts",
    "portfolio_tree",
]

#: The roll-up's money measures (yuan), one per finance source.
MONEY_MEASURES = tuple(FUNDING_MEASURES.values())

UNPLANNED = "unplanned"
HIDDEN = "hidden"


@dataclass(frozen=True)
class TreeItem:
    """What the page shows of a node: its label, the record behind it, and the filters of the
    cooperation list that hold the records under it (``None``: no list, e.g. an activity)."""

    label: str
    plan: int | None = None
    task: str | None = None
    cooperation: object = None


def _obligations(coops: list[Cooperation], qs: QuerySet, period: str) -> dict:
    results = dict(
        ComplianceResult.objects.filter(obligation__cooperation__in=qs.values("pk"), period=period)
        .order_by()
        .values_list("obligation_id", "met")
    )
    out: dict = defaultdict(list)
    for coop in coops:
        for ob in coop.obligations.all():
            out[coop.pk].append((ob.code, results.get(ob.pk)))
    return out


def _activities(coops: QuerySet) -> dict:
    """cooperation id -> its activities as summed leaves (rule 5 of the roll-up): one per
    measure (and one for those without a value), counted and summed in SQL, so a cooperation
    with thousands of activities is a few rows, not thousands of objects."""
    out: dict = defaultdict(list)
    rows = (
        Activity.objects.filter(cooperation__in=coops.values("pk"))
        .order_by()
        .values_list("cooperation_id", "kind", "source_app", "obligation__measure")
        .annotate(n=Count("pk"), total=Sum("quantity"))
    )
    grouped: dict = defaultdict(lambda: [0, 0])
    for coop, kind, source_app, measure, n, total in rows:
        if kind == ActivityKind.FUNDING:
            measure = FUNDING_MEASURES.get(source_app)
        group = grouped[(coop, measure)]
        group[0] += n
        group[1] += total if measure is not None else 0
    for (coop, measure), (n, total) in sorted(grouped.items(), key=lambda kv: str(kv[0])):
        amounts = {measure: total} if measure is not None else {}
        out[coop].append(
            Node(f"acts:{coop}:{measure or ''}", "activity", amounts=amounts, records=n)
        )
    return out


def activity_amounts(act: Activity) -> dict:
    """An activity's value per measure for the roll-up: its quantity in its obligation's
    measure, funding its yuan in ``disbursed`` / ``donated``; none for anything else."""
    if act.kind == ActivityKind.FUNDING:
        measure = FUNDING_MEASURES.get(act.source_app)
        return {measure: act.quantity} if measure else {}
    return {act.obligation.measure: act.quantity} if act.obligation_id else {}


def _coop_nodes(coops: list[Cooperation], qs: QuerySet, period: str, items: dict) -> dict:
    """task id (or None) -> the cooperation nodes under it."""
    obligations = _obligations(coops, qs, period)
    activities = _activities(qs)
    out: dict = defaultdict(list)
    for coop in coops:
        key = f"coop:{coop.pk}"
        items[key] = TreeItem(f"{coop.code} {coop.title}", cooperation=coop)
        out[coop.plan_task_id].append(
            Node(
                key,
                "cooperation",
                children=tuple(activities[coop.pk]),
                obligations=tuple(obligations[coop.pk]),
            )
        )
    return out


def portfolio_tree(
    *, scope: Scope, area, cooperations: QuerySet[Cooperation], period: str, user=None
) -> tuple[Rollup, dict[str, TreeItem]]:
    """The rolled-up tree of ``cooperations`` (already scoped and filtered) and, per node key,
    what to show of it. The root (key ``area``) pools the plans and "not in a plan"."""
    from xietong.planning.selectors import plan_list

    coops = list(cooperations.select_related("plan_task__goal").prefetch_related("obligations"))
    items: dict[str, TreeItem] = {"area": TreeItem(area.name)}
    under = _coop_nodes(coops, cooperations, period, items)
    plans = []
    placed: set = set()
    for plan in (
        plan_list(scope=scope, user=user)
        .filter(body__area=area)
        .prefetch_related("goals__measures")
    ):
        tasks = []
        for goal in plan.goals.all():
            for measure in goal.measures.all():
                key = f"task:{measure.pk}"
                items[key] = TreeItem(
                    f"{goal.number}.{measure.number} {measure.title}",
                    plan=plan.pk,
                    task=str(measure.pk),
                )
                tasks.append(Node(key, "task", children=tuple(under.get(measure.pk, ()))))
                placed.add(measure.pk)
        items[f"plan:{plan.pk}"] = TreeItem(plan.title, plan=plan.pk)
        plans.append(Node(f"plan:{plan.pk}", "plan", children=tuple(tasks)))
    if under.get(None):
        items[UNPLANNED] = TreeItem("", task="none")
        plans.append(Node(UNPLANNED, "plan", children=tuple(under[None])))
    hidden = [n for task, nodes in under.items() if task and task not in placed for n in nodes]
    if hidden:  # tasks of a draft plan the caller does not read: no list to link to
        items[HIDDEN] = TreeItem("")
        plans.append(Node(HIDDEN, "plan", children=tuple(hidden)))
    return rollup(Node("area", "plan", children=tuple(plans))), items
