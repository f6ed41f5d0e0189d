"""Resource search, Chinese first: one analyzer, one backend interface, a tantivy index.

Django-free (an import-linter contract keeps it so): the ``resources`` app builds
:class:`SearchDocument` values from its rows, feeds committed changes to
:meth:`SearchBackend.apply`, and turns a caller's scope into visibility grants for
:class:`SearchRequest`. See docs/search.md.
"""

from .analyzer import Analysis, Concept, Token, analyze, analyze_query, normalize, set_cache_dir
from .backend import (
    FACETS,
    ApplyResult,
    Change,
    FacetCount,
    Highlight,
    Hit,
    SearchBackend,
    SearchDocument,
    SearchRequest,
    SearchResult,
)
from .tantivy_index import TantivyIndex

__all__ = [
    "FACETS",
    "Analysis",
    "ApplyResult",
    "Change",
    "Concept",
    "FacetCount",
    "Highlight",
    "Hit",
    "SearchBackend",
    "SearchDocument",
    "SearchRequest",
    "SearchResult",
    "TantivyIndex",
    "Token",
    "analyze",
    "analyze_query",
    "normalize",
    "set_cache_dir",
]
