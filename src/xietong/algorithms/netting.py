"""Multilateral netting of obligations between members of the joint fund.

Members owe each other money (cost-sharing contributions, reimbursements for
teachers or students received, joint-project advances).  Instead of paying
every obligation separately, the obligations are *netted*: each member's
position is what it is owed minus what it owes (:func:`net_positions`), and a
short list of transfers settles all positions (:func:`settle`,
:func:`settle_detailed`).

Fewest transfers
----------------
Members with a zero position need no transfer.  If the ``k`` members with a
nonzero position can be split into ``g`` disjoint groups that each add up to
zero, every group settles internally with one transfer fewer than its size, so
``k - g`` transfers suffice; conversely any settlement with ``t`` transfers
splits the members into at least ``k - t`` zero-sum groups (the connected
components of its transfer graph).  The minimum is therefore ``k - g_max``,
where ``g_max`` is the largest number of zero-sum groups; finding it is
NP-hard (it contains subset-sum), so :func:`settle_detailed` solves it exactly
by dynamic programming over subsets for up to about 20 members (after first
pairing members whose positions cancel exactly, which is always optimal), and
by a greedy rule (largest debtor pays largest creditor; at most ``k - 1``
transfers) beyond.  A settlement through the fund as central counterparty
(every debtor pays the fund, the fund pays every creditor) is also available.

All amounts are integers of fen (1 yuan = 100 fen).

References
----------
.. [1] T. Verhoeff, "Settling multiple debts efficiently: an invitation to
   computing science", *Informatics in Education* 3(1), 2004, pp. 105-126.
.. [2] M. R. Garey and D. S. Johnson, *Computers and Intractability*,
   W. H. Freeman, 1979 (subset sum, problem SP13).
.. [3] Bank for International Settlements, *Report on Netting Schemes*
   (the "Angell Report", prepared by the central banks of the Group of Ten
   countries), 1989.
"""

from __future__ import annotations

import heapq
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from numbers import Integral

import numpy as np

__all__ = [
    "DEFAULT_EXACT_LIMIT",
    "MAX_EXACT_MEMBERS",
    "Settlement",
    "Transfer",
    "net_positions",
    "settle",
    "settle_detailed",
]

Transfer = tuple[int, int, int]
"""A transfer ``(payer, payee, amount)``: ``payer`` pays ``amount`` fen (> 0) to ``payee``."""

#: Default size (members with a nonzero position, after exact pairs are
#: removed) up to which ``method="auto"`` uses the exact algorithm.
DEFAULT_EXACT_LIMIT = 20

#: Hard limit for the exact algorithm (``2**24`` subsets, a few seconds and
#: about 300 MiB).
MAX_EXACT_MEMBERS = 24

_METHODS = ("auto", "exact", "greedy", "central")


def _is_int(x: object) -> bool:
    return isinstance(x, Integral) and not isinstance(x, bool | np.bool_)


# --------------------------------------------------------------------------
# Net positions
# --------------------------------------------------------------------------


def net_positions(
    obligations: Iterable[tuple[int, int, int]] | np.ndarray,
    n: int,
) -> np.ndarray:
    """Net position of every member from a list of obligations.

    Parameters
    ----------
    obligations : iterable of (debtor, creditor, amount) or array of shape (m, 3)
        ``debtor`` owes ``amount`` fen (an integer ``>= 0``) to ``creditor``;
        members are numbered ``0 .. n-1``.  An obligation of a member to
        itself is allowed and has no effect.  An integer numpy array of shape
        ``(m, 3)`` is processed without a Python loop.
    n : int
        Number of members.

    Returns
    -------
    numpy.ndarray of int64, shape (n,)
        ``result[i]`` = what member ``i`` is owed minus what it owes, in fen;
        positive means the member is owed money.  The positions add up to 0.

    Raises
    ------
    ValueError
        If ``n`` is not a positive integer, an obligation is not a triple, a
        member index is outside ``0 .. n-1``, an amount is negative or not an
        integer (floats are refused: use fen), or the amounts are too large
        for 64-bit integers.

    Examples
    --------
    >>> net_positions([(0, 1, 500), (1, 2, 300), (2, 0, 100)], 3)
    array([-400,  200,  200])
    """
    if not _is_int(n) or n < 1:
        raise ValueError(f"n must be a positive integer number of members, got {n!r}")
    n = int(n)
    if isinstance(obligations, np.ndarray):
        arr = _obligation_array(obligations)
    else:
        arr = _obligation_list(list(obligations))
    if arr is None:
        return np.zeros(n, dtype=np.int64)
    debtor, creditor, amount = arr[:, 0], arr[:, 1], arr[:, 2]
    _check_obligations(debtor, creditor, amount, n)
    net = np.zeros(n, dtype=np.int64)
    np.add.at(net, creditor, amount)
    np.subtract.at(net, debtor, amount)
    return net


def _obligation_list(obligations: list) -> np.ndarray | None:
    """Obligations given as triples, as an (m, 3) int64 array (None when there are none)."""
    if not obligations:
        return None
    for k, ob in enumerate(obligations):
        # fast path for tuples of plain ints; anything else is checked in detail
        if type(ob) is tuple and len(ob) == 3:
            d, c, a = ob
            if type(d) is int and type(c) is int and type(a) is int:
                continue
        if not isinstance(ob, Sequence | np.ndarray) or len(ob) != 3:
            raise ValueError(f"obligation {k} must be (debtor, creditor, amount), got {ob!r}")
        if not all(_is_int(x) for x in ob):
            raise ValueError(
                f"obligation {k} = {ob!r}: members and amounts must be integers (amounts in fen)"
            )
    try:
        return np.array(obligations, dtype=np.int64)
    except OverflowError:
        raise ValueError("an amount does not fit in 64-bit integers") from None


def _obligation_array(arr: np.ndarray) -> np.ndarray | None:
    """Obligations given as an integer array, as int64 of shape (m, 3) (None when empty)."""
    if arr.size == 0:
        return None
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"obligations array must have shape (m, 3), got {arr.shape}")
    if arr.dtype.kind not in "iu":
        raise ValueError(
            f"obligations array must be integers (amounts in fen), got dtype {arr.dtype}"
        )
    if arr.dtype.kind == "u" and arr.size and int(arr.max()) >= 2**63:
        raise ValueError("an amount does not fit in 64-bit integers")
    return arr.astype(np.int64, copy=False)


def _check_obligations(
    debtor: np.ndarray, creditor: np.ndarray, amount: np.ndarray, n: int
) -> None:
    """Members in 0..n-1, amounts non-negative and adding up within 64 bits."""
    for name, col in (("debtor", debtor), ("creditor", creditor)):
        bad = np.flatnonzero((col < 0) | (col >= n))
        if bad.size:
            k = int(bad[0])
            raise ValueError(f"obligation {k}: {name} {int(col[k])} is not a member 0..{n - 1}")
    bad = np.flatnonzero(amount < 0)
    if bad.size:
        k = int(bad[0])
        raise ValueError(
            f"obligation {k}: amount {int(amount[k])} is negative; swap debtor and creditor"
        )
    if amount.size and int(amount.max()) * amount.size >= 2**63:
        if sum(int(a) for a in amount) >= 2**63:
            raise ValueError("the amounts add up to more than 64-bit integers can hold")


# --------------------------------------------------------------------------
# Settlement
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settlement:
    """Result of :func:`settle_detailed`.

    Attributes
    ----------
    transfers : tuple of (int, int, int)
        Transfers ``(payer, payee, amount)`` with ``amount > 0`` fen, sorted by
        payer then payee.  For ``method="central"`` the fund appears as member
        ``fund_index``.
    method : {"exact", "greedy", "central"}
        Method actually used (``"auto"`` resolves to ``"exact"`` or
        ``"greedy"``).
    optimal : bool
        True when the number of member-to-member transfers is proven to be the
        minimum (exact method; or a greedy result that reaches the lower
        bound).  Always False for ``"central"``, which uses more transfers by
        design.
    n_members : int
        Number of members.
    lower_bound : int
        A proven lower bound on the number of member-to-member transfers
        (equal to the count when ``optimal``).
    groups : tuple of tuple of int
        Zero-sum groups of members that settle among themselves (each group
        of size ``s`` uses ``s - 1`` transfers).  Empty for ``"central"``.
    fund_index : int or None
        Index standing for the fund in ``transfers`` (``n_members``) when
        ``method="central"``, else None.
    """

    transfers: tuple[Transfer, ...]
    method: str
    optimal: bool
    n_members: int
    lower_bound: int
    groups: tuple[tuple[int, ...], ...]
    fund_index: int | None = None

    @property
    def n_transfers(self) -> int:
        """Number of transfers."""
        return len(self.transfers)


def _balances(balances: Sequence[int] | np.ndarray) -> list[int]:
    if isinstance(balances, np.ndarray):
        if balances.ndim != 1:
            raise ValueError(f"balances must be one-dimensional, got shape {balances.shape}")
        if balances.dtype.kind not in "iuO":
            raise ValueError(f"balances must be integers of fen, got dtype {balances.dtype}")
        items = balances.tolist()
    elif isinstance(balances, str | bytes):
        raise ValueError("balances must be a sequence of integers of fen")
    else:
        items = list(balances)
    out = []
    for i, b in enumerate(items):
        if not _is_int(b):
            raise ValueError(
                f"balances[{i}] = {b!r} must be an integer number of fen "
                "(1 yuan = 100 fen), not a float or Decimal"
            )
        out.append(int(b))
    if not out:
        raise ValueError("balances is empty; give one net position per member")
    total = sum(out)
    if total != 0:
        raise ValueError(
            f"balances add up to {total} fen, not 0: every fen owed must be owed to someone; "
            "check the net positions (net_positions() always adds up to 0)"
        )
    return out


def _pair_off(
    bal: list[int], members: list[int]
) -> tuple[list[Transfer], list[tuple[int, ...]], list[int]]:
    """Match members whose positions cancel exactly (+a with -a).

    Always compatible with an optimal settlement: if ``b_i = -b_j``, some
    optimal partition into zero-sum groups contains the group ``{i, j}``.
    Returns the transfers, the pairs and the members left over.
    """
    waiting: dict[int, list[int]] = defaultdict(list)
    transfers: list[Transfer] = []
    pairs: list[tuple[int, ...]] = []
    matched: set[int] = set()
    for i in members:
        partners = waiting.get(-bal[i])
        if partners:
            j = partners.pop(0)
            payer, payee = (i, j) if bal[i] < 0 else (j, i)
            transfers.append((payer, payee, abs(bal[i])))
            pairs.append((min(i, j), max(i, j)))
            matched.update((i, j))
        else:
            waiting[bal[i]].append(i)
    rest = [i for i in members if i not in matched]
    return transfers, pairs, rest


def _greedy(bal: list[int], members: list[int]) -> list[Transfer]:
    """Largest debtor pays largest creditor until all are settled (<= k-1 transfers)."""
    creditors = [(-bal[i], i) for i in members if bal[i] > 0]
    debtors = [(bal[i], i) for i in members if bal[i] < 0]
    heapq.heapify(creditors)
    heapq.heapify(debtors)
    transfers: list[Transfer] = []
    while creditors and debtors:
        c_amt, c = heapq.heappop(creditors)
        d_amt, d = heapq.heappop(debtors)
        owed, owes = -c_amt, -d_amt
        pay = min(owed, owes)
        transfers.append((d, c, pay))
        if owed > pay:
            heapq.heappush(creditors, (-(owed - pay), c))
        if owes > pay:
            heapq.heappush(debtors, (-(owes - pay), d))
    assert not creditors and not debtors
    return transfers


def _max_zero_sum_groups(values: list[int]) -> list[list[int]]:
    """Partition ``range(len(values))`` into the most zero-sum groups (values add to 0).

    ``dp[mask]`` is the largest number of zero-sum prefixes over all orderings
    of ``mask``, i.e. ``max_i dp[mask - i] + [sum(mask) == 0]``; for a
    zero-sum ``mask`` it is the largest number of zero-sum groups partitioning
    it.  Masks are processed by popcount layers, vectorised with numpy.
    """
    k = len(values)
    size = 1 << k
    sums = np.zeros(size, dtype=np.int64)
    pc = np.zeros(size, dtype=np.uint8)
    for j in range(k):
        sums[1 << j : 2 << j] = sums[: 1 << j] + values[j]
        pc[1 << j : 2 << j] = pc[: 1 << j] + 1
    zero = (sums == 0).astype(np.int8)
    del sums
    order = np.argsort(pc, kind="stable").astype(np.int32)
    starts = np.concatenate([[0], np.cumsum(np.bincount(pc, minlength=k + 1))])
    del pc
    dp = np.zeros(size, dtype=np.int8)
    for p in range(1, k + 1):
        layer = order[starts[p] : starts[p + 1]]
        best = np.zeros(layer.shape[0], dtype=np.int8)
        for j in range(k):
            bit = np.int32(1 << j)
            has = (layer & bit) != 0
            sel = layer[has]
            best[has] = np.maximum(best[has], dp[sel ^ bit])
        dp[layer] = best + zero[layer]
    # Reconstruct an ordering with dp[full] zero-sum prefixes, from its end.
    mask = size - 1
    sequence: list[int] = []
    while mask:
        target = dp[mask] - zero[mask]
        for j in range(k):
            if mask >> j & 1 and dp[mask ^ (1 << j)] == target:
                sequence.append(j)
                mask ^= 1 << j
                break
        else:  # pragma: no cover - dp is consistent by construction
            raise AssertionError("inconsistent dynamic programme")
    sequence.reverse()
    groups: list[list[int]] = []
    current: list[int] = []
    running = 0
    for j in sequence:
        current.append(j)
        running += values[j]
        if running == 0:
            groups.append(current)
            current = []
    assert not current and len(groups) == int(dp[size - 1])
    return groups


def settle_detailed(
    balances: Sequence[int] | np.ndarray,
    method: str = "auto",
    *,
    exact_limit: int = DEFAULT_EXACT_LIMIT,
) -> Settlement:
    """Settle net positions with few transfers, saying how and whether optimally.

    Methods:

    * ``"exact"``: the fewest possible transfers.  Members whose positions
      cancel exactly are paired first; the others are split into the largest
      number of zero-sum groups by dynamic programming over subsets (``2**k``
      states for ``k`` remaining members, ``k <= exact_limit``), and each group
      settles with one transfer fewer than its size.
    * ``"greedy"``: exact pairs first, then the largest debtor pays the
      largest creditor, repeatedly.  At most ``k - 1`` transfers for ``k``
      members with a nonzero position; fast for any size, but not always
      minimal (it misses zero-sum groups of three or more members).
    * ``"central"``: every debtor pays the fund and the fund pays every
      creditor (``k`` transfers); the fund is member ``fund_index`` =
      ``len(balances)``.
    * ``"auto"`` (default): ``"exact"`` if at most ``exact_limit`` members
      remain after pairing, else ``"greedy"``.

    Parameters
    ----------
    balances : sequence of int
        ``balances[i]`` is member ``i``'s net position in fen (positive: it is
        owed money).  Must add up to 0.
    method : {"auto", "exact", "greedy", "central"}, default "auto"
        Settlement method.
    exact_limit : int, default 20
        Largest number of members (with nonzero positions, after exact pairs)
        handled by the exact method; at most 24.

    Returns
    -------
    Settlement
        Transfers, the method used, whether the count is proven optimal, a
        lower bound and the zero-sum groups.

    Raises
    ------
    ValueError
        If a balance is not an integer, the balances do not add up to 0, the
        method is unknown, ``exact_limit`` is outside 0..24, or ``"exact"`` is
        asked for more members than ``exact_limit``.

    References
    ----------
    T. Verhoeff (2004), "Settling multiple debts efficiently".

    Examples
    --------
    >>> s = settle_detailed([400, 300, 300, -600, -400])
    >>> s.transfers
    ((3, 1, 300), (3, 2, 300), (4, 0, 400))
    >>> s.method, s.optimal, s.groups
    ('exact', True, ((0, 4), (1, 2, 3)))
    >>> settle_detailed([400, 300, 300, -600, -400], "central").transfers
    ((3, 5, 600), (4, 5, 400), (5, 0, 400), (5, 1, 300), (5, 2, 300))
    """
    bal = _balances(balances)
    if method not in _METHODS:
        raise ValueError(f"method must be one of {', '.join(_METHODS)}; got {method!r}")
    if not _is_int(exact_limit) or not 0 <= exact_limit <= MAX_EXACT_MEMBERS:
        raise ValueError(
            f"exact_limit must be an integer 0..{MAX_EXACT_MEMBERS}, got {exact_limit!r}"
        )
    n = len(bal)
    nonzero = [i for i in range(n) if bal[i] != 0]
    n_pos = sum(1 for i in nonzero if bal[i] > 0)
    trivial_bound = max(n_pos, len(nonzero) - n_pos)

    if method == "central":
        transfers = [(i, n, -bal[i]) for i in nonzero if bal[i] < 0]
        transfers += [(n, i, bal[i]) for i in nonzero if bal[i] > 0]
        return Settlement(
            transfers=tuple(sorted(transfers)),
            method="central",
            optimal=False,
            n_members=n,
            lower_bound=trivial_bound,
            groups=(),
            fund_index=n,
        )

    transfers, pairs, rest = _pair_off(bal, nonzero)
    fits_int64 = sum(abs(bal[i]) for i in rest) < 2**63  # subset sums of the DP
    if method == "auto":
        method = "exact" if len(rest) <= exact_limit and fits_int64 else "greedy"
    if method == "exact":
        _check_exact_fits(len(rest), fits_int64, exact_limit)
        return _settle_exact(bal, transfers, pairs, rest)
    return _settle_greedy(bal, transfers, pairs, rest, trivial_bound)


def _check_exact_fits(n_rest: int, fits_int64: bool, exact_limit: int) -> None:
    if not fits_int64:
        raise ValueError(
            "positions too large for the exact method (their absolute values add up to "
            "2**63 fen or more); use method='greedy'"
        )
    if n_rest > exact_limit:
        raise ValueError(
            f"{n_rest} members with unmatched nonzero positions is more than "
            f"exact_limit={exact_limit}; raise exact_limit (at most {MAX_EXACT_MEMBERS}) "
            "or use method='greedy'"
        )


def _settle_exact(bal: list[int], transfers: list, pairs: list, rest: list[int]) -> Settlement:
    """The rest split into the most zero-sum groups, each settled greedily: optimal."""
    groups = [tuple(pairs_) for pairs_ in pairs]
    if rest:
        for g in _max_zero_sum_groups([bal[i] for i in rest]):
            members = [rest[j] for j in g]
            transfers += _greedy(bal, members)
            groups.append(tuple(sorted(members)))
    out = tuple(sorted(transfers))
    return Settlement(
        transfers=out,
        method="exact",
        optimal=True,
        n_members=len(bal),
        lower_bound=len(out),
        groups=tuple(sorted(groups)),
    )


def _settle_greedy(
    bal: list[int], transfers: list, pairs: list, rest: list[int], trivial_bound: int
) -> Settlement:
    transfers += _greedy(bal, rest)
    out = tuple(sorted(transfers))
    # Each pair is an optimal group; the rest needs at least max(#creditors, #debtors)
    # transfers, and at least one fewer than its size only if it splits further.
    rest_pos = sum(1 for i in rest if bal[i] > 0)
    bound = len(pairs) + max(rest_pos, len(rest) - rest_pos)
    groups = [tuple(p) for p in pairs]
    if rest:
        groups.append(tuple(sorted(rest)))
    return Settlement(
        transfers=out,
        method="greedy",
        optimal=len(out) <= bound,
        n_members=len(bal),
        lower_bound=max(bound, trivial_bound),
        groups=tuple(sorted(groups)),
    )


def settle(balances: Sequence[int] | np.ndarray) -> list[Transfer]:
    """Transfers that settle net positions, as few as can be found.

    Uses :func:`settle_detailed` with ``method="auto"``: the proven minimum
    number of transfers when at most 20 members are left after pairing
    positions that cancel exactly, a greedy settlement with at most ``k - 1``
    transfers (``k`` = members with a nonzero position) beyond.

    Parameters
    ----------
    balances : sequence of int
        ``balances[i]`` is member ``i``'s net position in fen (positive: it is
        owed money); they must add up to 0.

    Returns
    -------
    list of (int, int, int)
        Transfers ``(payer, payee, amount)``: ``payer`` pays ``amount > 0`` fen
        to ``payee``.  Applying them brings every position to zero.

    Raises
    ------
    ValueError
        If a balance is not an integer or the balances do not add up to 0.

    References
    ----------
    T. Verhoeff (2004), "Settling multiple debts efficiently".

    Examples
    --------
    Five members' positions settle in 3 transfers, not 4: the group
    (+3, +3, -6) and the pair (+4, -4) settle separately.

    >>> settle([4, 3, 3, -6, -4])
    [(3, 1, 3), (3, 2, 3), (4, 0, 4)]
    >>> settle([0, 0])
    []
    """
    return list(settle_detailed(balances).transfers)
