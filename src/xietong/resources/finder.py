"""The search people run, for the search page and the API: a query, facet filters and an
optional chapter, always as the caller (never the operator).

* The engine (``searching.request_for``: the caller's grants) ranks, counts and counts the
  facets: all over the same scoped query, so a count never includes what the caller cannot
  read (tantivy's terms aggregation on each facet's fast field, see docs/search.md).
* A chapter filter is expanded through the crosswalk (``crosswalk.expand``): the ids the caller
  may read for the chapter, its own and other editions', go to the engine as ``within``; hits of
  another edition are marked.
* Hits are read back through the scoped selector, so a resource whose scope changed since the
  index last caught up is never shown.
* A query that found nothing is logged as unmet demand (``misses.miss_record``) when it finds
  nothing without the filters too (a filter that empties the page is not a missing resource).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.regions.models import Jurisdiction

from . import crosswalk, misses, searching, selectors
from .models import Resource
from .models.vocabulary import Scheme

FACETS = searching.FACET_FIELDS
PAGE_SIZE = 20
MAX_PAGE = 50
MAX_QUERY = 200
MAX_CODE = 300
VOCAB_FACETS = {
    "stage": Scheme.STAGE,
    "grade": Scheme.GRADE,
    "subject": Scheme.SUBJECT,
    "edition": Scheme.EDITION,
    "kind": Scheme.KIND,
}


class SearchInputError(ValueError):
    """A parameter the search cannot use; the message names it."""


@dataclass
class Row:
    resource: Resource
    score: float
    title_html: SafeString
    snippet_html: SafeString
    from_other_edition: bool = False


@dataclass
class FacetValue:
    code: str
    label: str
    count: int
    selected: bool


@dataclass
class Found:
    text: str
    normalized: str
    filters: dict[str, list[str]]
    chapter: object | None
    page: int
    rows: list[Row]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    other_chapters: tuple = ()
    missed: bool = False

    @property
    def pages(self) -> int:
        return min(MAX_PAGE, max(1, -(-self.total // PAGE_SIZE)))

    @property
    def first(self) -> int:
        return (self.page - 1) * PAGE_SIZE + 1

    @property
    def zero(self) -> bool:
        return self.total == 0


def clean(text: str, filters: dict, page) -> tuple[str, dict[str, list[str]], int]:
    """The query, filters and page checked: a clear error naming the parameter otherwise."""
    text = (text or "").strip()
    if len(text) > MAX_QUERY:
        raise SearchInputError(_("q: a query has at most %(n)d characters.") % {"n": MAX_QUERY})
    out: dict[str, list[str]] = {}
    for name, codes in (filters or {}).items():
        if name not in FACETS:
            raise SearchInputError(_("%(name)s: not a search filter.") % {"name": name})
        codes = [c.strip() for c in codes if c and c.strip()]
        if any(len(c) > MAX_CODE for c in codes):
            raise SearchInputError(_("%(name)s: a code is too long.") % {"name": name})
        if codes:
            out[name] = sorted(set(codes))
    try:
        page = int(page or 1)
    except (TypeError, ValueError):
        raise SearchInputError(_("page: a whole number from 1 is expected.")) from None
    if page < 1 or page > MAX_PAGE:
        raise SearchInputError(
            _("page: a whole number from 1 to %(n)d is expected.") % {"n": MAX_PAGE}
        )
    return text, out, page


def facet_labels(name: str, codes: list[str]) -> dict[str, str]:
    if name in VOCAB_FACETS:
        return selectors.vocabulary_names(VOCAB_FACETS[name])
    if name == "owner_member":
        return {j.code: j.name for j in Jurisdiction.objects.filter(code__in=codes)}
    return {}


def _facets(result, filters) -> dict[str, list[FacetValue]]:
    out = {}
    for name in FACETS:
        counts = result.facets.get(name, ())
        labels = facet_labels(name, [c.code for c in counts])
        chosen = set(filters.get(name, ()))
        out[name] = [
            FacetValue(c.code, labels.get(c.code, c.code), c.count, c.code in chosen)
            for c in counts
        ]
    return out


def _snippet(hit, resource: Resource) -> SafeString:
    if hit.description is not None and hit.description.spans:
        return mark_safe(hit.description.html(escape))  # noqa: S308 - parts escaped
    text = resource.description
    return escape(text[:160] + ("…" if len(text) > 160 else ""))


def _rows(actor, result, other: frozenset[str]) -> list[Row]:
    ids = [h.id for h in result.hits]
    found = {str(r.pk): r for r in selectors.resource_list(actor=actor).filter(pk__in=ids)}
    rows = []
    for hit in result.hits:
        r = found.get(hit.id)
        if r is None:  # the index has not caught up with a change of scope or a deletion
            continue
        title = hit.title.html(escape) if hit.title is not None else escape(r.title)
        rows.append(
            Row(
                resource=r,
                score=hit.score,
                title_html=mark_safe(title),  # noqa: S308 - the engine escapes every part
                snippet_html=_snippet(hit, r),
                from_other_edition=hit.id in other,
            )
        )
    return rows


def find(*, actor, text: str = "", filters: dict | None = None, chapter: str = "", page=1):
    """One page of results for ``actor`` (a user or ``AnonymousUser``; ``None``, the operator,
    is refused: a page or API call always searches as its caller)."""
    if actor is None:
        raise ValueError("find() searches as a caller; pass request.user or request.actor")
    text, filters, page = clean(text, filters or {}, page)
    scope = scope_for(actor)
    expansion = None
    if chapter:
        node = crosswalk.chapter_node(chapter)
        if node is None:
            raise SearchInputError(
                _("chapter: “%(code)s” is not a chapter of the current vocabulary.")
                % {"code": chapter}
            )
        expansion = crosswalk.expand(actor=actor, chapter=node)
    request = searching.request_for(
        scope,
        text,
        filters=filters,
        within=expansion.ids if expansion is not None else None,
        facets=FACETS,
        offset=(page - 1) * PAGE_SIZE,
        limit=PAGE_SIZE,
        count=True,
    )
    result = searching.index().search(request)
    found = Found(
        text=text,
        normalized=result.normalized,
        filters=filters,
        chapter=expansion.chapter if expansion else None,
        page=page,
        rows=_rows(actor, result, expansion.other if expansion else frozenset()),
        total=result.count or 0,
        facets=_facets(result, filters),
        other_chapters=expansion.other_chapters if expansion else (),
    )
    if result.zero_results and page == 1:
        found.missed = _log_miss(actor, scope, text, result.normalized, bool(filters or chapter))
    return found


def _log_miss(actor, scope, text: str, normalized: str, filtered: bool) -> bool:
    if filtered:
        bare = searching.request_for(scope, text, limit=1, count=False, highlight=False)
        if not searching.index().search(bare).zero_results:
            return False
    return misses.miss_record(normalized=normalized, user=actor) is not None
