"""Properties of the decision rules: monotonicity, member-order invariance, relations between
kinds, and the parameter boundaries."""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.decision_rules import ALLOWED, KINDS, parse_rule, tally

FAST = settings(max_examples=150, deadline=None, database=None)
SHARES = st.fractions(min_value=Fraction(1, 100), max_value=1)


def _rule(kind: str, draw) -> dict:
    rule: dict = {"kind": kind}
    if kind == "qualified_majority":
        rule |= {
            "member_share": draw(SHARES),
            "population_share": draw(SHARES),
            "blocking_members": draw(st.integers(1, 6)),
        }
    elif kind == "constructive_abstention":
        rule |= {"declarant_member_share": draw(SHARES), "declarant_population_share": draw(SHARES)}
    elif kind == "simple_majority":
        rule["quorum"] = draw(st.none() | SHARES)
    elif kind == "weighted":
        rule |= {"threshold": draw(SHARES), "strict": draw(st.booleans())}
    return rule


@st.composite
def cases(draw, kinds=KINDS):
    kind = draw(st.sampled_from(kinds))
    members = draw(st.lists(st.sampled_from("ABCDEFGHIJ"), min_size=1, max_size=8, unique=True))
    allowed = sorted(ALLOWED[kind])
    positions = {m: draw(st.sampled_from(allowed)) for m in members}
    positions = {m: p for m, p in positions.items() if not (p == "absent" and draw(st.booleans()))}
    population = {m: draw(st.integers(0, 50)) for m in members}
    population[members[0]] += 1  # the total is never 0
    rule = _rule(kind, draw) | {"members": members}
    return rule, positions, population


def _with_text(positions: dict) -> dict:
    return {
        m: ({"position": p, "text": f"note {m}"} if p == "reservation" else p)
        for m, p in positions.items()
    }


def _tally(rule, positions, population):
    return tally(rule, _with_text(positions), population)


@FAST
@given(cases(), st.data())
def test_turning_a_position_into_support_never_turns_adoption_into_failure(case, data):
    rule, positions, population = case
    before = _tally(rule, positions, population)
    member = data.draw(st.sampled_from(rule["members"]))
    after = _tally(rule, {**positions, member: "support"}, population)
    assert after.adopted or not before.adopted


@FAST
@given(cases(), st.randoms(use_true_random=False))
def test_member_order_does_not_matter(case, rnd):
    rule, positions, population = case
    members = list(rule["members"])
    rnd.shuffle(members)
    shuffled_pos = dict(rnd.sample(list(positions.items()), len(positions)))
    shuffled_pop = dict(rnd.sample(list(population.items()), len(population)))
    a = _tally(rule, positions, population)
    b = _tally({**rule, "members": members}, shuffled_pos, shuffled_pop)
    assert a == b and a.as_dict() == b.as_dict()


@FAST
@given(cases(kinds=("unanimity_strict",)))
def test_stricter_kinds_imply_the_looser_ones(case):
    """unanimity_strict => unanimity => consensus => silence, on positions all four take."""
    rule, positions, population = case
    positions = {m: ("abstain" if p in ("oppose",) else p) for m, p in positions.items()}
    results = [
        _tally({"kind": k, "members": rule["members"]}, positions, population).adopted
        for k in ("unanimity_strict", "unanimity", "consensus", "silence")
    ]
    for stricter, looser in zip(results, results[1:], strict=False):
        assert looser or not stricter


@FAST
@given(cases(kinds=("qualified_majority",)))
def test_qualified_majority_of_all_members_is_strict_unanimity(case):
    rule, positions, population = case
    qmv = {**rule, "member_share": 1, "population_share": 1}
    strict = {"kind": "unanimity_strict", "members": rule["members"]}
    assert (
        _tally(qmv, positions, population).adopted == _tally(strict, positions, population).adopted
    )


@FAST
@given(cases(kinds=("qualified_majority",)))
def test_qualified_majority_matches_the_treaty_text(case):
    """Recomputed here from the article's words, on integers only."""
    rule, positions, population = case
    p = parse_rule(rule).parameters
    yes = [m for m in rule["members"] if positions.get(m) in ("support", "reservation")]
    n, total = len(rule["members"]), sum(population.values())
    members_ok = len(yes) * p["member_share"].denominator >= p["member_share"].numerator * n
    pop_ok = (
        sum(population[m] for m in yes) * p["population_share"].denominator
        >= p["population_share"].numerator * total
    )
    blocking = n - len(yes) >= p["blocking_members"]
    assert _tally(rule, positions, population).adopted == (members_ok and (pop_ok or not blocking))


@FAST
@given(cases(kinds=("simple_majority",)))
def test_simple_majority_without_abstention_is_a_strict_half_of_equal_weights(case):
    rule, positions, population = case
    full = {
        m: ("support" if positions.get(m) in ("support", "reservation") else "oppose")
        for m in rule["members"]
    }
    weighted = {
        "kind": "weighted",
        "threshold": "1/2",
        "strict": True,
        "weights": {m: 1 for m in rule["members"]},
    }
    plain = {"kind": "simple_majority", "members": rule["members"]}
    assert tally(plain, full).adopted == tally(weighted, full).adopted


@FAST
@given(cases())
def test_decisive_conditions_explain_the_outcome(case):
    r = _tally(*case)
    met = {c.code: c.met for c in r.conditions}
    assert r.decisive
    assert all(met[code] == r.adopted for code in r.decisive)
    assert sum(r.counts.values()) == len(r.members)
    assert set(r.bound) | set(r.not_bound) == (set(r.members) if r.adopted else set())


@given(st.integers(1, 60), SHARES)
@settings(deadline=None, database=None)
def test_member_share_needs_the_rounded_up_count(n, share):
    members = [f"M{i:02d}" for i in range(n)]
    need = math.ceil(share * n)
    rule = {"kind": "qualified_majority", "member_share": share, "population_share": "1/100"}
    pop = {m: 1 for m in members}
    exactly = tally(rule, {m: "support" for m in members[:need]}, pop)
    assert exactly.condition("member_share").required == need
    assert exactly.condition("member_share").met
    if need > 0:
        one_less = tally(rule, {m: "support" for m in members[: need - 1]}, pop)
        assert not one_less.condition("member_share").met


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_survives_a_round_trip_through_json_form(kind):
    rule = {"kind": kind} | ({"threshold": "2/3"} if kind == "weighted" else {})
    parsed = parse_rule(rule)
    assert parse_rule(parsed.as_dict()) == parsed


@pytest.mark.parametrize("bad", [0, -1, Fraction(101, 100), "1.5", "0", float("inf")])
@pytest.mark.parametrize(
    "name",
    ["member_share", "population_share"],
)
def test_shares_outside_zero_to_one_are_refused(name, bad):
    with pytest.raises(ValueError, match=name):
        parse_rule({"kind": "qualified_majority", name: bad})


def test_smallest_and_largest_shares_are_accepted():
    tiny = parse_rule({"kind": "simple_majority", "quorum": Fraction(1, 10**9)})
    assert tiny.parameters["quorum"] == Fraction(1, 10**9)
    assert parse_rule({"kind": "weighted", "threshold": 1}).parameters["threshold"] == 1
