"""Every read of cooperations, scoped by the caller.

A school (its administrators and teachers) sees the cooperations it is a party of; a bureau
those with a party in its jurisdiction (a school in its subtree, or a jurisdiction party at or
below it); a secretariat those of its area and those with a party in the area's members; the
administrator all; the public none.
"""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.selectors import prefix_q, prefixes_q

from .models import (
    Activity,
    Approval,
    ComplianceResult,
    Cooperation,
    Level,
    Party,
)


def visible_q(scope: Scope) -> Q:
    if scope.is_admin:
        return Q()
    q = prefixes_q(sorted(scope.read_prefixes), "parties__jurisdiction_code")
    q |= Q(parties__school_id__in=sorted(scope.read_school_ids))
    q |= Q(area_id__in=sorted(scope.area_ids))
    return q


def cooperation_list(
    *, scope: Scope, kind: str | None = None, member: str | None = None, area: str | None = None
) -> QuerySet[Cooperation]:
    """Cooperations the caller sees; ``member`` keeps those with a party whose jurisdiction code
    starts with the member's prefix (``131000000000`` matches Langfang and its counties)."""
    ids = Cooperation.objects.filter(visible_q(scope)).values("pk")
    qs = Cooperation.objects.filter(pk__in=ids)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(area__slug=area)
    if member:
        qs = qs.filter(
            pk__in=Party.objects.filter(prefix_q(_prefix(member), "jurisdiction_code")).values(
                "cooperation_id"
            )
        )
    parties = Party.objects.select_related("school", "jurisdiction", "social_partner")
    return (
        qs.select_related("area", "lead")
        .prefetch_related(Prefetch("parties", queryset=parties))
        .order_by("code")
    )


def _prefix(code: str) -> str:
    """The prefix of a 12-digit code: trailing zero pairs dropped (province 11, city 1310)."""
    code = code.strip()
    while len(code) > 2 and code.endswith("00"):
        code = code[:-2]
    return code


def cooperation_get(*, scope: Scope, pk=None, code: str | None = None) -> Cooperation | None:
    qs = cooperation_list(scope=scope)
    try:
        return qs.filter(pk=pk).first() if pk is not None else qs.filter(code=code).first()
    except (ValueError, TypeError):
        return None


def versions(coop: Cooperation):
    return coop.agreement.versions.prefetch_related(
        Prefetch("approvals", queryset=Approval.objects.select_related("party", "approved_by"))
    ).order_by("-number")


def activities(coop: Cooperation) -> QuerySet[Activity]:
    return coop.activities.select_related("obligation", "provider", "recipient").order_by(
        "-date", "-pk"
    )


def activity_get(
    *, scope: Scope, pk: int, cooperation: Cooperation | None = None
) -> Activity | None:
    """An activity of a cooperation the caller sees (``cooperation``: of that one only)."""
    seen = Cooperation.objects.filter(visible_q(scope)).values("pk")
    qs = Activity.objects.select_related("cooperation").filter(pk=pk, cooperation__in=seen)
    if cooperation is not None:
        qs = qs.filter(cooperation=cooperation)
    return qs.first()


def activity_totals(coop: Cooperation) -> dict[str, dict[str, object]]:
    """Per activity kind, the quantity at each level, kept apart (never summed across)."""
    from django.db.models import Sum

    out: dict[str, dict[str, object]] = {}
    rows = coop.activities.values("kind", "level").annotate(total=Sum("quantity"))
    for r in rows:
        out.setdefault(r["kind"], dict.fromkeys(Level.values, 0))[r["level"]] = r["total"]
    return out


def compliance(coop: Cooperation, period: str) -> list[ComplianceResult]:
    return list(
        ComplianceResult.objects.filter(obligation__cooperation=coop, period=period)
        .select_related("obligation")
        .order_by("obligation__code")
    )
