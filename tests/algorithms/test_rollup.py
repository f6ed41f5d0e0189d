"""The portfolio roll-up: worked examples and the rule's properties."""

from __future__ import annotations

import random
from dataclasses import replace
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.rollup import Node, rollup

FAST = settings(max_examples=150, deadline=None, database=None)


def test_worked_example_plan_with_two_tasks():
    """Plan P: task T1 has cooperation C1 (obligations: 20 lessons met, 8 sessions not met;
    activities A1 = 12 lessons, A2 = 8 lessons, A3 a visit without a lesson count) and C2
    (one obligation met, one whose period is open). Task T2 has C3 with no activities and one
    obligation not met. Records: 3 + 0 + 0 = 3. Lessons: 12 + 8 = 20 over 2 valued records (A3
    does not count). Compliance: assessed 2 + 1 + 1 = 4, met 1 + 1 + 0 = 2, share 1/2; T1 alone
    2/3 (pooled: not the mean of C1's 1/2 and C2's 1/1, which would be 3/4)."""
    c1 = Node(
        "C1",
        "cooperation",
        obligations=(("lessons", True), ("sessions", False)),
        children=(
            Node("A1", "activity", amounts={"lessons": 12}),
            Node("A2", "activity", amounts={"lessons": 8}),
            Node("A3", "activity", amounts={"lessons": None, "visits": 1}),
        ),
    )
    c2 = Node("C2", "cooperation", obligations=(("teachers", True), ("hours", None)))
    c3 = Node("C3", "cooperation", obligations=(("lessons", False),))
    plan = Node(
        "P",
        "plan",
        children=(Node("T1", "task", children=(c1, c2)), Node("T2", "task", children=(c3,))),
    )
    r = rollup(plan)
    assert r.records == 3
    assert r.amounts == {"lessons": Fraction(20), "visits": Fraction(1)}
    assert r.valued == {"lessons": 2, "visits": 1}
    assert (r.assessed, r.met, r.unmet, r.compliance) == (4, 2, 2, Fraction(1, 2))
    t1, t2 = r.children
    assert t1.compliance == Fraction(2, 3)
    assert t2.compliance == 0
    assert t2.records == 0
    assert t1.children[1].compliance == 1


def test_nothing_assessed_has_no_share():
    r = rollup(Node("C", "cooperation", obligations=(("lessons", None),)))
    assert r.compliance is None
    assert r.assessed == 0


def test_bad_input_is_named():
    with pytest.raises(ValueError, match="A1.lessons"):
        rollup(Node("A1", "activity", amounts={"lessons": -1}))
    with pytest.raises(ValueError, match="A1.lessons"):
        rollup(Node("A1", "activity", amounts={"lessons": "many"}))
    with pytest.raises(ValueError, match="unknown level"):
        rollup(Node("X", "programme"))
    with pytest.raises(ValueError, match="C.O1"):
        rollup(Node("C", "cooperation", obligations=(("O1", "yes"),)))


amount = st.one_of(st.none(), st.integers(0, 50), st.fractions(0, 20, max_denominator=7))
activity = st.builds(
    lambda k, a, b: Node(f"A{k}", "activity", amounts={"lessons": a, "hours": b}),
    st.integers(0, 10**6),
    amount,
    amount,
)
outcomes = st.lists(st.tuples(st.sampled_from("OPQ"), st.sampled_from([True, False, None])))
cooperation = st.builds(
    lambda acts, obs: Node("C", "cooperation", children=tuple(acts), obligations=tuple(obs)),
    st.lists(activity, max_size=6),
    outcomes,
)
task = st.builds(
    lambda cs: Node("T", "task", children=tuple(cs)), st.lists(cooperation, max_size=4)
)
plan = st.builds(lambda ts: Node("P", "plan", children=tuple(ts)), st.lists(task, max_size=4))


def _shuffled(node: Node, rng: random.Random) -> Node:
    kids = [_shuffled(c, rng) for c in node.children]
    rng.shuffle(kids)
    obs = list(node.obligations)
    rng.shuffle(obs)
    return replace(node, children=tuple(kids), obligations=tuple(obs))


def _totals(r):
    return (r.records, r.amounts, r.valued, r.assessed, r.met)


@FAST
@given(plan, st.integers(0, 2**32))
def test_order_does_not_matter(p, seed):
    assert _totals(rollup(_shuffled(p, random.Random(seed)))) == _totals(rollup(p))


@FAST
@given(plan)
def test_parent_is_the_sum_of_its_children(p):
    def check(r):
        if r.children:
            assert r.records == sum(c.records for c in r.children)
            own_assessed = r.assessed - sum(c.assessed for c in r.children)
            assert own_assessed >= 0
            for measure, total in r.amounts.items():
                assert total == sum(c.amounts.get(measure, 0) for c in r.children)
        for c in r.children:
            check(c)

    check(rollup(p))


@FAST
@given(plan, st.booleans())
def test_a_valueless_item_changes_nothing(p, as_obligation):
    r = rollup(p)
    if not p.children or not p.children[0].children:
        return
    t0 = p.children[0]
    c0 = t0.children[0]
    if as_obligation:
        c0 = replace(c0, obligations=(*c0.obligations, ("Z", None)))
    else:
        blank = Node("blank", "activity", amounts={"lessons": None, "hours": None})
        c0 = replace(c0, children=(*c0.children, blank))
    t0 = replace(t0, children=(c0, *t0.children[1:]))
    q = rollup(replace(p, children=(t0, *p.children[1:])))
    # a blank record is one more record, but adds to no amount, valued count or compliance
    assert (q.amounts, q.valued, q.assessed, q.met) == (r.amounts, r.valued, r.assessed, r.met)
    assert q.records == r.records + (0 if as_obligation else 1)


@FAST
@given(plan)
def test_shares_are_bounded_and_counts_consistent(p):
    def check(r):
        assert 0 <= r.met <= r.assessed
        assert r.compliance is None or 0 <= r.compliance <= 1
        for measure, n in r.valued.items():
            assert 0 < n <= r.records
            assert r.amounts[measure] >= 0
        for c in r.children:
            check(c)

    check(rollup(p))


@FAST
@given(
    st.lists(
        st.tuples(st.sampled_from(["lessons", "hours", None]), st.integers(0, 50)),
        max_size=30,
    )
)
def test_a_summed_leaf_rolls_up_as_its_records(records):
    """Rule 5: the records of a cooperation summed per measure beforehand (one leaf per measure,
    standing for that many records) give the totals of the records listed one by one."""
    one_by_one = Node(
        "C",
        "cooperation",
        children=tuple(
            Node(f"A{i}", "activity", amounts={m: v} if m else {})
            for i, (m, v) in enumerate(records)
        ),
    )
    groups: dict = {}
    for m, v in records:
        n, total = groups.get(m, (0, 0))
        groups[m] = (n + 1, total + v)
    summed = Node(
        "C",
        "cooperation",
        children=tuple(
            Node(f"S{m}", "activity", amounts={m: total} if m else {}, records=n)
            for m, (n, total) in groups.items()
        ),
    )
    a, b = rollup(one_by_one), rollup(summed)
    assert (a.records, a.amounts, a.valued) == (b.records, b.amounts, b.valued)


@pytest.mark.parametrize("records", [0, -1, True, 1.5])
def test_a_summed_leaf_stands_for_one_or_more_records(records):
    with pytest.raises(ValueError, match="A: a leaf stands for 1 or more records"):
        rollup(Node("C", "cooperation", children=(Node("A", "activity", records=records),)))
