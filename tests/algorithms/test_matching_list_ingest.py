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
