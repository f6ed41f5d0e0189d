"""Amounts of fen and exact numbers: conversion from yuan, display, and Hamilton's
largest-remainder rounding that keeps a total to the fen."""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral

import numpy as np


def is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool | np.bool_)


def to_fen(x: object, what: str) -> int:
    """Validate an amount of fen (an integer, never a float or a bool)."""
    if not is_int(x):
        raise ValueError(
            f"{what} must be an integer number of fen (1 yuan = 100 fen), got {x!r}; "
            "convert yuan amounts with yuan_to_fen()"
        )
    return int(x)  # type: ignore[call-overload]


def yuan_to_fen(amount: Decimal | str | int) -> int:
    """Convert an amount of yuan to an integer number of fen, exactly.

    Parameters
    ----------
    amount : Decimal, str or int
        Amount in yuan, e.g. ``Decimal("1234.56")``, ``"1234.56"`` or ``1234``.
        Floats are refused because they cannot represent most fen amounts.

    Returns
    -------
    int
        The amount in fen.

    Raises
    ------
    ValueError
        If the amount is a float, is not a finite number, or has more than two
        decimal places (a fraction of a fen).

    Examples
    --------
    >>> yuan_to_fen("1234.56")
    123456
    >>> yuan_to_fen(Decimal("-0.5"))
    -50
    >>> yuan_to_fen(3)
    300
    """
    if isinstance(amount, bool) or isinstance(amount, float | np.floating):
        raise ValueError(
            f"yuan amount {amount!r} is a float; pass a Decimal or a string such as '12.34'"
        )
    if is_int(amount):
        return int(amount) * 100  # type: ignore[call-overload]
    try:
        d = Decimal(amount)
    except (InvalidOperation, TypeError):
        raise ValueError(f"cannot read {amount!r} as an amount of yuan") from None
    if not d.is_finite():
        raise ValueError(f"yuan amount {amount!r} is not a finite number")
    fen = d * 100
    if fen != fen.to_integral_value():
        raise ValueError(f"yuan amount {amount!r} has a fraction of a fen; round it first")
    return int(fen)


def format_fen(fen: int) -> str:
    """Format an integer amount of fen as yuan with two decimals.

    Parameters
    ----------
    fen : int
        Amount in fen.

    Returns
    -------
    str
        The amount in yuan, with thousands separators.

    Raises
    ------
    ValueError
        If ``fen`` is not an integer.

    Examples
    --------
    >>> format_fen(123456789)
    '1,234,567.89'
    >>> format_fen(-5)
    '-0.05'
    """
    fen = to_fen(fen, "fen")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def fraction_fen_text(q: Fraction) -> str:
    """Display a rational amount of fen as yuan with four decimals (display only)."""
    return f"{float(q) / 100:,.4f}"


def decimal_text(q: Fraction | float, places: int) -> str:
    """A rational (or float) as a decimal string rounded half-even to ``places`` decimals, for
    JSON records: exact enough to show, and never a binary float in the record."""
    if isinstance(q, Fraction):
        d = Decimal(q.numerator) / Decimal(q.denominator)
    else:
        d = Decimal(repr(float(q)))
    return str(d.quantize(Decimal(1).scaleb(-places)))


# --------------------------------------------------------------------------
# Exact numbers
# --------------------------------------------------------------------------


def to_fraction(x: object, what: str) -> Fraction:
    """Convert a weight to an exact Fraction.

    Floats are read through their shortest decimal representation, so that
    ``0.4`` means exactly ``2/5`` (and the result is reproducible).
    """
    if isinstance(x, bool | np.bool_):
        raise ValueError(f"{what} must be a number, got the boolean {x!r}")
    if is_int(x):
        return Fraction(int(x))  # type: ignore[call-overload]
    if isinstance(x, Fraction):
        return x
    if isinstance(x, Decimal):
        if not x.is_finite():
            raise ValueError(f"{what} must be finite, got {x!r}")
        return Fraction(x)
    if isinstance(x, float | np.floating):
        f = float(x)
        if not math.isfinite(f):
            raise ValueError(f"{what} must be finite, got {x!r}")
        return Fraction(repr(f))
    raise ValueError(f"{what} must be a number (int, float, Decimal or Fraction), got {x!r}")


# --------------------------------------------------------------------------
# Largest-remainder rounding
# --------------------------------------------------------------------------


def largest_remainder_round(
    quotas: Sequence[Fraction | int],
    total: int,
    *,
    priority: Sequence[Fraction | int | float] | None = None,
) -> tuple[int, ...]:
    """Round exact quotas to integers that add up to ``total`` (Hamilton's method).

    Every quota is first rounded down; the fen still missing are then given,
    one each, to the quotas with the largest fractional remainders.

    Ties are broken deterministically: larger remainder first, then larger
    ``priority`` (for instance the member's weight), then lower index.

    Parameters
    ----------
    quotas : sequence of Fraction or int
        Exact (rational) quotas; they must add up to ``total`` exactly.
    total : int
        Integer total to distribute (e.g. fen).
    priority : sequence of numbers, optional
        Secondary tie-break key, larger first.  Default: no secondary key.

    Returns
    -------
    tuple of int
        Integers ``a_i`` with ``sum(a_i) == total`` and
        ``floor(q_i) <= a_i <= ceil(q_i)``.

    Raises
    ------
    ValueError
        If the quotas are not exact rationals, do not add up to ``total``, or
        ``priority`` has the wrong length.

    References
    ----------
    M. L. Balinski and H. P. Young, *Fair Representation*, 2nd ed., 2001.

    Examples
    --------
    >>> from fractions import Fraction
    >>> largest_remainder_round([Fraction(10, 3)] * 3, 10)
    (4, 3, 3)
    >>> largest_remainder_round([Fraction(10, 3)] * 3, 10, priority=[1, 2, 3])
    (3, 3, 4)
    """
    total = to_fen(total, "total")
    qs: list[Fraction] = []
    for i, q in enumerate(quotas):
        if isinstance(q, bool) or not isinstance(q, Fraction | Integral):
            raise ValueError(
                f"quota {i} must be an exact Fraction or int, got {q!r}; floats are not exact"
            )
        qs.append(Fraction(q))
    if sum(qs, Fraction(0)) != total:
        raise ValueError(
            f"quotas add up to {sum(qs, Fraction(0))}, not to the total {total}; "
            "rescale them before rounding"
        )
    if priority is None:
        prio: list[Fraction] = [Fraction(0)] * len(qs)
    else:
        if len(priority) != len(qs):
            raise ValueError(f"priority has {len(priority)} entries for {len(qs)} quotas")
        prio = [to_fraction(p, f"priority[{i}]") for i, p in enumerate(priority)]
    base = [math.floor(q) for q in qs]
    missing = total - sum(base)
    order = sorted(range(len(qs)), key=lambda i: (-(qs[i] - base[i]), -prio[i], i))
    for i in order[:missing]:
        base[i] += 1
    return tuple(base)
