"""The tantivy backend: our analyzer's tokens in tantivy fields, bm25 with top-k pruning.

Fields (see docs/search.md): ``title_*`` and ``body_*`` hold the three token streams of the
title and the description as pre-tokenized text (tantivy never re-cuts them); ``grants`` the
visibility terms; one raw fast field per facet; ``version`` the sequence number of the change
that wrote the document; ``state`` ``live`` or ``gone`` (a tombstone: a deleted document's id
and version, kept so that a replayed older upsert cannot bring it back; tombstones hold no
grants, so no scoped query can return one). The highest applied sequence number and the
snapshot sequence of the last rebuild live in ``xietong-search.json`` beside tantivy's files,
written after each commit.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterable, Sequence
from contextlib import contextmanager
from pathlib import Path

import tantivy

from .analyzer import Analysis, Concept, Token, analyze, analyze_query
from .backend import (
    DELETE,
    FACETS,
    ApplyResult,
    Change,
    FacetCount,
    Hit,
    ProgressCallback,
    SearchBackend,
    SearchDocument,
    SearchRequest,
    SearchResult,
)
from .highlight import highlight

__all__ = ["TITLE_BOOST", "WORD_BOOST", "TantivyIndex"]

TITLE_BOOST = 3.0
"""A match in the title counts this many times a match in the description."""
WORD_BOOST = 2.0
"""A whole jieba word counts this many times the same characters found only as bigrams."""
SCHEMA_VERSION = 1
META_FILE = "xietong-search.json"
_STREAMS = ("words", "grams", "chars")
_REGEX_SPECIAL = re.compile(r"([\\.+*?()|\[\]{}^$#&\-~])")


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field("state", tokenizer_name="raw", index_option="basic")
    builder.add_text_field("grants", tokenizer_name="raw", index_option="basic")
    builder.add_unsigned_field("version", stored=True, fast=True)
    builder.add_bytes_field("display", stored=True)
    for part in ("title", "body"):
        for stream in _STREAMS:
            option = "position" if stream == "grams" else "freq"
            builder.add_text_field(
                f"{part}_{stream}", tokenizer_name="whitespace", index_option=option
            )
    for name in FACETS:
        builder.add_text_field(name, tokenizer_name="raw", fast=True, index_option="basic")
    return builder.build()


def _pretokenized(text: str, tokens: Sequence[Token]) -> tantivy.PreTokenizedString:
    return tantivy.PreTokenizedString(
        text, [tantivy.Token(t.text, t.position, t.start, t.end) for t in tokens]
    )


class TantivyIndex(SearchBackend):
    """A resource index in ``path`` (created when missing).

    Examples
    --------
    >>> import tempfile
    >>> from xietong.search import SearchDocument, SearchRequest
    >>> index = TantivyIndex(tempfile.mkdtemp())
    >>> index.upsert([SearchDocument("r1", "人教版七年级数学课件", grants={"public"}),
    ...               SearchDocument("r2", "沪教版语文教学设计", grants={"school:1"})])
    2
    >>> [h.id for h in index.search(SearchRequest("数学")).hits]
    ['r1']
    >>> index.search(SearchRequest("语文")).count  # r2 is not public
    0
    >>> index.search(SearchRequest("语文", grants={"school:1"})).hits[0].title.html(str)
    '沪教版<mark>语文</mark>教学设计'
    """

    def __init__(self, path: str | os.PathLike[str], *, writer_heap: int = 128_000_000):
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self._schema = _schema()
        meta = self._read_meta()
        if meta and meta.get("schema") != SCHEMA_VERSION:
            raise ValueError(
                f"the search index in {self.path} has schema {meta.get('schema')}, this code "
                f"reads {SCHEMA_VERSION}: rebuild it"
            )
        self._index = tantivy.Index(self._schema, path=str(self.path), reuse=True)
        self._meta = meta or {"schema": SCHEMA_VERSION, "last_seq": 0, "base_seq": 0}
        self._writer_heap = writer_heap
        self._write_lock = threading.Lock()

    # -- the meta file ---------------------------------------------------------------------

    def _read_meta(self) -> dict | None:
        try:
            return json.loads((self.path / META_FILE).read_text("utf-8"))
        except FileNotFoundError:
            return None

    def _write_meta(self) -> None:
        tmp = self.path / (META_FILE + ".tmp")
        tmp.write_text(json.dumps(self._meta), "utf-8")
        os.replace(tmp, self.path / META_FILE)

    @property
    def last_seq(self) -> int:
        return int(self._meta["last_seq"])

    # -- writing ---------------------------------------------------------------------------

    def _document(self, doc: SearchDocument, version: int) -> tantivy.Document:
        out = tantivy.Document()
        out.add_text("id", doc.id)
        out.add_text("state", "live")
        out.add_unsigned("version", version)
        out.add_bytes("display", json.dumps([doc.title, doc.description]).encode())
        for grant in doc.grants:
            out.add_text("grants", grant)
        for name, codes in doc.facets.items():
            for code in [codes] if isinstance(codes, str) else codes:
                out.add_text(name, code)
        for part, text in (("title", doc.title), ("body", doc.description)):
            if not text:
                continue
            analysis: Analysis = analyze(text)
            if analysis.words:
                out.add_text(f"{part}_words", " ".join(t.text for t in analysis.words))
            if analysis.chars:
                out.add_text(f"{part}_chars", " ".join(t.text for t in analysis.chars))
            if analysis.grams:
                out.add_pre_tokenized_text(f"{part}_grams", _pretokenized(text, analysis.grams))
        return out

    def _tombstone(self, doc_id: str, version: int) -> tantivy.Document:
        out = tantivy.Document()
        out.add_text("id", doc_id)
        out.add_text("state", "gone")
        out.add_unsigned("version", version)
        return out

    @contextmanager
    def _writing(self):
        """A writer and a copy of the meta: both committed together when the block ends,
        both dropped (tantivy's rollback) when it raises; tantivy's writer lock is held for
        the block only."""
        with self._write_lock:
            writer = self._index.writer(heap_size=self._writer_heap)
            meta = dict(self._meta)
            try:
                yield writer, meta
                writer.commit()
            except BaseException:
                writer.rollback()
                raise
            finally:
                writer.wait_merging_threads()  # releases the writer lock
            self._meta = meta
            self._write_meta()
            self._index.reload()

    def _indexed_version(self, searcher, doc_id: str) -> int | None:
        found = searcher.search(tantivy.Query.term_query(self._schema, "id", doc_id), 1).hits
        if not found:
            return None
        return searcher.fast_field_values("version", [found[0][1]])[0]

    def upsert(self, documents: Iterable[SearchDocument]) -> int:
        written = 0
        with self._writing() as (writer, _meta):
            for doc in documents:
                writer.delete_documents_by_term("id", doc.id)
                writer.add_document(self._document(doc, doc.version))
                written += 1
        return written

    def delete(self, ids: Iterable[str]) -> int:
        deleted = 0
        with self._writing() as (writer, _meta):
            for doc_id in ids:
                writer.delete_documents_by_term("id", doc_id)
                deleted += 1
        return deleted

    def apply(self, changes: Iterable[Change]) -> ApplyResult:
        """Apply changes given in increasing ``seq`` order (a batch out of order is refused
        whole, before anything is written). A change is skipped when the index already holds
        its document at that version or a newer one, or when the last rebuild's snapshot
        already included it; deletes leave a tombstone with their version. Replaying any
        prefix of the log is harmless, and a change that arrives late for another document
        is still applied."""
        batch = list(changes)
        for before, after in zip(batch, batch[1:], strict=False):
            if after.seq <= before.seq:
                raise ValueError(
                    f"changes must come in increasing sequence order: {after.seq} after "
                    f"{before.seq}"
                )
        if not batch:
            return ApplyResult(0, 0, self.last_seq)
        applied = skipped = 0
        with self._writing() as (writer, meta):
            searcher = self._index.searcher()
            pending: dict[str, int] = {}
            for change in batch:
                current = pending.get(change.id)
                if current is None:
                    current = self._indexed_version(searcher, change.id)
                if change.seq <= meta["base_seq"] or (
                    current is not None and change.seq <= current
                ):
                    skipped += 1
                    continue
                writer.delete_documents_by_term("id", change.id)
                if change.op == DELETE:
                    writer.add_document(self._tombstone(change.id, change.seq))
                else:
                    writer.add_document(self._document(change.document, change.seq))
                pending[change.id] = change.seq
                applied += 1
            meta["last_seq"] = max(meta["last_seq"], batch[-1].seq)
        return ApplyResult(applied, skipped, self.last_seq)

    def rebuild(
        self,
        documents: Iterable[SearchDocument],
        *,
        last_seq: int = 0,
        progress: ProgressCallback | None = None,
    ) -> int:
        written = 0
        with self._writing() as (writer, meta):
            writer.delete_all_documents()
            for doc in documents:
                writer.add_document(self._document(doc, doc.version))
                written += 1
                if progress is not None and written % 1000 == 0:
                    progress(written)
            meta.update(last_seq=last_seq, base_seq=last_seq)
        if progress is not None and written % 1000:
            progress(written)
        return written

    def purge_tombstones(self, *, up_to_seq: int) -> None:
        """Forget deletions at or below ``up_to_seq``: call once no change at or below that
        number can still arrive (the job's confirmed position)."""
        gone = tantivy.Query.term_query(self._schema, "state", "gone")
        old = tantivy.Query.range_query(
            self._schema, "version", tantivy.FieldType.Unsigned, 0, up_to_seq
        )
        with self._writing() as (writer, meta):
            writer.delete_documents_by_query(
                tantivy.Query.boolean_query([(tantivy.Occur.Must, gone), (tantivy.Occur.Must, old)])
            )
            meta["base_seq"] = max(meta["base_seq"], up_to_seq)

    def __len__(self) -> int:
        live = tantivy.Query.term_query(self._schema, "state", "live")
        return self._index.searcher().search(live, 1, count=True).count

    # -- reading ---------------------------------------------------------------------------

    def _term(self, field: str, term: str, boost: float) -> tantivy.Query:
        query = tantivy.Query.term_query(self._schema, field, term)
        return query if boost == 1.0 else tantivy.Query.boost_query(query, boost)

    def _grams(self, field: str, grams: Sequence[str], boost: float) -> tantivy.Query:
        if len(grams) == 1:
            return self._term(field, grams[0], boost)
        query = tantivy.Query.phrase_query(self._schema, field, list(grams))
        return tantivy.Query.boost_query(query, boost)

    def _concept(self, concept: Concept) -> tantivy.Query:
        clauses = []
        for part, boost in (("title", TITLE_BOOST), ("body", 1.0)):
            if concept.kind == "han":
                clauses.append(self._term(f"{part}_words", concept.term, boost * WORD_BOOST))
                clauses.append(self._grams(f"{part}_grams", concept.grams, boost))
            elif concept.kind == "char":
                clauses.append(self._term(f"{part}_chars", concept.term, boost))
            else:
                clauses.append(self._term(f"{part}_words", concept.term, boost))
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in clauses])

    def _filter(self, field: str, values: Iterable[str]) -> tantivy.Query:
        values = sorted(values)
        query = tantivy.Query.term_set_query(self._schema, field, values)
        return tantivy.Query.const_score_query(query, 0.0)

    def _scope(self, request: SearchRequest) -> tantivy.Query:
        """The caller's visibility as one filter: a grant held exactly or by prefix."""
        if request.grants is None:
            return self._filter("state", ["live"])
        held = [tantivy.Query.term_set_query(self._schema, "grants", sorted(request.grants))]
        for prefix in sorted(request.grant_prefixes):
            pattern = _REGEX_SPECIAL.sub(r"\\\1", prefix) + ".*"
            held.append(tantivy.Query.regex_query(self._schema, "grants", pattern))
        either = tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in held])
        return tantivy.Query.const_score_query(either, 0.0)

    def _query(self, request: SearchRequest, concepts: Sequence[Concept]) -> tantivy.Query:
        clauses = [
            (tantivy.Occur.Must if c.required else tantivy.Occur.Should, self._concept(c))
            for c in concepts
        ]
        if not any(c.required for c in concepts):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        clauses.append((tantivy.Occur.Must, self._scope(request)))
        for name, codes in request.filters.items():
            codes = [codes] if isinstance(codes, str) else codes
            clauses.append((tantivy.Occur.Must, self._filter(name, codes)))
        if request.within is not None:
            clauses.append((tantivy.Occur.Must, self._filter("id", request.within)))
        return tantivy.Query.boolean_query(clauses)

    def _facets(self, searcher, query, names: Sequence[str]) -> dict[str, tuple[FacetCount, ...]]:
        if not names:
            return {}
        spec = {name: {"terms": {"field": name, "size": 10_000}} for name in names}
        found = searcher.aggregate(query, spec)
        return {
            name: tuple(FacetCount(b["key"], int(b["doc_count"])) for b in found[name]["buckets"])
            for name in names
        }

    def search(self, request: SearchRequest) -> SearchResult:
        concepts = analyze_query(request.text)
        nobody = request.grants is not None and not request.grants and not request.grant_prefixes
        if nobody or request.within == frozenset():
            query = tantivy.Query.empty_query()
        else:
            query = self._query(request, concepts)
        searcher = self._index.searcher()
        found = searcher.search(  # tantivy refuses a limit of 0: ask for one, show none
            query, limit=max(1, request.limit), offset=request.offset, count=request.count
        )
        hits = []
        for score, address in found.hits[: request.limit]:
            stored = searcher.doc(address)
            title, description = json.loads(bytes(stored["display"][0]))
            hits.append(
                Hit(
                    id=stored["id"][0],
                    score=float(score),
                    title=highlight(title, concepts) if request.highlight else None,
                    description=(
                        highlight(description, concepts, width=160) if request.highlight else None
                    ),
                )
            )
        return SearchResult(
            hits=tuple(hits),
            count=found.count if request.count else None,
            facets=self._facets(searcher, query, request.facets),
            normalized=" ".join(c.text for c in concepts),
            concepts=sum(c.required for c in concepts),
            offset=request.offset,
        )
