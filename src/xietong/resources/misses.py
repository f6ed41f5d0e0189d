"""Unmet demand: queries that found nothing the caller may see (issue 12 §3).

:func:`miss_record` counts a miss for the normalised query and the caller's place (see
``models.SearchMiss``); like views and downloads (``usage.py``) it is a cheap counter, not
audited one by one: the counter rows are themselves the record, and they hold no person.
:func:`miss_summary` reads them aggregated by query, cut to the caller's places: the
administrator every row; a bureau the rows of its subtree (a province bureau its province's
members); an area's secretariat the rows of the area's members (its ``read_prefixes``). A
caller with no place (the public, a school or teacher role) reads none.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max, Min, QuerySet, Sum
from django.utils import timezone

from xietong.accounts.scope import Scope, scope_for
from xietong.regions.selectors import prefixes_q

from .models import SearchMiss
from .usage import consumer_member

MAX_QUERY = 200


def caller_place(user) -> str:
    """The 12-digit code of the caller's place: the county of its first school-bound role, the
    division of its first bureau role (``usage.consumer_member``); ``""`` without one."""
    _province, county, _school = consumer_member(user)
    return (county + "0" * 12)[:12] if county else ""


def miss_record(*, normalized: str, user) -> SearchMiss | None:
    """Count one zero-result query; ``None`` when the query asked for nothing."""
    query = " ".join(normalized.split())[:MAX_QUERY]
    if not query:
        return None
    place = caller_place(user)
    now = timezone.now()
    for _attempt in range(2):
        updated = SearchMiss.objects.filter(query=query, jurisdiction=place).update(
            count=F("count") + 1, last_seen=now
        )
        if updated:
            return SearchMiss.objects.get(query=query, jurisdiction=place)
        try:
            with transaction.atomic():
                return SearchMiss.objects.create(
                    query=query, jurisdiction=place, first_seen=now, last_seen=now
                )
        except IntegrityError:  # another request created it meanwhile: count on it
            continue
    return None


def can_read_misses(scope: Scope) -> bool:
    return scope.is_admin or bool(scope.read_prefixes)


def misses_visible(*, actor) -> QuerySet[SearchMiss]:
    scope = scope_for(actor)
    if scope.is_admin:
        return SearchMiss.objects.all()
    if not scope.read_prefixes:
        return SearchMiss.objects.none()
    return SearchMiss.objects.filter(prefixes_q(sorted(scope.read_prefixes), "jurisdiction"))


def miss_summary(*, actor, limit: int = 200) -> list[dict]:
    """Misses the caller may read, one row a query: total count, number of places, first and
    last seen; most asked first."""
    rows = (
        misses_visible(actor=actor)
        .values("query")
        .annotate(
            total=Sum("count"),
            places=Count("jurisdiction", distinct=True),
            first=Min("first_seen"),
            last=Max("last_seen"),
        )
        .order_by("-total", "-last", "query")
    )
    return list(rows[:limit])
