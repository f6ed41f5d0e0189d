"""The core: which coalitions an allocation leaves better off on their own."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .games import MAX_EXACT_SHAPLEY_MEMBERS, as_game, kind_sign


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
    >>> from xietong.algorithms.cost_sharing import airport_game
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
    sign = kind_sign(kind)
    v_raw = np.asarray(coalition_values)
    x_raw = np.asarray(allocation)
    v, n = as_game(v_raw)
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
