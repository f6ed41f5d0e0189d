"""The one analyzer of resource search: the same code cuts documents and queries.

A text is normalised (Unicode NFKC, then lower case: full-width ``ＰＰＴ`` and ``ppt`` are one
word) and split into runs of Han characters and runs of letters and digits. Each run feeds up
to three token streams, each indexed in its own field:

``words``
    Han runs cut by jieba's search mode (``cut_for_search``: 七年级 gives 七年, 年级 and 七年级)
    with a user dictionary of textbook editions, subjects, grades, resource kinds and
    curriculum-standard terms (``data/userdict.txt``), so that 人教版 or 教学设计 stay whole;
    letter runs stemmed with the Porter stemmer (lessons, lesson -> lesson); digit runs as they
    are. One-character Han tokens are left to ``chars``.
``grams``
    every pair of adjacent Han characters, at the position of its first character. Words the
    segmenter misses or cuts otherwise in context (an unknown name, 数学 inside 数学家) are still
    found: a Han string of two or more characters occurs in a text exactly when its bigrams
    occur at consecutive positions, and a position gap between runs keeps a phrase from
    spanning punctuation.
``chars``
    every Han character: the fallback for one-character queries (诗, 数), which would otherwise
    match nothing (no word or bigram has one character).

Queries are analysed by :func:`analyze_query` into concepts that must all match.
"""

from __future__ import annotations

import logging
import os
import re
import tempfile
import threading
import unicodedata
import warnings
from dataclasses import dataclass
from importlib import resources
from typing import NamedTuple

import Stemmer

__all__ = [
    "Analysis",
    "Concept",
    "Token",
    "analyze",
    "analyze_query",
    "bigrams",
    "letter_words",
    "normalize",
    "set_cache_dir",
    "stem",
]

_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ebef\u3007"
_RUNS = re.compile(rf"(?P<han>[{_HAN}]+)|(?P<word>(?:(?![{_HAN}])[^\W_])+)")
_STEMMER = Stemmer.Stemmer("porter")

_jieba_lock = threading.Lock()
_jieba = None
_cache_dir: str | None = None


class Token(NamedTuple):
    """One token: its text and where it stands in the *original* text (``start``/``end`` are
    character offsets; ``position`` is its place in the normalised text, used for phrases)."""

    text: str
    start: int
    end: int
    position: int


@dataclass(frozen=True, slots=True)
class Analysis:
    """The three token streams of one text (see the module docstring)."""

    words: tuple[Token, ...]
    grams: tuple[Token, ...]
    chars: tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Concept:
    """One thing a query asks for; a document matches a query when it matches every
    required concept.

    ``kind`` is ``"han"`` (a Han word of two or more characters: found as a jieba word or as
    its bigrams in a row), ``"char"`` (one Han character: found in ``chars``) or ``"word"`` (a
    letter or digit word: found by its stem in ``words``). ``text`` is the normalised form,
    ``term`` the indexed form (the stem for words), ``grams`` the bigrams of a Han word.
    """

    kind: str
    text: str
    term: str
    grams: tuple[str, ...] = ()
    required: bool = True


def letter_words(folded: str):
    """``(start, end, word)`` of each run of letters and digits in a normalised text."""
    for match in _RUNS.finditer(folded):
        if match.lastgroup == "word":
            yield match.start(), match.end(), match.group()


def set_cache_dir(path: str | os.PathLike[str]) -> None:
    """Keep jieba's prefix-dictionary cache in ``path`` (a writable directory) instead of the
    system temporary directory; call before the first analysis."""
    global _cache_dir
    _cache_dir = os.fspath(path)


def _segmenter():
    """jieba's tokenizer with our user dictionary, built once, quietly, on first use."""
    global _jieba
    if _jieba is not None:
        return _jieba
    with _jieba_lock:
        if _jieba is None:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # jieba imports the deprecated pkg_resources
                import jieba
            logging.getLogger("jieba").setLevel(logging.WARNING)
            tokenizer = jieba.Tokenizer()
            cache_dir = (
                _cache_dir
                or os.environ.get("XIETONG_SEARCH_CACHE_DIR")
                or os.path.join(tempfile.gettempdir(), "xietong-search")
            )
            os.makedirs(cache_dir, exist_ok=True)
            tokenizer.tmp_dir = cache_dir
            tokenizer.initialize()
            dictionary = resources.files("xietong.search").joinpath("data/userdict.txt")
            with dictionary.open("rb") as handle:
                tokenizer.load_userdict(handle)
            _jieba = tokenizer
    return _jieba


def normalize(text: str) -> tuple[str, list[int] | None]:
    """NFKC and lower case; with the map from normalised to original offsets when the lengths
    differ (``None`` means one to one).

    Examples
    --------
    >>> normalize("ＰＰＴ课件")
    ('ppt课件', None)
    >>> normalize("①单元")
    ('1单元', None)
    >>> normalize("㎏")
    ('kg', [0, 0, 1])
    """
    folded = unicodedata.normalize("NFKC", text).lower()
    if len(folded) == len(text):
        return folded, None
    offsets: list[int] = []
    for index, char in enumerate(text):
        offsets.extend([index] * len(unicodedata.normalize("NFKC", char).lower()))
    if len(offsets) != len(folded):  # composition across characters: fall back to a stretch
        offsets = [i * len(text) // len(folded) for i in range(len(folded))]
    offsets.append(len(text))
    return folded, offsets


def bigrams(run: str) -> tuple[str, ...]:
    """Adjacent pairs of a Han run.

    Examples
    --------
    >>> bigrams("教学设计")
    ('教学', '学设', '设计')
    >>> bigrams("诗")
    ()
    """
    return tuple(run[i : i + 2] for i in range(len(run) - 1))


def stem(word: str) -> str:
    """The Porter stem of a lower-case word; digits and mixed tokens are kept as they are.

    Examples
    --------
    >>> stem("lessons"), stem("reading"), stem("2022")
    ('lesson', 'read', '2022')
    """
    return _STEMMER.stemWord(word) if word.isalpha() else word


def analyze(text: str) -> Analysis:
    """Cut a title or description into its ``words``, ``grams`` and ``chars`` streams.

    Examples
    --------
    >>> a = analyze("人教版数学课件")
    >>> [t.text for t in a.words]
    ['人教版', '数学', '课件']
    >>> [t.text for t in a.grams]
    ['人教', '教版', '版数', '数学', '学课', '课件']
    >>> [t.text for t in analyze("Reading Lessons").words]
    ['read', 'lesson']
    """
    folded, offsets = normalize(text)
    words: list[Token] = []
    grams: list[Token] = []
    chars: list[Token] = []
    for match in _RUNS.finditer(folded):
        at, run = match.start(), match.group()
        if match.lastgroup == "word":
            words.append(Token(stem(run), at, match.end(), at))
            continue
        cut = _segmenter().tokenize(run, mode="search", HMM=True)
        found = [Token(w, at + s, at + e, at + s) for w, s, e in cut if e - s > 1]
        words += sorted(found, key=lambda t: (t.start, t.end))
        chars += [Token(c, at + i, at + i + 1, at + i) for i, c in enumerate(run)]
        grams += [Token(run[i : i + 2], at + i, at + i + 2, at + i) for i in range(len(run) - 1)]
    if offsets is not None:  # report spans in the original text
        words, grams, chars = (
            [t._replace(start=offsets[t.start], end=offsets[t.end]) for t in stream]
            for stream in (words, grams, chars)
        )
    return Analysis(tuple(words), tuple(grams), tuple(chars))


def _pieces(run: str) -> list[str]:
    """jieba's precise cut of a Han run, with neighbouring one-character pieces joined again
    (丰三 is cut into 丰, 三: asked together, they must stand together)."""
    pieces: list[str] = []
    singles = ""
    for piece in [*_segmenter().cut(run, HMM=False), ""]:
        if len(piece) == 1:
            singles += piece
            continue
        if singles:
            pieces.append(singles)
            singles = ""
        if piece:
            pieces.append(piece)
    return pieces


def analyze_query(text: str) -> tuple[Concept, ...]:
    """The concepts a query asks for, in order, without repeats.

    A Han run is cut by jieba's precise mode (人教版数学 -> 人教版, 数学); its one-character
    pieces are optional (they raise the score, they do not restrict) unless the run is one
    character long, which becomes a required ``char`` concept. Letter and digit words are
    stemmed.

    Examples
    --------
    >>> [(c.kind, c.term) for c in analyze_query("人教版数学")]
    [('han', '人教版'), ('han', '数学')]
    >>> [(c.kind, c.term, c.required) for c in analyze_query("诗 Lessons")]
    [('char', '诗', True), ('word', 'lesson', True)]
    >>> analyze_query("  ，。 ")
    ()
    """
    folded, _ = normalize(text)
    concepts: dict[tuple[str, str], Concept] = {}
    for match in _RUNS.finditer(folded):
        run = match.group()
        if match.lastgroup == "word":
            concepts.setdefault(("word", stem(run)), Concept("word", run, stem(run)))
            continue
        if len(run) == 1:
            concepts[("char", run)] = Concept("char", run, run)
            continue
        for piece in _pieces(run):
            if len(piece) == 1:
                key = ("char", piece)
                if key not in concepts:
                    concepts[key] = Concept("char", piece, piece, required=False)
            else:
                concepts.setdefault(("han", piece), Concept("han", piece, piece, bigrams(piece)))
    return tuple(concepts.values())
