"""Proportional rules over declared weights, with floors and caps, exact to the fen."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .money import (
    decimal_text,
    format_fen,
    fraction_fen_text,
    largest_remainder_round,
    to_fen,
    to_fraction,
)

#: Name usable in ``mix`` of :func:`proportional_shares` for equal shares
#: (no weight vector needs to be given for it).
EQUAL = "equal"


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
        parts.append(f"proportional share {fraction_fen_text(self.proportional)} yuan")
        if self.clamped == "floor":
            parts.append(f"raised to its floor {format_fen(self.floor)} yuan")
        elif self.clamped == "cap":
            assert self.cap is not None
            parts.append(f"lowered to its cap {format_fen(self.cap)} yuan")
        elif self.quota != self.proportional:
            parts.append(
                f"rescaled to {fraction_fen_text(self.quota)} yuan after floors and caps of others"
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
            "weight": decimal_text(self.weight, 6),
            "components": [[name, decimal_text(s, 6)] for name, s in self.components],
            "proportional": decimal_text(self.proportional, 4),
            "quota": decimal_text(self.quota, 4),
            "clamped": self.clamped,
            "floor": self.floor,
            "cap": self.cap,
            "rounding": decimal_text(self.rounding, 4),
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
    w = [to_fraction(x, f"weight {name!r}[{i}]") for i, x in enumerate(arr)]
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
    vectors, mix = _vectors_and_mix(weights, mix)
    mix_exact = _mix_shares(mix)
    mix_total = sum(mix_exact.values(), Fraction(0))
    n: int | None = None
    normalised: dict[str, list[Fraction]] = {}
    for name in mix_exact:
        if name == EQUAL and name not in vectors:
            continue
        w = _weight_vector(vectors[name], name, n)
        n = len(w)
        s = sum(w, Fraction(0))
        normalised[name] = [x / s for x in w]
    n = _member_count(n if n is not None else n_hint)
    if EQUAL in mix_exact and EQUAL not in vectors:
        normalised[EQUAL] = [Fraction(1, n)] * n
    combined = [
        sum((mix_exact[k] * normalised[k][i] for k in mix_exact), Fraction(0)) / mix_total
        for i in range(n)
    ]
    components = [tuple((k, normalised[k][i]) for k in mix_exact) for i in range(n)]
    return combined, components


def _vectors_and_mix(
    weights: Sequence | Mapping[str, Sequence], mix: Mapping[str, object] | None
) -> tuple[dict[str, Sequence], Mapping[str, object]]:
    """The named weight vectors and how they are mixed, every name accounted for."""
    if not isinstance(weights, Mapping):
        if mix is not None:
            raise ValueError("mix= needs weights given as a mapping {name: vector}")
        return {"weight": weights}, {"weight": 1}
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
    return vectors, mix


def _mix_shares(mix: Mapping[str, object]) -> dict[str, Fraction]:
    mix_exact = {k: to_fraction(v, f"mix share {k!r}") for k, v in mix.items()}
    if any(v < 0 for v in mix_exact.values()):
        raise ValueError(f"mix shares must be >= 0, got {dict(mix)}")
    if sum(mix_exact.values(), Fraction(0)) == 0:
        raise ValueError("mix shares add up to 0; give at least one positive share")
    return mix_exact


def _member_count(n: int | None) -> int:
    if n is None:
        raise ValueError("cannot tell the number of members: give a weight vector or labels")
    if n == 0:
        raise ValueError("there are no members to share the total among")
    return n


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
    total = to_fen(total, "total")
    if total < 0:
        raise ValueError(f"total must be >= 0 fen, got {total}")
    n_hint = len(labels) if labels is not None else None
    w, components = _combined_weights(weights, mix, n_hint)
    n = len(w)
    names = _labels(labels, n)
    fl, cp = _bounds(floors, caps, names)
    _check_reachable(total, w, fl, cp)

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


def _labels(labels: Sequence[str] | None, n: int) -> list[str]:
    if labels is None:
        return [f"member {i}" for i in range(n)]
    names = [str(x) for x in labels]
    if len(names) != n:
        raise ValueError(f"{len(names)} labels for {n} members")
    return names


def _bounds(
    floors: Sequence[int] | None, caps: Sequence[int | None] | None, names: list[str]
) -> tuple[list[int], list[int | None]]:
    """Each member's floor and cap in fen (0 and None when not given), a cap never below its
    floor."""
    n = len(names)
    if floors is None:
        fl = [0] * n
    else:
        if len(floors) != n:
            raise ValueError(f"floors has {len(floors)} entries, expected {n}")
        fl = [to_fen(f, f"floor of {names[i]}") for i, f in enumerate(floors)]
    if caps is None:
        cp: list[int | None] = [None] * n
    else:
        if len(caps) != n:
            raise ValueError(f"caps has {len(caps)} entries, expected {n}")
        cp = [None if c is None else to_fen(c, f"cap of {names[i]}") for i, c in enumerate(caps)]
    for i in range(n):
        if fl[i] < 0:
            raise ValueError(f"floor of {names[i]} is negative ({fl[i]} fen)")
        c = cp[i]
        if c is not None and c < fl[i]:
            raise ValueError(
                f"cap of {names[i]} ({format_fen(c)} yuan) is below its floor "
                f"({format_fen(fl[i])} yuan)"
            )
    return fl, cp


def _check_reachable(total: int, w: list[Fraction], fl: list[int], cp: list[int | None]) -> None:
    """The floors fit in the total, and the caps (with zero-weight members at their floor) reach
    it."""
    floor_sum = sum(fl)
    if floor_sum > total:
        raise ValueError(
            f"floors add up to {format_fen(floor_sum)} yuan, more than the total "
            f"{format_fen(total)} yuan; lower some floors or raise the total"
        )
    if all(c is not None or wi == 0 for c, wi in zip(cp, w, strict=True)):
        reachable = sum(
            (fl[i] if w[i] == 0 else cp[i])
            for i in range(len(w))  # type: ignore[misc]
        )
        if reachable < total:
            raise ValueError(
                f"caps add up to only {format_fen(reachable)} yuan (members with zero weight "
                f"count at their floor), less than the total {format_fen(total)} yuan; "
                "raise some caps or lower the total"
            )
