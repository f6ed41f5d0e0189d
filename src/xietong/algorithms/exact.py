"""Exact numbers for the rule engines (decision rules, plan status).

A threshold such as "55 % of the members" or "at least one third of the population" decides an
outcome exactly at its boundary, so the engines compare :class:`fractions.Fraction` values and
never floats. Inputs may be ints, Fractions, Decimals, decimal strings (``"0.55"``, ``"11/20"``:
the form a rule takes when it is stored as JSON) or floats; a float is read through its shortest
decimal representation, so ``0.55`` means exactly ``11/20``.

>>> to_fraction(0.55, "member_share")
Fraction(11, 20)
>>> to_share("2/3", "threshold")
Fraction(2, 3)
"""

from __future__ import annotations

import math
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral, Real

__all__ = ["fraction_text", "to_fraction", "to_share"]


def to_fraction(value: object, where: str) -> Fraction:
    """``value`` as an exact Fraction; ValueError naming ``where`` if it is not a finite number."""
    if isinstance(value, bool):
        raise ValueError(f"{where}: expected a number, got the boolean {value!r}")
    if isinstance(value, Fraction):
        return value
    if isinstance(value, Integral):
        return Fraction(int(value))
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"{where}: expected a finite number, got {value!r}")
        return Fraction(value)
    if isinstance(value, Real):
        f = float(value)
        if not math.isfinite(f):
            raise ValueError(f"{where}: expected a finite number, got {value!r}")
        return Fraction(repr(f))
    if isinstance(value, str):
        try:
            return Fraction(value.strip())
        except (ValueError, ZeroDivisionError, InvalidOperation):
            raise ValueError(
                f"{where}: {value!r} is not a number (write 0.55, 55/100 or 11/20)"
            ) from None
    raise ValueError(f"{where}: expected a number, got {type(value).__name__} {value!r}")


def to_share(value: object, where: str) -> Fraction:
    """A share in (0, 1]: more than nothing, at most everyone."""
    share = to_fraction(value, where)
    if not 0 < share <= 1:
        raise ValueError(f"{where}: a share must be more than 0 and at most 1, got {value!r}")
    return share


def fraction_text(value: Fraction) -> str:
    """``"11/20"`` or ``"3"``: exact, and read back by :func:`to_fraction`."""
    return str(value)
