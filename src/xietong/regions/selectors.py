"""Reads on jurisdictions and areas. The division tree and areas are public reference data."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .models import AreaMembership, CooperationArea, Jurisdiction


def jurisdiction_list(
    *,
    level: str | None = None,
    parent: str | None = None,
    within: str | None = None,
    q: str | None = None,
    include_placeholders: bool = True,
) -> QuerySet[Jurisdiction]:
    qs = Jurisdiction.objects.all()
    if level:
        qs = qs.filter(level=level)
    if parent:
        qs = qs.filter(parent_id=parent)
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        qs = qs.filter(code__startswith=j.prefix) if j else qs.none()
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__startswith=q))
    if not include_placeholders:
        qs = qs.filter(is_placeholder=False)
    return qs


def area_list() -> QuerySet[CooperationArea]:
    return CooperationArea.objects.select_related("parent", "secretariat_host").prefetch_related(
        "memberships__jurisdiction"
    )


def area_member_prefixes(area: CooperationArea, *, include_children: bool = True) -> list[str]:
    ids = {area.pk}
    frontier = {area.pk}
    while include_children and frontier:
        children = set(
            CooperationArea.objects.filter(parent_id__in=frontier).values_list("id", flat=True)
        )
        frontier = children - ids
        ids |= children
    return sorted(
        set(
            AreaMembership.objects.filter(area_id__in=ids).values_list(
                "jurisdiction__prefix", flat=True
            )
        )
    )


def prefixes_q(prefixes: list[str], field_name: str) -> Q:
    q = Q(pk__in=[])
    for p in prefixes:
        q |= Q(**{f"{field_name}__startswith": p})
    return q
