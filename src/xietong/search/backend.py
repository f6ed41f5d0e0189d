"""What a search backend takes and gives: plain values, and the interface every backend keeps.

The resources app owns the data (the database is the source of truth); a backend holds an
index derived from it. The app sends :class:`Change` values read from its committed change
log to :meth:`SearchBackend.apply`, rebuilds with :meth:`SearchBackend.rebuild`, and asks
:meth:`SearchBackend.search` with the visibility grants its caller holds.
"""

from __future__ import annotations

import abc
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

__all__ = [
    "FACETS",
    "ApplyResult",
    "Change",
    "FacetCount",
    "Highlight",
    "Hit",
    "SearchBackend",
    "SearchDocument",
    "SearchRequest",
    "SearchResult",
]

FACETS = ("stage", "grade", "subject", "edition", "kind", "licence", "owner_member")
"""The facet fields, each a set of codes per document (a resource may span two grades)."""

UPSERT = "upsert"
DELETE = "delete"


@dataclass(frozen=True)
class SearchDocument:
    """One resource as the index sees it.

    ``grants`` are the visibility terms that let a caller see it (``"public"``,
    ``"area:yrd"``, ``"prov:310000"``, ``"school:3101..."``, ``"owner:<uid>"``); a document
    with none is visible to nobody. ``facets`` maps a name of :data:`FACETS` to its codes.
    ``version`` is the sequence number of the change that produced this state (0 when
    unknown): an older change of the same document never overwrites it.
    """

    id: str
    title: str
    description: str = ""
    grants: frozenset[str] = frozenset()
    facets: Mapping[str, Sequence[str]] = field(default_factory=dict)
    version: int = 0

    def __post_init__(self) -> None:
        if not self.id:
            raise ValueError("a search document needs an id")
        unknown = set(self.facets) - set(FACETS)
        if unknown:
            raise ValueError(f"unknown facet {sorted(unknown)[0]!r}; facets are {FACETS}")
        object.__setattr__(self, "grants", frozenset(self.grants))


@dataclass(frozen=True)
class Change:
    """One committed change of the source data: ``seq`` increases with every change the app
    records (gaps allowed); ``op`` is ``"upsert"`` (with ``document``) or ``"delete"``."""

    seq: int
    op: str
    id: str
    document: SearchDocument | None = None

    def __post_init__(self) -> None:
        if self.op not in (UPSERT, DELETE):
            raise ValueError(f"change {self.seq}: op must be 'upsert' or 'delete', not {self.op!r}")
        if self.op == UPSERT and (self.document is None or self.document.id != self.id):
            raise ValueError(f"change {self.seq}: an upsert carries the document of id {self.id}")
        if self.seq < 1:
            raise ValueError(f"change {self.seq}: sequence numbers start at 1")


@dataclass(frozen=True)
class ApplyResult:
    """What :meth:`SearchBackend.apply` did: changes applied, changes skipped because the
    index already had that document at the same or a newer version (replays, late arrivals),
    and the highest sequence number the index has seen."""

    applied: int
    skipped: int
    last_seq: int


@dataclass(frozen=True)
class SearchRequest:
    """A query as the app asks it.

    ``grants`` are the caller's visibility terms: only documents holding at least one are
    returned (an exact filter, not a score); ``grant_prefixes`` add grants held by prefix
    (``"owner:32"`` sees a document granted ``"owner:320102000000"``: a bureau over its
    subtree); ``grants=None`` means the operator, who sees every document. ``filters`` keep documents whose facet has one of the codes given (facets are
    ANDed, codes within a facet ORed); ``within``, when given, keeps only those document ids
    (a collection, a labelled set). ``facets`` names the facet counts wanted.
    """

    text: str
    grants: frozenset[str] | None = frozenset({"public"})
    grant_prefixes: frozenset[str] = frozenset()
    filters: Mapping[str, Sequence[str]] = field(default_factory=dict)
    within: frozenset[str] | None = None
    facets: Sequence[str] = ()
    offset: int = 0
    limit: int = 20
    count: bool = True
    highlight: bool = True

    def __post_init__(self) -> None:
        if self.limit < 0 or self.limit > 1000:
            raise ValueError("limit must be between 0 and 1000")
        if self.offset < 0:
            raise ValueError("offset must not be negative")
        for name in (*self.filters, *self.facets):
            if name not in FACETS:
                raise ValueError(f"unknown facet {name!r}; facets are {FACETS}")
        if self.grants is not None:
            object.__setattr__(self, "grants", frozenset(self.grants))
        prefixes = frozenset(self.grant_prefixes)
        if "" in prefixes:
            raise ValueError("an empty grant prefix would see everything: pass grants=None")
        object.__setattr__(self, "grant_prefixes", prefixes)


@dataclass(frozen=True)
class Highlight:
    """A text with the spans (character offsets, merged, in order) that matched the query;
    ``fragment`` is the passage shown (the whole text when short) and ``spans`` are relative
    to it."""

    fragment: str
    spans: tuple[tuple[int, int], ...]

    def html(self, escape: Callable[[str], str]) -> str:
        """The fragment with each span in ``<mark>``, escaped with ``escape`` (the app's)."""
        out, last = [], 0
        for start, end in self.spans:
            out += [escape(self.fragment[last:start]), "<mark>", escape(self.fragment[start:end])]
            out.append("</mark>")
            last = end
        out.append(escape(self.fragment[last:]))
        return "".join(out)


@dataclass(frozen=True)
class Hit:
    id: str
    score: float
    title: Highlight | None = None
    description: Highlight | None = None


@dataclass(frozen=True)
class FacetCount:
    code: str
    count: int


@dataclass(frozen=True)
class SearchResult:
    """Hits best first; ``count`` of all matches visible to the caller (``None`` when not
    asked); facet counts over all of them. ``normalized`` is the query as analysed (what to
    log), ``concepts`` how many required parts it had: with :attr:`zero_results` the app logs
    unmet demand."""

    hits: tuple[Hit, ...]
    count: int | None
    facets: Mapping[str, tuple[FacetCount, ...]]
    normalized: str
    concepts: int
    offset: int = 0

    @property
    def zero_results(self) -> bool:
        """Nothing matched a query that asked for something (an empty query is not demand).
        Known without counting, from the first page."""
        if self.concepts == 0:
            return False
        if self.count is not None:
            return self.count == 0
        return self.offset == 0 and not self.hits


ProgressCallback = Callable[[int], None]


class SearchBackend(abc.ABC):
    """The interface of an index of resources (one implementation: :mod:`.tantivy_index`)."""

    @abc.abstractmethod
    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        """Add or replace documents by id and commit; returns how many were written."""

    @abc.abstractmethod
    def delete(self, ids: Iterable[str]) -> int:
        """Remove documents by id and commit (unknown ids are ignored)."""

    @abc.abstractmethod
    def apply(self, changes: Iterable[Change]) -> ApplyResult:
        """Apply committed changes in sequence order, idempotently, in one commit."""

    @abc.abstractmethod
    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        *,
        last_seq: int = 0,
        progress: ProgressCallback | None = None,
    ) -> int:
        """Replace the whole index by ``documents`` (a snapshot of the source taken when its
        change log stood at ``last_seq``); readers see the old index until the new one is
        committed. ``progress`` is called with the number of documents written so far."""

    @abc.abstractmethod
    def search(self, request: SearchRequest) -> SearchResult:
        """Run one query."""

    @property
    @abc.abstractmethod
    def last_seq(self) -> int:
        """The highest change sequence number the index has applied (0 for none)."""

    @abc.abstractmethod
    def __len__(self) -> int:
        """How many documents the index holds."""
