"""Cost sharing for the joint regional education fund.

Members (provinces, municipalities, counties) of a regional cooperation share
the cost of a joint education fund.  This module offers two families of rules:

* **Proportional rules** over declared weights (students, population, GDP,
  fiscal revenue, equal shares, or a mix such as 40/30/30 of several of them),
  with per-member floors and caps, exact to the fen: amounts are integers of
  fen (1 yuan = 100 fen) rounded by the largest-remainder (Hamilton) method, so
  the shares always add up to the total exactly
  (:func:`proportional_shares`, :func:`largest_remainder_round`).
* **Cooperative-game rules** for costs that depend on which members take part:
  the Shapley value, exact (:func:`shapley`, :func:`shapley_detailed`) or
  sampled (:func:`shapley_sampled`); the closed-form Shapley charges of airport
  games (:func:`airport_shares`); the core (:func:`in_core`,
  :func:`core_check`) and the nucleolus (:func:`nucleolus`,
  :func:`nucleolus_detailed`).

Conventions
-----------
A game on ``n`` members is given as an array ``coalition_values`` of length
``2**n`` indexed by coalition bitmask: bit ``i`` of the index is set when
member ``i`` belongs to the coalition, and index ``0`` is the empty coalition,
whose value must be ``0``.  Values may be floats (or integers of fen); the
Shapley value is linear, so it is the same computation for a *value* (surplus)
game and a *cost* game.  The core and the nucleolus are not symmetric in that
respect, so those functions take ``kind="value"`` (the default, textbook
convention: an allocation must give every coalition at least its value) or
``kind="cost"`` (an allocation must charge every coalition at most its
stand-alone cost).

Money amounts are never floats: the proportional rules take and return
integers of fen, and exact rational intermediate results are kept as
:class:`fractions.Fraction`.  Game values (weights, coalition values, Shapley
values) may be floats.

References
----------
.. [1] L. S. Shapley, "A value for n-person games", in *Contributions to the
   Theory of Games II*, Annals of Mathematics Studies 28, Princeton University
   Press, 1953, pp. 307-317.
.. [2] S. C. Littlechild and G. Owen, "A simple expression for the Shapley
   value in a special case", *Management Science* 20(3), 1973, pp. 370-372.
.. [3] S. C. Littlechild and G. F. Thompson, "Aircraft landing fees: a game
   theory approach", *The Bell Journal of Economics* 8(1), 1977, pp. 186-204.
.. [4] D. Schmeidler, "The nucleolus of a characteristic function game",
   *SIAM Journal on Applied Mathematics* 17(6), 1969, pp. 1163-1170.
.. [5] M. Maschler, B. Peleg and L. S. Shapley, "Geometric properties of the
   kernel, nucleolus, and related solution concepts", *Mathematics of
   Operations Research* 4(4), 1979, pp. 303-338.
.. [6] M. Guajardo and K. Jörnsten, "Common mistakes in computing the
   nucleolus", *European Journal of Operational Research* 241(3), 2015,
   pp. 931-935.
.. [7] M. Maschler, E. Solan and S. Zamir, *Game Theory*, Cambridge
   University Press, 2013, chapters 17 (core), 18 (Shapley value) and 20
   (nucleolus).
.. [8] M. J. Osborne and A. Rubinstein, *A Course in Game Theory*, MIT Press,
   1994, chapters 13 and 14.
.. [9] M. L. Balinski and H. P. Young, *Fair Representation: Meeting the Ideal
   of One Man, One Vote*, 2nd ed., Brookings Institution, 2001 (Hamilton's
   largest-remainder method).
.. [10] J. Castro, D. Gómez and J. Tejada, "Polynomial calculation of the
   Shapley value based on sampling", *Computers & Operations Research* 36(5),
   2009, pp. 1726-1730.
.. [11] R. J. Aumann and M. Maschler, "Game theoretic analysis of a bankruptcy
   problem from the Talmud", *Journal of Economic Theory* 36(2), 1985,
   pp. 195-213.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from numbers import Integral
from statistics import NormalDist

import numpy as np

__all__ = [
    "EQUAL",
    "CoreCheck",
    "MemberShare",
    "NucleolusResult",
    "ProportionalAllocation",
    "SampledShapley",
    "ShapleyExplanation",
    "AirportExplanation",
    "airport_detailed",
    "airport_game",
    "airport_shares",
    "coalition_sums",
    "core_check",
    "format_fen",
    "in_core",
    "largest_remainder_round",
    "nucleolus",
    "nucleolus_detailed",
    "proportional_shares",
    "shapley",
    "shapley_detailed",
    "shapley_sampled",
    "yuan_to_fen",
]

#: Name usable in ``mix`` of :func:`proportional_shares` for equal shares
#: (no weight vector needs to be given for it).
EQUAL = "equal"

#: Largest number of members accepted by the exact Shapley routines
#: (``2**30`` float64 values already take 8 GiB).
MAX_EXACT_SHAPLEY_MEMBERS = 30

#: Largest number of members accepted by :func:`nucleolus` (sequential LPs
#: over all ``2**n - 2`` proper coalitions).
MAX_NUCLEOLUS_MEMBERS = 12

_CHUNK = 1 << 16  # elements per vectorised block in the exact Shapley kernel


# --------------------------------------------------------------------------
# Money helpers
# --------------------------------------------------------------------------


def _is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool | np.bool_)


def _fen(x: object, what: str) -> int:
    """Validate an amount of fen (an integer, never a float or a bool)."""
    if not _is_int(x):
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
    if _is_int(amount):
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
    fen = _fen(fen, "fen")
    sign = "-" if fen < 0 else ""
    yuan, cents = divmod(abs(fen), 100)
    return f"{sign}{yuan:,}.{cents:02d}"


def _fmt_fraction_fen(q: Fraction) -> str:
    """Display a rational amount of fen as yuan with four decimals (display only)."""
    return f"{float(q) / 100:,.4f}"


def _decimal_text(q: Fraction | float, places: int) -> str:
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


def _exact(x: object, what: str) -> Fraction:
    """Convert a weight to an exact Fraction.

    Floats are read through their shortest decimal representation, so that
    ``0.4`` means exactly ``2/5`` (and the result is reproducible).
    """
    if isinstance(x, bool | np.bool_):
        raise ValueError(f"{what} must be a number, got the boolean {x!r}")
    if _is_int(x):
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
    total = _fen(total, "total")
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
        prio = [_exact(p, f"priority[{i}]") for i, p in enumerate(priority)]
    base = [math.floor(q) for q in qs]
    missing = total - sum(base)
    order = sorted(range(len(qs)), key=lambda i: (-(qs[i] - base[i]), -prio[i], i))
    for i in order[:missing]:
        base[i] += 1
    return tuple(base)


# --------------------------------------------------------------------------
# Proportional rules with floors and caps
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberShare:
    """How one member's amount was obtained by :func:`proportional_shares`.

    Attributes
    ----------
    index : int
        Position of the member.
    label : str
        Name of the member (``"member <index>"`` if none was given).
    weight : Fraction
        The member's combined weight, normalised so that all weights add up
        to 1.
    components : tuple of (str, Fraction)
        For each criterion of the mix, the member's share of that criterion
        (its weight divided by the criterion's total).
    proportional : Fraction
        The unconstrained proportional share in fen, ``total * weight``.
    quota : Fraction
        The exact share in fen after floors and caps, before rounding.
    clamped : {None, "floor", "cap"}
        ``"floor"`` if the member was raised to its floor, ``"cap"`` if it was
        lowered to its cap, ``None`` if it pays its proportional part of what
        remains.
    floor : int
        The member's floor in fen.
    cap : int or None
        The member's cap in fen (``None``: no cap).
    amount : int
        The amount charged, in fen.
    """

    index: int
    label: str
    weight: Fraction
    components: tuple[tuple[str, Fraction], ...]
    proportional: Fraction
    quota: Fraction
    clamped: str | None
    floor: int
    cap: int | None
    amount: int

    @property
    def rounding(self) -> Fraction:
        """Rounding adjustment in fen, ``amount - quota`` (strictly between -1 and 1)."""
        return self.amount - self.quota

    def describe(self) -> str:
        """One line of plain-language explanation of this member's amount."""
        parts = [f"{self.label}: weight {float(self.weight):.4%}"]
        if len(self.components) > 1:
            comp = ", ".join(f"{name} {float(s):.2%}" for name, s in self.components)
            parts[0] += f" ({comp})"
        parts.append(f"proportional share {_fmt_fraction_fen(self.proportional)} yuan")
        if self.clamped == "floor":
            parts.append(f"raised to its floor {format_fen(self.floor)} yuan")
        elif self.clamped == "cap":
            assert self.cap is not None
            parts.append(f"lowered to its cap {format_fen(self.cap)} yuan")
        elif self.quota != self.proportional:
            parts.append(
                f"rescaled to {_fmt_fraction_fen(self.quota)} yuan after floors and caps of others"
            )
        r = self.rounding
        if r:
            parts.append(f"rounding {float(r):+.4f} fen")
        parts.append(f"pays {format_fen(self.amount)} yuan")
        return "; ".join(parts)

    def record(self) -> dict:
        """The explanation as codes and numbers, for storing as JSON and rendering in the
        reader's language: the label (a member code), weights as decimal fractions (6 places),
        fen amounts as integers or decimal strings (4 places).

        Examples
        --------
        >>> r = proportional_shares(10, [1, 1, 1], labels=["A", "B", "C"])
        >>> r.shares[0].record()["amount"], r.shares[0].record()["rounding"]
        (4, '0.6667')
        """
        return {
            "member": self.label,
            "weight": _decimal_text(self.weight, 6),
            "components": [[name, _decimal_text(s, 6)] for name, s in self.components],
            "proportional": _decimal_text(self.proportional, 4),
            "quota": _decimal_text(self.quota, 4),
            "clamped": self.clamped,
            "floor": self.floor,
            "cap": self.cap,
            "rounding": _decimal_text(self.rounding, 4),
            "amount": self.amount,
        }


@dataclass(frozen=True)
class ProportionalAllocation:
    """Result of :func:`proportional_shares`.

    Attributes
    ----------
    total : int
        The total in fen; ``sum(amounts) == total``.
    amounts : tuple of int
        Amount charged to each member, in fen.
    shares : tuple of MemberShare
        Per-member explanation.
    scale : Fraction
        Fen per unit of normalised weight paid by the members that are not
        clamped (equals ``total`` when nobody is clamped).
    """

    total: int
    amounts: tuple[int, ...]
    shares: tuple[MemberShare, ...]
    scale: Fraction

    def explain(self) -> str:
        """Plain-language explanation, one line per member."""
        head = f"total {format_fen(self.total)} yuan shared among {len(self.amounts)} members"
        return "\n".join([head] + [s.describe() for s in self.shares])

    def record(self) -> dict:
        """The whole allocation as codes and numbers (see :meth:`MemberShare.record`)."""
        return {
            "rule": "proportional",
            "total": self.total,
            "shares": [s.record() for s in self.shares],
        }


def _weight_vector(values: object, name: str, n: int | None) -> list[Fraction]:
    if isinstance(values, str | bytes) or not isinstance(values, Sequence | np.ndarray):
        raise ValueError(f"weight vector {name!r} must be a sequence of numbers, got {values!r}")
    arr = (
        list(np.asarray(values, dtype=object).ravel()) if isinstance(values, np.ndarray) else values
    )
    if isinstance(values, np.ndarray) and values.ndim != 1:
        raise ValueError(f"weight vector {name!r} must be one-dimensional")
    w = [_exact(x, f"weight {name!r}[{i}]") for i, x in enumerate(arr)]
    if n is not None and len(w) != n:
        raise ValueError(f"weight vector {name!r} has {len(w)} entries, expected {n}")
    if any(x < 0 for x in w):
        i = next(i for i, x in enumerate(w) if x < 0)
        raise ValueError(f"weight {name!r}[{i}] is negative ({w[i]}); weights must be >= 0")
    if sum(w) == 0:
        raise ValueError(f"weight vector {name!r} adds up to 0; give at least one positive weight")
    return w


def _combined_weights(
    weights: Sequence | Mapping[str, Sequence],
    mix: Mapping[str, object] | None,
    n_hint: int | None,
) -> tuple[list[Fraction], list[tuple[tuple[str, Fraction], ...]]]:
    """Return normalised combined weights and per-member component shares."""
    if isinstance(weights, Mapping):
        vectors = dict(weights)
        if mix is None:
            if len(vectors) != 1:
                raise ValueError(
                    f"{len(vectors)} weight vectors given ({', '.join(map(str, vectors))}); "
                    "say how to combine them with mix=, e.g. {'students': 40, 'population': 30, "
                    "'gdp': 30}"
                )
            mix = {next(iter(vectors)): 1}
        unused = [k for k in vectors if k not in mix]
        if unused:
            raise ValueError(
                f"weight vector(s) {unused} not used in mix; drop them or give them a mix share"
            )
        unknown = [k for k in mix if k not in vectors and k != EQUAL]
        if unknown:
            raise ValueError(
                f"mix names {unknown} have no weight vector; give them in weights "
                f"(only {EQUAL!r} needs none)"
            )
    else:
        if mix is not None:
            raise ValueError("mix= needs weights given as a mapping {name: vector}")
        vectors = {"weight": weights}
        mix = {"weight": 1}
    mix_exact = {k: _exact(v, f"mix share {k!r}") for k, v in mix.items()}
    if any(v < 0 for v in mix_exact.values()):
        raise ValueError(f"mix shares must be >= 0, got {dict(mix)}")
    mix_total = sum(mix_exact.values(), Fraction(0))
    if mix_total == 0:
        raise ValueError("mix shares add up to 0; give at least one positive share")

    n: int | None = None
    normalised: dict[str, list[Fraction]] = {}
    for name in mix_exact:
        if name == EQUAL and name not in vectors:
            continue
        w = _weight_vector(vectors[name], name, n)
        n = len(w)
        s = sum(w, Fraction(0))
        normalised[name] = [x / s for x in w]
    if n is None:
        n = n_hint
    if n is None:
        raise ValueError("cannot tell the number of members: give a weight vector or labels")
    if n == 0:
        raise ValueError("there are no members to share the total among")
    if EQUAL in mix_exact and EQUAL not in vectors:
        normalised[EQUAL] = [Fraction(1, n)] * n
    combined = [
        sum((mix_exact[k] * normalised[k][i] for k in mix_exact), Fraction(0)) / mix_total
        for i in range(n)
    ]
    components = [tuple((k, normalised[k][i]) for k in mix_exact) for i in range(n)]
    return combined, components


def _clamp(x: Fraction, lo: int, hi: int | None) -> Fraction:
    if x < lo:
        return Fraction(lo)
    if hi is not None and x > hi:
        return Fraction(hi)
    return x


def _solve_scale(
    total: int, w: list[Fraction], floors: list[int], caps: list[int | None]
) -> Fraction:
    """Find a scale ``lam`` with ``sum(clamp(lam*w_i, f_i, c_i)) == total``.

    Where several scales work (all members clamped), the largest breakpoint
    not above the solution set is returned; the amounts are the same.

    ``g(lam)`` is continuous, piecewise linear and non-decreasing, with
    breakpoints at ``f_i/w_i`` and ``c_i/w_i``; the caller has checked
    ``g(0) <= total <= g(inf)``.
    """

    def g(lam: Fraction) -> Fraction:
        return sum(
            (_clamp(lam * wi, f, c) for wi, f, c in zip(w, floors, caps, strict=True)), Fraction(0)
        )

    breaks = {Fraction(0)}
    for wi, f, c in zip(w, floors, caps, strict=True):
        if wi > 0:
            breaks.add(Fraction(f) / wi)
            if c is not None:
                breaks.add(Fraction(c) / wi)
    bs = sorted(breaks)
    lo, hi = 0, len(bs) - 1  # g(bs[0]) <= total; find the last j with g(bs[j]) <= total
    if g(bs[hi]) <= total:
        lo = hi
    else:
        while hi - lo > 1:
            mid = (lo + hi) // 2
            if g(bs[mid]) <= total:
                lo = mid
            else:
                hi = mid
    b = bs[lo]
    gb = g(b)
    if gb == total:
        return b
    slope = sum(
        (
            wi
            for wi, f, c in zip(w, floors, caps, strict=True)
            if wi > 0 and Fraction(f) / wi <= b and (c is None or Fraction(c) / wi > b)
        ),
        Fraction(0),
    )
    if slope == 0:  # pragma: no cover - excluded by the feasibility check
        raise ValueError("floors and caps leave no member to absorb the remainder")
    return b + (total - gb) / slope


def proportional_shares(
    total: int,
    weights: Sequence | Mapping[str, Sequence],
    *,
    mix: Mapping[str, object] | None = None,
    floors: Sequence[int] | None = None,
    caps: Sequence[int | None] | None = None,
    labels: Sequence[str] | None = None,
) -> ProportionalAllocation:
    """Share a total among members in proportion to declared weights, exact to the fen.

    The rule, in plain words:

    1. Each member's weight is its share of each criterion (students,
       population, GDP, ...) averaged with the ``mix`` shares; e.g. a 40/30/30
       mix of students, population and GDP gives member ``i`` the weight
       ``0.4*s_i/S + 0.3*p_i/P + 0.3*g_i/G``.
    2. Floors and caps: a member whose proportional share is below its floor
       pays its floor, one whose share is above its cap pays its cap, and the
       remainder is shared in proportion to weight among the others; this is
       repeated until stable.  The stable point is computed exactly: there is
       a scale ``lam`` (fen per unit of weight) such that every member pays
       ``clamp(lam * weight, floor, cap)`` and these add up to the total.
    3. The exact (rational) shares are rounded to whole fen by the
       largest-remainder (Hamilton) method; ties go to the larger remainder,
       then the larger weight, then the lower index.  The amounts always add up
       to ``total`` exactly and respect every floor and cap.

    Parameters
    ----------
    total : int
        Amount to share, in fen (``>= 0``).
    weights : sequence of numbers, or mapping of str to sequence of numbers
        One weight per member (``>= 0``, not all zero), or several named
        weight vectors to be mixed with ``mix``.  Numbers may be int, Decimal,
        Fraction or float; floats are read through their shortest decimal
        representation (``0.4`` is exactly ``2/5``).
    mix : mapping of str to number, optional
        Relative importance of each named weight vector (``{"students": 40,
        "population": 30, "gdp": 30}`` and ``{... : 0.4, 0.3, 0.3}`` are the
        same); the name :data:`EQUAL` (``"equal"``) stands for equal shares
        and needs no vector.  Required when ``weights`` is a mapping with
        several vectors.
    floors : sequence of int, optional
        Minimum amount of each member in fen (default 0).
    caps : sequence of int or None, optional
        Maximum amount of each member in fen; ``None`` means no cap (default).
    labels : sequence of str, optional
        Member names used in explanations.

    Returns
    -------
    ProportionalAllocation
        Amounts in fen and a per-member explanation.

    Raises
    ------
    ValueError
        On malformed input (non-integer amounts, negative weights, lengths that
        do not match, floor above cap) and when floors and caps are
        infeasible: the floors add up to more than the total, or the caps
        (with the floors of zero-weight members, who cannot be asked for more
        than their floor) add up to less than the total.

    References
    ----------
    M. L. Balinski and H. P. Young, *Fair Representation*, 2nd ed., 2001.

    Examples
    --------
    100 yuan shared 3:1, then 0.10 yuan among three equal members (the extra
    fen goes to the first member by the tie-break):

    >>> proportional_shares(10000, [3, 1]).amounts
    (7500, 2500)
    >>> proportional_shares(10, [1, 1, 1]).amounts
    (4, 3, 3)

    A 40/30/30 mix of students, population and equal shares, with a floor of
    200 yuan for every member:

    >>> r = proportional_shares(
    ...     100000,
    ...     {"students": [700, 200, 100], "population": [50, 30, 20]},
    ...     mix={"students": 40, "population": 30, "equal": 30},
    ...     floors=[25000, 25000, 25000],
    ...     labels=["A", "B", "C"],
    ... )
    >>> r.amounts, sum(r.amounts)
    ((49688, 25312, 25000), 100000)
    >>> [s.clamped for s in r.shares]
    [None, None, 'floor']
    >>> print(r.shares[2].describe())
    C: weight 20.0000% (students 10.00%, population 20.00%, equal 33.33%); proportional share 200.0000 yuan; raised to its floor 250.00 yuan; pays 250.00 yuan
    >>> print(r.shares[0].describe())
    A: weight 53.0000% (students 70.00%, population 50.00%, equal 33.33%); proportional share 530.0000 yuan; rescaled to 496.8750 yuan after floors and caps of others; rounding +0.5000 fen; pays 496.88 yuan
    """
    total = _fen(total, "total")
    if total < 0:
        raise ValueError(f"total must be >= 0 fen, got {total}")
    n_hint = len(labels) if labels is not None else None
    w, components = _combined_weights(weights, mix, n_hint)
    n = len(w)
    if labels is None:
        names = [f"member {i}" for i in range(n)]
    else:
        names = [str(x) for x in labels]
        if len(names) != n:
            raise ValueError(f"{len(names)} labels for {n} members")

    if floors is None:
        fl = [0] * n
    else:
        if len(floors) != n:
            raise ValueError(f"floors has {len(floors)} entries, expected {n}")
        fl = [_fen(f, f"floor of {names[i]}") for i, f in enumerate(floors)]
    if caps is None:
        cp: list[int | None] = [None] * n
    else:
        if len(caps) != n:
            raise ValueError(f"caps has {len(caps)} entries, expected {n}")
        cp = [None if c is None else _fen(c, f"cap of {names[i]}") for i, c in enumerate(caps)]
    for i in range(n):
        if fl[i] < 0:
            raise ValueError(f"floor of {names[i]} is negative ({fl[i]} fen)")
        c = cp[i]
        if c is not None and c < fl[i]:
            raise ValueError(
                f"cap of {names[i]} ({format_fen(c)} yuan) is below its floor "
                f"({format_fen(fl[i])} yuan)"
            )

    floor_sum = sum(fl)
    if floor_sum > total:
        raise ValueError(
            f"floors add up to {format_fen(floor_sum)} yuan, more than the total "
            f"{format_fen(total)} yuan; lower some floors or raise the total"
        )
    if all(c is not None or wi == 0 for c, wi in zip(cp, w, strict=True)):
        reachable = sum(
            (fl[i] if w[i] == 0 else cp[i])
            for i in range(n)  # type: ignore[misc]
        )
        if reachable < total:
            raise ValueError(
                f"caps add up to only {format_fen(reachable)} yuan (members with zero weight "
                f"count at their floor), less than the total {format_fen(total)} yuan; "
                "raise some caps or lower the total"
            )

    lam = _solve_scale(total, w, fl, cp)
    quotas = [_clamp(lam * w[i], fl[i], cp[i]) for i in range(n)]
    assert sum(quotas, Fraction(0)) == total
    amounts = largest_remainder_round(quotas, total, priority=w)
    shares = []
    for i in range(n):
        raw = lam * w[i]
        c = cp[i]
        clamped = "floor" if raw < fl[i] else ("cap" if c is not None and raw > c else None)
        shares.append(
            MemberShare(
                index=i,
                label=names[i],
                weight=w[i],
                components=components[i],
                proportional=total * w[i],
                quota=quotas[i],
                clamped=clamped,
                floor=fl[i],
                cap=c,
                amount=amounts[i],
            )
        )
    return ProportionalAllocation(total=total, amounts=amounts, shares=tuple(shares), scale=lam)


# --------------------------------------------------------------------------
# Games given by coalition values
# --------------------------------------------------------------------------


def _game(
    coalition_values: object, *, limit: int = MAX_EXACT_SHAPLEY_MEMBERS
) -> tuple[np.ndarray, int]:
    """Validate a game array; return it as float64 (without copying if possible) and n."""
    v = np.asarray(coalition_values)
    if v.ndim != 1:
        raise ValueError(
            f"coalition_values must be one-dimensional (length 2**n), got shape {v.shape}"
        )
    size = v.shape[0]
    if size < 2 or size & (size - 1):
        raise ValueError(
            f"coalition_values must have length 2**n for n >= 1 members "
            f"(index = coalition bitmask), got length {size}"
        )
    n = size.bit_length() - 1
    if n > limit:
        raise ValueError(f"{n} members is too many for this exact method (at most {limit})")
    if v.dtype.kind not in "iuf":
        raise ValueError(f"coalition_values must be numbers, got dtype {v.dtype}")
    v = np.ascontiguousarray(v, dtype=np.float64)
    if not np.all(np.isfinite(v)):
        raise ValueError("coalition_values must be finite (no NaN or infinity)")
    if v[0] != 0:
        raise ValueError(f"coalition_values[0] is the empty coalition and must be 0, got {v[0]!r}")
    return v, n


def _popcount_table(n: int) -> np.ndarray:
    """``pc[mask]`` = number of members of coalition ``mask``, for all ``2**n`` masks."""
    pc = np.zeros(1 << n, dtype=np.uint8)
    for b in range(n):
        pc[1 << b : 2 << b] = pc[: 1 << b] + 1
    return pc


def _marginal_stats(
    v: np.ndarray, n: int, *, extremes: bool
) -> tuple[np.ndarray, np.ndarray | None, np.ndarray | None]:
    """Sum of marginal contributions by coalition size, per member.

    Returns ``sums[i, s] = sum over S not containing i with |S| = s of
    v(S | {i}) - v(S)`` and, optionally, per-member min and max marginal
    contributions.  Works on views of ``v`` in blocks of ``_CHUNK`` elements,
    so that temporaries stay small even for ``2**25`` coalitions.
    """
    pc = _popcount_table(n)
    sums = np.zeros((n, n), dtype=np.float64)
    mins = np.full(n, np.inf) if extremes else None
    maxs = np.full(n, -np.inf) if extremes else None
    for i in range(n):
        half = 1 << i
        rows = v.shape[0] >> (i + 1)
        vv = v.reshape(rows, 2, half)
        pp = pc.reshape(rows, 2, half)
        if half >= _CHUNK:
            blocks = (
                (np.s_[r], np.s_[c0 : c0 + _CHUNK])
                for r in range(rows)
                for c0 in range(0, half, _CHUNK)
            )
        else:
            step = _CHUNK // half
            blocks = ((np.s_[r0 : r0 + step], np.s_[:]) for r0 in range(0, rows, step))
        acc = sums[i]
        for rs, cs in blocks:
            d = vv[rs, 1, cs] - vv[rs, 0, cs]
            p = pp[rs, 0, cs]
            acc += np.bincount(p.ravel(), weights=d.ravel(), minlength=n)[:n]
            if extremes:
                assert mins is not None and maxs is not None
                mins[i] = min(mins[i], float(d.min()))
                maxs[i] = max(maxs[i], float(d.max()))
    return sums, mins, maxs


def _size_counts(n: int) -> np.ndarray:
    """``C(n-1, s)`` for ``s = 0..n-1``: coalitions of size s without a given member."""
    return np.array([math.comb(n - 1, s) for s in range(n)], dtype=np.float64)


def shapley(coalition_values: Sequence[float] | np.ndarray) -> np.ndarray:
    """Exact Shapley value of a game given by its coalition values.

    ``phi_i = sum over coalitions S not containing i of
    |S|! (n-|S|-1)! / n! * (v(S + i) - v(S))``: the average, over all orders
    in which the members could join, of the amount member ``i`` adds when it
    joins.  Computed with numpy over all bitmasks, one member at a time in
    blocks (memory beyond the input: a ``2**n`` byte popcount table and small
    temporaries), in ``O(n 2**n)`` time; practical up to about 25 members.

    Parameters
    ----------
    coalition_values : array_like of float, length ``2**n``
        ``coalition_values[mask]`` is the value (or cost) of the coalition
        whose members are the set bits of ``mask``; index 0 (empty coalition)
        must be 0.  A float64 contiguous array is used without copying.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        The Shapley values; they add up to the value of the grand coalition.

    Raises
    ------
    ValueError
        If the length is not a power of two (at least 2), values are not
        finite, the empty coalition is not worth 0, or ``n > 30``.

    See Also
    --------
    shapley_detailed : the same with an explanation of every share.
    shapley_sampled : estimate for games too large to enumerate.

    References
    ----------
    L. S. Shapley (1953); Maschler, Solan and Zamir (2013), ch. 18.

    Examples
    --------
    Glove game: member 0 has a left glove, members 1 and 2 a right glove; a
    pair is worth 1.

    >>> v = [0, 0, 0, 1, 0, 1, 0, 1]  # masks 0b011, 0b101, 0b111 are worth 1
    >>> shapley(v).round(6)
    array([0.666667, 0.166667, 0.166667])
    """
    v, n = _game(coalition_values)
    sums, _, _ = _marginal_stats(v, n, extremes=False)
    return (sums / _size_counts(n)).sum(axis=1) / n


@dataclass(frozen=True, eq=False)
class ShapleyExplanation:
    """Shapley values with a summary of every member's marginal contributions.

    Attributes
    ----------
    values : numpy.ndarray, shape (n,)
        Shapley values.
    mean_marginal_by_size : numpy.ndarray, shape (n, n)
        ``[i, s]``: average of ``v(S + i) - v(S)`` over the coalitions ``S``
        of size ``s`` without ``i``.  The Shapley value is the plain average
        of row ``i``: ``values[i] == mean_marginal_by_size[i].mean()``.
    min_marginal, max_marginal : numpy.ndarray, shape (n,)
        Smallest and largest marginal contribution of each member.
    standalone : numpy.ndarray, shape (n,)
        Value of each member alone, ``v({i})`` (column 0 of the table above).
    joins_last : numpy.ndarray, shape (n,)
        What each member adds to all the others, ``v(N) - v(N - i)``.
    """

    values: np.ndarray
    mean_marginal_by_size: np.ndarray
    min_marginal: np.ndarray
    max_marginal: np.ndarray
    standalone: np.ndarray
    joins_last: np.ndarray

    def explain(self, labels: Sequence[str] | None = None) -> str:
        """Plain-language explanation, one line per member."""
        n = self.values.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        if len(names) != n:
            raise ValueError(f"{len(names)} labels for {n} members")
        lines = []
        for i in range(n):
            lines.append(
                f"{names[i]}: Shapley value {self.values[i]:.6g} = average over the {n} "
                f"coalition sizes of its average marginal contribution; alone {self.standalone[i]:.6g}, "
                f"joining all others {self.joins_last[i]:.6g}, "
                f"range {self.min_marginal[i]:.6g} to {self.max_marginal[i]:.6g}"
            )
        return "\n".join(lines)

    def record(self, labels: Sequence[str] | None = None) -> dict:
        """Per member, as codes and numbers (4 decimals, in the units of the game): the Shapley
        value, the stand-alone value, what it adds joining all others and the range of its
        marginal contributions.

        Examples
        --------
        >>> shapley_detailed([0, 0, 0, 1, 0, 1, 0, 1]).record(["L", "R1", "R2"])["members"][0]
        {'member': 'L', 'value': '0.6667', 'standalone': '0.0000', 'joins_last': '1.0000', 'min': '0.0000', 'max': '1.0000'}
        """
        n = self.values.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        if len(names) != n:
            raise ValueError(f"{len(names)} labels for {n} members")
        return {
            "rule": "shapley",
            "members": [
                {
                    "member": names[i],
                    "value": _decimal_text(float(self.values[i]), 4),
                    "standalone": _decimal_text(float(self.standalone[i]), 4),
                    "joins_last": _decimal_text(float(self.joins_last[i]), 4),
                    "min": _decimal_text(float(self.min_marginal[i]), 4),
                    "max": _decimal_text(float(self.max_marginal[i]), 4),
                }
                for i in range(n)
            ],
        }


def shapley_detailed(coalition_values: Sequence[float] | np.ndarray) -> ShapleyExplanation:
    """Exact Shapley value with an explanation of every member's share.

    Parameters
    ----------
    coalition_values : array_like of float, length ``2**n``
        As for :func:`shapley`.

    Returns
    -------
    ShapleyExplanation
        Values and, per member, the average marginal contribution by
        coalition size, the range of marginal contributions, the stand-alone
        value and the contribution when joining last.

    Raises
    ------
    ValueError
        As for :func:`shapley`.

    References
    ----------
    L. S. Shapley (1953).

    Examples
    --------
    >>> e = shapley_detailed([0, 0, 0, 1, 0, 1, 0, 1])
    >>> e.mean_marginal_by_size[0]  # member 0 adds 0 alone, 1 to any right glove
    array([0., 1., 1.])
    >>> float(e.values[0]), float(e.mean_marginal_by_size[0].mean())
    (0.6666666666666666, 0.6666666666666666)
    >>> print(e.explain(["left", "right 1", "right 2"]).splitlines()[1])
    right 1: Shapley value 0.166667 = average over the 3 coalition sizes of its average marginal contribution; alone 0, joining all others 0, range 0 to 1
    """
    v, n = _game(coalition_values)
    sums, mins, maxs = _marginal_stats(v, n, extremes=True)
    assert mins is not None and maxs is not None
    means = sums / _size_counts(n)
    full = (1 << n) - 1
    bits = 1 << np.arange(n)
    arrays = {
        "values": means.sum(axis=1) / n,
        "mean_marginal_by_size": means,
        "min_marginal": mins,
        "max_marginal": maxs,
        "standalone": v[bits].copy(),
        "joins_last": v[full] - v[full ^ bits],
    }
    for a in arrays.values():
        a.setflags(write=False)
    return ShapleyExplanation(**arrays)


@dataclass(frozen=True, eq=False)
class SampledShapley:
    """Result of :func:`shapley_sampled`.

    Attributes
    ----------
    values : numpy.ndarray, shape (n,)
        Estimated Shapley values (they add up exactly, up to float rounding,
        to ``v(N)``).
    std_error : numpy.ndarray, shape (n,)
        Estimated standard error of each value (sample standard deviation of
        the marginal contributions divided by ``sqrt(n_samples)``).
    ci_half_width : numpy.ndarray, shape (n,)
        Half-width of the approximate (central limit theorem) confidence
        interval at level ``confidence``, for each member separately.
    hoeffding_half_width : float or None
        Half-width ``t`` of a distribution-free bound: with probability at
        least ``confidence``, *all* members' estimates are within ``t`` of the
        true values simultaneously (Hoeffding's inequality with a union bound
        over members).  Only available when ``marginal_range`` was given.
    confidence : float
        Confidence level of the two bounds.
    n_samples : int
        Number of random orders sampled.
    n_evaluations : int
        Number of calls of the value function.
    """

    values: np.ndarray
    std_error: np.ndarray
    ci_half_width: np.ndarray
    hoeffding_half_width: float | None
    confidence: float
    n_samples: int
    n_evaluations: int


def shapley_sampled(
    value_fn: Callable[[int], float],
    n: int,
    n_samples: int,
    seed: int | None = None,
    *,
    confidence: float = 0.95,
    marginal_range: tuple[float, float] | None = None,
) -> SampledShapley:
    """Estimate the Shapley value by sampling random joining orders.

    For each of ``n_samples`` uniformly random orders of the members, every
    member's marginal contribution when it joins is recorded; the estimate is
    the average.  Each sample costs ``n - 1`` calls of ``value_fn`` (plus two
    calls overall for the empty and the grand coalition).  The estimate is
    unbiased and exactly efficient (it adds up to ``v(N)``).

    Error bounds reported: the standard error and a CLT confidence interval
    per member; and, if ``marginal_range = (a, b)`` bounds every marginal
    contribution, the Hoeffding half-width
    ``(b - a) * sqrt(log(2 n / (1 - confidence)) / (2 n_samples))`` valid for
    all members at once.

    Parameters
    ----------
    value_fn : callable
        ``value_fn(mask)`` returns the value of the coalition whose members
        are the set bits of the Python int ``mask``; ``value_fn(0)`` must be 0.
    n : int
        Number of members (any size; masks are Python ints).
    n_samples : int
        Number of random orders (at least 2).
    seed : int, optional
        Seed for :func:`numpy.random.default_rng`; the same seed gives the
        same estimate.
    confidence : float, default 0.95
        Confidence level of the reported bounds, in (0, 1).
    marginal_range : (float, float), optional
        Known lower and upper bound of every marginal contribution
        ``v(S + i) - v(S)``, for the Hoeffding bound.

    Returns
    -------
    SampledShapley
        Estimates with their error bounds.

    Raises
    ------
    ValueError
        On bad parameters, if ``value_fn(0)`` is not 0 or returns a
        non-finite number, or if a sampled marginal contribution falls outside
        ``marginal_range`` (the bound would then be invalid).

    References
    ----------
    J. Castro, D. Gómez and J. Tejada (2009); W. Hoeffding, "Probability
    inequalities for sums of bounded random variables", *Journal of the
    American Statistical Association* 58(301), 1963, pp. 13-30.

    Examples
    --------
    A weighted majority game among 40 members (coalitions with more than half
    of the total weight are worth 1):

    >>> w = list(range(1, 41))
    >>> def v(mask):
    ...     return float(sum(w[i] for i in range(40) if mask >> i & 1) * 2 > sum(w))
    >>> est = shapley_sampled(v, 40, 500, seed=1, marginal_range=(0.0, 1.0))
    >>> round(float(est.values.sum()), 9)
    1.0
    >>> bool(est.values[39] > est.values[0])
    True
    >>> round(est.hoeffding_half_width, 4)
    0.0859
    """
    if not callable(value_fn):
        raise ValueError("value_fn must be callable: value_fn(mask) -> float")
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    if not _is_int(n_samples) or n_samples < 2:
        raise ValueError(f"n_samples must be an integer >= 2, got {n_samples!r}")
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be between 0 and 1, got {confidence!r}")
    if marginal_range is not None:
        a, b = (float(marginal_range[0]), float(marginal_range[1]))
        if not (math.isfinite(a) and math.isfinite(b) and a <= b):
            raise ValueError(f"marginal_range must be finite (low, high), got {marginal_range!r}")
    n = int(n)
    n_samples = int(n_samples)

    def call(mask: int) -> float:
        x = float(value_fn(mask))
        if not math.isfinite(x):
            raise ValueError(f"value_fn({mask}) returned {x!r}; values must be finite")
        return x

    if call(0) != 0:
        raise ValueError("value_fn(0) (the empty coalition) must return 0")
    v_full = call((1 << n) - 1)
    rng = np.random.default_rng(seed)
    mean = np.zeros(n)
    m2 = np.zeros(n)
    lo = np.full(n, np.inf)
    hi = np.full(n, -np.inf)
    row = np.empty(n)
    for k in range(1, n_samples + 1):
        perm = rng.permutation(n)
        mask = 0
        prev = 0.0
        for pos, i in enumerate(perm.tolist()):
            mask |= 1 << i
            cur = v_full if pos == n - 1 else call(mask)
            row[i] = cur - prev
            prev = cur
        delta = row - mean
        mean += delta / k
        m2 += delta * (row - mean)
        np.minimum(lo, row, out=lo)
        np.maximum(hi, row, out=hi)
    std_error = np.sqrt(m2 / (n_samples - 1) / n_samples)
    z = NormalDist().inv_cdf(1 - (1 - confidence) / 2)
    hoeffding = None
    if marginal_range is not None:
        a, b = float(marginal_range[0]), float(marginal_range[1])
        slack = 1e-9 * max(1.0, abs(a), abs(b))
        if lo.min() < a - slack or hi.max() > b + slack:
            raise ValueError(
                f"a sampled marginal contribution ({lo.min():.6g} .. {hi.max():.6g}) lies outside "
                f"marginal_range {marginal_range}; widen the range or drop it"
            )
        hoeffding = (b - a) * math.sqrt(math.log(2 * n / (1 - confidence)) / (2 * n_samples))
    for arr in (mean, std_error):
        arr.setflags(write=False)
    half = z * std_error
    half.setflags(write=False)
    return SampledShapley(
        values=mean,
        std_error=std_error,
        ci_half_width=half,
        hoeffding_half_width=hoeffding,
        confidence=float(confidence),
        n_samples=n_samples,
        n_evaluations=2 + n_samples * (n - 1),
    )


# --------------------------------------------------------------------------
# Airport games
# --------------------------------------------------------------------------


def _airport_input(costs: Sequence, counts: Sequence[int]) -> tuple[list[Fraction], list[int]]:
    if len(costs) != len(counts):
        raise ValueError(f"{len(costs)} costs but {len(counts)} counts; give one count per class")
    if len(costs) == 0:
        raise ValueError("give at least one class of users")
    cs = [_exact(c, f"costs[{k}]") for k, c in enumerate(costs)]
    if any(c < 0 for c in cs):
        raise ValueError(f"costs must be >= 0, got {list(costs)}")
    ns = []
    for k, m in enumerate(counts):
        if not _is_int(m) or m < 1:
            raise ValueError(f"counts[{k}] must be a positive integer number of users, got {m!r}")
        ns.append(int(m))
    return cs, ns


def airport_shares(costs: Sequence, counts: Sequence[int]) -> tuple[Fraction, ...]:
    """Shapley charge per user of each class in an airport game (Littlechild-Owen).

    A facility (a runway; a shared platform sized for the most demanding
    member) costs what its most demanding user needs.  Sort the classes by
    cost ``c_1 <= c_2 <= ... <= c_m``: the cost ``c_1`` of serving the least
    demanding class is split equally among *all* users; the increment
    ``c_2 - c_1`` equally among the users of classes 2 and above; and so on,
    the last increment ``c_m - c_(m-1)`` among the users of class ``m`` only.
    A user of class ``k`` pays the sum of its portions of increments 1..k.
    This is exactly the Shapley value of the cost game
    ``c(S) = max cost of a user in S`` ([2]_).

    Parameters
    ----------
    costs : sequence of numbers
        ``costs[k]`` is the cost of a facility able to serve class ``k``
        (e.g. integers of fen).  Need not be sorted: classes are sorted by
        cost internally (ties allowed) and the result follows the input
        order.  Floats are read through their shortest decimal representation.
    counts : sequence of int
        ``counts[k] >= 1`` is the number of users in class ``k``.

    Returns
    -------
    tuple of Fraction
        Exact charge per user of each class, in the units of ``costs``.
        ``sum(counts[k] * result[k]) == max(costs)``.  To turn them into
        whole fen for every individual user, repeat each charge ``counts[k]``
        times and use :func:`largest_remainder_round`.

    Raises
    ------
    ValueError
        If lengths differ, a cost is negative or not a number, or a count is
        not a positive integer.

    References
    ----------
    .. [2] S. C. Littlechild and G. Owen (1973), Management Science 20(3).

    Examples
    --------
    Four classes with one user each, costs 8, 11, 13, 18:

    >>> [int(x) for x in airport_shares([8, 11, 13, 18], [1, 1, 1, 1])]
    [2, 3, 4, 9]

    The same charges in whole fen for 3 users sharing a 100-fen facility:

    >>> q = airport_shares([100], [3])
    >>> largest_remainder_round([q[0]] * 3, 100)
    (34, 33, 33)
    """
    cs, ns = _airport_input(costs, counts)
    order = sorted(range(len(cs)), key=lambda k: (cs[k], k))
    remaining = sum(ns)
    charge = Fraction(0)
    prev = Fraction(0)
    out: list[Fraction] = [Fraction(0)] * len(cs)
    for k in order:
        charge += (cs[k] - prev) / remaining
        prev = cs[k]
        remaining -= ns[k]
        out[k] = charge
    return tuple(out)


@dataclass(frozen=True)
class AirportExplanation:
    """Result of :func:`airport_detailed`: the classes of an airport game and the charge per
    user of each.

    Attributes
    ----------
    costs : tuple of Fraction
        Cost of a facility able to serve each class, in input order.
    counts : tuple of int
        Users in each class.
    per_user : tuple of Fraction
        Shapley charge per user of each class (:func:`airport_shares`).
    """

    costs: tuple[Fraction, ...]
    counts: tuple[int, ...]
    per_user: tuple[Fraction, ...]

    @property
    def total(self) -> Fraction:
        return max(self.costs)

    def record(self) -> dict:
        """The classes as numbers (costs and charges to 4 decimals, in the units of the costs).

        Examples
        --------
        >>> airport_detailed([100, 200], [1, 2]).record()["classes"][1]
        {'cost': '200.0000', 'count': 2, 'per_user': '83.3333'}
        """
        return {
            "rule": "airport",
            "total": _decimal_text(self.total, 4),
            "classes": [
                {"cost": _decimal_text(c, 4), "count": n, "per_user": _decimal_text(q, 4)}
                for c, n, q in zip(self.costs, self.counts, self.per_user, strict=True)
            ],
        }


def airport_detailed(costs: Sequence, counts: Sequence[int]) -> AirportExplanation:
    """:func:`airport_shares` with the classes it was computed from, for an explanation.

    Parameters
    ----------
    costs, counts
        As for :func:`airport_shares`.

    Returns
    -------
    AirportExplanation

    Raises
    ------
    ValueError
        As for :func:`airport_shares`.

    Examples
    --------
    >>> e = airport_detailed([8, 11, 13, 18], [1, 1, 1, 1])
    >>> [int(x) for x in e.per_user], int(e.total)
    ([2, 3, 4, 9], 18)
    """
    cs, ns = _airport_input(costs, counts)
    return AirportExplanation(
        costs=tuple(cs), counts=tuple(ns), per_user=airport_shares(costs, counts)
    )


def airport_game(costs: Sequence, counts: Sequence[int]) -> np.ndarray:
    """Coalition costs of an airport game, one member per individual user.

    Users are numbered class by class in input order (the ``counts[0]`` users
    of class 0 first).  ``c(S)`` is the largest cost of a user in ``S``.

    Parameters
    ----------
    costs, counts : sequences
        As for :func:`airport_shares`; at most 25 users in total.

    Returns
    -------
    numpy.ndarray of float, length ``2**sum(counts)``
        The cost game, ready for :func:`shapley`, :func:`in_core` (with
        ``kind="cost"``) or :func:`nucleolus` (with ``kind="cost"``).

    Raises
    ------
    ValueError
        As for :func:`airport_shares`, or if there are more than 25 users.

    Examples
    --------
    >>> c = airport_game([8, 11], [1, 2])
    >>> c.tolist()
    [0.0, 8.0, 11.0, 11.0, 11.0, 11.0, 11.0, 11.0]
    >>> shapley(c).tolist()
    [2.6666666666666665, 4.166666666666667, 4.166666666666667]
    """
    cs, ns = _airport_input(costs, counts)
    user_cost = np.array([float(c) for c, m in zip(cs, ns, strict=True) for _ in range(m)])
    n = user_cost.shape[0]
    if n > 25:
        raise ValueError(f"{n} users is too many to enumerate coalitions (at most 25)")
    game = np.zeros(1 << n)
    for i in range(n):
        lo = game[: 1 << i]
        game[1 << i : 2 << i] = np.maximum(lo, user_cost[i])
    return game


# --------------------------------------------------------------------------
# Core
# --------------------------------------------------------------------------


def coalition_sums(allocation: Sequence[float] | np.ndarray) -> np.ndarray:
    """Total allocation of every coalition, ``x(S)`` for all ``2**n`` bitmasks.

    Parameters
    ----------
    allocation : array_like, shape (n,)
        Amount given to (or charged to) each member.  Integer input gives an
        integer (int64) result, exact; otherwise float64.

    Returns
    -------
    numpy.ndarray, length ``2**n``
        ``result[mask] = sum of allocation[i] over the set bits i of mask``.

    Raises
    ------
    ValueError
        If the allocation is not a one-dimensional array of finite numbers or
        has more than 30 members.

    Examples
    --------
    >>> coalition_sums([1, 2, 4]).tolist()
    [0, 1, 2, 3, 4, 5, 6, 7]
    """
    x = np.asarray(allocation)
    if x.ndim != 1 or x.shape[0] == 0:
        raise ValueError(
            f"allocation must be a non-empty one-dimensional array, got shape {x.shape}"
        )
    if x.shape[0] > MAX_EXACT_SHAPLEY_MEMBERS:
        raise ValueError(f"{x.shape[0]} members is too many to enumerate coalitions")
    if x.dtype.kind in "iu":
        x = x.astype(np.int64)
    elif x.dtype.kind == "f":
        x = x.astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("allocation must be finite")
    else:
        raise ValueError(f"allocation must be numbers, got dtype {x.dtype}")
    n = x.shape[0]
    out = np.zeros(1 << n, dtype=x.dtype)
    for i in range(n):
        out[1 << i : 2 << i] = out[: 1 << i] + x[i]
    return out


def _kind(kind: str) -> int:
    if kind == "value":
        return 1
    if kind == "cost":
        return -1
    raise ValueError(f"kind must be 'value' or 'cost', got {kind!r}")


@dataclass(frozen=True)
class CoreCheck:
    """Result of :func:`core_check`.

    Attributes
    ----------
    in_core : bool
        Whether the allocation is in the core.
    kind : str
        ``"value"`` or ``"cost"``.
    efficiency_gap : float
        ``x(N) - v(N)``; must be 0 (within tolerance) for a core allocation.
    worst_coalition : int
        Bitmask of the proper coalition with the largest excess.
    worst_excess : float
        Its excess: ``v(S) - x(S)`` for value games (what the coalition would
        gain by leaving), ``x(S) - c(S)`` for cost games (what it pays above
        its stand-alone cost).  Positive means the coalition blocks.
    n_blocking : int
        Number of proper coalitions with positive excess (beyond tolerance).
    blocking : tuple of int
        Bitmasks of up to 100 blocking coalitions, largest excess first.
    tolerance : float
        Tolerance used (0 for integer input, which is checked exactly).
    """

    in_core: bool
    kind: str
    efficiency_gap: float
    worst_coalition: int
    worst_excess: float
    n_blocking: int
    blocking: tuple[int, ...]
    tolerance: float


def core_check(
    coalition_values: Sequence[float] | np.ndarray,
    allocation: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    tol: float | None = None,
) -> CoreCheck:
    """Check core membership and report the coalitions that object.

    * ``kind="value"``: ``coalition_values`` are values (surplus) ``v(S)``; the
      allocation is what members receive.  Core: ``x(N) = v(N)`` and
      ``x(S) >= v(S)`` for every coalition ``S``.
    * ``kind="cost"``: ``coalition_values`` are costs ``c(S)``; the allocation
      is what members pay.  Core: ``x(N) = c(N)`` and ``x(S) <= c(S)`` for
      every coalition (no group pays more than its stand-alone cost).

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game, indexed by bitmask; index 0 must be 0.
    allocation : array_like, shape (n,)
        Proposed allocation.
    kind : {"value", "cost"}, default "value"
        Meaning of ``coalition_values`` (see above).
    tol : float, optional
        Absolute tolerance.  Default: 0 (exact) when both inputs are integer
        arrays (e.g. fen), else ``1e-9 * max(1, max |value|, max |x_i|)``.

    Returns
    -------
    CoreCheck
        The verdict, the efficiency gap and the blocking coalitions.

    Raises
    ------
    ValueError
        On malformed input, an unknown ``kind``, or a length mismatch.

    References
    ----------
    D. B. Gillies, "Solutions to general non-zero-sum games", in
    *Contributions to the Theory of Games IV*, Princeton, 1959;
    Maschler, Solan and Zamir (2013), ch. 17.

    Examples
    --------
    >>> c = airport_game([8, 11, 13, 18], [1, 1, 1, 1])
    >>> r = core_check(c, [2, 3, 4, 9], kind="cost")
    >>> r.in_core, r.worst_excess  # coalition {1, 2, 3} saves 2 (pays 16 of 18)
    (True, -2.0)
    >>> r = core_check(c, [9, 3, 4, 2], kind="cost")  # member 0 pays 9 > 8
    >>> r.in_core, r.worst_coalition, r.worst_excess  # {0, 1, 2} pays 16 > 13
    (False, 7, 3.0)
    >>> r.n_blocking, 1 in r.blocking
    (3, True)
    """
    sign = _kind(kind)
    v_raw = np.asarray(coalition_values)
    x_raw = np.asarray(allocation)
    v, n = _game(v_raw)
    if x_raw.ndim != 1 or x_raw.shape[0] != n:
        raise ValueError(
            f"allocation must have one entry per member ({n}), got shape {x_raw.shape}"
        )
    exact = v_raw.dtype.kind in "iu" and x_raw.dtype.kind in "iu"
    if exact:
        vv = v_raw.astype(np.int64)
        xs = coalition_sums(x_raw.astype(np.int64))
        tolerance = 0.0
    else:
        vv = v
        xs = coalition_sums(x_raw.astype(np.float64))
        scale = max(1.0, float(np.abs(v).max()), float(np.abs(xs[1 << np.arange(n)]).max()))
        tolerance = 1e-9 * scale if tol is None else float(tol)
    if tol is not None:
        tolerance = float(tol)
    if tolerance < 0:
        raise ValueError(f"tol must be >= 0, got {tol}")
    full = (1 << n) - 1
    gap = float(xs[full] - vv[full])
    excess = sign * (vv - xs)  # value: v(S) - x(S); cost: x(S) - c(S)
    proper = excess[1:full]
    if proper.size:
        w = int(np.argmax(proper)) + 1
        worst = float(excess[w])
        blocking_idx = np.flatnonzero(proper > tolerance) + 1
        ordering = np.argsort(-proper[blocking_idx - 1], kind="stable")
        blocking = tuple(int(b) for b in blocking_idx[ordering][:100])
        n_blocking = int(blocking_idx.size)
    else:  # one member: only the grand coalition
        w, worst, blocking, n_blocking = full, 0.0, (), 0
    ok = abs(gap) <= tolerance and n_blocking == 0
    return CoreCheck(
        in_core=bool(ok),
        kind=kind,
        efficiency_gap=gap,
        worst_coalition=w,
        worst_excess=worst,
        n_blocking=n_blocking,
        blocking=blocking,
        tolerance=tolerance,
    )


def in_core(
    coalition_values: Sequence[float] | np.ndarray,
    allocation: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    tol: float | None = None,
) -> bool:
    """Whether an allocation is in the core of a value game or a cost game.

    ``kind="value"`` (default): ``x(N) = v(N)`` and ``x(S) >= v(S)`` for all
    ``S``.  ``kind="cost"``: ``x(N) = c(N)`` and ``x(S) <= c(S)`` for all
    ``S``.  See :func:`core_check` for the parameters and for the coalitions
    that object to an allocation.

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game indexed by bitmask, index 0 equal to 0.
    allocation : array_like, shape (n,)
        Proposed allocation.
    kind : {"value", "cost"}, default "value"
        Whether ``coalition_values`` are values or costs.
    tol : float, optional
        Absolute tolerance (default: exact for integer input, else relative
        ``1e-9``).

    Returns
    -------
    bool
        True if the allocation is in the core.

    Raises
    ------
    ValueError
        As for :func:`core_check`.

    References
    ----------
    Maschler, Solan and Zamir (2013), ch. 17.

    Examples
    --------
    Glove game: only (1, 0, 0) is in the core.

    >>> v = [0, 0, 0, 1, 0, 1, 0, 1]
    >>> in_core(v, [1, 0, 0]), in_core(v, [0.5, 0.25, 0.25])
    (True, False)
    """
    return core_check(coalition_values, allocation, kind=kind, tol=tol).in_core


# --------------------------------------------------------------------------
# Nucleolus
# --------------------------------------------------------------------------


@dataclass(frozen=True, eq=False)
class NucleolusResult:
    """Result of :func:`nucleolus_detailed`.

    Attributes
    ----------
    allocation : numpy.ndarray, shape (n,)
        The nucleolus (what each member receives, or pays for ``kind="cost"``).
    kind : str
        ``"value"`` or ``"cost"``.
    prenucleolus : bool
        True if individual rationality was not imposed.
    levels : tuple of (float, tuple of int)
        For each linear program solved, the smallest achievable largest
        excess among the coalitions not yet settled, and the coalitions
        (bitmasks) settled at that excess.  The first level is the largest
        excess of any coalition at the nucleolus (for cost games: the most any
        coalition pays above its stand-alone cost; negative means every
        coalition saves at least that much).  Players pinned to their
        individual-rationality bound are not listed here.
    n_lps : int
        Number of linear programs solved.
    """

    allocation: np.ndarray
    kind: str
    prenucleolus: bool
    levels: tuple[tuple[float, tuple[int, ...]], ...]
    n_lps: int

    def explain(self, labels: Sequence[str] | None = None) -> str:
        """Plain-language explanation of how the nucleolus was pinned down."""
        n = self.allocation.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        verb = (
            "excess = what the coalition pays above its stand-alone cost"
            if self.kind == "cost"
            else "excess = what the coalition gets below its value"
        )
        lines = [
            "nucleolus: " + ", ".join(f"{names[i]} {self.allocation[i]:.6g}" for i in range(n)),
        ]
        for level, masks in self.levels:
            groups = "; ".join(
                "{" + ", ".join(names[i] for i in range(n) if m >> i & 1) + "}" for m in masks
            )
            lines.append(f"largest remaining excess {level:.6g} ({verb}): {groups}")
        return "\n".join(lines)


def _rank_basis(rows: np.ndarray) -> np.ndarray:
    """Orthonormal basis (as rows) of the row space of ``rows``."""
    if rows.shape[0] == 0:
        return np.zeros((0, rows.shape[1]))
    _, s, vt = np.linalg.svd(rows, full_matrices=False)
    r = int(np.sum(s > 1e-9 * max(1.0, s[0])))
    return vt[:r]


def nucleolus_detailed(
    coalition_values: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    prenucleolus: bool = False,
) -> NucleolusResult:
    """Nucleolus by sequential linear programs, with the excess levels.

    The nucleolus is the allocation that makes the most dissatisfied
    coalition as little dissatisfied as possible, then the second most, and so
    on (lexicographic minimisation of the sorted excesses; [4]_).  The
    excess of a coalition is ``v(S) - x(S)`` in a value game (what it would
    gain by leaving) and ``x(S) - c(S)`` in a cost game (what it pays above
    its stand-alone cost).  Each step solves

        minimise t  subject to  excess(S) <= t  for coalitions not yet settled,
        excess(S) = t_k for coalitions settled at earlier levels,
        x(N) = v(N), and (unless ``prenucleolus``) individual rationality,

    then settles the coalitions with a positive dual price (their excess is
    ``t`` in *every* optimal solution) — not merely those tight at the
    solution found, a classic mistake ([6]_) — until the allocation is unique.

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game indexed by bitmask (index 0 must be 0), ``n <= 12``.
    kind : {"value", "cost"}, default "value"
        Whether ``coalition_values`` are values (members receive ``x``) or
        costs (members pay ``x``).
    prenucleolus : bool, default False
        If True, drop individual rationality (``x_i >= v(i)``, or
        ``x_i <= c(i)`` for costs): the prenucleolus, which always exists.

    Returns
    -------
    NucleolusResult
        The allocation and the sequence of excess levels.

    Raises
    ------
    ValueError
        On malformed input, ``n > 12``, or an empty imputation set
        (``v(N) < sum v(i)``, or ``c(N) > sum c(i)``) without
        ``prenucleolus=True``.
    RuntimeError
        If the LP solver fails (should not happen for valid input).

    References
    ----------
    Schmeidler (1969); Maschler, Peleg and Shapley (1979); Guajardo and
    Jörnsten (2015); Maschler, Solan and Zamir (2013), ch. 20.

    Examples
    --------
    Bankruptcy of an estate of 200 among claims 100, 200, 300: the nucleolus
    is the Talmud's division (50, 75, 75) (Aumann and Maschler 1985).

    >>> claims, estate = [100, 200, 300], 200
    >>> v = [max(0, estate - sum(c for i, c in enumerate(claims) if not m >> i & 1))
    ...      for m in range(8)]
    >>> r = nucleolus_detailed(v)
    >>> r.allocation.round(9).tolist()
    [50.0, 75.0, 75.0]
    >>> [round(level, 9) for level, _ in r.levels]
    [-50.0, -75.0]
    """
    sign = _kind(kind)
    from scipy.optimize import linprog  # local import: scipy is only needed here

    v0, n = _game(coalition_values, limit=MAX_NUCLEOLUS_MEMBERS)
    v = sign * v0  # solve as a value game; a cost game c becomes v = -c, x -> -x
    full = (1 << n) - 1
    if n == 1:
        alloc = np.array([v0[1]])
        alloc.setflags(write=False)
        return NucleolusResult(alloc, kind, prenucleolus, (), 0)
    singles = v[1 << np.arange(n)]
    if not prenucleolus and v[full] < singles.sum() - 1e-9 * max(1.0, float(np.abs(v).max())):
        raise ValueError(
            "the imputation set is empty: the members together are worth less than apart "
            f"({'c(N) > sum of c(i)' if sign < 0 else 'v(N) < sum of v(i)'}); "
            "pass prenucleolus=True"
        )
    masks = np.arange(1, full)
    member_matrix = ((masks[:, None] >> np.arange(n)) & 1).astype(np.float64)
    free = np.ones(masks.shape[0], dtype=bool)
    eq_rows: list[np.ndarray] = [np.ones(n)]
    eq_rhs: list[float] = [float(v[full])]
    lower = [None] * n if prenucleolus else [float(s) for s in singles]
    levels: list[tuple[float, tuple[int, ...]]] = []
    scale = max(1.0, float(np.abs(v).max()))
    tol = 1e-9 * scale
    n_lps = 0
    x = None
    cost_t = np.zeros(n + 1)
    cost_t[-1] = 1.0
    while True:
        basis = _rank_basis(np.array(eq_rows))
        if basis.shape[0] >= n:
            break
        # drop coalitions whose excess is already fixed by the equalities
        idx = np.flatnonzero(free)
        resid = member_matrix[idx] - (member_matrix[idx] @ basis.T) @ basis
        in_span = np.linalg.norm(resid, axis=1) < 1e-9
        free[idx[in_span]] = False
        idx = np.flatnonzero(free)
        if idx.size == 0:
            break
        a_ub = np.hstack([-member_matrix[idx], -np.ones((idx.size, 1))])
        b_ub = -v[masks[idx]]
        a_eq = np.hstack([np.array(eq_rows), np.zeros((len(eq_rows), 1))])
        bounds = [(lo, None) for lo in lower] + [(None, None)]
        res = linprog(
            cost_t,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=np.array(eq_rhs),
            bounds=bounds,
            method="highs",
        )
        n_lps += 1
        if res.status != 0:
            raise RuntimeError(f"nucleolus LP failed: {res.message}")
        t = float(res.fun)
        x = res.x[:n]
        duals = -np.asarray(res.ineqlin.marginals)
        settled = idx[duals > 1e-9]
        if settled.size == 0:
            # Fallback: a tight coalition is settled iff its excess cannot go below t.
            excess = v[masks[idx]] - member_matrix[idx] @ x
            tight = idx[np.abs(excess - t) <= tol * 10]
            keep = []
            b_ub_t = b_ub + t  # -x(S) <= t - v(S) written without the t column
            for j in tight:
                obj = np.concatenate([-member_matrix[j], [0.0]])  # minimise v(S) - x(S)
                r2 = linprog(
                    obj,
                    A_ub=np.hstack([a_ub[:, :n], np.zeros((idx.size, 1))]),
                    b_ub=b_ub_t,
                    A_eq=a_eq,
                    b_eq=np.array(eq_rhs),
                    bounds=bounds[:n] + [(0, 0)],
                    method="highs",
                )
                n_lps += 1
                if r2.status == 0 and v[masks[j]] + r2.fun >= t - tol * 10:
                    keep.append(j)
            settled = np.array(keep, dtype=np.int64)
            if settled.size == 0:  # pragma: no cover - numerical breakdown
                raise RuntimeError(
                    "nucleolus: no coalition could be settled at this level (numerical "
                    "trouble); rescale the coalition values"
                )
        # Keep only independent equalities: dependent ones are implied (up to
        # rounding, which could otherwise make the next LP look infeasible).
        new_rows = [(member_matrix[j], float(v[masks[j]] - t)) for j in settled]
        if not prenucleolus:
            bound_duals = np.asarray(res.lower.marginals)[:n]
            for i in np.flatnonzero(bound_duals > 1e-9):
                new_rows.append((np.eye(n)[i], float(singles[i])))
        for row, rhs in new_rows:
            if np.linalg.norm(row - (row @ basis.T) @ basis) > 1e-9:
                eq_rows.append(row)
                eq_rhs.append(rhs)
                basis = _rank_basis(np.array(eq_rows))
        free[settled] = False
        levels.append((t, tuple(int(masks[j]) for j in settled)))
    a = np.array(eq_rows)
    sol, *_ = np.linalg.lstsq(a, np.array(eq_rhs), rcond=None)
    if x is None or np.max(np.abs(a @ sol - np.array(eq_rhs))) <= 1e-7 * scale:
        x = sol
    alloc = sign * np.asarray(x, dtype=np.float64)
    alloc[np.abs(alloc) < 1e-12 * scale] = 0.0  # float noise (and -0.0) around zero
    alloc.setflags(write=False)
    return NucleolusResult(alloc, kind, prenucleolus, tuple(levels), n_lps)


def nucleolus(
    coalition_values: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    prenucleolus: bool = False,
) -> np.ndarray:
    """Nucleolus of a small game (``n <= 12``) by sequential linear programs.

    See :func:`nucleolus_detailed` for the method and the excess levels.

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game indexed by bitmask (index 0 must be 0).
    kind : {"value", "cost"}, default "value"
        Whether ``coalition_values`` are values or costs.
    prenucleolus : bool, default False
        Drop individual rationality.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        The nucleolus.

    Raises
    ------
    ValueError
        As for :func:`nucleolus_detailed`.

    References
    ----------
    Schmeidler (1969); Maschler, Solan and Zamir (2013), ch. 20.

    Examples
    --------
    Glove game: the nucleolus gives everything to the scarce left glove.

    >>> nucleolus([0, 0, 0, 1, 0, 1, 0, 1]).round(9).tolist()
    [1.0, 0.0, 0.0]

    Airport cost game with costs 8, 11, 13, 18 (one user each):

    >>> nucleolus(airport_game([8, 11, 13, 18], [1, 1, 1, 1]), kind="cost").round(9).tolist()
    [3.25, 3.25, 3.25, 8.25]
    """
    return nucleolus_detailed(coalition_values, kind=kind, prenucleolus=prenucleolus).allocation
