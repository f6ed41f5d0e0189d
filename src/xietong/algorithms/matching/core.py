"""Vectorised solvers behind :mod:`xietong.algorithms.matching` (internal).

Everything here works on already validated flat (CSR) arrays; the public
entry points in :mod:`xietong.algorithms.matching` validate and convert.
Nothing in this module is used by the certificate code in
:mod:`xietong.algorithms.matching.certify`, which re-derives every property
from the raw inputs on purpose.

Priority keys
-------------
A proposal where post ``p`` ranks the proposing teacher at rank ``r``
(0 = best) is encoded as the int64 key ``(p * K + r) * M + i`` with ``K`` one
more than the largest rank and ``i < M`` the teacher index (regional solver)
or the list-entry index (plain solver; entries are stored in teacher order,
so both order ties the same way).  Sorting keys groups proposals by post and
orders them by rank, and ``key % M`` / ``key // (K * M)`` recover the
proposer and the post without any lookup table.
"""

from __future__ import annotations

from bisect import insort
from dataclasses import dataclass
from itertools import chain

import numpy as np

_I64_MAX = np.iinfo(np.int64).max


@dataclass(frozen=True)
class CoreOutcome:
    """Raw solver output: assignment per teacher and number of proposal rounds."""

    assignment: np.ndarray
    rounds: int


def key_base(
    n_posts: int, n_ids: int, ranks: np.ndarray, posts: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Return ranks usable in int64 keys and the rank radix ``K``.

    If ``n_posts * K * n_ids`` would overflow int64, ranks are replaced by
    their position among the entries of the same post (order preserving,
    ties by entry order), which is below the largest number of applicants of
    a post.  That needs one sort of all entries (slow, but rare).
    """
    k = max(int(ranks.max()) + 1 if ranks.size else 1, 1)
    if n_posts * k * max(n_ids, 1) < 2**62:
        return ranks, k
    if posts is None:  # pragma: no cover - callers pass posts
        raise ValueError("instance too large for 63-bit priority keys")
    p64 = posts.astype(np.int64)
    order = np.argsort(p64 * k + ranks, kind="stable") if n_posts * k < 2**62 else None
    if order is None:  # pragma: no cover - ranks beyond 2**62 / n_posts
        order = np.lexsort((ranks, p64))
    post_sorted = p64[order]
    dense = np.empty(ranks.size, dtype=np.int64)
    dense[order] = np.arange(ranks.size) - np.searchsorted(post_sorted, post_sorted)
    k = int(dense.max()) + 1 if dense.size else 1
    if n_posts * k * max(n_ids, 1) >= 2**62:  # pragma: no cover - absurd sizes
        raise ValueError("instance too large for 63-bit priority keys")
    return dense, k


def _segment_starts(sorted_groups: np.ndarray) -> np.ndarray:
    """Index of the first element of each run in a sorted group array."""
    if sorted_groups.size == 0:
        return np.zeros(0, dtype=np.int64)
    change = np.flatnonzero(sorted_groups[1:] != sorted_groups[:-1]) + 1
    return np.concatenate(([0], change)).astype(np.int64)


def _position_in_run(sorted_groups: np.ndarray) -> np.ndarray:
    """0-based position of each element inside its run of equal groups."""
    n = sorted_groups.size
    starts = _segment_starts(sorted_groups)
    lengths = np.diff(np.append(starts, n))
    return np.arange(n, dtype=np.int64) - np.repeat(starts, lengths)


def _compress(
    indptr: np.ndarray, posts: np.ndarray, ranks: np.ndarray, keep: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Drop CSR entries where ``keep`` is False."""
    running = np.concatenate(([0], np.cumsum(keep, dtype=np.int64)))
    return running[indptr], posts[keep], ranks[keep]


def deferred_acceptance_flat(
    indptr: np.ndarray,
    posts: np.ndarray,
    ranks: np.ndarray,
    capacities: np.ndarray,
    active: np.ndarray | None = None,
    start: np.ndarray | None = None,
    rank_radix: int | None = None,
) -> CoreOutcome:
    """Teacher-proposing deferred acceptance on CSR arrays, in vectorised rounds.

    In every round all free teachers propose to their next post at once; each
    post keeps the best ``capacity`` keys among those it holds and the new
    proposals (one sort of the touched posts' keys); rejected teachers move
    one entry down their list.  A proposal below the cutoff of a full post is
    rejected without sorting.  Proposals are carried as list-entry indices
    ``k`` (sorted, so every gather walks memory forward); the key is
    ``(post * K + rank) * L + k`` with ``L`` the number of entries, which
    orders equal ranks by teacher index because lists are stored in teacher
    order.

    Parameters
    ----------
    indptr, posts, ranks : numpy.ndarray
        CSR preference lists; ``ranks[k]`` is the rank (0 = best) the post
        ``posts[k]`` gives to the teacher owning entry ``k``; ``-1`` marks a
        post that does not rank the teacher (such proposals are rejected).
    capacities : numpy.ndarray
        Seats per post.
    active : numpy.ndarray of bool, optional
        Teachers allowed to propose; the others stay unassigned.
    start : numpy.ndarray, optional
        First list entry each teacher proposes to (default: the top of her
        list); ``start[t] == indptr[t + 1]`` keeps ``t`` out.
    rank_radix : int, optional
        If given, ranks are unique and ``rank % rank_radix`` is a unique entry
        code (markets built from scores); then the key ``post * K + rank``
        suffices even when ranks are too large for the three-part key.

    Returns
    -------
    CoreOutcome
        Post per teacher (``-1`` if unassigned) and the number of rounds.
    """
    n_teachers = indptr.size - 1
    n_posts = capacities.size
    caps = capacities.astype(np.int64, copy=False)
    indptr, posts, ranks, first = _acceptable_lists(indptr, posts, ranks, caps, start)
    n_entries = posts.size
    keys = _proposal_keys(n_posts, posts, ranks, rank_radix)
    per_post = keys.per_post
    end = indptr[1:].astype(np.int64, copy=False)
    if active is not None:
        first[~active] = end[~active]
    free = first[first < end]  # increasing, since rows are stored in teacher order
    row_start = np.zeros(n_entries + 1, dtype=bool)  # entry k + 1 begins a new list?
    row_start[indptr] = True

    # Seats: a sorted slot block per post, never larger than its applicant pool
    # (the bincount is skipped when the capacities are small anyway).
    if int(caps.sum()) <= 2 * n_entries + n_posts:
        slot_cap = caps.copy()
    else:
        slot_cap = np.minimum(caps, np.bincount(posts, minlength=n_posts)).astype(np.int64)
    offsets = np.concatenate(([0], np.cumsum(slot_cap))).astype(np.int64)
    slots = np.empty(int(offsets[-1]), dtype=np.int64)
    fill = np.zeros(n_posts, dtype=np.int64)
    worst = np.full(n_posts, _I64_MAX, dtype=np.int64)  # worst held key once full

    rounds = 0
    while free.size > _SEQUENTIAL_BELOW:
        rounds += 1
        p = posts[free].astype(np.int64, copy=False)
        key = keys.make(p, free)
        ok = key < worst[p]
        bounced = free[~ok]
        key = key[ok]
        if key.size:
            out = _hold_best(key, per_post, slots, offsets, slot_cap, fill, worst)
            out = keys.entries(out)
            if out.size:
                bounced = np.concatenate((bounced, out))
                bounced.sort()
        bounced += 1
        free = bounced[~row_start[bounced]]
    if free.size:
        tail = _SequentialTail(posts, keys, slots, offsets, slot_cap, fill, worst)
        rounds += tail.run(free, row_start)

    assignment = np.full(n_teachers, -1, dtype=np.int64)
    if slots.size:
        total = int(fill.sum())
        at = np.repeat(offsets[:-1] - (np.cumsum(fill) - fill), fill)
        k = np.sort(keys.entries(slots[at + np.arange(total)]))  # held entries, in order
        teacher = np.searchsorted(indptr, k, side="right") - 1  # needles sorted: fast
        assignment[teacher] = posts[k]
    return CoreOutcome(assignment=assignment, rounds=rounds)


# Below this many free teachers a round costs less in plain Python than in numpy calls.
_SEQUENTIAL_BELOW = 48


def _scalars(a: np.ndarray) -> memoryview:
    """``a`` as a memoryview: indexing it gives a Python int (or bool) faster than
    ``ndarray.item`` (contiguous and in native byte order, which memoryview needs)."""
    return memoryview(np.ascontiguousarray(a, dtype=a.dtype.newbyteorder("=")))


class _SequentialTail:
    """The last rounds of :func:`deferred_acceptance_flat`, when few teachers are still free
    (a long chain of rejections can take thousands of rounds of a handful of proposals each).

    Each round is the same round as the vectorised loop -- the free teachers propose to their
    next post, a post keeps its best ``capacity`` keys among those it holds and the new ones --
    but in plain Python, without a numpy call per round: every post's held keys become a
    sorted Python list, the proposals are taken one at a time with ``bisect`` (keys built from
    scalar reads, :meth:`_Keys.key`), and the lists are written back to ``slots``, ``fill``
    and ``worst`` at the end.  A post's holding after a round is the best ``capacity`` of the
    same keys in either order, so the outcome and the round count are identical."""

    def __init__(self, posts, keys, slots, offsets, slot_cap, fill, worst):
        self.posts, self.keys = posts, keys
        self.slots, self.offsets, self.slot_cap = slots, offsets, slot_cap
        self.fill, self.worst = fill, worst

    def run(self, free: np.ndarray, row_start: np.ndarray) -> int:
        """Play the remaining rounds from the free entries ``free``; the number of rounds."""
        flat = self.slots.tolist()
        starts = self.offsets[:-1].tolist()
        held = [flat[a : a + f] for a, f in zip(starts, self.fill.tolist(), strict=True)]
        caps = self.slot_cap.tolist()
        play = self._rounds if self.keys.entry_of_code is None else self._rounds_coded
        rounds = play(free.tolist(), held, caps, _scalars(row_start))
        self._write_back(held)
        return rounds

    # Within a round the proposals may be taken in any order: a post ends the round with the
    # best ``capacity`` keys among those it held and those it was offered, and rejects the
    # others, whatever the order.  A rejected entry ``k`` proposes next from ``k + 1``, unless
    # ``k`` was the last of its list.

    def _rounds(self, pending: list[int], held, caps, is_start) -> int:
        """The rounds with keys ``(post * K + rank) * L + entry``, built inline."""
        post_of, rank_of = _scalars(self.posts), _scalars(self.keys.ranks)
        radix, n = self.keys.radix, self.keys.n_entries
        rounds = 0
        while pending:
            rounds += 1
            bounced: list[int] = []
            for k in pending:
                p = post_of[k]
                key = (p * radix + rank_of[k]) * n + k
                lst = held[p]
                if len(lst) < caps[p]:
                    insort(lst, key)
                    continue
                out = k
                if key < lst[-1]:
                    insort(lst, key)
                    out = lst.pop() % n  # the entry rejected instead
                if not is_start[out + 1]:
                    bounced.append(out + 1)
            pending = bounced
        return rounds

    def _rounds_coded(self, pending: list[int], held, caps, is_start) -> int:
        """The same rounds with keys from :meth:`_Keys.key` (lottery-coded ranks)."""
        post_of, key_of, entry_of = _scalars(self.posts), self.keys.key, self.keys.entry
        rounds = 0
        while pending:
            rounds += 1
            bounced: list[int] = []
            for k in pending:
                p = post_of[k]
                key = key_of(p, k)
                lst = held[p]
                if len(lst) < caps[p]:
                    insort(lst, key)
                    continue
                out = k
                if key < lst[-1]:
                    insort(lst, key)
                    out = entry_of(lst.pop())  # the entry rejected instead
                if not is_start[out + 1]:
                    bounced.append(out + 1)
            pending = bounced
        return rounds

    def _write_back(self, held: list[list[int]]) -> None:
        fill = np.fromiter(map(len, held), dtype=np.int64, count=len(held))
        total = int(fill.sum())
        at = np.repeat(self.offsets[:-1] - (np.cumsum(fill) - fill), fill)
        at += np.arange(total, dtype=np.int64)
        self.slots[at] = np.fromiter(chain.from_iterable(held), dtype=np.int64, count=total)
        self.fill[:] = fill
        full = np.flatnonzero((fill == self.slot_cap) & (fill > 0))
        self.worst[full] = self.slots[self.offsets[full] + fill[full] - 1]


def _acceptable_lists(
    indptr: np.ndarray,
    posts: np.ndarray,
    ranks: np.ndarray,
    caps: np.ndarray,
    start: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The lists without the entries no proposal can succeed at (the post does not rank the
    teacher, or has no seat), and each teacher's first entry in them."""
    acceptable = ranks >= 0
    if caps.size and caps.min() <= 0:
        acceptable &= caps[posts] > 0
    first = indptr[:-1].astype(np.int64, copy=True) if start is None else start.astype(np.int64)
    if not acceptable.all():
        running = np.concatenate(([0], np.cumsum(acceptable, dtype=np.int64)))
        first = running[first]
        indptr, posts, ranks = _compress(indptr, posts, ranks, acceptable)
    return indptr, posts, ranks, first


@dataclass(frozen=True)
class _Keys:
    """How a proposal is keyed: :meth:`make` (arrays of posts and entries to keys),
    :meth:`entries` (keys back to entries), their scalar forms :meth:`key` and :meth:`entry`
    for the sequential tail, and the key span of one post (keys of post ``p`` lie in
    ``[p * per_post, (p + 1) * per_post)``).

    Either ``key = (post * K + rank) * L + entry`` (``coded`` false), or, for markets built
    from scores whose three-part keys would overflow, ``key = post * K + rank`` with the entry
    recovered from the rank's lottery code (``entry_of_code``)."""

    ranks: np.ndarray
    radix: int
    n_entries: int
    per_post: np.int64
    entry_of_code: np.ndarray | None
    rank_radix: int

    def make(self, p: np.ndarray, k: np.ndarray) -> np.ndarray:
        if self.entry_of_code is not None:
            return p * self.radix + self.ranks[k]
        return (p * self.radix + self.ranks[k]) * np.int64(self.n_entries) + k

    def entries(self, key: np.ndarray) -> np.ndarray:
        if self.entry_of_code is not None:
            return self.entry_of_code[(key % self.per_post) % self.rank_radix]
        return key % np.int64(self.n_entries)

    def key(self, p: int, k: int) -> int:
        if self.entry_of_code is not None:
            return p * self.radix + self.ranks.item(k)
        return (p * self.radix + self.ranks.item(k)) * self.n_entries + k

    def entry(self, key: int) -> int:
        if self.entry_of_code is not None:
            return self.entry_of_code.item((key % int(self.per_post)) % self.rank_radix)
        return key % self.n_entries


def _proposal_keys(
    n_posts: int, posts: np.ndarray, ranks: np.ndarray, rank_radix: int | None
) -> _Keys:
    """The proposal keys of a market (see :class:`_Keys`)."""
    n_entries = posts.size
    ll = max(n_entries, 1)
    radix = int(ranks.max()) + 1 if n_entries else 1
    coded = rank_radix is not None and n_posts * radix * ll >= 2**62
    if coded and n_posts * radix < 2**62:
        entry_of_code = np.empty(int(rank_radix), dtype=np.int64)
        entry_of_code[ranks % rank_radix] = np.arange(n_entries, dtype=np.int64)
        return _Keys(ranks, radix, ll, np.int64(radix), entry_of_code, int(rank_radix))
    ranks, radix = key_base(n_posts, ll, ranks, posts)
    return _Keys(ranks, radix, ll, np.int64(radix) * np.int64(ll), None, 1)


def _hold_best(
    key: np.ndarray,
    per_post: np.int64,
    slots: np.ndarray,
    offsets: np.ndarray,
    slot_cap: np.ndarray,
    fill: np.ndarray,
    worst: np.ndarray,
) -> np.ndarray:
    """One round at the posts: each touched post keeps its best keys among those it holds and
    the new ones (``slots``, ``fill`` and ``worst`` updated in place); the keys it rejects."""
    key.sort()
    key_post = key // per_post
    touched = key_post[_segment_starts(key_post)]
    held_n = fill[touched]
    total = int(held_n.sum())
    if total:
        at = np.repeat(offsets[touched] - (np.cumsum(held_n) - held_n), held_n)
        pool = np.concatenate((slots[at + np.arange(total)], key))
        pool.sort()
    else:
        pool = key
    post_of = pool // per_post
    starts = _segment_starts(post_of)  # one run per touched post
    counts = np.diff(np.append(starts, post_of.size))
    pos = np.arange(post_of.size, dtype=np.int64) - np.repeat(starts, counts)
    keep = pos < slot_cap[post_of]
    slots[offsets[post_of[keep]] + pos[keep]] = pool[keep]
    fill[touched] = np.minimum(counts, slot_cap[touched])
    full = fill[touched] == slot_cap[touched]
    tf = touched[full]
    worst[tf] = slots[offsets[tf] + slot_cap[tf] - 1]
    return pool[~keep]


# ---------------------------------------------------------------------------
# Regional caps: flexible deferred acceptance (Kamada and Kojima 2015)
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Tree:
    """Resolved cap hierarchy post -> school -> (optional) area, uncapped = huge."""

    post_cap: np.ndarray
    post_school: np.ndarray
    school_cap: np.ndarray
    post_target: np.ndarray
    school_area: np.ndarray | None
    area_cap: np.ndarray | None
    school_target: np.ndarray | None

    @property
    def post_order(self) -> np.ndarray:
        """Posts sorted by school, then index (round-robin order)."""
        return np.argsort(self.post_school, kind="stable")

    @property
    def school_order(self) -> np.ndarray:
        """Schools sorted by area, then index (round-robin order)."""
        assert self.school_area is not None
        return np.argsort(self.school_area, kind="stable")


def _waterfill_plain(
    groups: np.ndarray, values: np.ndarray, budget: np.ndarray, n_groups: int
) -> np.ndarray:
    """Round-robin allocation of ``budget[g]`` units over children of ``g``.

    Children (sorted by group, then index) receive ``min(v, k)`` for the largest
    level ``k`` that fits, and the leftover ``r`` units go one each to the first
    ``r`` children (index order) whose value exceeds ``k``.
    """
    total = np.bincount(groups, weights=values, minlength=n_groups).astype(np.int64)
    short = total > budget
    if not short.any():
        return values.copy()
    lo = np.zeros(n_groups, dtype=np.int64)
    hi = np.zeros(n_groups, dtype=np.int64)
    np.maximum.at(hi, groups, values)
    # invariant: sum(min(v, lo)) <= budget; answer in [lo, hi]
    while True:
        active = short & (lo < hi)
        if not active.any():
            break
        mid = (lo + hi + 1) // 2
        used = np.bincount(
            groups, weights=np.minimum(values, mid[groups]), minlength=n_groups
        ).astype(np.int64)
        fits = used <= budget
        lo = np.where(active & fits, mid, lo)
        hi = np.where(active & ~fits, mid - 1, hi)
    level = lo
    base = np.minimum(values, level[groups])
    left = budget - np.bincount(groups, weights=base, minlength=n_groups).astype(np.int64)
    over = values > level[groups]
    cum = np.cumsum(over)
    starts = np.searchsorted(groups, np.arange(n_groups))
    before = np.where(starts > 0, cum[np.maximum(starts - 1, 0)], 0)
    order_in_group = cum - before[groups]  # 1-based among `over` children
    extra = over & (order_in_group <= left[groups])
    out = base + extra
    return np.where(short[groups], out, values)


def _waterfill(
    groups: np.ndarray,
    values: np.ndarray,
    targets: np.ndarray,
    budget: np.ndarray,
    n_groups: int,
    order: np.ndarray,
) -> np.ndarray:
    """Targets first (round robin), then extra seats (round robin), within budget.

    ``order`` sorts the children by group, then by index (the round-robin order).
    """
    groups = groups[order]
    values = values[order]
    base = np.minimum(values, targets[order])
    base_sum = np.bincount(groups, weights=base, minlength=n_groups).astype(np.int64)
    phase0 = base_sum > budget
    vals = np.where(phase0[groups], base, values - base)
    bud = np.where(phase0, budget, budget - base_sum)
    filled = _waterfill_plain(groups, vals, bud, n_groups)
    out = np.empty_like(values)
    out[order] = np.where(phase0[groups], filled, base + filled)
    return out


def allot(
    tree: Tree,
    applicants: np.ndarray,
    post_order: np.ndarray | None = None,
    school_order: np.ndarray | None = None,
) -> np.ndarray:
    """Seats each post may fill given its applicant count (nested FDA choice)."""
    if post_order is None:
        post_order = tree.post_order
    if school_order is None and tree.school_area is not None:
        school_order = tree.school_order
    d_post = np.minimum(applicants, tree.post_cap)
    n_school = tree.school_cap.size
    d_school = np.minimum(
        tree.school_cap,
        np.bincount(tree.post_school, weights=d_post, minlength=n_school).astype(np.int64),
    )
    if tree.school_area is not None:
        n_area = tree.area_cap.size
        d_area = np.minimum(
            tree.area_cap,
            np.bincount(tree.school_area, weights=d_school, minlength=n_area).astype(np.int64),
        )
        n_school_alloc = _waterfill(
            tree.school_area, d_school, tree.school_target, d_area, n_area, school_order
        )
    else:
        n_school_alloc = d_school
    return _waterfill(
        tree.post_school, d_post, tree.post_target, n_school_alloc, n_school, post_order
    )


def flexible_deferred_acceptance_flat(
    indptr: np.ndarray,
    posts: np.ndarray,
    ranks: np.ndarray,
    tree: Tree,
    active: np.ndarray | None = None,
) -> CoreOutcome:
    """Teacher-proposing generalized DA with the nested FDA choice function."""
    n_teachers = indptr.size - 1
    caps = tree.post_cap
    n_posts = caps.size
    acceptable = ranks >= 0
    if n_posts:
        acceptable &= caps[posts] > 0
    if not acceptable.all():
        indptr, posts, ranks = _compress(indptr, posts, ranks, acceptable)
    ranks, radix = key_base(n_posts, n_teachers, ranks, posts)
    tt = np.int64(max(n_teachers, 1))
    per_post = np.int64(radix) * tt

    ptr = indptr[:-1].astype(np.int64, copy=True)
    end = indptr[1:].astype(np.int64, copy=False)
    if active is not None:
        ptr[~active] = end[~active]
    free = np.flatnonzero(ptr < end)
    held = np.zeros(0, dtype=np.int64)  # keys currently held, any order
    post_order = tree.post_order
    school_order = tree.school_order if tree.school_area is not None else None
    worst_full = np.full(n_posts, _I64_MAX, dtype=np.int64)
    rounds = 0
    while free.size:
        rounds += 1
        k = ptr[free]
        p = posts[k].astype(np.int64, copy=False)
        key = (p * radix + ranks[k]) * tt + free
        ok = key < worst_full[p]
        bounced = free[~ok]
        key = key[ok]
        if key.size:
            held, worst_full, out = _choose_flexible(
                held, key, per_post, tree, post_order, school_order
            )
            out = out % tt
            bounced = np.concatenate((bounced, out)) if out.size else bounced
        ptr[bounced] += 1
        free = bounced[ptr[bounced] < end[bounced]]
    assignment = np.full(n_teachers, -1, dtype=np.int64)
    assignment[held % tt] = held // per_post
    return CoreOutcome(assignment=assignment, rounds=rounds)


def _choose_flexible(
    held: np.ndarray,
    key: np.ndarray,
    per_post: np.int64,
    tree: Tree,
    post_order: np.ndarray,
    school_order: np.ndarray | None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One round of the nested choice: the seats of every post given all its applicants (held
    and new), the keys held now, each full post's worst held key, and the keys rejected."""
    caps = tree.post_cap
    n_posts = caps.size
    pool = np.concatenate((held, key))
    pool.sort()
    post_of = pool // per_post
    applicants = np.bincount(post_of, minlength=n_posts)
    seats = allot(tree, applicants, post_order, school_order)
    pos = _position_in_run(post_of)
    keep = pos < seats[post_of]
    held = pool[keep]
    held_count = np.bincount(post_of[keep], minlength=n_posts)
    worst_full = np.full(n_posts, _I64_MAX, dtype=np.int64)
    hp = held // per_post
    last = np.flatnonzero(np.append(hp[1:] != hp[:-1], True)) if held.size else held
    lp = hp[last]
    at_cap = held_count[lp] == caps[lp]
    worst_full[lp[at_cap]] = held[last[at_cap]]
    return held, worst_full, pool[~keep]
