"""Airport games: the closed-form Shapley charges of shared facilities built for the
largest user (Littlechild and Owen)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import numpy as np

from .money import (
    decimal_text,
    is_int,
    to_fraction,
)


def _airport_input(costs: Sequence, counts: Sequence[int]) -> tuple[list[Fraction], list[int]]:
    if len(costs) != len(counts):
        raise ValueError(f"{len(costs)} costs but {len(counts)} counts; give one count per class")
    if len(costs) == 0:
        raise ValueError("give at least one class of users")
    cs = [to_fraction(c, f"costs[{k}]") for k, c in enumerate(costs)]
    if any(c < 0 for c in cs):
        raise ValueError(f"costs must be >= 0, got {list(costs)}")
    ns = []
    for k, m in enumerate(counts):
        if not is_int(m) or m < 1:
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
    >>> from xietong.algorithms.cost_sharing import largest_remainder_round
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
            "total": decimal_text(self.total, 4),
            "classes": [
                {"cost": decimal_text(c, 4), "count": n, "per_user": decimal_text(q, 4)}
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
    >>> from xietong.algorithms.cost_sharing import shapley
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
