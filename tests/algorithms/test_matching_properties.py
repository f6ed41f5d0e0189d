"""Hypothesis properties of the matching module, checked against brute force.

Everything here is re-implemented from the definitions in plain Python
(no numpy tricks, nothing imported from the solvers): stability, the nested
Kamada-Kojima choice function, two-sided individual rationality and improving
block exchanges.  Instances are tiny so that all matchings can be enumerated.
"""

from __future__ import annotations

import itertools

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xietong.algorithms.matching import (
    Departure,
    Market,
    Regions,
    certify,
    deferred_acceptance,
    solve,
)

SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# ---------------------------------------------------------------------------
# strategies
# ---------------------------------------------------------------------------


@st.composite
def instances(draw, max_teachers=5, max_posts=3, max_cap=2):
    n_t = draw(st.integers(1, max_teachers))
    n_p = draw(st.integers(1, max_posts))
    prefs = [draw(st.lists(st.integers(0, n_p - 1), unique=True, max_size=n_p)) for _ in range(n_t)]
    pri = [draw(st.lists(st.integers(0, n_t - 1), unique=True, max_size=n_t)) for _ in range(n_p)]
    caps = [draw(st.integers(0, max_cap)) for _ in range(n_p)]
    return prefs, pri, caps


@st.composite
def regional_instances(draw):
    prefs, pri, caps = draw(instances(max_teachers=5, max_posts=4, max_cap=2))
    n_p = len(caps)
    n_s = draw(st.integers(1, n_p))
    post_school = [draw(st.integers(0, n_s - 1)) for _ in range(n_p)]
    school_caps = [draw(st.integers(-1, 3)) for _ in range(n_s)]
    areas = draw(st.booleans())
    kwargs = {}
    if areas:
        n_a = draw(st.integers(1, n_s))
        kwargs["school_area"] = [draw(st.integers(0, n_a - 1)) for _ in range(n_s)]
        kwargs["area_caps"] = [draw(st.integers(-1, 3)) for _ in range(n_a)]
    regions = Regions.build(caps, post_school, school_caps, **kwargs)
    if draw(st.booleans()):  # explicit zero targets: pure round robin
        regions = Regions.build(
            caps,
            post_school,
            school_caps,
            post_targets=[0] * n_p,
            school_targets=None if not areas else [0] * n_s,
            **kwargs,
        )
    return prefs, pri, caps, regions


@st.composite
def exchange_instances(draw, newcomers=True):
    prefs, pri, caps = draw(instances(max_teachers=5, max_posts=3, max_cap=2))
    n_t = len(prefs)
    seats = [p for p, c in enumerate(caps) for _ in range(c)]
    seats = draw(st.permutations(seats))
    current = []
    for _ in range(n_t):
        if seats and (not newcomers or draw(st.integers(0, 3)) > 0):
            current.append(seats.pop())
        else:
            current.append(-1)
    # every incumbent lists her current post somewhere in her list
    for t, p in enumerate(current):
        if p >= 0 and p not in prefs[t]:
            pos = draw(st.integers(0, len(prefs[t])))
            prefs[t] = prefs[t][:pos] + [p] + prefs[t][pos:]
    return prefs, pri, caps, current


# ---------------------------------------------------------------------------
# reference definitions (plain Python)
# ---------------------------------------------------------------------------


def rank_of(pri, p, t):
    return pri[p].index(t) if t in pri[p] else None


def prefers(pref, a, b):
    """Teacher with list ``pref`` strictly prefers post ``a`` to ``b`` (-1 = none)."""
    if a == b or a < 0 or a not in pref:
        return False
    return b < 0 or b not in pref or pref.index(a) < pref.index(b)


def feasible(prefs, pri, caps, mu, current=None):
    for t, p in enumerate(mu):
        if p < 0:
            continue
        own = current is not None and current[t] == p
        if not own and (p not in prefs[t] or rank_of(pri, p, t) is None):
            return False
    return all(sum(1 for p in mu if p == q) <= caps[q] for q in range(len(caps)))


def stable(prefs, pri, caps, mu, key=None):
    """Gale-Shapley stability; ``key(p, t)`` overrides the post's priority."""
    key = key or (lambda p, t: rank_of(pri, p, t))
    if not feasible(prefs, pri, caps, mu):
        return False
    for t, pref in enumerate(prefs):
        for p in pref:
            if not prefers(pref, p, mu[t]) or rank_of(pri, p, t) is None or caps[p] == 0:
                continue
            held = [s for s, q in enumerate(mu) if q == p]
            if len(held) < caps[p] or any(key(p, t) < key(p, s) for s in held):
                return False
    return True


def all_assignments(prefs, n_p, current=None):
    options = []
    for t, pref in enumerate(prefs):
        opts = {-1, *pref}
        if current is not None and current[t] >= 0:
            opts.add(current[t])
        options.append(sorted(opts))
    return [list(c) for c in itertools.product(*options)]


def teacher_optimal(prefs, candidates, mu):
    return all(
        not prefers(prefs[t], other[t], mu[t]) for other in candidates for t in range(len(mu))
    )


def ref_allot(regions: Regions, applicants):
    """Nested FDA choice by definition: take the m smallest round-robin unit keys."""
    caps = regions.capacities.tolist()
    ps = regions.post_school.tolist()
    n_s = regions.n_schools
    inf = 10**9
    scap = [inf if c < 0 else c for c in regions.school_caps.tolist()]
    d_post = [min(a, c) for a, c in zip(applicants, caps, strict=True)]
    d_school = [
        min(scap[s], sum(d for d, q in zip(d_post, ps, strict=True) if q == s)) for s in range(n_s)
    ]

    def pick(children, demand, target, budget):
        units = []
        for c in children:
            for j in range(1, demand[c] + 1):
                units.append((0, j, c) if j <= target[c] else (1, j - target[c], c))
        units.sort()
        got = dict.fromkeys(children, 0)
        for _, _, c in units[:budget]:
            got[c] += 1
        return got

    if regions.school_area is None:
        s_budget = d_school
    else:
        sa = regions.school_area.tolist()
        acap = [inf if c < 0 else c for c in regions.area_caps.tolist()]
        st_ = regions.school_targets.tolist()
        s_budget = [0] * n_s
        for a in range(regions.n_areas):
            kids = [s for s in range(n_s) if sa[s] == a]
            demand = min(acap[a], sum(d_school[s] for s in kids))
            for s, n in pick(kids, d_school, st_, demand).items():
                s_budget[s] = n
    seats = [0] * len(caps)
    pt = regions.post_targets.tolist()
    for s in range(n_s):
        kids = [p for p in range(len(caps)) if ps[p] == s]
        for p, n in pick(kids, d_post, pt, s_budget[s]).items():
            seats[p] = n
    return seats


def ref_region_blocks(prefs, pri, regions, mu, t, p):
    """Does contract (t, p) enter the region's choice from current contracts + (t, p)?"""
    counts = [sum(1 for q in mu if q == r) for r in range(len(regions.capacities))]
    counts[p] += 1
    seats = ref_allot(regions, counts)
    pool = sorted([rank_of(pri, p, s) for s, q in enumerate(mu) if q == p] + [rank_of(pri, p, t)])
    return rank_of(pri, p, t) in pool[: seats[p]]


def regional_stable(prefs, pri, caps, regions, mu):
    if not feasible(prefs, pri, caps, mu):
        return False
    counts = [sum(1 for q in mu if q == r) for r in range(len(caps))]
    if ref_allot(regions, counts) != counts:  # some cap exceeded
        return False
    for t, pref in enumerate(prefs):
        for p in pref:
            if prefers(pref, p, mu[t]) and rank_of(pri, p, t) is not None:
                if ref_region_blocks(prefs, pri, regions, mu, t, p):
                    return False
    return True


def protected_stable(prefs, pri, caps, current, mu):
    """Stability under incumbent-protected priorities, lists cut below the current post."""
    cut = [
        pref[: pref.index(c) + 1] if c >= 0 else pref
        for pref, c in zip(prefs, current, strict=True)
    ]

    def key(p, t):
        return (0, t) if current[t] == p else (1, rank_of(pri, p, t), t)

    def rank_t(p, t):
        return key(p, t) if (current[t] == p or rank_of(pri, p, t) is not None) else None

    for t, p in enumerate(mu):
        if p >= 0 and p != current[t] and (p not in cut[t] or rank_of(pri, p, t) is None):
            return False
    if any(sum(1 for q in mu if q == r) > caps[r] for r in range(len(caps))):
        return False
    for t, pref in enumerate(cut):
        for p in pref:
            if not prefers(pref, p, mu[t]) or rank_t(p, t) is None or caps[p] == 0:
                continue
            held = [s for s, q in enumerate(mu) if q == p]
            if len(held) < caps[p] or any(key(p, t) < key(p, s) for s in held):
                return False
    return True


def ir(prefs, current, mu):
    return all(
        c < 0 or (m >= 0 and (m == c or prefers(prefs[t], m, c)))
        for t, (c, m) in enumerate(zip(current, mu, strict=True))
    )


def seat_priority(pri, p, t):
    r = rank_of(pri, p, t)
    return (0, r, t) if r is not None else (1, 0, t)  # unranked incumbent: lowest


def two_sided_ir(prefs, pri, caps, base, mu, current):
    """``mu`` is reachable from ``base`` with teachers and posts never worse off."""
    if not feasible(prefs, pri, caps, mu, current):
        return False
    for t, (b, m) in enumerate(zip(base, mu, strict=True)):
        if m != b and not prefers(prefs[t], m, b):
            return False
    for p in range(len(caps)):
        out = sorted(seat_priority(pri, p, t) for t in range(len(mu)) if base[t] == p != mu[t])
        inn = sorted(seat_priority(pri, p, t) for t in range(len(mu)) if mu[t] == p != base[t])
        if len(inn) < len(out) or any(i >= o for i, o in zip(inn, out, strict=False)):
            return False
    return True


def pareto_improvements(prefs, pri, caps, base, current):
    for nu in all_assignments(prefs, len(caps), current):
        if nu == base or not two_sided_ir(prefs, pri, caps, base, nu, current):
            continue
        if any(prefers(prefs[t], nu[t], base[t]) for t in range(len(nu))):
            yield nu


# ---------------------------------------------------------------------------
# deferred acceptance
# ---------------------------------------------------------------------------


@SETTINGS
@given(instances())
def test_da_is_the_teacher_optimal_stable_matching(inst):
    prefs, pri, caps = inst
    mu = deferred_acceptance(prefs, pri, caps)
    assert stable(prefs, pri, caps, mu)
    stables = [m for m in all_assignments(prefs, len(caps)) if stable(prefs, pri, caps, m)]
    assert mu in stables
    assert teacher_optimal(prefs, stables, mu)


@SETTINGS
@given(instances(), st.data())
def test_certificate_agrees_with_brute_force_on_arbitrary_assignments(inst, data):
    prefs, pri, caps = inst
    market = Market.from_lists(prefs, pri, caps)
    mu = data.draw(st.sampled_from(all_assignments(prefs, len(caps))))
    cert = certify(market, mu)
    assert cert.ok == stable(prefs, pri, caps, mu)
    if cert.ok:
        assert (cert.why_not.reason != 0).all()


@SETTINGS
@given(instances(max_teachers=4), st.data())
def test_da_is_strategy_proof_spot_check(inst, data):
    prefs, pri, caps = inst
    truth = deferred_acceptance(prefs, pri, caps)
    t = data.draw(st.integers(0, len(prefs) - 1))
    lie = data.draw(st.lists(st.integers(0, len(caps) - 1), unique=True, max_size=len(caps)))
    reported = [list(x) for x in prefs]
    reported[t] = lie
    got = deferred_acceptance(reported, pri, caps)[t]
    assert not prefers(prefs[t], got, truth[t])


@SETTINGS
@given(instances(max_teachers=7, max_posts=4, max_cap=3))
def test_capacities_respected_and_assignments_acceptable(inst):
    prefs, pri, caps = inst
    mu = deferred_acceptance(prefs, pri, caps)
    assert feasible(prefs, pri, caps, mu)


# ---------------------------------------------------------------------------
# regional caps (flexible deferred acceptance)
# ---------------------------------------------------------------------------


@SETTINGS
@given(regional_instances(), st.lists(st.integers(0, 4), min_size=4, max_size=4))
def test_vectorised_allotment_matches_the_definition(reg, counts):
    from xietong.algorithms.matching.core import allot
    from xietong.algorithms.matching.solve import tree_of as _tree_of

    *_, regions = reg
    counts = counts[: len(regions.capacities)]
    got = allot(_tree_of(regions), np.asarray(counts, dtype=np.int64)).tolist()
    assert got == ref_allot(regions, counts)


@SETTINGS
@given(regional_instances())
def test_fda_is_teacher_optimal_among_regionally_stable_matchings(reg):
    prefs, pri, caps, regions = reg
    market = Market.from_lists(prefs, pri, caps)
    mu = solve(market, regions=regions).to_list()
    assert regional_stable(prefs, pri, caps, regions, mu)
    stables = [
        m
        for m in all_assignments(prefs, len(caps))
        if regional_stable(prefs, pri, caps, regions, m)
    ]
    assert teacher_optimal(prefs, stables, mu)


@SETTINGS
@given(regional_instances(), st.data())
def test_regional_certificate_agrees_with_definition(reg, data):
    prefs, pri, caps, regions = reg
    market = Market.from_lists(prefs, pri, caps)
    mu = data.draw(st.sampled_from(all_assignments(prefs, len(caps))))
    cert = certify(market, mu, regions=regions)
    assert cert.ok == regional_stable(prefs, pri, caps, regions, mu)


@SETTINGS
@given(regional_instances(), st.data())
def test_fda_is_strategy_proof_spot_check(reg, data):
    prefs, pri, caps, regions = reg
    truth = solve(Market.from_lists(prefs, pri, caps), regions=regions).to_list()
    t = data.draw(st.integers(0, len(prefs) - 1))
    lie = data.draw(st.lists(st.integers(0, len(caps) - 1), unique=True, max_size=len(caps)))
    reported = [list(x) for x in prefs]
    reported[t] = lie
    got = solve(Market.from_lists(reported, pri, caps), regions=regions).assignment[t]
    assert not prefers(prefs[t], int(got), truth[t])


# ---------------------------------------------------------------------------
# individually rational modes
# ---------------------------------------------------------------------------


@SETTINGS
@given(exchange_instances())
def test_ir_da_is_ir_stable_and_teacher_optimal(inst):
    prefs, pri, caps, current = inst
    market = Market.from_lists(prefs, pri, caps)
    mu = solve(market, mode="ir_da", current_post=current).to_list()
    assert ir(prefs, current, mu)
    assert protected_stable(prefs, pri, caps, current, mu)
    stables = [
        m
        for m in all_assignments(prefs, len(caps), current)
        if protected_stable(prefs, pri, caps, current, m)
    ]
    assert teacher_optimal(prefs, stables, mu)


@SETTINGS
@given(exchange_instances(), st.data())
def test_ir_da_certificate_agrees_with_definition(inst, data):
    prefs, pri, caps, current = inst
    market = Market.from_lists(prefs, pri, caps)
    mu = data.draw(st.sampled_from(all_assignments(prefs, len(caps), current)))
    cert = certify(market, mu, mode="ir_da", current_post=current)
    expected = protected_stable(prefs, pri, caps, current, mu) and ir(prefs, current, mu)
    assert cert.ok == expected


@SETTINGS
@given(exchange_instances(), st.data())
def test_ir_da_is_strategy_proof_spot_check(inst, data):
    prefs, pri, caps, current = inst
    truth = solve(Market.from_lists(prefs, pri, caps), mode="ir_da", current_post=current)
    t = data.draw(st.integers(0, len(prefs) - 1))
    lie = data.draw(st.lists(st.integers(0, len(caps) - 1), unique=True, max_size=len(caps)))
    if current[t] >= 0 and current[t] not in lie:
        lie.insert(data.draw(st.integers(0, len(lie))), current[t])
    reported = [list(x) for x in prefs]
    reported[t] = lie
    got = solve(Market.from_lists(reported, pri, caps), mode="ir_da", current_post=current)
    assert not prefers(prefs[t], int(got.assignment[t]), int(truth.assignment[t]))


@SETTINGS
@given(exchange_instances())
def test_tobe_is_two_sided_ir_and_leaves_no_improving_block(inst):
    prefs, pri, caps, current = inst
    market = Market.from_lists(prefs, pri, caps)
    mu = solve(market, mode="tobe", current_post=current).to_list()
    assert ir(prefs, current, mu)
    assert two_sided_ir(prefs, pri, caps, current, mu, current)
    assert next(pareto_improvements(prefs, pri, caps, mu, current), None) is None


@SETTINGS
@given(exchange_instances(newcomers=False))
def test_tobe_is_two_sided_maximal_in_pure_exchange(inst):
    """Without newcomers no two-sided IR matching dominates TO-BE for the teachers."""
    prefs, pri, caps, current = inst
    if any(c < 0 for c in current):
        return
    market = Market.from_lists(prefs, pri, caps)
    mu = solve(market, mode="tobe", current_post=current).to_list()
    for nu in pareto_improvements(prefs, pri, caps, current, current):
        dominated = all(not prefers(prefs[t], mu[t], nu[t]) for t in range(len(mu)))
        strictly = any(prefers(prefs[t], nu[t], mu[t]) for t in range(len(mu)))
        assert not (dominated and strictly), (mu, nu)


@SETTINGS
@given(exchange_instances(), st.data())
def test_tobe_certificate_agrees_with_definition(inst, data):
    prefs, pri, caps, current = inst
    market = Market.from_lists(prefs, pri, caps)
    mu = data.draw(st.sampled_from(all_assignments(prefs, len(caps), current)))
    cert = certify(market, mu, mode="tobe", current_post=current)
    expected = (
        ir(prefs, current, mu)
        and two_sided_ir(prefs, pri, caps, current, mu, current)
        and next(pareto_improvements(prefs, pri, caps, mu, current), None) is None
    )
    assert cert.ok == expected


@SETTINGS
@given(exchange_instances(newcomers=False), st.data())
def test_tobe_strategy_proof_spot_check_pure_exchange(inst, data):
    prefs, pri, caps, current = inst
    if any(c < 0 for c in current):
        return
    truth = solve(Market.from_lists(prefs, pri, caps), mode="tobe", current_post=current)
    t = data.draw(st.integers(0, len(prefs) - 1))
    lie = data.draw(st.lists(st.integers(0, len(caps) - 1), unique=True, max_size=len(caps)))
    if current[t] not in lie:
        lie.insert(data.draw(st.integers(0, len(lie))), current[t])
    reported = [list(x) for x in prefs]
    reported[t] = lie
    got = solve(Market.from_lists(reported, pri, caps), mode="tobe", current_post=current)
    assert not prefers(prefs[t], int(got.assignment[t]), int(truth.assignment[t]))


@SETTINGS
@given(regional_instances(), st.data())
def test_departure_gate_is_tight_and_follows_release_order(reg, data):
    prefs, pri, caps, regions = reg
    n_t = len(prefs)
    n_g = data.draw(st.integers(1, 2))
    group = data.draw(st.lists(st.integers(-1, n_g - 1), min_size=n_t, max_size=n_t))
    gcaps = data.draw(st.lists(st.integers(0, 2), min_size=n_g, max_size=n_g))
    order = data.draw(st.permutations(range(n_t)))
    departure = Departure.build(group, gcaps)
    market = Market.from_lists(prefs, pri, caps)
    use_regions = data.draw(st.booleans())
    res = solve(
        market,
        regions=regions if use_regions else None,
        departure=departure,
        release_order=order,
    )
    cert = res.certificate
    assert cert.ok and len(cert.slack_gate_teachers) == 0
    for g in range(n_g):
        members = [t for t in range(n_t) if group[t] == g]
        leavers = [t for t in members if res.assignment[t] >= 0]
        held = [t for t in members if not res.admitted[t]]
        assert len(leavers) <= gcaps[g]
        if held:
            assert len(leavers) == gcaps[g]
            assert all(order[s] < order[t] for s in leavers for t in held)
    # stable among the admitted teachers: dropping the others gives the same result
    kept = [p if res.admitted[t] else [] for t, p in enumerate(prefs)]
    again = solve(Market.from_lists(kept, pri, caps), regions=regions if use_regions else None)
    assert again.assignment.tolist() == res.assignment.tolist()
