"""Helpers shared by the capacity modules."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction

from ..exact import to_fraction


def non_negative(value: object, where: str) -> Fraction:
    """``value`` as a Fraction; ValueError naming ``where`` if it is negative or not a number."""
    f = to_fraction(value, where)
    if f < 0:
        raise ValueError(f"{where}: must not be negative, got {value!r}")
    return f


def mean(xs: Sequence[Fraction]) -> Fraction:
    """Exact arithmetic mean of a non-empty sequence."""
    return sum(xs, Fraction(0)) / len(xs)
