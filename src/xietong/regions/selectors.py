"""Reads on jurisdictions and areas. The division tree and areas are public reference data."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from .divisions import successors as _successor_codes
from .models import AreaMembership, Boundary, CooperationArea, Jurisdiction


def valid_in_q(year: int | None = None) -> Q:
    """Divisions valid for the statistics of ``year`` (inclusive years); None: those in force
    today. Statistics of a year describe the divisions as they stand at the end of that year."""
    if year is None:
        return Q(valid_until__isnull=True)
    return (Q(valid_from__isnull=True) | Q(valid_from__lte=year)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=year)
    )


def counties_valid_in(year: int, prefixes: Iterable[str] | None = None) -> QuerySet[Jurisdiction]:
    """The county-level divisions (no 市辖区 placeholders) valid in ``year``, optionally only
    those whose codes start with one of ``prefixes`` ("33" for Zhejiang, "3301" for Hangzhou)."""
    qs = Jurisdiction.objects.filter(valid_in_q(year), level="county", is_placeholder=False)
    if prefixes is not None:
        qs = qs.filter(prefixes_q(list(prefixes), "code"))
    return qs.order_by("code")


def successors(code: str, *, year: int | None = None) -> list[Jurisdiction]:
    """The divisions that hold an abolished division's territory in ``year`` (default: today);
    a division still in force is its own successor."""
    codes = _successor_codes(code, year=year)
    found = Jurisdiction.objects.in_bulk(codes)
    return [found[c] for c in codes if c in found]


def jurisdiction_list(
    *,
    level: str | None = None,
    parent: str | None = None,
    within: str | None = None,
    q: str | None = None,
    include_placeholders: bool = True,
    valid_in: int | None = None,
) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.all()
    if valid_in is not None:
        qs = qs.filter(valid_in_q(valid_in))
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        qs = qs.filter(prefix_q(j.prefix, "code")) if j else qs.none()
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__startswith=q))
    if not include_placeholders:
        qs = qs.filter(is_placeholder=False)
    return qs


def area_list() -> QuerySet[CooperationArea]:
    return CooperationArea.objects.select_related("parent", "secretariat_host").prefetch_related(
        "memberships__jurisdiction"
    )


def area_choices() -> QuerySet[CooperationArea]:
    """Every area, for a filter's list (areas are public reference data)."""
    return CooperationArea.objects.all()


def area_children(area: CooperationArea) -> QuerySet[CooperationArea]:
    """The sub-areas directly under ``area``."""
    return CooperationArea.objects.filter(parent=area)


def divisions_in_force(level: str, prefixes: list[str]) -> list[Jurisdiction]:
    """The divisions at ``level`` in force today within ``prefixes`` (no 市辖区 rows)."""
    qs = Jurisdiction.objects.filter(level=level, is_placeholder=False, valid_until__isnull=True)
    return list(qs.filter(prefixes_q(prefixes, "code")).order_by("code"))


def jurisdictions_by_code(codes: list[str]) -> QuerySet[Jurisdiction]:
    return Jurisdiction.objects.filter(code__in=codes)


def jurisdiction_get(code: str) -> Jurisdiction | None:
    return Jurisdiction.objects.filter(code=code).first()


def jurisdiction_ancestors(j: Jurisdiction) -> list[Jurisdiction]:
    """The divisions above ``j``, the province first."""
    out = []
    p = j.parent
    while p is not None:
        out.insert(0, p)
        p = p.parent
    return out


def jurisdiction_children(j: Jurisdiction) -> list[Jurisdiction]:
    """The divisions a jurisdiction's page lists under it: those in force today (an abolished
    one keeps its own page, reached by its code); a municipality's districts directly, past
    its 市辖区 placeholder; none under a county."""
    if j.level == "county":
        return []
    current = {"is_placeholder": False, "valid_until__isnull": True}
    children = list(j.children.filter(**current))
    if j.level == "province" and (
        not children or all(c.level == "prefecture" and c.is_placeholder for c in j.children.all())
    ):
        children = list(Jurisdiction.objects.filter(parent__parent=j, **current))
    return children


def area_subtree_ids(area_ids: Iterable[int]) -> set[int]:
    """The areas and every area below them (sub-areas such as Tongzhou-Wuqing-Langfang under
    Beijing-Tianjin-Hebei), as ids: the one closure of the area tree."""
    ids = set(area_ids)
    frontier = set(ids)
    while frontier:
        children = set(
            CooperationArea.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
        )
        frontier = children - ids
        ids |= children
    return ids


def area_member_prefixes(area: CooperationArea, *, include_children: bool = True) -> list[str]:
    ids = area_subtree_ids([area.pk]) if include_children else {area.pk}
    return sorted(
        set(
            AreaMembership.objects.filter(area_id__in=ids).values_list(
                "jurisdiction__prefix", flat=True
            )
        )
    )


def prefix_q(prefix: str, field_name: str) -> Q:
    """Rows whose ``field_name`` starts with the digit string ``prefix``, as a range
    (``"32" <= code < "33"``) that an index on the column serves, on SQLite as on PostgreSQL;
    ``LIKE '32%'`` (Django's ``startswith``) scans the table on SQLite. Other prefixes fall back
    to ``startswith``."""
    if not prefix:
        return Q()
    if not (prefix.isascii() and prefix.isdigit()):
        return Q(**{f"{field_name}__startswith": prefix})
    q = Q(**{f"{field_name}__gte": prefix})
    if set(prefix) != {"9"}:
        q &= Q(**{f"{field_name}__lt": str(int(prefix) + 1).zfill(len(prefix))})
    return q


def prefixes_q(prefixes: list[str], field_name: str) -> Q:
    """Rows whose ``field_name`` starts with one of ``prefixes`` (see :func:`prefix_q`)."""
    q = Q(pk__in=[])
    for p in prefixes:
        q |= prefix_q(p, field_name)
    return q


def boundaries_for(codes: Iterable[str]) -> dict[str, dict]:
    """The loaded outlines (GeoJSON geometries) of those of ``codes`` that have one. Boundaries
    are public reference data, like the division tree."""
    return dict(
        Boundary.objects.filter(jurisdiction_id__in=list(codes)).values_list(
            "jurisdiction_id", "geometry"
        )
    )


def boundaries_version() -> tuple:
    """A fingerprint of the loaded outlines (how many, the latest load): pages that cache a map
    put it in the key, so loading or removing outlines redraws the maps."""
    from django.db.models import Count, Max

    found = Boundary.objects.aggregate(n=Count("pk"), last=Max("loaded_at"))
    return (found["n"], str(found["last"]))


def boundary_credits(codes: Iterable[str]) -> list[dict[str, str]]:
    """Where the outlines of ``codes`` come from: each distinct source, licence and map
    approval number (审图号), which a published map must show."""
    rows = (
        Boundary.objects.filter(jurisdiction_id__in=list(codes))
        .values("source", "licence", "approval_number")
        .distinct()
        .order_by("source", "approval_number", "licence")
    )
    return list(rows)


TREE_LEVELS = ("province", "prefecture", "county")


def divisions_version() -> str:
    """The token of the division tree as it stands (``DivisionsVersion``); "" before any."""
    from .models import DivisionsVersion

    return DivisionsVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def jurisdiction_tree_cached(prefixes: Iterable[str] | None = None) -> list:
    """``jurisdiction_tree(prefixes)``, cached under the divisions version: read once per change
    of the tree instead of once per request."""
    from xietong.caching import versioned_memo

    key = None if prefixes is None else tuple(sorted(set(prefixes)))
    return versioned_memo(f"xt:tree:{divisions_version()}", (key,), lambda: jurisdiction_tree(key))


def jurisdiction_tree(prefixes: Iterable[str] | None = None) -> list[tuple[Jurisdiction, int]]:
    """The divisions in force under ``prefixes`` (None: all), province > prefecture > county in
    code order, each with its depth in the tree. 市辖区 placeholders are left out and the
    districts of a municipality sit directly under it, as people name them."""
    qs = Jurisdiction.objects.filter(
        valid_in_q(None), level__in=TREE_LEVELS, is_placeholder=False
    ).select_related("parent")
    if prefixes is not None:
        qs = qs.filter(prefixes_q(sorted(set(prefixes)), "code"))
    out = []
    for j in qs.order_by("code"):
        if j.level == "province":
            depth = 0
        elif j.level == "prefecture" or j.parent is None or j.parent.is_placeholder:
            depth = 1
        else:
            depth = 2
        out.append((j, depth))
    if out:
        top = min(d for _j, d in out)
        out = [(j, d - top) for j, d in out]
    return out
