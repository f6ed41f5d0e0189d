"""The list entry point's bulk ingest and the sequential tail of deferred acceptance.

``deferred_acceptance`` reads Python lists in bulk and joins the posts' priorities to the
teachers' lists with packed-key sorts; the round loop finishes its last small rounds in plain
Python.  Both must give exactly what a textbook implementation gives, and the tail must not
change the round count."""

from __future__ import annotations

import heapq

import numpy as np
import pytest

from xietong.algorithms.matching import Market, core, deferred_acceptance, solve


def _textbook_da(prefs, pri, caps):
    rank = [{t: r for r, t in enumerate(p)} for p in pri]
    held: list[list[tuple[int, int]]] = [[] for _ in pri]
    nxt = [0] * len(prefs)
    free = list(range(len(prefs)))[::-1]
    out = [-1] * len(prefs)
    while free:
        t = free.pop()
        while nxt[t] < len(prefs[t]):
            p = prefs[t][nxt[t]]
            nxt[t] += 1
            r = rank[p].get(t)
            if r is None or caps[p] == 0:
                continue
            if len(held[p]) < caps[p]:
                heapq.heappush(held[p], (-r, t))
                out[t] = p
                break
            if -held[p][0][0] > r:
                _, loser = heapq.heapreplace(held[p], (-r, t))
                out[t], out[loser] = p, -1
                free.append(loser)
                break
    return out


def _market(seed: int, n_t: int, n_p: int, length: int, drop: float):
    rng = np.random.default_rng(seed)
    prefs = [rng.permutation(n_p)[: rng.integers(0, length + 1)].tolist() for _ in range(n_t)]
    applicants: list[list[int]] = [[] for _ in range(n_p)]
    for t, pref in enumerate(prefs):
        for p in pref:
            if rng.random() >= drop:  # some posts do not rank some applicants
                applicants[p].append(t)
    pri = [rng.permutation(a).tolist() for a in applicants]
    caps = rng.integers(0, 4, n_p).tolist()
    return prefs, pri, caps


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_list_entry_point_equals_the_textbook_algorithm(seed):
    prefs, pri, caps = _market(seed, 3_000, 150, 12, drop=0.1)
    assert deferred_acceptance(prefs, pri, caps) == _textbook_da(prefs, pri, caps)


@pytest.mark.parametrize("seed", [4, 5])
def test_sequential_tail_changes_neither_matching_nor_rounds(seed, monkeypatch):
    prefs, pri, caps = _market(seed, 4_000, 200, 10, drop=0.05)
    market = Market.from_lists(prefs, pri, caps)
    mixed = solve(market)
    monkeypatch.setattr(core, "_SEQUENTIAL_BELOW", 0)  # numpy rounds to the end
    vectorised = solve(market)
    monkeypatch.setattr(core, "_SEQUENTIAL_BELOW", 10**9)  # every round in Python
    sequential = solve(market)
    assert mixed.to_list() == vectorised.to_list() == sequential.to_list()
    assert mixed.to_list() == _textbook_da(prefs, pri, caps)
    assert mixed.rounds == vectorised.rounds == sequential.rounds > 10


def test_priority_join_reads_ranks_from_the_posts_lists():
    market = Market.from_lists([[2, 0, 1], [0, 2]], [[1, 0], [0], [0, 1]], [1, 1, 1])
    # teacher 0: post 2 ranks her 0th, post 0 ranks her 1st, post 1 ranks her 0th
    assert market.ranks.tolist() == [0, 1, 0, 0, 1]


def test_a_post_naming_a_teacher_twice_is_refused():
    with pytest.raises(ValueError, match="post 1 lists teacher 0 more than once in its priority"):
        Market.from_lists([[1], [1]], [[], [0, 1, 0]], [1, 1])


def _reference_ranks(prefs, pri):
    rank = [{t: r for r, t in enumerate(p)} for p in pri]
    return [rank[p].get(t, -1) for t, pref in enumerate(prefs) for p in pref]


@pytest.mark.parametrize(
    ("seed", "ragged", "drop", "extra"),
    [(6, False, 0.0, 0), (7, True, 0.0, 0), (8, False, 0.2, 0), (9, True, 0.1, 3)],
)
def test_joined_ranks_equal_a_dictionary_lookup(seed, ragged, drop, extra):
    # reciprocal lists (one-step scatter) and not (lookup): posts may skip applicants or
    # rank teachers who do not list them; equal-length lists take the in-place grid path
    rng = np.random.default_rng(seed)
    n_t, n_p = 2_000, 120
    prefs = [
        rng.permutation(n_p)[: rng.integers(0, 9) if ragged else 8].tolist() for _ in range(n_t)
    ]
    applicants: list[list[int]] = [[] for _ in range(n_p)]
    for t, pref in enumerate(prefs):
        for p in pref:
            if rng.random() >= drop:
                applicants[p].append(t)
    for p in range(n_p):
        outsiders = set(rng.integers(0, n_t, extra).tolist()) - set(applicants[p])
        applicants[p].extend(sorted(outsiders))
    pri = [rng.permutation(a).tolist() for a in applicants]
    market = Market.from_lists(prefs, pri, [2] * n_p)
    assert market.ranks.tolist() == _reference_ranks(prefs, pri)
    assert deferred_acceptance(prefs, pri, [2] * n_p) == _textbook_da(prefs, pri, [2] * n_p)


@pytest.mark.parametrize(
    ("prefs", "pri", "message"),
    [
        (
            [[0, 1], [1, True]],
            [[0], [0, 1]],
            "teacher_prefs must contain integer indices, found True",
        ),
        ([[0, 1.0]], [[0], [0]], "teacher_prefs must contain integer indices, found 1.0"),
        ([[0], ["1"]], [[0, 1]], "teacher_prefs must contain integer indices, found '1'"),
        ([[0], [0]], [[1, False]], "post_priorities must contain integer indices, found False"),
        ([[0]], [[np.bool_(False)]], "post_priorities must contain integer indices"),
        ([[2**70]], [[0]], "teacher_prefs holds 1180591620717411303424, which is out of range"),
        ([[0, 1], [1, 1]], [[0], [0, 1]], "teacher 1 lists post 1 more than once"),
        ([[0, 1], [1, 0]], [[0, 1], [1, 1]], "post 1 lists teacher 1 more than once"),
        ([[0, 1], [1, 7]], [[0, 1], [1, 0]], "teacher 1 lists post 7"),
        ([[0, 1], [1, -1]], [[0, 1], [1, 0]], "teacher 1 lists post -1"),
    ],
)
def test_bulk_reading_keeps_the_errors(prefs, pri, message):
    with pytest.raises(ValueError, match=message):
        deferred_acceptance(prefs, pri, [1] * len(pri))


def test_numpy_integers_are_read_like_python_ints():
    prefs = [[np.int64(1), np.int32(0)], [np.uint8(0)]]
    pri = [[np.int16(1), 0], [np.int64(0)]]
    assert deferred_acceptance(prefs, pri, [1, 1]) == deferred_acceptance(
        [[1, 0], [0]], [[1, 0], [0]], [1, 1]
    )


def test_the_first_error_is_still_the_first_checked():
    # a float in the teachers' lists is reported before an out-of-range post or a repeat
    with pytest.raises(ValueError, match="teacher_prefs must contain integer"):
        deferred_acceptance([[9], [0.5]], [[0, 0]], [1])
    # a repeated teacher in a priority list before an out-of-range post in a teacher's list
    with pytest.raises(ValueError, match="post 0 lists teacher 0 more than once"):
        deferred_acceptance([[9]], [[0, 0]], [1])
    # a negative capacity before an out-of-range post
    with pytest.raises(ValueError, match="capacities\\[0\\] = -1 is negative"):
        deferred_acceptance([[9]], [[0]], [-1])


@pytest.mark.parametrize("below", [0, 10**9])
def test_lottery_coded_keys_give_the_same_matching_in_either_kind_of_round(below, monkeypatch):
    # scores on 300,000 entries overflow the three-part key: the tail decodes entries from
    # the lottery codes; all-numpy and all-Python rounds agree with the default mix
    rng = np.random.default_rng(12)
    n_t, n_p, length = 30_000, 1_000, 10
    indptr = np.arange(0, n_t * length + 1, length)
    steps = np.array([s for s in range(1, 200) if np.gcd(s, n_p) == 1])
    step = rng.choice(steps, n_t)[:, None]
    posts = ((rng.integers(0, n_p, n_t)[:, None] + np.arange(length) * step) % n_p).ravel()
    market = Market.from_csr(
        indptr, posts, rng.integers(1, 40, n_p), scores=rng.normal(size=posts.size), seed=4
    )
    mixed = solve(market)
    monkeypatch.setattr(core, "_SEQUENTIAL_BELOW", below)
    other = solve(market)
    assert np.array_equal(mixed.assignment, other.assignment)
    assert mixed.rounds == other.rounds


@pytest.mark.parametrize("below", [0, 10**9])
def test_big_endian_arrays_are_solved_in_either_kind_of_round(below, monkeypatch):
    monkeypatch.setattr(core, "_SEQUENTIAL_BELOW", below)
    posts = np.array([0, 1, 0, 1], dtype=">i4")
    ranks = np.array([1, 0, 0, 1], dtype=">i8")
    market = Market.from_csr(np.array([0, 2, 4]), posts, np.array([1, 1]), ranks=ranks)
    assert solve(market).to_list() == [1, 0]
