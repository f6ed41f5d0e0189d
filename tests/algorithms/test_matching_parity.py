"""Parity with the PyPI package ``matching`` (HospitalResident, resident-optimal).

``matching`` needs reciprocal lists (a hospital ranks exactly the residents
who rank it) and non-empty lists; instances are either built that way or
converted by dropping the entries that cannot matter (a proposal to a post
that does not rank the teacher is always rejected).
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from matching.games import HospitalResident

from xietong.algorithms.matching import Market, deferred_acceptance, solve


def hr_solve(prefs, pri, caps):
    """Resident-optimal matching from ``matching``, as a post per teacher."""
    residents = {t: list(p) for t, p in enumerate(prefs) if p}
    hospitals = {h: list(r) for h, r in enumerate(pri) if r and caps[h] > 0}
    capacity = {h: caps[h] for h in hospitals}
    out = [-1] * len(prefs)
    if not residents or not hospitals:
        return out
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        game = HospitalResident.create_from_dictionaries(residents, hospitals, capacity)
        solution = game.solve(optimal="resident")
    for hospital, matched in solution.items():
        for resident in matched:
            out[resident.name] = hospital.name
    return out


def reciprocal(prefs, pri, caps):
    """Drop entries ``matching`` cannot take: unreciprocated ones and zero-seat posts."""
    ranked = [set(r) for r in pri]
    new_prefs = [
        [p for p in pref if t in ranked[p] and caps[p] > 0] for t, pref in enumerate(prefs)
    ]
    listed = [set() for _ in pri]
    for t, pref in enumerate(new_prefs):
        for p in pref:
            listed[p].add(t)
    new_pri = [[t for t in r if t in listed[p]] for p, r in enumerate(pri)]
    return new_prefs, new_pri


def random_instance(rng, n_t, n_p, length, reciprocal_lists):
    prefs = [rng.permutation(n_p)[: rng.integers(0, length + 1)].tolist() for _ in range(n_t)]
    if reciprocal_lists:
        applicants = [[] for _ in range(n_p)]
        for t, pref in enumerate(prefs):
            for p in pref:
                applicants[p].append(t)
        pri = [rng.permutation(a).tolist() for a in applicants]
    else:
        pri = [rng.permutation(n_t)[: rng.integers(0, n_t + 1)].tolist() for _ in range(n_p)]
    caps = rng.integers(0, max(2 * n_t // max(n_p, 1), 1) + 1, n_p).tolist()
    return prefs, [[int(x) for x in r] for r in pri], [int(c) for c in caps]


@settings(max_examples=150, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(1, 25), st.integers(1, 8), st.booleans())
def test_same_matching_as_the_matching_package(seed, n_t, n_p, recip):
    rng = np.random.default_rng(seed)
    prefs, pri, caps = random_instance(rng, n_t, n_p, n_p, recip)
    ours = deferred_acceptance(prefs, pri, caps)
    theirs = hr_solve(*reciprocal(prefs, pri, caps), caps)
    assert ours == theirs


@pytest.mark.parametrize("seed", range(4))
def test_same_matching_on_larger_instances(seed):
    rng = np.random.default_rng(1000 + seed)
    prefs, pri, caps = random_instance(rng, 400, 40, 8, reciprocal_lists=seed % 2 == 0)
    ours = deferred_acceptance(prefs, pri, caps)
    theirs = hr_solve(*reciprocal(prefs, pri, caps), caps)
    assert ours == theirs
    assert sum(x >= 0 for x in ours) > 0


@pytest.mark.parametrize("seed", range(3))
def test_csr_entry_point_gives_the_same_matching(seed):
    rng = np.random.default_rng(2000 + seed)
    prefs, pri, caps = random_instance(rng, 300, 25, 6, reciprocal_lists=True)
    market = Market.from_lists(prefs, pri, caps)
    flat = Market.from_csr(market.indptr, market.posts, np.asarray(caps), ranks=market.ranks)
    assert solve(flat).to_list() == hr_solve(*reciprocal(prefs, pri, caps), caps)
