"""The remix lineage of one resource as the caller may read it: its ancestors (``isBasedOn`` read
upwards, up to the root) and the tree of its remixes (read downwards).

Only published resources the caller may read are shown (``selectors.resource_list``). Any other
(a draft, a withdrawn resource, one of a narrower audience) is *hidden*: it is counted, never
named. A hidden ancestor keeps its place in the chain (the page shows a gap there) and the walk
goes on above it, since the resources above a hidden one are readable on their own; a hidden
remix is counted on its parent and its own remixes are not read (the tree cannot hang them
anywhere without showing the hidden one). Each level of the tree is one query, so a wide tree
costs its depth in queries, not its size."""

from __future__ import annotations

from dataclasses import dataclass

from .models import Resource

#: how many levels of remixes below the resource are read (the rest are counted as cut off)
LINEAGE_DEPTH = 12
#: how many ancestors are walked at most (``isBasedOn`` is set once, at creation, so the chain
#: cannot loop; the bound only protects against a hand-edited database)
ANCESTOR_LIMIT = 100


@dataclass(frozen=True)
class LineageNode:
    resource: Resource
    parent_id: object  # the UUID of the parent in the tree, None for the resource itself
    depth: int  # 0 for the resource itself, 1 for its remixes, ...
    hidden_remixes: int  # remixes of this one the caller may not read


@dataclass(frozen=True)
class Lineage:
    resource: Resource
    # root first, the resource's own source last; None where an ancestor is hidden
    chain: tuple[Resource | None, ...]
    # the resource itself first, then its remixes depth first, each level oldest first
    nodes: tuple[LineageNode, ...]
    cut_off: bool  # remixes below LINEAGE_DEPTH levels exist and are not shown

    @property
    def ancestors(self) -> list[Resource]:
        return [r for r in self.chain if r is not None]

    @property
    def hidden_ancestors(self) -> int:
        return sum(1 for r in self.chain if r is None)

    @property
    def hidden_remixes(self) -> int:
        return sum(n.hidden_remixes for n in self.nodes)

    @property
    def remixes(self) -> int:
        return len(self.nodes) - 1


def _chain(resource: Resource, readable) -> tuple[Resource | None, ...]:
    out: list[Resource | None] = []
    seen = {resource.pk}
    parent = resource.is_based_on_id
    while parent is not None and parent not in seen and len(out) < ANCESTOR_LIMIT:
        seen.add(parent)
        shown = readable.filter(pk=parent).first()
        out.append(shown)
        if shown is not None:
            parent = shown.is_based_on_id
        else:
            parent = (
                Resource.objects.filter(pk=parent).values_list("is_based_on_id", flat=True).first()
            )
    return tuple(reversed(out))


def _tree(resource: Resource, readable, depth: int) -> tuple[list[LineageNode], bool]:
    children: dict[object, list[Resource]] = {}
    hidden: dict[object, int] = {}
    frontier = [resource.pk]
    cut_off = False
    for level in range(depth + 1):
        kids = list(
            Resource.objects.filter(is_based_on__in=frontier)
            .order_by("created_at", "pk")
            .values_list("pk", "is_based_on_id")
        )
        if not kids:
            break
        if level == depth:
            cut_off = True
            break
        shown = {r.pk: r for r in readable.filter(pk__in=[pk for pk, _p in kids])}
        frontier = []
        for pk, parent in kids:
            if pk in shown:
                children.setdefault(parent, []).append(shown[pk])
                frontier.append(pk)
            else:
                hidden[parent] = hidden.get(parent, 0) + 1
    nodes: list[LineageNode] = []

    def walk(r: Resource, parent_id, level: int) -> None:
        nodes.append(LineageNode(r, parent_id, level, hidden.get(r.pk, 0)))
        for kid in children.get(r.pk, []):
            walk(kid, r.pk, level + 1)

    walk(resource, None, 0)
    return nodes, cut_off


def lineage(*, actor, resource: Resource, depth: int = LINEAGE_DEPTH) -> Lineage:
    """The lineage of ``resource``, which the caller may read (its page or API checked that)."""
    from .selectors import resource_list

    readable = resource_list(actor=actor, published=True)
    nodes, cut_off = _tree(resource, readable, depth)
    return Lineage(
        resource=resource, chain=_chain(resource, readable), nodes=tuple(nodes), cut_off=cut_off
    )


def has_lineage(resource: Resource) -> bool:
    """Whether a resource has a source or remixes (its page links to the lineage then)."""
    return resource.is_based_on_id is not None or resource.remixes.exists()
