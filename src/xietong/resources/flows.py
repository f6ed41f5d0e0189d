"""Reading usage flows: the source member x consumer member matrix per period, net exporters and
importers. Aggregates only, never a person. For the public (anonymous) caller every cell below
``MIN_CELL`` events is suppressed (shown as None) so that no small group can be singled out;
logged-in callers see the cells whose source or consumer province lies in their read scope."""

from __future__ import annotations

from django.db.models import Count, Q

from xietong.accounts.scope import scope_for

from .models import Resource, UsageEvent, UsageKind
from .selectors import MIN_CELL

__all__ = [
    "MIN_CELL",
    "flow_matrix",
    "most_remixed",
    "most_used",
    "net_balance",
    "remix_lineage",
    "usage_counts",
]


def _events(*, actor, period_from: str = "", period_to: str = "", kinds=()):
    qs = UsageEvent.objects.exclude(consumer_province="")
    if period_from:
        qs = qs.filter(period__gte=period_from)
    if period_to:
        qs = qs.filter(period__lte=period_to)
    if kinds:
        qs = qs.filter(kind__in=list(kinds))
    scope = scope_for(actor)
    if scope.is_public or scope.is_admin:
        return qs, scope
    provinces = {p[:2] for p in scope.read_prefixes}
    return qs.filter(Q(source_province__in=provinces) | Q(consumer_province__in=provinces)), scope


def flow_matrix(*, actor, period_from: str = "", period_to: str = "", kinds=()) -> list[dict]:
    """Cells {source, consumer, count} between provinces, largest first; counts below
    ``MIN_CELL`` are None for the public."""
    qs, scope = _events(actor=actor, period_from=period_from, period_to=period_to, kinds=kinds)
    rows = (
        qs.values("source_province", "consumer_province")
        .annotate(n=Count("id"))
        .order_by("-n", "source_province", "consumer_province")
    )
    suppress = scope.is_public
    return [
        {
            "source": r["source_province"],
            "consumer": r["consumer_province"],
            "count": None if suppress and r["n"] < MIN_CELL else r["n"],
        }
        for r in rows
    ]


def net_balance(cells: list[dict]) -> list[dict]:
    """Per member: exports (its resources used elsewhere), imports (others' used by it), net;
    cross-border cells only, suppressed cells left out."""
    out: dict[str, dict] = {}
    for c in cells:
        if c["count"] is None or c["source"] == c["consumer"]:
            continue
        out.setdefault(c["source"], {"member": c["source"], "exports": 0, "imports": 0})
        out.setdefault(c["consumer"], {"member": c["consumer"], "exports": 0, "imports": 0})
        out[c["source"]]["exports"] += c["count"]
        out[c["consumer"]]["imports"] += c["count"]
    rows = [{**v, "net": v["exports"] - v["imports"]} for v in out.values()]
    return sorted(rows, key=lambda v: (-v["net"], v["member"]))


def usage_counts(*, actor, resource) -> dict[str, int | None]:
    """Events per kind for one resource the caller may read (the caller's check is the API's);
    for the public a count below ``MIN_CELL`` is None, like a matrix cell."""
    rows = dict(
        UsageEvent.objects.filter(resource=resource)
        .values_list("kind")
        .annotate(n=Count("id"))
        .order_by()
    )
    public = scope_for(actor).is_public
    counts = {}
    for kind in UsageEvent._meta.get_field("kind").choices:
        n = rows.get(kind[0], 0)
        counts[kind[0]] = None if public and n < MIN_CELL else n
    return counts


def remix_lineage(*, actor, resource, depth: int = 6) -> dict:
    """The tree of remixes of ``resource`` (``isBasedOn`` read downwards) that the caller may
    read: {resource, hidden, children: [...]}, at most ``depth`` levels; ``hidden`` counts the
    remixes of a node the caller may not read (``lineage.lineage``)."""
    from .lineage import lineage

    found = lineage(actor=actor, resource=resource, depth=depth)
    out: dict = {}
    for n in found.nodes:
        out[n.resource.pk] = {"resource": n.resource, "hidden": n.hidden_remixes, "children": []}
        if n.parent_id is not None:
            out[n.parent_id]["children"].append(out[n.resource.pk])
    return out[resource.pk]


def most_remixed(
    *, actor, period_from: str = "", period_to: str = "", limit: int = 10
) -> list[dict]:
    """The resources the caller may read that were remixed most in the period, by remix events
    in the caller's view of the flows: {id, title, source, count}; for the public a resource
    with fewer than ``MIN_CELL`` remixes is left out, like a small cell."""
    from .selectors import resource_list

    qs, scope = _events(
        actor=actor, period_from=period_from, period_to=period_to, kinds=[UsageKind.REMIX]
    )
    qs = qs.filter(resource__in=resource_list(actor=actor, published=True))
    rows = (
        qs.values("resource_id", "source_province")
        .annotate(n=Count("id"))
        .filter(**({"n__gte": MIN_CELL} if scope.is_public else {}))
        .order_by("-n", "resource_id")[:limit]
    )
    titles = {
        r.pk: r.title
        for r in Resource.objects.filter(pk__in=[r["resource_id"] for r in rows]).only(
            "title_zh", "title_en"
        )
    }
    return [
        {
            "id": r["resource_id"],
            "title": titles.get(r["resource_id"], ""),
            "source": r["source_province"],
            "count": r["n"],
        }
        for r in rows
    ]


def most_used(*, actor, limit: int = 5) -> dict[str, list[dict]]:
    """Per owning member (province prefix), its ``limit`` most used resources the caller may
    read, by events in the caller's view of the flows (public: resources with 5 or more)."""
    from .selectors import resource_list

    qs, scope = _events(actor=actor)
    qs = qs.filter(resource__in=resource_list(actor=actor, published=True))
    rows = (
        qs.values("source_province", "resource_id", "resource__title_zh")
        .annotate(n=Count("id"))
        .order_by("source_province", "-n", "resource__title_zh")
    )
    out: dict[str, list[dict]] = {}
    for r in rows:
        if scope.is_public and r["n"] < MIN_CELL:
            continue
        top = out.setdefault(r["source_province"], [])
        if len(top) < limit:
            top.append({"id": r["resource_id"], "title": r["resource__title_zh"], "count": r["n"]})
    return out
