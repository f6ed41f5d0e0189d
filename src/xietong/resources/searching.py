"""The resource index kept from committed changes, and searching it as a caller.

* Every write of a resource (or of its partners or curriculum items) adds a
  :class:`~xietong.resources.models.SearchChange` row in the same transaction (signal handlers
  connected in ``ResourcesConfig.ready``); every worker applies the committed rows every few
  seconds (:func:`sync`, a periodic task of ``jobs/periodic.py``), and ``xietong resources
  search`` applies them before it asks.
* :func:`sync` reads the rows after the index's last applied seq, builds each resource's
  document from its state *now* (a resource that is gone becomes a delete), and applies them
  with the row's seq as version: a replay or an older change never overwrites a newer one.
* :func:`reindex` rebuilds the whole index from the database (``xietong resources reindex``).
* :func:`search` asks the engine with the caller's grants (``indexing.caller_grants``): scope
  filtering is exact, done by the engine, not after it.

The index lives under ``XIETONG_SEARCH_DIR`` (default ``<data dir>/search``), one directory a
process may write at a time (tantivy's writer lock); the sync holds a process lock.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from django.conf import settings

from xietong.accounts.scope import scope_for
from xietong.search.backend import DELETE, UPSERT, Change, SearchDocument, SearchRequest
from xietong.search.tantivy_index import TantivyIndex

from . import indexing
from .models import Resource, SearchChange
from .selectors import for_index

FACET_FIELDS = ("stage", "grade", "subject", "edition", "kind", "licence", "owner_member")
_lock = threading.RLock()
_indexes: dict[str, TantivyIndex] = {}


def index_dir() -> Path:
    return Path(getattr(settings, "XIETONG_SEARCH_DIR", "") or settings.DATA_DIR / "search")


def index() -> TantivyIndex:
    """The process's handle on the resource index (opened once per directory)."""
    path = index_dir() / "resources"
    key = str(path)
    with _lock:
        if key not in _indexes:
            path.mkdir(parents=True, exist_ok=True)
            _indexes[key] = TantivyIndex(path)
        return _indexes[key]


def to_document(data: dict, *, version: int = 0) -> SearchDocument:
    """The engine's document from the seam's dict (``indexing.document``)."""
    facets = {name: [data[name]] for name in FACET_FIELDS if data.get(name)}
    return SearchDocument(
        id=data["id"],
        title=data["title"],
        description=" ".join(
            [data["description"], *data["names"], *data["chapters"], *data["standards"]]
        ),
        grants=frozenset(data["grants"]),
        facets=facets,
        version=version,
    )


# -- the outbox -------------------------------------------------------------------------------


def record_change(resource_id) -> None:
    """Note that a resource changed, inside the caller's transaction (so a rollback leaves
    nothing to apply)."""
    if resource_id is not None:
        SearchChange.objects.create(resource_id=resource_id)


def on_resource(sender, instance, **kwargs) -> None:
    record_change(instance.pk)


def on_related(sender, instance, **kwargs) -> None:
    """A partner school or curriculum item of a resource changed."""
    record_change(getattr(instance, "resource_id", None))


def on_standards(sender, instance, action, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear") and isinstance(instance, Resource):
        record_change(instance.pk)


def connect() -> None:
    """Connect the outbox's signal handlers (``ResourcesConfig.ready``)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .models import ResourcePartner

    post_save.connect(on_resource, sender=Resource, dispatch_uid="search-resource-save")
    post_delete.connect(on_resource, sender=Resource, dispatch_uid="search-resource-delete")
    for signal in (post_save, post_delete):
        signal.connect(on_related, sender=ResourcePartner, dispatch_uid=f"search-partner-{signal}")
    m2m_changed.connect(
        on_standards, sender=Resource.standards.through, dispatch_uid="search-standards"
    )


def periodic_sync() -> None:
    """The workers' periodic task: apply what was committed since the last run."""
    sync()


def _changes(rows: Iterable[SearchChange]) -> list[Change]:
    rows = list(rows)
    latest: dict[str, int] = {}
    for row in rows:
        latest[str(row.resource_id)] = row.pk
    found = {str(r.pk): r for r in for_index().filter(pk__in=list(latest))}
    prefixes = indexing.member_prefixes_all()
    out = []
    for rid, seq in sorted(latest.items(), key=lambda kv: kv[1]):
        res = found.get(rid)
        if res is None:
            out.append(Change(seq=seq, op=DELETE, id=rid))
            continue
        doc = to_document(indexing.document(res, member_prefixes=prefixes), version=seq)
        out.append(Change(seq=seq, op=UPSERT, id=rid, document=doc))
    return out


def sync(*, batch: int = 1000) -> int:
    """Apply every change committed after the index's last applied seq; returns how many."""
    idx = index()
    done = 0
    with _lock:
        while True:
            rows = list(SearchChange.objects.filter(pk__gt=idx.last_seq)[:batch])
            if not rows:
                return done
            result = idx.apply(_changes(rows))
            done += result.applied
            if idx.last_seq < rows[-1].pk:  # the engine records the seq it saw
                return done


def reindex(*, progress: Callable[[int], None] | None = None) -> int:
    """Rebuild the index from the database; returns the number of documents."""
    last = SearchChange.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    resources = for_index().order_by("pk")
    docs = (to_document(d, version=last) for d in indexing.documents(resources.iterator(2000)))
    with _lock:
        return index().rebuild(docs, last_seq=last, progress=progress)


# -- searching --------------------------------------------------------------------------------


def request_for(scope, text: str, **kw) -> SearchRequest:
    """A request carrying the caller's grants: plain tokens exactly, the bureau's
    ``owner-prefix:``/``partner-prefix:`` tokens as prefixes of ``owner:``/``partner-county:``."""
    held = indexing.caller_grants(scope)
    if held is None:
        return SearchRequest(text=text, grants=None, **kw)
    plain, prefixes = set(), set()
    for token in held:
        kind, _sep, value = token.partition(":")
        if kind == "owner-prefix":
            prefixes.add(f"owner:{value}")
        elif kind == "partner-prefix":
            prefixes.add(f"partner-county:{value}")
        else:
            plain.add(token)
    return SearchRequest(text=text, grants=frozenset(plain), grant_prefixes=prefixes, **kw)


def search(*, actor, text: str, **kw):
    """Search as ``actor`` (``None``: the operator); keyword arguments as :class:`SearchRequest`
    (``filters``, ``facets``, ``offset``, ``limit``)."""
    scope = scope_for(actor) if actor is not None else None
    if scope is None:
        request = SearchRequest(text=text, grants=None, **kw)
    else:
        request = request_for(scope, text, **kw)
    return index().search(request)
