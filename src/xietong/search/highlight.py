"""Marking what matched: the spans of a title or description that answer the query's concepts.

Spans are found on the normalised text with the analyzer's own rules (a Han word or character
where it occurs, a letter word where its stem matches), then mapped back to the original
characters, so full-width or upper-case text is marked where it stands.
"""

from __future__ import annotations

from collections.abc import Sequence

from .analyzer import Concept, letter_words, normalize, stem
from .backend import Highlight

__all__ = ["highlight", "match_spans"]


def _find_all(haystack: str, needle: str) -> list[tuple[int, int]]:
    spans, at = [], haystack.find(needle)
    while at >= 0:
        spans.append((at, at + len(needle)))
        at = haystack.find(needle, at + 1)
    return spans


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def match_spans(text: str, concepts: Sequence[Concept]) -> list[tuple[int, int]]:
    """Character spans of ``text`` that match any of ``concepts``, merged and in order.

    Examples
    --------
    >>> from xietong.search.analyzer import analyze_query
    >>> match_spans("ＰＰＴ课件：Reading 数学", analyze_query("ppt 数学 reads"))
    [(0, 3), (6, 13), (14, 16)]
    """
    folded, offsets = normalize(text)
    spans: list[tuple[int, int]] = []
    words = {c.term for c in concepts if c.kind == "word"}
    for concept in concepts:
        if concept.kind != "word":
            spans += _find_all(folded, concept.text)
    if words:
        spans += [(s, e) for s, e, word in letter_words(folded) if stem(word) in words]
    if offsets is not None:
        spans = [(offsets[s], offsets[e]) for s, e in spans]
    return _merge(spans)


def highlight(text: str, concepts: Sequence[Concept], *, width: int = 0) -> Highlight:
    """The text (or, with ``width`` > 0 and a longer text, a passage of about ``width``
    characters around the first match) with its matching spans.

    Examples
    --------
    >>> from xietong.search.analyzer import analyze_query
    >>> h = highlight("沪教版语文教学设计", analyze_query("语文"))
    >>> h.spans
    ((3, 5),)
    >>> h.html(str)
    '沪教版<mark>语文</mark>教学设计'
    """
    spans = match_spans(text, concepts)
    if width <= 0 or len(text) <= width:
        return Highlight(text, tuple(spans))
    first = spans[0][0] if spans else 0
    start = max(0, min(first - width // 4, len(text) - width))
    end = start + width
    inside = tuple(
        (max(s, start) - start, min(e, end) - start) for s, e in spans if s < end and e > start
    )
    return Highlight(text[start:end], inside)
