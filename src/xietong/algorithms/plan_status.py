"""Status of a joint plan's items from their schedule and the attainment of their indicators.

A joint plan is a tree: the plan, its goals, their measures. Indicators (with a baseline, a
target and a direction) and milestones (with a due date) attach to any item. On a reporting date
every item gets a *score* and from it a status, by one stated rule:

1. **Attainment** of an indicator: the share of the way from baseline to target covered,
   ``(actual - baseline) / (target - baseline)``. The direction only says which way the target
   lies (``increase``: above the baseline; ``decrease``: below), so the same formula serves both:
   a Theil index falling from 0.20 to 0.17 against a target of 0.14 has attainment 1/2.
2. **Expected progress** by the reporting date: the elapsed share of the item's period
   (``start`` to ``end``, inherited from the parent if the item has none), or 1 when the target
   is the target of the reporting period itself (an item without dates).
3. **Performance** = attainment / expected, clipped to ``[0, cap]`` (``cap`` 1 by default, so an
   indicator ahead of schedule does not hide one behind it). Before the period starts nothing is
   expected and the indicator does not count (``not_started``); nor does one without an actual
   value (``no_value``).
4. **Schedule**: of the milestones whose due date has passed, the share completed by the
   reporting date. A milestone past its due date and not completed is *overdue*.
5. An item's **score** is the weakest of its parts that have a value: its own indicators (their
   weighted mean performance), its own milestones (the schedule share), its children (their
   weighted mean score; children without a score do not count). An item with none of these has
   no score and no status.
6. **Status**: ``on_track`` if score >= ``on_track`` (0.9), ``at_risk`` if >= ``at_risk`` (0.7),
   else ``off_track``.

Arithmetic is exact (Fractions), so a score of exactly 0.9 is on track, and every number shown
on the page can be recomputed from the inputs.

>>> m = Item("M1", indicators=(Indicator("theil", "decrease", baseline=0.20, target=0.14,
...                                      actual=0.17),),
...          start=date(2025, 1, 1), end=date(2026, 12, 31))
>>> r = evaluate(m, as_of=date(2026, 1, 1))  # 365 of 730 days elapsed
>>> r.indicators[0].attainment, r.indicators[0].expected, r.status
(Fraction(1, 2), Fraction(1, 2), 'on_track')

References
----------
.. [1] OECD DAC, *Glossary of Key Terms in Evaluation and Results Based Management* (2002):
   baseline, target, indicator.
.. [2] IATI Standard 2.03, ``iati-activities/iati-activity/result/indicator``: baseline,
   period target and actual per reporting period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from .exact import to_fraction

__all__ = [
    "DIRECTIONS",
    "STATUSES",
    "Indicator",
    "IndicatorResult",
    "Item",
    "ItemResult",
    "Milestone",
    "MilestoneResult",
    "Thresholds",
    "attainment",
    "evaluate",
    "expected_progress",
]

DIRECTIONS = ("increase", "decrease")
STATUSES = ("on_track", "at_risk", "off_track")
PARTS = ("indicators", "milestones", "children")


@dataclass(frozen=True)
class Thresholds:
    """The status rule's parameters (shown with every result)."""

    on_track: Fraction = Fraction(9, 10)
    at_risk: Fraction = Fraction(7, 10)
    cap: Fraction | None = Fraction(1)

    def __post_init__(self):
        on = to_fraction(self.on_track, "thresholds.on_track")
        risk = to_fraction(self.at_risk, "thresholds.at_risk")
        cap = None if self.cap is None else to_fraction(self.cap, "thresholds.cap")
        if not 0 < risk <= on:
            raise ValueError(
                f"thresholds: need 0 < at_risk <= on_track, got at_risk={self.at_risk!r}, "
                f"on_track={self.on_track!r}"
            )
        if cap is not None and cap < on:
            raise ValueError(f"thresholds: cap {self.cap!r} is below on_track {self.on_track!r}")
        object.__setattr__(self, "on_track", on)
        object.__setattr__(self, "at_risk", risk)
        object.__setattr__(self, "cap", cap)

    def status(self, score: Fraction | None) -> str | None:
        if score is None:
            return None
        if score >= self.on_track:
            return "on_track"
        return "at_risk" if score >= self.at_risk else "off_track"


@dataclass(frozen=True)
class Indicator:
    """An indicator of an item, with its actual value on the reporting date (None: no value)."""

    code: str
    direction: str
    baseline: object
    target: object
    actual: object = None
    weight: object = 1


@dataclass(frozen=True)
class Milestone:
    code: str
    due: date
    completed: date | None = None


@dataclass(frozen=True)
class Item:
    """A node of the plan tree: the plan, a goal or a measure."""

    code: str
    weight: object = 1
    start: date | None = None
    end: date | None = None
    indicators: tuple[Indicator, ...] = ()
    milestones: tuple[Milestone, ...] = ()
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class IndicatorResult:
    """``state`` is ``counted``, ``no_value`` or ``not_started``."""

    code: str
    state: str
    attainment: Fraction | None
    expected: Fraction
    performance: Fraction | None
    weight: Fraction


@dataclass(frozen=True)
class MilestoneResult:
    """``state`` is ``done``, ``done_late``, ``overdue`` or ``pending``."""

    code: str
    due: date
    completed: date | None
    state: str
    days_overdue: int


@dataclass(frozen=True)
class ItemResult:
    """An item's score and status, with every number that produced them.

    ``parts`` maps ``indicators`` / ``milestones`` / ``children`` to that part's value (None if
    it has none); ``decided_by`` is the part that gave the score (the weakest; the first in that
    order on a tie); ``overdue`` lists the overdue milestones of the item and all below it.
    """

    code: str
    weight: Fraction
    score: Fraction | None
    status: str | None
    parts: dict[str, Fraction | None]
    decided_by: str | None
    expected: Fraction
    indicators: tuple[IndicatorResult, ...]
    milestones: tuple[MilestoneResult, ...]
    children: tuple[ItemResult, ...]
    overdue: tuple[str, ...]
    thresholds: Thresholds = field(default_factory=Thresholds)

    def find(self, code: str) -> ItemResult:
        """The result of the item with this code, here or below; KeyError if there is none."""
        if self.code == code:
            return self
        for child in self.children:
            try:
                return child.find(code)
            except KeyError:
                continue
        raise KeyError(code)


def attainment(*, baseline: object, target: object, actual: object, direction: str) -> Fraction:
    """Share of the way from baseline to target covered: ``(actual-baseline)/(target-baseline)``.

    Raises ValueError for an unknown direction or a target not on the direction's side of the
    baseline.

    >>> attainment(baseline=60, target=80, actual=75, direction="increase")
    Fraction(3, 4)
    >>> attainment(baseline=0.2, target=0.14, actual=0.23, direction="decrease")
    Fraction(-1, 2)
    """
    if direction not in DIRECTIONS:
        raise ValueError(f"direction: expected one of {', '.join(DIRECTIONS)}, got {direction!r}")
    b = to_fraction(baseline, "baseline")
    t = to_fraction(target, "target")
    a = to_fraction(actual, "actual")
    if (direction == "increase" and t <= b) or (direction == "decrease" and t >= b):
        side = "above" if direction == "increase" else "below"
        raise ValueError(
            f"direction {direction!r} needs a target {side} the baseline "
            f"(baseline {baseline!r}, target {target!r})"
        )
    return (a - b) / (t - b)


def expected_progress(*, start: date | None, end: date | None, as_of: date) -> Fraction:
    """Elapsed share of the period on ``as_of``, in [0, 1]; 1 when the item has no period.

    Days are counted from ``start`` to ``end`` inclusive of the end day:

    >>> expected_progress(start=date(2026, 1, 1), end=date(2026, 12, 31), as_of=date(2026, 7, 2))
    Fraction(182, 365)
    """
    if start is None and end is None:
        return Fraction(1)
    if start is None or end is None or end < start:
        raise ValueError(f"period: need a start on or before the end, got {start} to {end}")
    total = (end - start).days + 1
    elapsed = min(max((as_of - start).days, 0), total)
    return Fraction(elapsed, total)


def _indicator(ind: Indicator, expected: Fraction, cap: Fraction | None, where: str):
    weight = _weight(ind.weight, f"{where}: weight")
    if ind.actual is None:
        _ = attainment(
            baseline=ind.baseline, target=ind.target, actual=ind.baseline, direction=ind.direction
        )  # validate the definition all the same
        return IndicatorResult(ind.code, "no_value", None, expected, None, weight)
    att = attainment(
        baseline=ind.baseline, target=ind.target, actual=ind.actual, direction=ind.direction
    )
    if expected == 0:
        return IndicatorResult(ind.code, "not_started", att, expected, None, weight)
    perf = max(att / expected, Fraction(0))
    if cap is not None:
        perf = min(perf, cap)
    return IndicatorResult(ind.code, "counted", att, expected, perf, weight)


def _milestone(m: Milestone, as_of: date) -> MilestoneResult:
    done = m.completed is not None and m.completed <= as_of
    if done:
        state = "done" if m.completed <= m.due else "done_late"
    else:
        state = "overdue" if as_of > m.due else "pending"
    late = (as_of - m.due).days if state == "overdue" else 0
    return MilestoneResult(m.code, m.due, m.completed if done else None, state, late)


def _weight(value: object, where: str) -> Fraction:
    w = to_fraction(value, where)
    if w < 0:
        raise ValueError(f"{where}: must not be negative, got {value!r}")
    return w


def _mean(pairs: Sequence[tuple[Fraction, Fraction]]) -> Fraction | None:
    """Weighted mean of (value, weight) pairs; None if nothing carries weight."""
    total = sum((w for _, w in pairs), Fraction(0))
    if total == 0:
        return None
    return sum((v * w for v, w in pairs), Fraction(0)) / total


def _unique(codes: Sequence[str], where: str) -> None:
    seen = set()
    for code in codes:
        if not isinstance(code, str) or not code:
            raise ValueError(f"{where}: a code must be a non-empty string, got {code!r}")
        if code in seen:
            raise ValueError(f"{where}: code {code!r} appears twice")
        seen.add(code)


def evaluate(
    item: Item,
    *,
    as_of: date,
    thresholds: Thresholds | None = None,
) -> ItemResult:
    """Score and status of ``item`` and everything below it on ``as_of``.

    Parameters
    ----------
    item : Item
        The root of the (sub)tree: a plan, a goal or a measure.
    as_of : date
        The reporting date.
    thresholds : Thresholds, optional
        The status rule; default on_track 0.9, at_risk 0.7, cap 1.

    Returns
    -------
    ItemResult

    Raises
    ------
    ValueError
        A negative weight, a target on the wrong side of its baseline, an unknown direction, a
        period whose end is before its start, a code repeated among siblings (the message names
        the item's path).

    Examples
    --------
    A goal with two measures, weights 3 and 1: one at 0.8 of its expected progress, one with
    an overdue milestone and nothing else; the milestone part is 0, so the goal scores
    (3 * 4/5 + 1 * 0) / 4 = 3/5, off track:

    >>> goal = Item("G1", children=(
    ...     Item("M1", weight=3, indicators=(Indicator("teachers", "increase", 100, 150, 140),)),
    ...     Item("M2", weight=1, milestones=(Milestone("agreement", date(2026, 3, 1)),))))
    >>> r = evaluate(goal, as_of=date(2026, 6, 30))
    >>> r.score, r.status, r.overdue, r.find("M2").milestones[0].days_overdue
    (Fraction(3, 5), 'off_track', ('G1/M2/agreement',), 121)
    """
    return _evaluate(item, as_of, thresholds or Thresholds(), (None, None), "")


def _evaluate(item: Item, as_of: date, rule: Thresholds, outer: tuple, parent: str) -> ItemResult:
    path = f"{parent}/{item.code}" if parent else item.code
    _unique([item.code], path or "item")
    _unique([i.code for i in item.indicators], f"{path}: indicators")
    _unique([m.code for m in item.milestones], f"{path}: milestones")
    _unique([c.code for c in item.children], f"{path}: children")
    period = (item.start, item.end) if (item.start or item.end) else outer
    expected = expected_progress(start=period[0], end=period[1], as_of=as_of)
    inds = tuple(_indicator(i, expected, rule.cap, f"{path}/{i.code}") for i in item.indicators)
    miles = tuple(_milestone(m, as_of) for m in item.milestones)
    kids = tuple(_evaluate(c, as_of, rule, period, path) for c in item.children)
    due = [m for m in miles if m.due < as_of]
    parts = {
        "indicators": _mean([(i.performance, i.weight) for i in inds if i.state == "counted"]),
        "milestones": (
            Fraction(sum(m.state in ("done", "done_late") for m in due), len(due)) if due else None
        ),
        "children": _mean([(c.score, c.weight) for c in kids if c.score is not None]),
    }
    valued = [(v, name) for name, v in parts.items() if v is not None]
    score, decided = (
        min(valued, key=lambda p: (p[0], PARTS.index(p[1]))) if valued else (None, None)
    )
    overdue = tuple(f"{path}/{m.code}" for m in miles if m.state == "overdue")
    return ItemResult(
        code=item.code,
        weight=_weight(item.weight, f"{path}: weight"),
        score=score,
        status=rule.status(score),
        parts=parts,
        decided_by=decided,
        expected=expected,
        indicators=inds,
        milestones=miles,
        children=kids,
        overdue=overdue + tuple(code for c in kids for code in c.overdue),
        thresholds=rule,
    )
