"""Status of joint-plan items: worked examples, validation and the roll-up's properties."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.plan_status import (
    Indicator,
    Item,
    Milestone,
    Thresholds,
    attainment,
    evaluate,
    expected_progress,
)

FAST = settings(max_examples=150, deadline=None, database=None)
TODAY = date(2026, 6, 30)


def test_three_year_plan_worked_example():
    """Plan 2025-2027 (1,095 days). On 1 January 2026, 365 days = 1/3 are elapsed.
    Goal 1, balance: the Theil between-member part of backbone teachers per 100 students from
    0.060 to 0.030; actual 0.052: attainment 8/30 = 4/15, performance 4/15 / (1/3) = 4/5.
    Goal 2, counties meeting the 2017 standard, from 20 to 50; actual 32: attainment 2/5,
    performance 6/5, capped at 1. Goal 2 also has a measure whose milestone of 1 December 2025
    is overdue. Plan score: goals weighted 2 : 1."""
    g1 = Item(
        "G1",
        weight=2,
        indicators=(Indicator("theil_between", "decrease", "0.060", "0.030", "0.052"),),
    )
    g2 = Item(
        "G2",
        weight=1,
        indicators=(Indicator("counties_meeting", "increase", 20, 50, 32),),
        children=(Item("M21", milestones=(Milestone("mou", date(2025, 12, 1)),)),),
    )
    plan = Item("P", start=date(2025, 1, 1), end=date(2027, 12, 31), children=(g1, g2))
    r = evaluate(plan, as_of=date(2026, 1, 1))
    assert r.expected == Fraction(1, 3)
    a = r.find("G1")
    assert a.indicators[0].attainment == Fraction(4, 15)
    assert a.score == Fraction(4, 5) and a.status == "at_risk"
    b = r.find("G2")
    assert b.parts == {"indicators": 1, "milestones": None, "children": 0}
    assert b.score == 0 and b.decided_by == "children" and b.status == "off_track"
    assert r.score == (2 * Fraction(4, 5) + 0) / 3 == Fraction(8, 15)
    assert r.overdue == ("P/G2/M21/mou",)
    assert r.find("M21").milestones[0].days_overdue == 31


def test_thresholds_are_exact_at_the_boundary():
    ind = Indicator("x", "increase", 0, 10, 9)  # attainment exactly 0.9
    assert evaluate(Item("A", indicators=(ind,)), as_of=TODAY).status == "on_track"
    ind = Indicator("x", "increase", "0.1", "0.3", "0.24")  # 0.7 exactly, from decimals
    assert evaluate(Item("A", indicators=(ind,)), as_of=TODAY).status == "at_risk"
    low = Indicator("x", "increase", 0, 10, "6.99")
    assert evaluate(Item("A", indicators=(low,)), as_of=TODAY).status == "off_track"


def test_custom_thresholds_and_no_cap():
    ind = Indicator("x", "increase", 0, 10, 15)
    rule = Thresholds(on_track=Fraction(1), at_risk=Fraction(1, 2), cap=None)
    r = evaluate(Item("A", indicators=(ind,)), as_of=TODAY, thresholds=rule)
    assert r.score == Fraction(3, 2) and r.status == "on_track"


def test_items_without_a_value_do_not_count():
    a = Item("A", indicators=(Indicator("x", "increase", 0, 10, 5),))
    empty = Item("B", indicators=(Indicator("y", "increase", 0, 10, None),))
    r = evaluate(Item("G", children=(a, empty)), as_of=TODAY)
    assert r.score == Fraction(1, 2)
    assert r.find("B").score is None and r.find("B").status is None
    assert r.find("B").indicators[0].state == "no_value"
    assert evaluate(Item("G"), as_of=TODAY).status is None


def test_before_the_period_nothing_is_expected():
    item = Item(
        "A",
        start=date(2027, 1, 1),
        end=date(2027, 12, 31),
        indicators=(Indicator("x", "increase", 0, 10, 0),),
    )
    r = evaluate(item, as_of=TODAY)
    assert r.expected == 0 and r.indicators[0].state == "not_started" and r.score is None


def test_milestones_states():
    ms = (
        Milestone("a", date(2026, 1, 1), date(2025, 12, 20)),
        Milestone("b", date(2026, 1, 1), date(2026, 2, 1)),
        Milestone("c", date(2026, 1, 1)),
        Milestone("d", date(2026, 12, 1)),
        Milestone("e", date(2026, 1, 1), date(2026, 12, 1)),
    )  # completion in the future
    r = evaluate(Item("A", milestones=ms), as_of=TODAY)
    assert [m.state for m in r.milestones] == ["done", "done_late", "overdue", "pending", "overdue"]
    assert r.parts["milestones"] == Fraction(2, 4)
    assert r.overdue == ("A/c", "A/e")
    on_due_day = evaluate(Item("A", milestones=(Milestone("x", TODAY),)), as_of=TODAY)
    assert on_due_day.milestones[0].state == "pending" and on_due_day.score is None


def test_attainment_and_expected_progress():
    assert attainment(baseline=10, target=20, actual=25, direction="increase") == Fraction(3, 2)
    assert attainment(baseline=0.2, target=0.1, actual=0.15, direction="decrease") == Fraction(1, 2)
    assert (
        expected_progress(start=date(2026, 1, 1), end=date(2026, 1, 10), as_of=date(2026, 2, 1))
        == 1
    )
    assert expected_progress(start=None, end=None, as_of=TODAY) == 1


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: attainment(baseline=5, target=5, actual=5, direction="increase"), "above"),
        (lambda: attainment(baseline=5, target=6, actual=5, direction="decrease"), "below"),
        (lambda: attainment(baseline=5, target=6, actual=5, direction="up"), "direction"),
        (lambda: attainment(baseline="x", target=6, actual=5, direction="increase"), "baseline"),
        (lambda: expected_progress(start=TODAY, end=date(2026, 1, 1), as_of=TODAY), "period"),
        (lambda: expected_progress(start=TODAY, end=None, as_of=TODAY), "period"),
        (lambda: Thresholds(on_track=Fraction(1, 2), at_risk=Fraction(3, 4)), "at_risk <="),
        (lambda: Thresholds(at_risk=0), "at_risk <="),
        (lambda: Thresholds(cap=Fraction(1, 2)), "cap"),
        (lambda: evaluate(Item("A", weight=-1), as_of=TODAY), "A: weight"),
        (lambda: evaluate(Item("G", children=(Item("A"), Item("A"))), as_of=TODAY), "twice"),
        (
            lambda: evaluate(
                Item("G", indicators=(Indicator("x", "increase", 1, 0, None),)), as_of=TODAY
            ),
            "above",
        ),
        (
            lambda: evaluate(
                Item("G", indicators=(Indicator("x", "increase", 0, 1, 1, -2),)), as_of=TODAY
            ),
            "G/x: weight",
        ),
        (lambda: evaluate(Item(""), as_of=TODAY), "non-empty"),
    ],
)
def test_bad_input_is_refused(call, message):
    with pytest.raises(ValueError, match=message):
        call()


VALUES = st.integers(0, 200)


@st.composite
def measures(draw, code="M"):
    inds = tuple(
        Indicator(
            f"i{k}",
            "increase",
            0,
            draw(st.integers(1, 100)),
            draw(st.none() | VALUES),
            draw(st.integers(0, 5)),
        )
        for k in range(draw(st.integers(0, 3)))
    )
    miles = tuple(
        Milestone(
            f"m{k}",
            TODAY - timedelta(draw(st.integers(-50, 50))),
            draw(st.none() | st.just(TODAY - timedelta(60))),
        )
        for k in range(draw(st.integers(0, 3)))
    )
    return Item(code, weight=draw(st.integers(0, 9)), indicators=inds, milestones=miles)


@FAST
@given(measures(), st.integers(1, 6), st.lists(st.integers(0, 9), min_size=6, max_size=6))
def test_roll_up_of_identical_children_equals_the_child(child, n, weights):
    kids = tuple(replace(child, code=f"C{k}", weight=weights[k] + 1) for k in range(n))
    parent = evaluate(Item("G", children=kids), as_of=TODAY)
    alone = evaluate(child, as_of=TODAY)
    assert parent.score == alone.score and parent.status == alone.status


@FAST
@given(st.lists(measures(), min_size=1, max_size=5), st.integers(1, 1000))
def test_weights_are_scale_invariant(kids, factor):
    kids = [replace(k, code=f"C{i}") for i, k in enumerate(kids)]
    scaled = [replace(k, weight=k.weight * factor) for k in kids]
    a = evaluate(Item("G", children=tuple(kids)), as_of=TODAY)
    b = evaluate(Item("G", children=tuple(scaled)), as_of=TODAY)
    assert a.score == b.score and a.status == b.status


@FAST
@given(st.lists(measures(), min_size=1, max_size=4))
def test_a_child_without_a_value_changes_nothing(kids):
    kids = [replace(k, code=f"C{i}") for i, k in enumerate(kids)]
    empty = Item("E", weight=5, indicators=(Indicator("z", "increase", 0, 1, None),))
    a = evaluate(Item("G", children=tuple(kids)), as_of=TODAY)
    b = evaluate(Item("G", children=(*kids, empty)), as_of=TODAY)
    assert a.score == b.score


@FAST
@given(measures(), st.data())
def test_a_better_actual_never_lowers_the_score(item, data):
    counted = [k for k, i in enumerate(item.indicators) if i.actual is not None]
    if not counted:
        return
    k = data.draw(st.sampled_from(counted))
    better = list(item.indicators)
    better[k] = replace(better[k], actual=better[k].actual + data.draw(st.integers(1, 50)))
    a = evaluate(item, as_of=TODAY).score
    b = evaluate(replace(item, indicators=tuple(better)), as_of=TODAY).score
    assert (a is None and b is None) or b >= a  # None: every counted indicator weighs 0


@FAST
@given(measures())
def test_score_is_the_weakest_part(item):
    r = evaluate(item, as_of=TODAY)
    values = [v for v in r.parts.values() if v is not None]
    assert r.score == (min(values) if values else None)
    assert r.score is None or 0 <= r.score <= 1
