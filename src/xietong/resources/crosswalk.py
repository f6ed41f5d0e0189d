"""Crosswalk query expansion (issue 12 §3): a filter by one edition's chapter also finds the
resources of other editions that teach the same curriculum-standard items.

For a chapter C (a volume, unit or lesson of edition E) the vocabulary's crosswalk gives the
items C and its sub-chapters teach (``CrosswalkLink``), and through them the chapters of *other*
editions linked to the same items (as ``selectors.chapter_matches``). A resource is

* **own** when its volume, unit or lesson is C or below C;
* **from another edition** when its volume, unit or lesson is one of those matching chapters of
  another edition, or when it is aligned directly to one of the items (``Resource.standards``)
  and is not of edition E.

Both sets are read through the scoped selector ``selectors.resource_list``: only resources the
caller may read; the search engine then narrows its query to them (``SearchRequest.within``) and
applies the caller's grants again, so counts and facets stay exact.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from .models import CrosswalkLink, VocabularyNode
from .models.vocabulary import CHAPTER_SCHEMES
from .selectors import resource_list

MAX_IDS = 5000  # a chapter's resources; more than this and the filter keeps the newest


@dataclass(frozen=True)
class Expansion:
    chapter: VocabularyNode
    own: frozenset[str]
    other: frozenset[str]
    other_chapters: tuple[VocabularyNode, ...]

    @property
    def ids(self) -> frozenset[str]:
        return self.own | self.other


def chapter_node(code: str) -> VocabularyNode | None:
    """The chapter of the current vocabulary release with ``code``, or None."""
    return (
        VocabularyNode.objects.filter(
            release__is_current=True, scheme__in=list(CHAPTER_SCHEMES), code=code
        )
        .select_related("parent", "parent__parent", "parent__parent__parent")
        .first()
    )


def edition_of(node: VocabularyNode) -> VocabularyNode | None:
    while node is not None and node.scheme != "edition":
        node = node.parent
    return node


def _below(node: VocabularyNode) -> Q:
    """Vocabulary nodes under ``node`` (a chapter tree is at most three levels deep)."""
    return Q(parent=node) | Q(parent__parent=node) | Q(parent__parent__parent=node)


def _chapter_q(node_ids) -> Q:
    return Q(volume__in=node_ids) | Q(unit__in=node_ids) | Q(lesson__in=node_ids)


def expand(*, actor, chapter: VocabularyNode) -> Expansion:
    """The resources the caller may read for ``chapter``: its own and, through the crosswalk,
    those of other editions."""
    edition = edition_of(chapter)
    own_nodes = list(
        VocabularyNode.objects.filter(Q(pk=chapter.pk) | _below(chapter))
        .values_list("pk", flat=True)
        .distinct()
    )
    items = list(
        CrosswalkLink.objects.filter(chapter_id__in=own_nodes)
        .values_list("item_id", flat=True)
        .distinct()
    )
    matched = VocabularyNode.objects.filter(
        pk__in=CrosswalkLink.objects.filter(item_id__in=items).values("chapter_id")
    ).exclude(pk__in=own_nodes)
    if edition is not None:
        matched = matched.exclude(_below(edition))
    matched = list(matched.select_related("parent").order_by("code"))
    readable = resource_list(actor=actor)
    own = set(readable.filter(_chapter_q(own_nodes)).values_list("pk", flat=True)[:MAX_IDS])
    other_q = _chapter_q([n.pk for n in matched])
    if items:
        aligned = Q(standards__in=items)
        if edition is not None:
            aligned &= ~Q(edition=edition)
        other_q |= aligned
    other = set(
        readable.filter(other_q)
        .exclude(pk__in=own)
        .values_list("pk", flat=True)
        .distinct()[:MAX_IDS]
    )
    return Expansion(
        chapter=chapter,
        own=frozenset(str(pk) for pk in own),
        other=frozenset(str(pk) for pk in other),
        other_chapters=tuple(matched),
    )
