"""Input model of the teacher-post matching: the market (lists and priorities).

Shared by the solvers (:mod:`xietong.algorithms.matching`) and the
independent certificate (:mod:`xietong.algorithms.matching.certify`); caps and
gates live in :mod:`xietong.algorithms.matching.caps`.  Classes are frozen
dataclasses holding read-only numpy arrays; build them with the ``from_*``
constructors, which validate their input and raise ``ValueError`` with an
actionable message.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import chain
from typing import Literal

import numpy as np

GATE_NONE = 0
GATE_DEPARTURE = 1
GATE_BALANCE = 2

TieBreak = Literal["single", "multiple"]


def readonly(a: np.ndarray) -> np.ndarray:
    v = a.view()
    v.flags.writeable = False
    return v


def int_vector(values: object, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        return arr.astype(np.int64)
    if arr.dtype.kind not in "iu":
        raise ValueError(
            f"{name} must hold integers, got dtype {arr.dtype}; "
            f"convert with numpy.asarray(..., dtype=numpy.int64)"
        )
    return arr


def first_bad(mask: np.ndarray) -> int:
    return int(np.flatnonzero(mask)[0])


def _row_ids(indptr: np.ndarray) -> np.ndarray:
    return np.repeat(np.arange(indptr.size - 1, dtype=np.int64), np.diff(indptr))


def _check_indptr(indptr: np.ndarray, n_entries: int) -> None:
    if indptr.size == 0 or indptr[0] != 0:
        raise ValueError("prefs_indptr must start with 0 (length n_teachers + 1)")
    if indptr.size > 1 and (np.diff(indptr) < 0).any():
        t = first_bad(np.diff(indptr) < 0)
        raise ValueError(f"prefs_indptr must be non-decreasing (fails at teacher {t})")
    if indptr[-1] != n_entries:
        raise ValueError(
            f"prefs_indptr[-1] = {int(indptr[-1])} must equal len(prefs_indices) = {n_entries}"
        )


def _check_row_duplicates(indptr: np.ndarray, posts: np.ndarray, n_posts: int) -> None:
    """Raise if a teacher lists the same post twice."""
    lengths = np.diff(indptr)
    if posts.size == 0 or lengths.max() <= 1:
        return
    if lengths.min() == lengths.max():
        rows = np.sort(posts.reshape(lengths.size, int(lengths[0])), axis=1)
        dup_rows = (rows[:, 1:] == rows[:, :-1]).any(axis=1)
        if not dup_rows.any():
            return
        t = first_bad(dup_rows)
    else:
        keys = _row_ids(indptr) * np.int64(n_posts) + posts
        keys.sort()
        dup = keys[1:] == keys[:-1]
        if not dup.any():
            return
        t = int(keys[first_bad(dup)] // n_posts)
    row = posts[indptr[t] : indptr[t + 1]].tolist()
    seen: set[int] = set()
    twice = next(p for p in row if p in seen or seen.add(p))
    raise ValueError(
        f"teacher {t} lists post {twice} more than once; each post may appear at most "
        f"once in a preference list"
    )


@dataclass(frozen=True, eq=False)
class Market:
    """Teachers' preference lists and posts' priorities in flat (CSR) form.

    Attributes
    ----------
    indptr : numpy.ndarray
        Row pointer, length ``n_teachers + 1``.
    posts : numpy.ndarray
        Post of each list entry; teacher ``t``'s list, best first, is
        ``posts[indptr[t]:indptr[t + 1]]``.
    ranks : numpy.ndarray
        For each entry, the rank (0 = best) that the post gives the teacher,
        ``-1`` if the post does not rank her.  Equal ranks at one post are
        broken by teacher index (lower first).
    capacities : numpy.ndarray
        Seats per post.
    scores : numpy.ndarray or None
        Point score of each entry when built from scores (for reports).
    tie_break : str or None
        ``"single"`` or ``"multiple"`` when built from scores.
    seed : int or None
        Lottery seed when built from scores.
    rank_radix : int or None
        Set when built from scores: every rank is ``level * rank_radix +
        lottery code`` with codes unique over all entries, so ranks never tie
        and ``rank % rank_radix`` identifies the entry.

    Notes
    -----
    Build with :meth:`from_lists`, :meth:`from_scores` or :meth:`from_csr`;
    direct construction runs the same validation.  Arrays are exposed as
    read-only views.
    """

    indptr: np.ndarray
    posts: np.ndarray
    ranks: np.ndarray
    capacities: np.ndarray
    scores: np.ndarray | None = None
    tie_break: str | None = None
    seed: int | None = None
    rank_radix: int | None = None

    def __post_init__(self) -> None:
        self._validate(rows_distinct=False)

    def _validate(self, *, rows_distinct: bool) -> None:
        """Check and freeze the arrays; ``rows_distinct`` (set by :meth:`from_lists` when its
        join has shown that no list repeats a post) skips the repeated-post check."""
        indptr = int_vector(self.indptr, "prefs_indptr").astype(np.int64, copy=False)
        posts = int_vector(self.posts, "prefs_indices")
        ranks = int_vector(self.ranks, "ranks")
        caps = int_vector(self.capacities, "capacities").astype(np.int64, copy=False)
        _check_indptr(indptr, posts.size)
        if ranks.size != posts.size:
            raise ValueError(f"ranks has {ranks.size} entries, prefs_indices has {posts.size}")
        if caps.size and caps.min() < 0:
            p = first_bad(caps < 0)
            raise ValueError(f"capacities[{p}] = {int(caps[p])} is negative")
        n_posts = caps.size
        if posts.size:
            lo, hi = int(posts.min()), int(posts.max())
            if lo < 0 or hi >= n_posts:
                k = first_bad((posts < 0) | (posts >= n_posts))
                t = int(np.searchsorted(indptr, k, side="right") - 1)
                raise ValueError(
                    f"teacher {t} lists post {int(posts[k])}, but posts are numbered "
                    f"0..{n_posts - 1} (len(capacities) = {n_posts})"
                )
            if int(ranks.min()) < -1:
                k = first_bad(ranks < -1)
                raise ValueError(f"ranks[{k}] = {int(ranks[k])}; use -1 for 'not ranked'")
        if not rows_distinct:
            _check_row_duplicates(indptr, posts, n_posts)
        scores = self.scores
        if scores is not None:
            scores = np.asarray(scores, dtype=np.float64)
            if scores.shape != posts.shape:
                raise ValueError("scores must have one entry per list entry")
            scores = readonly(scores)
        object.__setattr__(self, "indptr", readonly(indptr))
        object.__setattr__(self, "posts", readonly(posts))
        object.__setattr__(self, "ranks", readonly(ranks))
        object.__setattr__(self, "capacities", readonly(caps))
        object.__setattr__(self, "scores", scores)
        if self.rank_radix is not None and int(self.rank_radix) < max(posts.size, 1):
            raise ValueError("rank_radix must be at least the number of list entries")

    @property
    def n_teachers(self) -> int:
        """Number of teachers."""
        return int(self.indptr.size - 1)

    @property
    def n_posts(self) -> int:
        """Number of posts."""
        return int(self.capacities.size)

    @property
    def n_entries(self) -> int:
        """Total length of all preference lists."""
        return int(self.posts.size)

    def teacher_list(self, t: int) -> list[int]:
        """Return teacher ``t``'s preference list as a plain list."""
        return [int(p) for p in self.posts[self.indptr[t] : self.indptr[t + 1]]]

    @classmethod
    def from_lists(
        cls,
        teacher_prefs: Sequence[Sequence[int]],
        post_priorities: Sequence[Sequence[int]],
        capacities: Sequence[int],
    ) -> Market:
        """Build a market from lists of lists.

        Parameters
        ----------
        teacher_prefs : sequence of sequences of int
            ``teacher_prefs[t]``: posts, best first.
        post_priorities : sequence of sequences of int
            ``post_priorities[p]``: teachers, best first; unlisted teachers are
            not eligible for ``p``.
        capacities : sequence of int
            Seats per post; must have ``len(post_priorities)`` entries.

        Returns
        -------
        Market

        Raises
        ------
        ValueError
            On out-of-range indices, repeated entries or size mismatches.

        Examples
        --------
        >>> m = Market.from_lists([[1, 0], [0]], [[1], [0, 1]], [1, 1])
        >>> m.ranks.tolist()
        [0, -1, 0]
        """
        n_t = len(teacher_prefs)
        n_p = len(post_priorities)
        if len(capacities) != n_p:
            raise ValueError(
                f"capacities has {len(capacities)} entries but post_priorities has {n_p}; "
                f"give one capacity per post"
            )
        t_len = _lengths(teacher_prefs)
        indptr = np.zeros(n_t + 1, dtype=np.int64)
        np.cumsum(t_len, out=indptr[1:])
        posts = _flat_ints(teacher_prefs, "teacher_prefs", int(indptr[-1]))
        p_len = _lengths(post_priorities)
        p_teachers = _flat_ints(post_priorities, "post_priorities", int(p_len.sum()))
        if p_teachers.size and (p_teachers.min() < 0 or p_teachers.max() >= n_t):
            k = first_bad((p_teachers < 0) | (p_teachers >= n_t))
            p = int(np.searchsorted(np.cumsum(p_len), k, side="right"))
            raise ValueError(
                f"post {p} lists teacher {int(p_teachers[k])}, but teachers are numbered "
                f"0..{n_t - 1}"
            )
        # out-of-range posts in the teachers' lists are reported, with the teacher, by the
        # Market validation below (after the join, as before)
        ranks, rows_distinct = _join_priorities(n_t, n_p, t_len, posts, p_len, p_teachers)
        market = cls.__new__(cls)
        for name, value in (("indptr", indptr), ("posts", posts), ("ranks", ranks)):
            object.__setattr__(market, name, value)
        object.__setattr__(market, "capacities", np.asarray(capacities))
        for name in ("scores", "tie_break", "seed", "rank_radix"):
            object.__setattr__(market, name, None)
        market._validate(rows_distinct=rows_distinct)
        return market

    @classmethod
    def from_scores(
        cls,
        teacher_prefs: Sequence[Sequence[int]],
        post_scores: Sequence[Mapping[int, float]],
        capacities: Sequence[int],
        *,
        tie_break: TieBreak = "single",
        seed: int | None = None,
    ) -> Market:
        """Build a market whose priorities are point scores with lottery tie-breaking.

        Parameters
        ----------
        teacher_prefs : sequence of sequences of int
            ``teacher_prefs[t]``: posts, best first.
        post_scores : sequence of mappings
            ``post_scores[p][t]`` is teacher ``t``'s score at post ``p``
            (higher is better); teachers absent from the mapping are not
            eligible.
        capacities : sequence of int
            Seats per post.
        tie_break : {"single", "multiple"}
            ``"single"``: one lottery order of teachers used at every post
            (single tie-breaking); ``"multiple"``: an independent lottery at
            each post (multiple tie-breaking).
        seed : int, optional
            Seed for ``numpy.random.default_rng``.

        Returns
        -------
        Market

        Raises
        ------
        ValueError
            On malformed input.

        Notes
        -----
        With single tie-breaking every post breaks ties by the same lottery
        order of teachers; with multiple tie-breaking each post draws its own.
        Both keep deferred acceptance strategy-proof for teachers; single
        tie-breaking tends to waste fewer seats in stability-preserving
        improvements, see [APR09]_ and [EE08]_.

        References
        ----------
        .. [APR09] A. Abdulkadiroglu, P. A. Pathak and A. E. Roth,
           "Strategy-proofness versus efficiency in matching with
           indifferences: redesigning the NYC high school match", American
           Economic Review 99(5), 2009.
        .. [EE08] A. Erdil and H. Ergin, "What's the matter with
           tie-breaking? Improving efficiency in school choice", American
           Economic Review 98(3), 2008.

        Examples
        --------
        Both teachers have 10 points at post 0; the seeded lottery decides.

        >>> m = Market.from_scores([[0], [0]], [{0: 10, 1: 10}], [1], seed=1)
        >>> bool(m.ranks[0] != m.ranks[1])
        True
        """
        n_t = len(teacher_prefs)
        if len(capacities) != len(post_scores):
            raise ValueError("capacities and post_scores must have one entry per post")
        indptr = np.zeros(n_t + 1, dtype=np.int64)
        indptr[1:] = np.cumsum(_lengths(teacher_prefs))
        posts = _flat_ints(teacher_prefs, "teacher_prefs", int(indptr[-1]))
        n_p = len(post_scores)
        if posts.size and (posts.min() < 0 or posts.max() >= n_p):
            k = first_bad((posts < 0) | (posts >= n_p))
            raise ValueError(
                f"teacher_prefs refers to post {int(posts[k])}; posts are 0..{n_p - 1}"
            )
        rows = _row_ids(indptr)
        scores = np.empty(posts.size, dtype=np.float64)
        for k, (t, p) in enumerate(zip(rows.tolist(), posts.tolist(), strict=True)):
            value = post_scores[p].get(t)
            scores[k] = np.nan if value is None else float(value)
        return cls.from_csr(
            indptr, posts, capacities, scores=scores, tie_break=tie_break, seed=seed
        )

    @classmethod
    def from_csr(
        cls,
        prefs_indptr: np.ndarray,
        prefs_indices: np.ndarray,
        capacities: np.ndarray,
        *,
        ranks: np.ndarray | None = None,
        scores: np.ndarray | None = None,
        tie_break: TieBreak = "single",
        seed: int | None = None,
    ) -> Market:
        """Build a market from flat arrays (no copy when dtypes are integer).

        Parameters
        ----------
        prefs_indptr, prefs_indices : numpy.ndarray
            CSR preference lists, best first.
        capacities : numpy.ndarray
            Seats per post.
        ranks : numpy.ndarray, optional
            Per entry, the post's rank of the teacher (0 = best, -1 = not
            ranked).
        scores : numpy.ndarray, optional
            Per entry, the teacher's score at the post (higher is better, NaN
            = not eligible); converted to ranks with lottery tie-breaking.
        tie_break : {"single", "multiple"}
            Lottery type for score ties.
        seed : int, optional
            Lottery seed.

        Returns
        -------
        Market

        Raises
        ------
        ValueError
            If not exactly one of ``ranks`` and ``scores`` is given, or on
            malformed arrays.

        Examples
        --------
        >>> import numpy as np
        >>> m = Market.from_csr(np.array([0, 1, 2]), np.array([0, 0]), np.array([1]),
        ...                     scores=np.array([5.0, 7.5]), seed=0)
        >>> bool(m.ranks[1] < m.ranks[0])  # the higher score ranks first
        True
        """
        if (ranks is None) == (scores is None):
            raise ValueError("give exactly one of ranks= and scores=")
        if ranks is not None:
            return cls(prefs_indptr, prefs_indices, ranks, capacities)
        if tie_break not in ("single", "multiple"):
            raise ValueError(f"tie_break must be 'single' or 'multiple', got {tie_break!r}")
        indptr = int_vector(prefs_indptr, "prefs_indptr").astype(np.int64, copy=False)
        posts = int_vector(prefs_indices, "prefs_indices")
        sc = np.asarray(scores, dtype=np.float64)
        if sc.shape != posts.shape:
            raise ValueError(f"scores has shape {sc.shape}, prefs_indices has {posts.shape}")
        if np.isinf(sc).any():
            raise ValueError("scores must be finite (use NaN for 'not eligible')")
        _check_indptr(indptr, posts.size)  # the rest is checked when the Market is built
        ranks_out, radix = _scores_to_ranks(indptr, sc, tie_break, seed)
        return cls(
            indptr,
            posts,
            ranks_out,
            capacities,
            scores=sc,
            tie_break=tie_break,
            seed=seed,
            rank_radix=radix,
        )


def _flat_ints(lists: Sequence[Sequence[int]], name: str, total: int) -> np.ndarray:
    """The entries of ``lists`` as one int64 array, read in bulk.

    ``itertools.chain`` gathers the entries into one list and ``array.array("q", ...)`` converts
    it at C speed; it refuses whatever is not an integer (floats, strings, ``None``) and
    values beyond 64 bits.  It takes bools, which are refused as before: only entries that
    read 0 or 1 can be bools, and only their types are looked at.  On any refusal the list is
    read again element by element (:func:`_checked_ints`), which names the first bad entry.
    (Other objects with ``__index__``, such as a 0-d integer array, are read as their value
    unless they read 0 or 1: refusing them would take a type check of every entry.)"""
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    flat = list(chain.from_iterable(lists))
    if len(flat) != total:  # pragma: no cover - defensive: a list changed length
        raise ValueError(f"{name} changed while being read")
    try:
        values = np.frombuffer(array("q", flat), dtype=np.int64)
    except (TypeError, OverflowError):
        return _checked_ints(flat, name)
    zero_or_one = np.flatnonzero(np.less_equal(values.view(np.uint64), 1))
    if zero_or_one.size and not _integer_types(map(flat.__getitem__, zero_or_one.tolist())):
        return _checked_ints(flat, name)
    return values


def _integer_types(values: Iterable[object]) -> bool:
    kinds = set(map(type, values))
    return all(issubclass(k, int | np.integer) and not issubclass(k, bool) for k in kinds)


def _checked_ints(flat: list[object], name: str) -> np.ndarray:
    """``flat`` as int64 with every element's type checked (the error names the first bad
    one)."""
    if not _integer_types(flat):
        bad = next(x for x in flat if not isinstance(x, int | np.integer) or isinstance(x, bool))
        raise ValueError(f"{name} must contain integer indices, found {bad!r}")
    try:
        return np.fromiter(flat, dtype=np.int64, count=len(flat))
    except OverflowError:
        bad = next(x for x in flat if not -(2**63) <= x < 2**63)
        raise ValueError(f"{name} holds {bad}, which is out of range") from None


def _lengths(lists: Sequence[Sequence[int]]) -> np.ndarray:
    return np.fromiter(map(len, lists), dtype=np.int64, count=len(lists))


def _join_priorities(
    n_t: int,
    n_p: int,
    t_len: np.ndarray,
    posts: np.ndarray,
    p_len: np.ndarray,
    p_teachers: np.ndarray,
) -> tuple[np.ndarray, bool]:
    """The rank of each teachers'-list entry in its post's priority list (-1 if the post does
    not list the teacher), and whether the join has shown that no teacher lists a post twice.

    Both sides are keyed by the pair code ``post * n_t + teacher`` and sorted with ``np.sort``
    on one packed int64 key each: code and rank on the posts' side, code and entry index on
    the teachers' side (several times faster than stable ``argsort``).  When the two sorted
    code arrays are equal -- the posts rank exactly the teachers who list them, as in most
    markets -- the ranks are scattered back in one step; otherwise every entry looks its code
    up with ``searchsorted`` (needles sorted, so it walks memory forward).  ``p_teachers`` is
    overwritten."""
    n, m = posts.size, p_teachers.size
    if n == 0 or m == 0:
        return np.full(n, -1, dtype=np.int64), n == 0
    rank_bits = int(p_len.max() - 1).bit_length()  # ranks are below the longest list
    entry_bits = (n - 1).bit_length()
    if (n_p * n_t) << max(rank_bits, entry_bits) >= 2**62:  # pragma: no cover - too big
        return _join_by_argsort(n_t, n_p, t_len, posts, p_len, p_teachers), False
    # posts' side, built in the buffer of p_teachers: (post * n_t + teacher) << rank_bits | rank
    p_start = np.cumsum(p_len) - p_len
    key = np.left_shift(p_teachers, rank_bits, out=p_teachers)
    key += np.repeat((np.arange(n_p, dtype=np.int64) * n_t << rank_bits) - p_start, p_len)
    key += np.arange(m, dtype=np.int64)
    key.sort()
    code = key >> rank_bits
    _refuse_repeated_pairs(code, n_t)
    rank = np.bitwise_and(key, (1 << rank_bits) - 1, out=key)
    # teachers' side: (post * n_t + teacher) << entry_bits | entry
    valid = bool(posts.min() >= 0) and bool(posts.max() < n_p)
    query = (posts if valid else np.clip(posts, 0, n_p)) * np.int64(n_t << entry_bits)
    _add_teacher_and_entry(query, t_len, entry_bits)
    query.sort()
    q_code = query >> entry_bits
    entry = np.bitwise_and(query, (1 << entry_bits) - 1, out=query)
    if valid and np.array_equal(q_code, code):  # reciprocal lists: every entry is ranked
        ranks = q_code  # reuse the buffer
        ranks[entry] = rank
        return ranks, True
    distinct = valid and not (q_code[1:] == q_code[:-1]).any()
    pos = np.searchsorted(code, q_code)
    np.minimum(pos, code.size - 1, out=pos)
    hit = code[pos] == q_code
    ranks = np.full(n, -1, dtype=np.int64)
    ranks[entry[hit]] = rank[pos[hit]]
    return ranks, distinct


def _add_teacher_and_entry(query: np.ndarray, t_len: np.ndarray, entry_bits: int) -> None:
    """``query[k] += teacher(k) << entry_bits | k`` in place (without temporaries when all
    lists have one length)."""
    n_t, n = t_len.size, query.size
    width = int(t_len[0]) if n_t else 0
    if n_t and width * n_t == n and bool((t_len == width).all()):
        grid = query.reshape(n_t, width)
        grid += (np.arange(n_t, dtype=np.int64) * ((1 << entry_bits) + width))[:, None]
        grid += np.arange(width, dtype=np.int64)[None, :]
        return
    query += np.repeat(np.arange(n_t, dtype=np.int64) << entry_bits, t_len)
    query += np.arange(n, dtype=np.int64)


def _refuse_repeated_pairs(code_s: np.ndarray, n_t: int) -> None:
    dup = code_s[1:] == code_s[:-1]
    if dup.any():
        k = int(code_s[first_bad(dup)])
        raise ValueError(f"post {k // n_t} lists teacher {k % n_t} more than once in its priority")


def _join_by_argsort(
    n_t: int,
    n_p: int,
    t_len: np.ndarray,
    posts: np.ndarray,
    p_len: np.ndarray,
    p_teachers: np.ndarray,
) -> np.ndarray:  # pragma: no cover - only for markets beyond 63-bit packed keys
    p_start = np.cumsum(p_len) - p_len
    p_rank = np.arange(p_teachers.size, dtype=np.int64) - np.repeat(p_start, p_len)
    code = np.repeat(np.arange(n_p, dtype=np.int64), p_len) * np.int64(n_t) + p_teachers
    order = np.argsort(code, kind="stable")
    code_s = code[order]
    _refuse_repeated_pairs(code_s, n_t)
    valid = (posts >= 0) & (posts < n_p)
    rows = np.repeat(np.arange(t_len.size, dtype=np.int64), t_len)
    query = np.where(valid, posts, 0) * np.int64(n_t) + rows
    q_order = np.argsort(query, kind="stable")
    pos = np.empty(query.size, dtype=np.int64)
    pos[q_order] = np.searchsorted(code_s, query[q_order])
    pos_c = np.minimum(pos, code_s.size - 1)
    hit = valid & (code_s[pos_c] == query)
    out = np.full(posts.size, -1, dtype=np.int64)
    out[hit] = p_rank[order[pos_c[hit]]]
    return out


def _scores_to_ranks(
    indptr: np.ndarray, scores: np.ndarray, tie_break: str, seed: int | None
) -> tuple[np.ndarray, int]:
    """Strict ranks ``level * L + code`` from scores, without sorting the entries.

    ``level`` orders the scores (0 = highest), ``code`` is a lottery number
    unique over all ``L`` entries: a teacher's draw in a single lottery
    (single tie-breaking) or a random permutation of the entries (multiple
    tie-breaking, independent at every post).
    """
    rng = np.random.default_rng(seed)
    n = scores.size
    n_t = indptr.size - 1
    radix = max(n, 1)
    eligible = ~np.isnan(scores)
    everyone = bool(eligible.all())
    values = scores if everyone else scores[eligible]
    if values.size == 0:
        return np.full(n, -1, dtype=np.int64), radix
    hi = values.max()
    if hi - values.min() < 2**24 and np.array_equal(values, np.floor(values)):
        ranks = (hi - values).astype(np.int64)  # integer points: no sort at all
    else:
        distinct = np.unique(values)
        ranks = np.searchsorted(distinct, values).astype(np.int64)
        np.subtract(distinct.size - 1, ranks, out=ranks)
    ranks *= radix
    if tie_break == "single":
        lengths = np.diff(indptr)
        draw = rng.permutation(n_t)  # draw[i] = teacher drawn i-th
        first_code = np.empty(n_t, dtype=np.int64)
        first_code[draw] = np.cumsum(lengths[draw]) - lengths[draw]
        code = np.repeat(first_code - indptr[:-1], lengths)
        code += np.arange(n, dtype=np.int64)
    else:
        code = rng.permutation(n).astype(np.int64, copy=False)
    if everyone:
        ranks += code
        return ranks, radix
    out = np.full(n, -1, dtype=np.int64)
    out[eligible] = ranks + code[eligible]
    return out, radix


def check_current_posts_listed(market: Market, current_post: np.ndarray) -> None:
    """Raise unless every teacher who holds a post lists it (IR modes).

    The list position of the current post says which moves the teacher
    accepts; the post's own ranking of her (from the same entry) is her
    priority there, so it cannot be changed by how she reports her list.
    """
    has = np.flatnonzero(current_post >= 0)
    if has.size == 0:
        return
    rows = _row_ids(market.indptr)
    listed = np.zeros(market.n_teachers, dtype=bool)
    hit = np.asarray(market.posts) == current_post[rows]
    listed[rows[hit]] = True
    missing = has[~listed[has]]
    if missing.size:
        t = int(missing[0])
        raise ValueError(
            f"teacher {t} holds post {int(current_post[t])} but does not list it; in the "
            f"individually rational modes every teacher must list her current post (entries "
            f"below it are moves she would refuse) ({missing.size} teachers affected)"
        )
