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


# The list's filters beyond kind, member and area (the portfolio's tables link to them).
EXTRA_FILTERS = ("partner", "origin", "content", "subject", "party_kind", "task", "plan")


def cooperation_list(
    *,
    scope: Scope,
    kind: str | None = None,
    member: str | None = None,
    area: str | None = None,
    **extra: str | None,
) -> QuerySet[Cooperation]:
    """Cooperations the caller sees; ``member`` keeps those with a party whose jurisdiction code
    starts with the member's prefix (``131000000000`` matches Langfang and its counties).
    ``extra`` filters (:data:`EXTRA_FILTERS`), each applied when given: ``partner`` another
    party in that member too (a cell of the portfolio's member matrix), ``origin``,
    ``content`` (a ``covers_*`` flag), ``subject``, ``party_kind`` (a party of that kind),
    ``task`` (a joint-plan task's id; ``none`` for no task), ``plan`` (a plan's id)."""
    ids = Cooperation.objects.filter(visible_q(scope)).values("pk")
    qs = Cooperation.objects.filter(pk__in=ids)
    if kind:
        qs = qs.filter(kind=kind)
    if area:
        qs = qs.filter(area__slug=area)
    if member:
        qs = qs.filter(pk__in=_with_party_in(member))
    qs = _extra(qs, member, {k: v for k, v in extra.items() if v and k in EXTRA_FILTERS})
    parties = Party.objects.select_related("school", "jurisdiction", "social_partner")
    return (
        qs.select_related("area", "lead")
        .prefetch_related(Prefetch("parties", queryset=parties))
        .order_by("code")
    )


def _with_party_in(code: str, exclude_pks=()):
    return (
        Party.objects.filter(prefix_q(_prefix(code), "jurisdiction_code"))
        .exclude(pk__in=list(exclude_pks))
        .values("cooperation_id")
    )


def _extra(qs: QuerySet, member: str | None, f: dict) -> QuerySet:
    from .portfolio import CONTENTS

    if "partner" in f:
        qs = _partnered(qs, member, f["partner"])
    if "origin" in f:
        qs = qs.filter(origin=f["origin"])
    if "content" in f:
        qs = (
            qs.filter(**{f"covers_{f['content']}": True}) if f["content"] in CONTENTS else qs.none()
        )
    if "subject" in f:
        rows = qs.order_by().values_list("pk", "subjects")
        qs = qs.filter(pk__in=[pk for pk, subjects in rows if f["subject"] in (subjects or [])])
    if "party_kind" in f:
        qs = qs.filter(pk__in=Party.objects.filter(kind=f["party_kind"]).values("cooperation_id"))
    if "task" in f:
        task = f["task"]
        qs = qs.filter(plan_task__isnull=True) if task == "none" else _by_int(qs, "plan_task", task)
    if "plan" in f:
        qs = _by_int(qs, "plan_task__goal__plan", f["plan"])
    return qs


def _by_int(qs: QuerySet, field: str, value: str) -> QuerySet:
    return qs.filter(**{field: int(value)}) if value.isdigit() else qs.none()


def _partnered(qs: QuerySet, member: str | None, partner: str) -> QuerySet:
    """Cooperations with a party in ``partner`` and another party in ``member`` (two distinct
    parties, so a cell of the matrix on the diagonal needs two parties in the one member)."""
    if not member:
        return qs.filter(pk__in=_with_party_in(partner))
    a, b = _prefix(member), _prefix(partner)
    rows = Party.objects.filter(cooperation__in=qs.values("pk")).values_list(
        "cooperation_id", "pk", "jurisdiction_code"
    )
    in_a: dict = {}
    in_b: dict = {}
    for coop, pk, code in rows:
        if code.startswith(a):
            in_a.setdefault(coop, set()).add(pk)
        if code.startswith(b):
            in_b.setdefault(coop, set()).add(pk)
    keep = [c for c in in_a if c in in_b and len(in_a[c] | in_b[c]) >= 2]
    return qs.filter(pk__in=keep)


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


def cooperations_involving(*, scope: Scope, prefixes: list[str]) -> QuerySet[Cooperation]:
    """Cooperations the caller sees with a party in one of the division ``prefixes`` (what the
    fund may name as the cooperation a disbursement or donation is for)."""
    seen = Cooperation.objects.filter(visible_q(scope)).values("pk")
    parties = Party.objects.filter(prefixes_q(prefixes, "jurisdiction_code")).values(
        "cooperation_id"
    )
    return Cooperation.objects.filter(pk__in=seen).filter(pk__in=parties).order_by("code")


def cooperation_involves(*, scope: Scope, cooperation: Cooperation, prefixes: list[str]) -> bool:
    return cooperations_involving(scope=scope, prefixes=prefixes).filter(pk=cooperation.pk).exists()


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


# ---- what the forms offer ------------------------------------------------------------------
def partner_areas(scope: Scope) -> QuerySet:
    """The cooperation areas a caller works in: those its secretariat runs, and those with a
    member at, above or below one of its own divisions or its school's county (a cross-region
    cooperation is set up between an area's members)."""
    from xietong.regions.models import CooperationArea
    from xietong.schools.models import School

    if scope.is_admin:
        return CooperationArea.objects.order_by("slug")
    own = set(scope.read_prefixes) | set(
        School.objects.filter(
            pk__in=sorted(scope.read_school_ids | scope.write_school_ids)
        ).values_list("county__prefix", flat=True)
    )
    q = Q(pk__in=sorted(scope.area_ids))
    for p in sorted(own):
        q |= Q(members__prefix__startswith=p)
        for n in range(2, len(p), 2):
            q |= Q(members__prefix=p[:n])
    ids = CooperationArea.objects.filter(q).values("pk")
    return CooperationArea.objects.filter(pk__in=ids).order_by("slug")


def partner_prefixes(scope: Scope) -> list[str] | None:
    """Division prefixes whose schools and bureaus the caller may name as parties: its own read
    scope and the members of its ``partner_areas`` (None: everywhere, for the administrator)."""
    from xietong.regions.models import AreaMembership

    if scope.is_admin:
        return None
    areas = partner_areas(scope).values("pk")
    members = AreaMembership.objects.filter(area_id__in=areas).values_list(
        "jurisdiction__prefix", flat=True
    )
    return sorted(set(scope.read_prefixes) | set(members))


def partner_school_choices(scope: Scope) -> QuerySet:
    """Open schools the caller may name as a party: those it sees and those of its partner
    areas' members. Only names and codes are shown, as on a school's public listing in a
    cooperation's party table; their statistics stay under ``scope``."""
    from xietong.schools.models import School

    prefixes = partner_prefixes(scope)
    qs = School.objects.filter(is_open=True)
    if prefixes is not None:
        qs = qs.filter(
            scope.schools_q() | prefixes_q(prefixes, "county__code")
            if prefixes
            else scope.schools_q()
        )
    return qs.select_related("county").order_by("code")


# ---- funding linked from the fund (finance) ------------------------------------------------
def funding(*, scope: Scope, coop: Cooperation) -> dict:
    """The cooperation's ``funding`` activities with the finance record behind each: per row
    the activity, ``kind`` (``disbursement`` / ``donation``), date, amount (yuan), the record's
    label (a disbursement's label, a donor's name unless anonymous: ``""``), the fund's area
    slug and ``url``, the record's row on the fund's page, only for a reader who sees that fund
    beyond its public totals (else ``""``); and the totals ``disbursed`` and ``donated``, kept
    apart (a donation spent on the same cooperation would otherwise count twice)."""
    from decimal import Decimal

    from django.urls import reverse

    from xietong.finance.models import Disbursement, Donation
    from xietong.finance.selectors import access

    from .models import ActivityKind
    from .services.links import DISBURSEMENT, DONATION

    acts = list(coop.activities.filter(kind=ActivityKind.FUNDING).order_by("date", "pk"))
    ids = {
        app: [int(a.source_id) for a in acts if a.source_app == app and a.source_id.isdigit()]
        for app in (DISBURSEMENT, DONATION)
    }
    records = {
        DISBURSEMENT: Disbursement.objects.select_related("fund__area").in_bulk(ids[DISBURSEMENT]),
        DONATION: Donation.objects.select_related("fund__area", "donor").in_bulk(ids[DONATION]),
    }
    levels: dict = {}
    rows, totals = [], {"disbursed": Decimal(0), "donated": Decimal(0)}
    for a in acts:
        rec = records.get(a.source_app, {}).get(int(a.source_id)) if a.source_id.isdigit() else None
        kind = "disbursement" if a.source_app == DISBURSEMENT else "donation"
        totals["disbursed" if kind == "disbursement" else "donated"] += a.quantity
        label, slug, url = "", "", ""
        if rec is not None:
            slug = rec.fund.area.slug
            if kind == "disbursement":
                label = rec.label
            elif not rec.donor.anonymous:
                label = rec.donor.name
            if rec.fund_id not in levels:
                levels[rec.fund_id] = access(scope, rec.fund)
            if levels[rec.fund_id] != "public":
                url = f"{reverse('finance_fund', args=[slug])}#{kind}-{rec.pk}"
        rows.append(
            {
                "activity": a,
                "kind": kind,
                "date": a.date,
                "amount": a.quantity,
                "label": label,
                "fund": slug,
                "url": url,
            }
        )
    return {"rows": rows, **totals}
