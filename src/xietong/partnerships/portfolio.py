"""The cooperation portfolio of an area: counts aggregated in SQL, scoped by the caller.

Counts follow the roll-up rule of :mod:`xietong.algorithms.rollup`: a cooperation counts once
per group it falls in (by kind, origin, status, content, subject, kind of party; by member when
a party of it lies in that member), so the groups of a breakdown may add up to more than the
total; obligation compliance pools the computed results of a period (``met / assessed``,
obligations without a result for the period do not count).

The member x member matrix counts, for members ``i`` and ``j`` of the area, the cooperations
with a party in ``i`` and another party in ``j`` (for ``i == j``: two parties in ``i``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from fractions import Fraction
from typing import TypeVar

from django.db.models import Count, Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import prefix_q, prefixes_q

from .models import ComplianceResult, Cooperation, Party, PortfolioVersion

T = TypeVar("T")

__all__ = [
    "CONTENTS",
    "PARTY_KINDS",
    "area_members",
    "area_portfolio",
    "cooperations_visible",
    "member_readable",
    "portfolio_cached",
    "portfolio_version",
    "scope_parts",
]

# The content of a cooperation: its ``covers_*`` flags, by code.
CONTENTS = (
    "management",
    "curriculum",
    "teaching_research",
    "teacher_training",
    "digital_resources",
)
# Kinds of party (Party.kind): a government (bureau), a school, a social force.
PARTY_KINDS = ("jurisdiction", "school", "social")


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


def portfolio_version() -> str:
    """The token of the portfolio as it stands (``PortfolioVersion``); "" before any write."""
    return PortfolioVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def portfolio_cached(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """``build()``, cached under ``name``, ``parts`` and the portfolio token read first: any
    write a portfolio shows renews the token in its transaction
    (``services.portfolio_changed``), so the next call computes afresh. ``parts`` must hold
    everything else the result depends on: :func:`scope_parts`, the language, the arguments."""
    from xietong.caching import versioned_cached

    return versioned_cached(f"xt:portfolio:{name}:{portfolio_version()}", parts, build)


def scope_parts(scope: Scope) -> tuple:
    """What a cached portfolio depends on in the caller's scope: everything
    :func:`cooperations_visible` and :func:`member_readable` read (the joint plans a caller
    reads are a part of their own, given by the page)."""
    if scope.is_admin:
        return ("admin",)
    return (
        tuple(sorted(scope.read_prefixes)),
        tuple(sorted(scope.read_school_ids)),
        tuple(sorted(scope.area_ids)),
    )


def area_members(area: CooperationArea) -> list[Jurisdiction]:
    """The area's members in code order (provinces for 京津冀, counties and a city for 通武廊)."""
    return list(area.members.order_by("code"))


def member_readable(scope: Scope, area: CooperationArea, member: Jurisdiction) -> bool:
    """Who reads one member's portfolio: the administrator, the area's secretariat (or one of an
    area above it), and a bureau at, above or below the member; nobody else (schools, teachers
    and the public read the area's portfolio only)."""
    if scope.is_admin or area.pk in scope.area_ids:
        return True
    return any(
        member.code.startswith(p) or p.startswith(member.prefix) for p in scope.read_prefixes
    )


def _counts(qs: QuerySet, field: str) -> dict[str, int]:
    rows = qs.order_by().values_list(field).annotate(n=Count("pk")).values_list(field, "n")
    return dict(sorted(rows))


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


def _by_content(qs: QuerySet) -> dict[str, int]:
    counts = qs.order_by().aggregate(
        **{c: Count("pk", filter=Q(**{f"covers_{c}": True})) for c in CONTENTS}
    )
    return {c: counts[c] for c in CONTENTS if counts[c]}


def _by_subject(qs: QuerySet) -> dict[str, int]:
    counts: dict[str, int] = defaultdict(int)
    for subjects in qs.order_by().values_list("subjects", flat=True):
        for subject in set(subjects or []):
            counts[str(subject)] += 1
    return dict(sorted(counts.items()))


def _by_party_kind(qs: QuerySet) -> dict[str, int]:
    rows = (
        Party.objects.filter(cooperation__in=qs.values("pk"))
        .order_by()
        .values_list("kind")
        .annotate(n=Count("cooperation_id", distinct=True))
    )
    counts = dict(rows)
    return {k: counts[k] for k in PARTY_KINDS if counts.get(k)}


def _party_members(qs: QuerySet, members: list[Jurisdiction]) -> dict:
    """cooperation id -> {member code: number of its parties in that member}."""
    out: dict = defaultdict(lambda: defaultdict(int))
    rows = (
        Party.objects.filter(cooperation__in=qs.values("pk"))
        .exclude(jurisdiction_code="")
        .values_list("cooperation_id", "jurisdiction_code")
    )
    for coop, code in rows:
        for m in members:
            if code.startswith(m.prefix):
                out[coop][m.code] += 1
    return out


def _members_and_matrix(qs: QuerySet, members: list[Jurisdiction]) -> tuple[dict, list]:
    per_coop = _party_members(qs, members)
    by_member = {m.code: 0 for m in members}
    cells: dict[tuple[str, str], int] = defaultdict(int)
    for placed in per_coop.values():
        for a, n_a in placed.items():
            by_member[a] += 1
            for b in placed:
                if a < b or (a == b and n_a >= 2):
                    cells[(a, b)] += 1
    matrix = [
        {"a": a, "b": b, "cooperations": cells.get((min(a, b), max(a, b)), 0)}
        for a in by_member
        for b in by_member
    ]
    return by_member, matrix


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


def member_cooperations(qs: QuerySet, member: Jurisdiction) -> QuerySet[Cooperation]:
    """The cooperations of ``qs`` with a party in ``member`` (its code prefix)."""
    parties = Party.objects.filter(prefix_q(member.prefix, "jurisdiction_code"))
    return qs.filter(pk__in=parties.values("cooperation_id"))


def area_portfolio(*, scope: Scope, slug: str, member: str | None = None) -> dict | None:
    """The roll-up of the area ``slug`` as the caller sees it; None for an unknown area, and,
    with ``member`` (a member's code), None when it is no member of the area or the caller may
    not read that member's portfolio (:func:`member_readable`)."""
    area = CooperationArea.objects.filter(slug=slug).first()
    if area is None:
        return None
    members = area_members(area)
    qs = cooperations_visible(scope).filter(area=area)
    if member is not None:
        chosen = next((m for m in members if m.code == member), None)
        if chosen is None or not member_readable(scope, area, chosen):
            return None
        qs = member_cooperations(qs, chosen)
    by_area_member, matrix = _members_and_matrix(qs, members)
    return {
        "area": area.slug,
        "member": member or "",
        "cooperations": qs.count(),
        "by_kind": _counts(qs, "kind"),
        "by_origin": _counts(qs, "origin"),
        "by_status": _counts(qs, "status"),
        "by_member": _by_member(qs),
        "by_content": _by_content(qs),
        "by_subject": _by_subject(qs),
        "by_party_kind": _by_party_kind(qs),
        "by_area_member": by_area_member,
        "matrix": matrix,
        "compliance": _compliance(qs),
        "publications": portfolio_publications(area),
    }


def portfolio_publications(area: CooperationArea) -> dict[str, dict]:
    """Per period, when the area's figures were published and the figures as published then
    (area-wide compliance); a published record, the same for every reader of the area."""
    from .models import PortfolioPublication

    rows = PortfolioPublication.objects.filter(area=area).order_by("period")
    return {
        p.period: {"published_at": p.published_at.isoformat(), "figures": p.figures} for p in rows
    }
