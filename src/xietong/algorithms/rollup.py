"""Roll-up of the cooperation portfolio: plan -> task -> cooperation -> activity.

The portfolio is a tree. Its leaves are *records* (activities); cooperations carry
*obligations*; plans and tasks group cooperations. Every node's totals follow one stated rule,
so a total on the page can be recomputed by hand from the records listed under it:

1. **Records**: a leaf counts 1; a parent's count is the sum of its children's counts (a
   parent's own count is never entered by hand). ``records(parent) == sum(records(child))``.
2. **Amounts** (lessons, sessions, hours, ... per measure): the sum over the leaves that have a
   value for that measure. A leaf without a value (``None``) does not count: it adds nothing to
   the sum and nothing to ``valued``, the number of leaves behind the sum. Sums are exact.
3. **Compliance**: an obligation is *assessed* when its outcome is known (met or not met in the
   period); one without an outcome (``None``: no quota, or the period not yet closed) does not
   count. A node's ``assessed`` and ``met`` are the sums over its own obligations and its
   children; its compliance share is ``met / assessed`` (pooled counts, never a mean of the
   children's shares, so a cooperation with 10 obligations weighs 10 times one with 1), and it
   has no share (``None``) when nothing is assessed. The share lies in ``[0, 1]``.
4. The order of children does not change any total (sums of integers and Fractions).
5. A leaf may stand for ``records`` records summed beforehand (e.g. by the database): it counts
   ``records``, its amounts are their sums and each amount is valued ``records`` times (every
   record behind it has a value for that measure), so the totals are those of the records
   listed one by one.

>>> t = Node("T1", "task", children=(
...     Node("C1", "cooperation", obligations=(("O1", True), ("O2", False)), children=(
...         Node("A1", "activity", amounts={"lessons": 3}),
...         Node("A2", "activity", amounts={"lessons": None}),
...     )),
...     Node("C2", "cooperation", obligations=(("O3", True), ("O4", None))),
... ))
>>> r = rollup(t)
>>> r.records, r.amounts["lessons"], r.valued["lessons"], r.assessed, r.met, r.compliance
(2, Fraction(3, 1), 1, 3, 2, Fraction(2, 3))
>>> summed = rollup(Node("C1", "cooperation", children=(
...     Node("A1-A3", "activity", amounts={"lessons": 6}, records=3),
...     Node("A4", "activity", amounts={"lessons": None}),
... )))
>>> summed.records, summed.amounts["lessons"], summed.valued["lessons"]
(4, Fraction(6, 1), 3)

References
----------
.. [1] IATI Standard 2.03, ``result/indicator/period``: actual values are aggregated over
   the activities that report one; activities without a value are not counted as zero.
.. [2] Decidim accountability module: a parent result's progress is derived from its
   children, never entered twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from fractions import Fraction

from .exact import to_fraction

__all__ = ["LEVELS", "Node", "Rollup", "rollup"]

LEVELS = ("plan", "task", "cooperation", "activity")


@dataclass(frozen=True)
class Node:
    """One item of the tree. ``amounts`` only matter on leaves (records); ``obligations`` are
    ``(code, met)`` pairs where ``met`` is True, False or None (not assessed); ``records``: how
    many records a leaf stands for (rule 5), 1 for one record."""

    key: str
    level: str
    children: tuple[Node, ...] = ()
    amounts: Mapping[str, object] = field(default_factory=dict)
    obligations: tuple[tuple[str, bool | None], ...] = ()
    records: int = 1


@dataclass(frozen=True)
class Rollup:
    """The totals of one node, with its children's roll-ups (for drill-down)."""

    key: str
    level: str
    records: int
    amounts: dict[str, Fraction]
    valued: dict[str, int]
    assessed: int
    met: int
    children: tuple[Rollup, ...] = ()

    @property
    def compliance(self) -> Fraction | None:
        """``met / assessed``, or None when nothing is assessed."""
        return Fraction(self.met, self.assessed) if self.assessed else None

    @property
    def unmet(self) -> int:
        return self.assessed - self.met


def _leaf_amounts(node: Node) -> tuple[dict[str, Fraction], dict[str, int]]:
    amounts: dict[str, Fraction] = {}
    valued: dict[str, int] = {}
    for measure, value in node.amounts.items():
        if value is None:
            continue
        amount = to_fraction(value, f"{node.key}.{measure}")
        if amount < 0:
            raise ValueError(f"{node.key}.{measure}: an amount cannot be negative ({value!r})")
        amounts[measure] = amount
        valued[measure] = node.records
    return amounts, valued


def _own_obligations(node: Node) -> tuple[int, int]:
    assessed = met = 0
    for code, outcome in node.obligations:
        if outcome is None:
            continue
        if not isinstance(outcome, bool):
            raise ValueError(f"{node.key}.{code}: an outcome is True, False or None")
        assessed += 1
        met += outcome
    return assessed, met


def _merge(into: dict, other: Mapping) -> None:
    for measure, value in other.items():
        into[measure] = into.get(measure, 0) + value


def rollup(node: Node) -> Rollup:
    """The totals of ``node`` and of every node below it, by the rule of the module."""
    if node.level not in LEVELS:
        raise ValueError(f"{node.key}: unknown level {node.level!r}; expected one of {LEVELS}")
    children = tuple(rollup(child) for child in node.children)
    assessed, met = _own_obligations(node)
    if not children:
        if node.level == "activity" and (
            not isinstance(node.records, int) or isinstance(node.records, bool) or node.records < 1
        ):
            raise ValueError(f"{node.key}: a leaf stands for 1 or more records ({node.records!r})")
        amounts, valued = _leaf_amounts(node) if node.level == "activity" else ({}, {})
        records = node.records if node.level == "activity" else 0
        return Rollup(node.key, node.level, records, amounts, valued, assessed, met)
    amounts, valued = {}, {}
    for child in children:
        _merge(amounts, child.amounts)
        _merge(valued, child.valued)
        assessed += child.assessed
        met += child.met
    records = sum(child.records for child in children)
    return Rollup(node.key, node.level, records, amounts, valued, assessed, met, children)
