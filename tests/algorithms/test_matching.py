"""Examples, validation and certificate checks for xietong.algorithms.matching."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from xietong.algorithms.matching import (
    Balance,
    Departure,
    Market,
    Regions,
    certify,
    deferred_acceptance,
    deferred_acceptance_csr,
    solve,
)


def reference_da(prefs, pri, caps):
    """Textbook one-proposal-at-a-time deferred acceptance (plain Python)."""
    rank = {(p, t): i for p, ts in enumerate(pri) for i, t in enumerate(ts)}
    nxt = [0] * len(prefs)
    held = [[] for _ in caps]
    free = list(range(len(prefs)))[::-1]
    while free:
        t = free.pop()
        while nxt[t] < len(prefs[t]):
            p = prefs[t][nxt[t]]
            nxt[t] += 1
            if (p, t) not in rank or caps[p] == 0:
                continue
            held[p].append(t)
            held[p].sort(key=lambda s, p=p: rank[(p, s)])
            if len(held[p]) <= caps[p]:
                break
            out = held[p].pop()
            if out != t:
                free.append(out)
                break
    result = [-1] * len(prefs)
    for p, ts in enumerate(held):
        for t in ts:
            result[t] = p
    return result


# ---------------------------------------------------------------------------
# plain entry point
# ---------------------------------------------------------------------------


def test_classic_example_teacher_optimal():
    # Both prefer post 0; post 0 ranks teacher 1 first.
    assert deferred_acceptance([[0, 1], [0, 1]], [[1, 0], [0, 1]], [1, 1]) == [1, 0]


def test_teacher_proposing_side_wins_when_two_stable_matchings_exist():
    # Stable matchings: {0:0, 1:1} (teacher-optimal) and {0:1, 1:0} (post-optimal).
    prefs = [[0, 1], [1, 0]]
    pri = [[1, 0], [0, 1]]
    assert deferred_acceptance(prefs, pri, [1, 1]) == [0, 1]


def test_incomplete_and_non_reciprocal_lists():
    # Post 0 does not rank teacher 0; post 1 ranks teacher 2, who never applies.
    prefs = [[0, 1], [0], [0]]
    pri = [[1, 2], [0, 2]]
    assert deferred_acceptance(prefs, pri, [1, 1]) == [1, 0, -1]


def test_zero_capacity_and_empty_lists():
    assert deferred_acceptance([[0, 1], []], [[0, 1], [0, 1]], [0, 1]) == [1, -1]
    assert deferred_acceptance([], [[]], [1]) == []
    assert deferred_acceptance([[]], [], []) == [-1]


def test_many_to_one_capacity():
    prefs = [[0], [0], [0], [0]]
    pri = [[3, 1, 0, 2]]
    assert deferred_acceptance(prefs, pri, [2]) == [-1, 0, -1, 0]


@pytest.mark.parametrize("seed", range(3))
def test_matches_textbook_reference_on_medium_instances(seed):
    rng = np.random.default_rng(seed)
    n_t, n_p = 1500, 60
    prefs = [rng.permutation(n_p)[: rng.integers(0, 12)].tolist() for _ in range(n_t)]
    pri = [rng.permutation(n_t)[: rng.integers(0, n_t)].tolist() for _ in range(n_p)]
    caps = rng.integers(0, 40, n_p).tolist()
    assert deferred_acceptance(prefs, pri, caps) == reference_da(prefs, pri, caps)


def test_csr_entry_point_and_rank_ties_broken_by_teacher_index():
    res = deferred_acceptance_csr(
        np.array([0, 1, 2, 3]), np.array([0, 0, 0]), np.array([1]), ranks=np.array([5, 5, 5])
    )
    assert res.to_list() == [0, -1, -1]
    assert res.certificate.ok


def test_huge_ranks_fall_back_to_dense_keys():
    rng = np.random.default_rng(3)
    n_t, n_p = 200, 5
    indptr = np.arange(0, 3 * n_t + 1, 3)
    posts = np.concatenate([rng.permutation(n_p)[:3] for _ in range(n_t)])
    small = rng.permutation(posts.size)
    huge = small.astype(np.int64) * (2**50)  # same order, far beyond 63-bit keys
    caps = np.full(n_p, 20)
    a = solve(Market.from_csr(indptr, posts, caps, ranks=small)).assignment
    b = solve(Market.from_csr(indptr, posts, caps, ranks=huge)).assignment
    assert np.array_equal(a, b)
    assert (a >= 0).sum() == 100


# ---------------------------------------------------------------------------
# validation
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prefs", "pri", "caps", "message"),
    [
        ([[5]], [[0]], [1], "teacher 0 lists post 5"),
        ([[0, 0]], [[0]], [1], "teacher 0 lists post 0 more than once"),
        ([[0]], [[0, 0]], [1], "post 0 lists teacher 0 more than once"),
        ([[0]], [[3]], [1], "post 0 lists teacher 3"),
        ([[0]], [[0]], [-1], "capacities\\[0\\] = -1 is negative"),
        ([[0]], [[0]], [1, 1], "capacities has 2 entries"),
        ([[0.5]], [[0]], [1], "integer"),
        ([[True]], [[0]], [1], "integer"),
    ],
)
def test_list_input_validation(prefs, pri, caps, message):
    with pytest.raises(ValueError, match=message):
        deferred_acceptance(prefs, pri, caps)


def test_csr_validation():
    ok = {"prefs_indptr": np.array([0, 1]), "prefs_indices": np.array([0]), "capacities": [1]}
    with pytest.raises(ValueError, match="start with 0"):
        Market.from_csr(np.array([1, 1]), np.array([0]), np.array([1]), ranks=np.array([0]))
    with pytest.raises(ValueError, match="non-decreasing"):
        Market.from_csr(np.array([0, 2, 1]), np.array([0]), np.array([1]), ranks=np.array([0]))
    with pytest.raises(ValueError, match="must equal len"):
        Market.from_csr(np.array([0, 2]), np.array([0]), np.array([1]), ranks=np.array([0]))
    with pytest.raises(ValueError, match="use -1"):
        Market.from_csr(**ok, ranks=np.array([-2]))
    with pytest.raises(ValueError, match="exactly one"):
        Market.from_csr(**ok)
    with pytest.raises(ValueError, match="exactly one"):
        Market.from_csr(**ok, ranks=np.array([0]), scores=np.array([1.0]))
    with pytest.raises(ValueError, match="tie_break"):
        Market.from_csr(**ok, scores=np.array([1.0]), tie_break="triple")
    with pytest.raises(ValueError, match="finite"):
        Market.from_csr(**ok, scores=np.array([np.inf]))
    with pytest.raises(ValueError, match="integers"):
        Market.from_csr(np.array([0.0, 1.0]), np.array([0]), np.array([1]), ranks=np.array([0]))
    with pytest.raises(ValueError, match="teacher 1 lists post 2 more than once"):
        Market.from_csr(
            np.array([0, 1, 4]), np.array([0, 2, 1, 2]), np.ones(3, int), ranks=np.zeros(4, int)
        )


def test_market_is_frozen_and_read_only():
    m = Market.from_lists([[0]], [[0]], [1])
    with pytest.raises(dataclasses.FrozenInstanceError):
        m.capacities = np.array([2])
    with pytest.raises(ValueError, match="read-only"):
        m.capacities[0] = 2
    res = solve(m)
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.assignment = None


def test_solve_validation():
    m = Market.from_lists([[0], [0]], [[0, 1]], [1])
    with pytest.raises(ValueError, match="mode must be one of"):
        solve(m, mode="serial")
    with pytest.raises(ValueError, match="needs current_post"):
        solve(m, mode="tobe")
    with pytest.raises(ValueError, match="one entry per teacher"):
        solve(m, mode="ir_da", current_post=[0])
    with pytest.raises(ValueError, match="2 current occupants but only 1 seats"):
        solve(m, mode="ir_da", current_post=[0, 0])
    with pytest.raises(ValueError, match="does not list it"):
        solve(Market.from_lists([[], [0]], [[0, 1]], [1]), mode="tobe", current_post=[0, -1])
    r = Regions.build(m.capacities, [0], [1])
    with pytest.raises(ValueError, match="only supported with mode='da'"):
        solve(m, mode="ir_da", regions=r, current_post=[-1, -1])
    with pytest.raises(ValueError, match="different post capacities"):
        solve(m, regions=Regions.build([2], [0], [1]))
    with pytest.raises(ValueError, match="must be a Market"):
        solve([[0]])


def test_regions_validation():
    with pytest.raises(ValueError, match="post 1 is in school 3"):
        Regions.build([1, 1], [0, 3], [1])
    with pytest.raises(ValueError, match="together"):
        Regions.build([1], [0], [1], school_area=[0])
    with pytest.raises(ValueError, match="between 0 and the post's capacity"):
        Regions.build([1, 1], [0, 0], [2], post_targets=[2, 0])
    with pytest.raises(ValueError, match="add up to more than its cap"):
        Regions.build([2, 2], [0, 0], [3], post_targets=[2, 2])
    with pytest.raises(ValueError, match="school_targets in area 0"):
        Regions.build([2, 2], [0, 1], [-1, -1], school_area=[0, 0], area_caps=[2],
                      school_targets=[2, 1])  # fmt: skip


def test_gate_validation():
    with pytest.raises(ValueError, match=">= 0"):
        Departure.build([0], [-1])
    with pytest.raises(ValueError, match="teacher 0 is in group 2"):
        Departure.build([2], [1])
    with pytest.raises(ValueError, match="tolerance must be >= 0"):
        Balance.build([0], [0], tolerance=-1)
    with pytest.raises(ValueError, match="post_member"):
        Balance.build([0], [-1])
    with pytest.raises(ValueError, match="staff count"):
        Departure.from_staffing([1], [1], {}, {(1, 1): 2})


def test_certify_validation():
    m = Market.from_lists([[0]], [[0]], [1])
    with pytest.raises(ValueError, match="shape"):
        certify(m, [0, 0])
    with pytest.raises(ValueError, match="outside -1..0"):
        certify(m, [3])
    with pytest.raises(ValueError, match="needs current_post"):
        certify(m, [0], mode="ir_da")
    with pytest.raises(ValueError, match="mode must be"):
        certify(m, [0], mode="fast")


# ---------------------------------------------------------------------------
# scores and lotteries
# ---------------------------------------------------------------------------


def test_higher_score_wins_whatever_the_lottery():
    for seed in range(10):
        m = Market.from_scores([[0], [0]], [{0: 3.0, 1: 8.5}], [1], seed=seed)
        assert solve(m).to_list() == [-1, 0]


def test_score_ties_single_vs_multiple_tie_breaking():
    prefs = [[0, 1], [0, 1]]
    scores = [{0: 1, 1: 1}, {0: 1, 1: 1}]
    same_order = []
    for seed in range(40):
        stb = Market.from_scores(prefs, scores, [1, 1], tie_break="single", seed=seed)
        r = stb.ranks.tolist()  # entries: (t0,p0), (t0,p1), (t1,p0), (t1,p1)
        assert (r[0] < r[2]) == (r[1] < r[3])  # one lottery order at every post
        mtb = Market.from_scores(prefs, scores, [1, 1], tie_break="multiple", seed=seed)
        r = mtb.ranks.tolist()
        same_order.append((r[0] < r[2]) == (r[1] < r[3]))
    assert not all(same_order)  # independent lotteries disagree for some seed
    again = Market.from_scores(prefs, scores, [1, 1], tie_break="multiple", seed=7)
    first = Market.from_scores(prefs, scores, [1, 1], tie_break="multiple", seed=7)
    assert again.ranks.tolist() == first.ranks.tolist()


def test_missing_score_means_not_eligible_and_cutoff_scores_are_reported():
    m = Market.from_scores([[0], [0], [0]], [{0: 5.0, 2: 9.0}], [1], seed=0)
    res = solve(m)
    assert res.to_list() == [-1, -1, 0]
    wn = res.certificate.why_not
    assert wn.for_teacher(1)[0]["reason"] == "not_ranked"
    detail = wn.for_teacher(0)[0]
    assert detail["reason"] == "below_cutoff"
    assert detail["cutoff_score"] == 9.0


# ---------------------------------------------------------------------------
# regional caps
# ---------------------------------------------------------------------------


def test_flexible_da_targets_then_round_robin():
    # Two one-post schools of 3 seats in an area capped at 3: targets 1 + 1, then
    # the extra seat goes to the first school in index order.
    prefs = [[0], [0], [0], [1], [1], [1]]
    pri = [[0, 1, 2], [3, 4, 5]]
    m = Market.from_lists(prefs, pri, [3, 3])
    r = Regions.build(m.capacities, [0, 1], [-1, -1], school_area=[0, 0], area_caps=[3])
    assert r.school_targets.tolist() == [1, 1]
    res = solve(m, regions=r)
    assert res.to_list() == [0, 0, -1, 1, -1, -1]
    cert = res.certificate
    assert cert.ok
    assert "Kamada-Kojima" in cert.stability_notion
    assert cert.why_not.for_teacher(4)[0]["reason"] == "area_cap"
    # with explicit targets 0 / 3 the second school is filled first
    r2 = Regions.build(
        m.capacities, [0, 1], [-1, -1], school_area=[0, 0], area_caps=[3], school_targets=[0, 3]
    )
    assert solve(m, regions=r2).to_list() == [-1, -1, -1, 1, 1, 1]


def test_school_cap_reason_and_certificate_rejects_over_cap():
    m = Market.from_lists([[0], [1], [1]], [[0], [1, 2]], [1, 2])
    r = Regions.build(m.capacities, [0, 0], [2])
    res = solve(m, regions=r)
    assert sorted(x for x in res.to_list() if x >= 0) == [0, 1]
    unplaced = res.to_list().index(-1)
    assert res.certificate.why_not.for_teacher(unplaced)[0]["reason"] == "school_cap"
    bad = certify(m, [0, 1, 1], regions=r)
    assert not bad.ok
    assert bad.capacity_violations == ("school 0: 3 teachers, cap 2",)


# ---------------------------------------------------------------------------
# departure caps and balance
# ---------------------------------------------------------------------------


def test_departure_cap_releases_in_order():
    m = Market.from_lists([[0], [1]], [[0, 1], [0, 1]], [1, 1])
    dep = Departure.build([0, 0], [1])
    res = solve(m, departure=dep)
    assert res.to_list() == [0, -1]
    assert res.gate_reason.tolist() == [0, 1]
    assert res.certificate.departures.tolist() == [1]
    assert res.certificate.why_not.for_teacher(1)[0]["reason"] == "departure_cap"
    assert len(res.certificate.slack_gate_teachers) == 0
    assert solve(m, departure=dep, release_order=[1, 0]).to_list() == [-1, 1]


def test_departure_gate_widens_when_early_teachers_find_nothing():
    # Teacher 0 is first in line but no post ranks her; teacher 2 takes her slot.
    m = Market.from_lists([[0], [0], [1]], [[1], [2]], [1, 1])
    res = solve(m, departure=Departure.build([0, 0, 0], [2]))
    assert res.to_list() == [-1, 0, 1]
    assert res.gate_iterations == 2
    assert res.admitted.all()


def test_departure_caps_from_staffing_floors():
    dep, keys = Departure.from_staffing([3, 3, 3, 4], [1, 1, 2, 1], {(3, 1): 10}, {(3, 1): 9})
    assert keys == [(3, 1)]
    assert dep.teacher_group.tolist() == [0, 0, -1, -1]
    assert dep.caps.tolist() == [1]


def test_certificate_flags_exceeded_departure_cap():
    m = Market.from_lists([[0], [1]], [[0, 1], [0, 1]], [1, 1])
    cert = certify(m, [0, 1], departure=Departure.build([0, 0], [1]))
    assert not cert.ok
    assert cert.gate_violations == ("departure group 0: 2 leave, cap 1",)


def test_balanced_exchange_within_tolerance():
    # Teachers 0-2 come from member 0 and want post 0 (member 1); teacher 3 comes
    # from member 1 and wants post 1 (member 0).
    m = Market.from_lists([[0], [0], [0], [1]], [[0, 1, 2], [3]], [3, 1])
    bal = Balance.build([0, 0, 0, 1], [1, 0], tolerance=0)
    res = solve(m, balance=bal)
    assert res.to_list() == [0, -1, -1, 1]
    assert res.certificate.balance_net.tolist() == [0, 0]
    assert res.certificate.why_not.for_teacher(2)[0]["reason"] == "balance"
    loose = solve(m, balance=Balance.build([0, 0, 0, 1], [1, 0], tolerance=1))
    assert loose.to_list() == [0, 0, -1, 1]
    unchecked = certify(m, [0, 0, 0, 1], balance=bal)
    assert not unchecked.ok
    assert unchecked.gate_violations == ("member 0 sends 3, receives 1, tolerance 0",)


# ---------------------------------------------------------------------------
# individually rational modes
# ---------------------------------------------------------------------------


def test_plain_da_can_hurt_an_incumbent_but_ir_modes_do_not():
    m = Market.from_lists([[0], [0, 1]], [[1, 0], [1]], [1, 1])
    current = [0, 1]
    assert solve(m).to_list() == [-1, 0]  # teacher 0 loses her post
    ir = solve(m, mode="ir_da", current_post=current)
    assert ir.to_list() == [0, 1]
    assert ir.certificate.why_not.for_teacher(1)[0]["reason"] == "incumbent"
    assert solve(m, mode="tobe", current_post=current).to_list() == [0, 1]
    cert = certify(m, [-1, 0], mode="ir_da", current_post=current)
    assert not cert.ok
    assert cert.ir_violations.tolist() == [0]


def test_tobe_three_cycle():
    prefs = [[1, 0], [2, 1], [0, 2]]
    pri = [[2, 0], [0, 1], [1, 2]]
    res = solve(Market.from_lists(prefs, pri, [1, 1, 1]), mode="tobe", current_post=[0, 1, 2])
    assert res.to_list() == [1, 2, 0]
    assert res.rounds == 1
    assert "TO-BE" in res.mechanism


def test_tobe_respects_post_priorities():
    # Post 1 ranks its incumbent above teacher 0, so the swap is refused.
    m = Market.from_lists([[1, 0], [0, 1]], [[1, 0], [1, 0]], [1, 1])
    res = solve(m, mode="tobe", current_post=[0, 1])
    assert res.to_list() == [0, 1]
    assert res.certificate.why_not.for_teacher(0)[0]["reason"] == "below_cutoff"
    forced = certify(m, [1, 0], mode="tobe", current_post=[0, 1])
    assert not forced.ok
    assert forced.post_ir_violations.tolist() == [1]


def test_tobe_newcomer_chain_into_a_vacancy():
    # Newcomer 0 replaces teacher 1 at post 0; teacher 1 moves into the vacancy at post 1.
    m = Market.from_lists([[0], [1, 0]], [[0, 1], [1]], [1, 1])
    res = solve(m, mode="tobe", current_post=[-1, 0])
    assert res.to_list() == [0, 1]
    stuck = certify(m, [-1, 0], mode="tobe", current_post=[-1, 0])
    assert not stuck.ok
    assert stuck.improving_block_teachers.tolist() == [0, 1]


def test_tobe_certificate_detects_a_missed_swap():
    m = Market.from_lists([[1, 0], [0, 1]], [[1, 0], [0, 1]], [1, 1])
    cert = certify(m, [0, 1], mode="tobe", current_post=[0, 1])
    assert not cert.ok
    assert cert.improving_block_teachers.tolist() == [0, 1]
    assert solve(m, mode="tobe", current_post=[0, 1]).to_list() == [1, 0]


# ---------------------------------------------------------------------------
# certificate and why-not
# ---------------------------------------------------------------------------


def test_certificate_catches_each_kind_of_violation():
    m = Market.from_lists([[0, 1], [0], [1]], [[0, 1], [2, 0]], [1, 1])
    assert certify(m, [0, -1, 1]).ok
    over = certify(m, [0, 0, 1])
    assert over.capacity_violations == ("post 0: 2 teachers for 1 seats",)
    unlisted = certify(m, [0, 1, -1])
    assert unlisted.invalid_assignments.tolist() == [1]
    blocking = certify(m, [1, -1, -1])
    assert blocking.blocking_pairs.tolist() == [[0, 0], [1, 0], [2, 1]]
    assert "blocking pairs: 3" in blocking.summary()
    with pytest.raises(ValueError, match="FAILED"):
        blocking.raise_if_invalid()


def test_why_not_lists_every_better_post_with_cutoff():
    prefs = [[0, 1, 2], [0], [1], [2, 0]]
    pri = [[1, 3, 0], [2, 0], [0, 3]]
    m = Market.from_lists(prefs, pri, [1, 1, 1])
    res = solve(m)
    assert res.to_list() == [2, 0, 1, -1]
    wn = res.certificate.why_not
    assert [d["post"] for d in wn.for_teacher(0)] == [0, 1]
    assert [(d["your_rank"], d["cutoff_rank"]) for d in wn.for_teacher(0)] == [(2, 0), (1, 0)]
    assert [d["reason"] for d in wn.for_teacher(3)] == ["below_cutoff", "below_cutoff"]
    assert wn.for_teacher(1) == []
    assert wn.reason_counts() == {"below_cutoff": 4}
    assert res.certificate.cutoff_rank.tolist() == [0, 0, 0]
    with pytest.raises(ValueError, match="out of range"):
        wn.for_teacher(9)


def test_large_score_market_uses_lottery_codes_and_matches_plain_ranks():
    # Float scores on 300,000 entries make rank * entries overflow 63 bits, so the
    # solver keys on (post, rank) alone and decodes the entry from the lottery code.
    rng = np.random.default_rng(11)
    n_t, n_p, length = 30_000, 1_000, 10
    indptr = np.arange(0, n_t * length + 1, length)
    steps = np.array([s for s in range(1, 200) if np.gcd(s, n_p) == 1])
    step = rng.choice(steps, n_t)[:, None]  # coprime strides: distinct posts per list
    posts = ((rng.integers(0, n_p, n_t)[:, None] + np.arange(length) * step) % n_p).ravel()
    scores = rng.normal(size=posts.size)
    caps = rng.integers(1, 40, n_p)
    scored = Market.from_csr(indptr, posts, caps, scores=scores, tie_break="multiple", seed=3)
    assert scored.n_posts * (int(scored.ranks.max()) + 1) * posts.size >= 2**62
    # the same strict order as dense per-post ranks, solved by the plain path
    order = np.lexsort((scored.ranks, posts))
    dense = np.empty(posts.size, dtype=np.int64)
    dense[order] = np.arange(posts.size) - np.searchsorted(posts[order], posts[order])
    plain = Market.from_csr(indptr, posts, caps, ranks=dense)
    a, b = solve(scored), solve(plain)
    assert np.array_equal(a.assignment, b.assignment)
    assert a.certificate.ok and (a.assignment >= 0).sum() > 10_000
