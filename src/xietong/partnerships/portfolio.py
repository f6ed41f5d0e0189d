"""The cooperation portfolio of an area: counts aggregated in SQL, scoped by the caller.

Counts follow the roll-up rule of :mod:`xietong.algorithms.rollup`: a cooperation counts once
per group it falls in (by kind, origin, status; by member when a party of it lies in that
member); obligation compliance pools the computed results of a period (``met / assessed``,
obligations without a result for the period do not count).
"""

from __future__ import annotations

from collections import defaultdict
from fractions import Fraction

from django.db.models import Count, Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.models import CooperationArea
from xietong.regions.selectors import prefixes_q

from .models import ComplianceResult, Cooperation, Party

__all__ = ["area_portfolio", "cooperations_visible"]


def cooperations_visible(scope: Scope) -> QuerySet[Cooperation]:
    """Cooperations the caller may see: all for an administrator; those of the caller's areas,
    and those with a party in a jurisdiction or at a school the caller reads."""
    qs = Cooperation.objects.all()
    if scope.is_admin:
        return qs
    parties = Party.objects.filter(
        prefixes_q(sorted(scope.read_prefixes), "jurisdiction_code")
        | Q(school_id__in=sorted(scope.read_school_ids))
    ).values("cooperation_id")
    return qs.filter(Q(area_id__in=sorted(scope.area_ids)) | Q(pk__in=parties))


def _counts(qs: QuerySet, field: str) -> dict[str, int]:
    return dict(qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n"))


def _by_member(qs: QuerySet) -> dict[str, int]:
    seen: dict[str, set] = defaultdict(set)
    rows = (
        Party.objects.filter(cooperation__in=qs.values("pk"))
        .exclude(jurisdiction_code="")
        .values_list("cooperation_id", "jurisdiction_code")
    )
    for coop, code in rows:
        seen[code[:2] + "0" * 10].add(coop)
    return {member: len(coops) for member, coops in sorted(seen.items())}


def _compliance(qs: QuerySet) -> dict[str, dict]:
    rows = (
        ComplianceResult.objects.filter(obligation__cooperation__in=qs.values("pk"))
        .order_by()
        .values("period")
        .annotate(assessed=Count("pk"), met=Count("pk", filter=Q(met=True)))
    )
    return {
        r["period"]: {
            "assessed": r["assessed"],
            "met": r["met"],
            "unmet": r["assessed"] - r["met"],
            "share": str(Fraction(r["met"], r["assessed"])),
        }
        for r in sorted(rows, key=lambda r: r["period"])
    }


def area_portfolio(*, scope: Scope, slug: str) -> dict | None:
    """The roll-up of the area ``slug`` as the caller sees it; None for an unknown area."""
    area = CooperationArea.objects.filter(slug=slug).first()
    if area is None:
        return None
    qs = cooperations_visible(scope).filter(area=area)
    return {
        "area": area.slug,
        "cooperations": qs.count(),
        "by_kind": _counts(qs, "kind"),
        "by_origin": _counts(qs, "origin"),
        "by_status": _counts(qs, "status"),
        "by_member": _by_member(qs),
        "compliance": _compliance(qs),
    }
