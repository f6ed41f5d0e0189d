"""Solve-level entry points of the matching package: :func:`deferred_acceptance`,
:func:`deferred_acceptance_csr` and :func:`solve` (see the package docstring)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np

from .caps import Balance, Departure, Regions
from .certificate import Certificate, WhyNot
from .certify import certify
from .core import (
    Tree,
    deferred_acceptance_flat,
    flexible_deferred_acceptance_flat,
)
from .exchange import protected_lists, teacher_optimal_block_exchange
from .model import (
    GATE_BALANCE,
    GATE_DEPARTURE,
    GATE_NONE,
    Market,
    check_current_posts_listed,
)

__all__ = [
    "Balance",
    "Certificate",
    "CertificateError",
    "Departure",
    "Market",
    "MatchResult",
    "Regions",
    "WhyNot",
    "certify",
    "deferred_acceptance",
    "deferred_acceptance_csr",
    "solve",
]

Mode = Literal["da", "ir_da", "tobe"]
_MODES = ("da", "ir_da", "tobe")
_UNCAPPED = np.int64(2**40)


class CertificateError(RuntimeError):
    """Raised by :func:`solve` when the independent certificate rejects a result."""


@dataclass(frozen=True, eq=False)
class MatchResult:
    """Outcome of :func:`solve`.

    Attributes
    ----------
    assignment : numpy.ndarray
        Post index per teacher (int64), ``-1`` if the teacher receives no post
        (in the individually rational modes a teacher keeps her current post,
        so ``-1`` only occurs for teachers without one).
    mode : str
        ``"da"``, ``"ir_da"`` or ``"tobe"``.
    mechanism : str
        Human-readable name of the mechanism that ran.
    certificate : Certificate
        Independent verification, see :func:`certify`.
    rounds : int
        Proposal rounds (deferred acceptance) or executed exchange cycles
        (TO-BE), summed over gate iterations.
    admitted : numpy.ndarray
        Bool per teacher: allowed by the departure / balance gates to move.
    gate_reason : numpy.ndarray
        int8 per teacher: 0 admitted, 1 held back by a departure cap,
        2 held back by the balance constraint.
    gate_iterations : int
        Number of mechanism runs the gate loop needed (1 without gates).
    """

    assignment: np.ndarray
    mode: str
    mechanism: str
    certificate: Certificate
    rounds: int
    admitted: np.ndarray
    gate_reason: np.ndarray
    gate_iterations: int

    def __post_init__(self) -> None:
        for name in ("assignment", "admitted", "gate_reason"):
            view = np.asarray(getattr(self, name)).view()
            view.flags.writeable = False
            object.__setattr__(self, name, view)

    def to_list(self) -> list[int]:
        """Return the assignment as a plain list of ints."""
        return self.assignment.tolist()


# ---------------------------------------------------------------------------
# Plain entry points
# ---------------------------------------------------------------------------


def deferred_acceptance(
    teacher_prefs: Sequence[Sequence[int]],
    post_priorities: Sequence[Sequence[int]],
    capacities: Sequence[int],
) -> list[int]:
    """Teacher-proposing deferred acceptance (teacher-optimal stable matching).

    Parameters
    ----------
    teacher_prefs : sequence of sequences of int
        ``teacher_prefs[t]`` lists post indices, best first.  Lists may be
        incomplete; a post missing from the list is unacceptable to ``t``.
    post_priorities : sequence of sequences of int
        ``post_priorities[p]`` lists teacher indices, best first.  A teacher
        missing from the list is not eligible for ``p`` (her proposal is
        rejected).  Lists need not be reciprocal.
    capacities : sequence of int
        ``capacities[p]`` is the number of seats of post ``p`` (0 allowed).

    Returns
    -------
    list of int
        Post index per teacher, ``-1`` for teachers left unassigned.  The
        result has been checked by :func:`certify` (no blocking pair, no
        capacity exceeded); use :func:`solve` to keep the certificate.

    Raises
    ------
    ValueError
        If an index is out of range, a list repeats an entry, a capacity is
        negative, or the lengths of ``post_priorities`` and ``capacities``
        differ.

    See Also
    --------
    solve : the full model with caps, IR modes and certificate.

    Notes
    -----
    Gale and Shapley [GS62]_ for one-to-one, Roth [Rot84]_ for the many-to-one
    case.  The teacher-proposing outcome is the stable matching every teacher
    likes best among all stable matchings, and no teacher can gain by
    misreporting her list [AS03]_.

    References
    ----------
    .. [GS62] D. Gale and L. S. Shapley, "College admissions and the
       stability of marriage", American Mathematical Monthly 69(1), 1962.
    .. [Rot84] A. E. Roth, "The evolution of the labor market for medical
       interns and residents", Journal of Political Economy 92(6), 1984.
    .. [AS03] A. Abdulkadiroglu and T. Sonmez, "School choice: a mechanism
       design approach", American Economic Review 93(3), 2003.

    Examples
    --------
    Two posts with one seat each; both teachers prefer post 0, which ranks
    teacher 1 first.

    >>> deferred_acceptance([[0, 1], [0, 1]], [[1, 0], [0, 1]], [1, 1])
    [1, 0]

    A post that does not rank a teacher rejects her:

    >>> deferred_acceptance([[0], [0]], [[1]], [2])
    [-1, 0]
    """
    market = Market.from_lists(teacher_prefs, post_priorities, capacities)
    return solve(market).to_list()


def deferred_acceptance_csr(
    prefs_indptr: np.ndarray,
    prefs_indices: np.ndarray,
    capacities: np.ndarray,
    *,
    ranks: np.ndarray | None = None,
    scores: np.ndarray | None = None,
    tie_break: Literal["single", "multiple"] = "single",
    seed: int | None = None,
) -> MatchResult:
    """Deferred acceptance on flat CSR input (for large runs).

    Shorthand for ``solve(Market.from_csr(...))``.

    Parameters
    ----------
    prefs_indptr : numpy.ndarray
        Row pointer, length ``n_teachers + 1``; teacher ``t``'s list is
        ``prefs_indices[prefs_indptr[t]:prefs_indptr[t + 1]]``, best first.
    prefs_indices : numpy.ndarray
        Post index of each list entry.
    capacities : numpy.ndarray
        Seats per post; ``len(capacities)`` is the number of posts.
    ranks : numpy.ndarray, optional
        Per entry, the rank (0 = best) that the post gives the teacher, ``-1``
        if the post does not rank her.  Equal ranks at one post are broken by
        teacher index.
    scores : numpy.ndarray, optional
        Per entry, the teacher's point score at that post (higher is better,
        NaN = not eligible).  Ties are broken by a lottery.
    tie_break : {"single", "multiple"}
        Single lottery for all posts, or an independent lottery per post.
    seed : int, optional
        Seed of the lottery (``numpy.random.default_rng``).

    Returns
    -------
    MatchResult
        Assignment plus certificate.

    Raises
    ------
    ValueError
        On malformed arrays; exactly one of ``ranks`` and ``scores`` must be
        given.

    References
    ----------
    .. [GS62b] D. Gale and L. S. Shapley, "College admissions and the
       stability of marriage", American Mathematical Monthly 69(1), 1962.

    Examples
    --------
    >>> import numpy as np
    >>> res = deferred_acceptance_csr(
    ...     np.array([0, 2, 4]), np.array([0, 1, 0, 1]), np.array([1, 1]),
    ...     ranks=np.array([1, 0, 0, 1]))
    >>> res.to_list(), res.certificate.ok
    ([1, 0], True)
    """
    market = Market.from_csr(
        prefs_indptr,
        prefs_indices,
        capacities,
        ranks=ranks,
        scores=scores,
        tie_break=tie_break,
        seed=seed,
    )
    return solve(market)


# ---------------------------------------------------------------------------
# The full model
# ---------------------------------------------------------------------------


def _validate_teacher_vector(
    values: object, n_teachers: int, name: str, low: int, high: int | None
) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n_teachers,):
        raise ValueError(f"{name} must have one entry per teacher ({n_teachers}), got {arr.shape}")
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < low or (high is not None and arr.max() >= high)):
        bad = int(np.flatnonzero((arr < low) | ((arr >= high) if high is not None else False))[0])
        upper = f" and < {high}" if high is not None else ""
        raise ValueError(f"{name}[{bad}] = {int(arr[bad])} is out of range (need >= {low}{upper})")
    return arr


def tree_of(regions: Regions) -> Tree:
    def caps(a: np.ndarray) -> np.ndarray:
        return np.where(a < 0, _UNCAPPED, a).astype(np.int64)

    return Tree(
        post_cap=regions.capacities.astype(np.int64),
        post_school=regions.post_school.astype(np.int64),
        school_cap=caps(regions.school_caps),
        post_target=regions.post_targets.astype(np.int64),
        school_area=None if regions.school_area is None else regions.school_area.astype(np.int64),
        area_cap=None if regions.area_caps is None else caps(regions.area_caps),
        school_target=None
        if regions.school_targets is None
        else regions.school_targets.astype(np.int64),
    )


def _departing(
    assignment: np.ndarray, current_post: np.ndarray, regions: Regions | None
) -> np.ndarray:
    """A teacher departs if she ends at a post of another school than her current one."""
    moved = (assignment >= 0) & (assignment != current_post)
    if regions is not None:
        same = np.zeros_like(moved)
        both = moved & (current_post >= 0)
        same[both] = (
            regions.post_school[assignment[both]] == regions.post_school[current_post[both]]
        )
        moved &= ~same
    return moved


def _rank_in_groups(groups: np.ndarray, order: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Position of each member (by ``order``) inside its group, members given as indices."""
    if members.size == 0:
        return np.zeros(0, dtype=np.int64)
    srt = np.lexsort((order[members], groups[members]))
    g = groups[members][srt]
    starts = np.concatenate(([0], np.flatnonzero(g[1:] != g[:-1]) + 1))
    pos_sorted = np.arange(g.size) - np.repeat(starts, np.diff(np.append(starts, g.size)))
    pos = np.empty(members.size, dtype=np.int64)
    pos[srt] = pos_sorted
    return pos


def solve(
    market: Market,
    *,
    mode: Mode = "da",
    regions: Regions | None = None,
    current_post: Sequence[int] | np.ndarray | None = None,
    departure: Departure | None = None,
    balance: Balance | None = None,
    release_order: Sequence[int] | np.ndarray | None = None,
    check: bool = True,
) -> MatchResult:
    """Run a matching mechanism and certify the result.

    Parameters
    ----------
    market : Market
        Preferences, priorities and seats in CSR form.
    mode : {"da", "ir_da", "tobe"}
        ``"da"``: teacher-proposing deferred acceptance; with ``regions`` it is
        the flexible deferred acceptance of Kamada and Kojima [KK15]_.
        ``"ir_da"``: deferred acceptance in which every teacher keeps a claim
        on her current post (she has top priority there and her list is cut
        below it), so nobody ends worse off than now.  ``"tobe"``: the
        Teacher-Optimal Block Exchange of Combe, Tercieux and Terrier [CTT22]_
        -- teachers swap posts in blocks, each post only ever trading a
        teacher for one it ranks higher.
    regions : Regions, optional
        School and area caps (only with ``mode="da"``).
    current_post : array_like of int, optional
        Current post per teacher, ``-1`` if she holds none of the market's
        posts.  Required for ``"ir_da"`` and ``"tobe"``, where every teacher
        must list her current post (entries below it are moves she refuses;
        the post's rank of her there is her priority as incumbent).  Current
        occupants count against a post's capacity.
    departure : Departure, optional
        Caps on how many teachers may leave each sending school and subject.
    balance : Balance, optional
        Balanced exchange between member jurisdictions.
    release_order : array_like of int, optional
        Order in which the gates release teachers (smaller first), default
        teacher index.  Used only with ``departure`` or ``balance``.
    check : bool
        Raise :class:`CertificateError` if the certificate fails.

    Returns
    -------
    MatchResult
        Assignment, certificate and run statistics.

    Raises
    ------
    ValueError
        On inconsistent inputs (sizes, ranges, occupants exceeding a post's
        seats, unsupported combinations such as ``regions`` with an IR mode).
    CertificateError
        If ``check`` and the independent certificate finds a violation.

    Notes
    -----
    Gates (``departure``, ``balance``) wrap the mechanism: teachers who are not
    admitted stay where they are (unassigned in ``"da"``, at their current
    post in the IR modes).  Admission starts with the first teachers of each
    capped group in ``release_order`` and is widened while a group has room;
    if a run breaks a constraint, the last-released movers of the offending
    group are held back for good.  The loop ends after at most ``2 *
    n_teachers + 1`` runs.

    References
    ----------
    .. [KK15] Y. Kamada and F. Kojima, "Efficient matching under
       distributional constraints: theory and applications", American
       Economic Review 105(1), 2015.
    .. [CTT22] J. Combe, O. Tercieux and C. Terrier, "The design of teacher
       assignment: theory and evidence", Review of Economic Studies 89(6),
       2022.

    Examples
    --------
    Teacher 0 holds post 0 and prefers post 1, teacher 1 holds post 1 and
    prefers post 0; each post ranks the other's teacher first.

    >>> m = Market.from_lists([[1, 0], [0, 1]], [[1, 0], [0, 1]], [1, 1])
    >>> solve(m, mode="tobe", current_post=[0, 1]).to_list()
    [1, 0]

    With a school cap of one teacher for two posts, flexible deferred
    acceptance admits only the better-ranked claim:

    >>> m = Market.from_lists([[0], [1]], [[0], [1]], [1, 1])
    >>> r = Regions.build(m.capacities, post_school=[0, 0], school_caps=[1])
    >>> res = solve(m, regions=r)
    >>> res.to_list(), res.certificate.ok
    ([0, -1], True)
    """
    cp, order = _checked_inputs(
        market, mode, regions, current_post, departure, balance, release_order
    )
    n_t = market.n_teachers
    run = _Runner(market, mode, tree_of(regions) if regions is not None else None, cp)
    admitted = np.ones(n_t, dtype=bool)
    gate_reason = np.zeros(n_t, dtype=np.int8)
    iterations = 1
    gated = departure is not None or balance is not None
    if not gated:
        assignment = run(None)
    else:
        assignment, admitted, gate_reason, iterations = _gate_loop(
            run, n_t, cp, regions, departure, balance, order
        )

    certificate = certify(
        market,
        assignment,
        mode=mode,
        regions=regions,
        current_post=None if current_post is None else cp,
        departure=departure,
        balance=balance,
        admitted=admitted if gated else None,
        gate_reason=gate_reason if gated else None,
    )
    if check and not certificate.ok:
        raise CertificateError(
            "internal error: the independent certificate rejected the result:\n"
            + certificate.summary()
        )
    mechanism = _MECHANISMS["da_regions" if mode == "da" and regions is not None else mode]
    return MatchResult(
        assignment=assignment,
        mode=mode,
        mechanism=mechanism,
        certificate=certificate,
        rounds=run.rounds,
        admitted=admitted,
        gate_reason=gate_reason,
        gate_iterations=iterations,
    )


_MECHANISMS = {
    "da": "teacher-proposing deferred acceptance",
    "da_regions": "flexible deferred acceptance (Kamada-Kojima)",
    "ir_da": "deferred acceptance with incumbent protection",
    "tobe": "teacher-optimal block exchange (TO-BE)",
}


def _checked_inputs(
    market, mode, regions, current_post, departure, balance, release_order
) -> tuple[np.ndarray, np.ndarray]:
    """Refuse inconsistent inputs; the current post and the release order per teacher."""
    if not isinstance(market, Market):
        raise ValueError("market must be a Market (use Market.from_lists / from_csr / from_scores)")
    if mode not in _MODES:
        raise ValueError(f"mode must be one of {_MODES}, got {mode!r}")
    n_t = market.n_teachers
    if regions is not None:
        _check_regions(market, mode, regions)
    cp = _checked_current_posts(market, mode, current_post)
    _check_gates(market, departure, balance)
    if release_order is None:
        order = np.arange(n_t, dtype=np.int64)
    else:
        order = _validate_teacher_vector(release_order, n_t, "release_order", -(2**62), None)
    return cp, order


def _check_regions(market: Market, mode: str, regions) -> None:
    if not isinstance(regions, Regions):
        raise ValueError("regions must be a Regions (use Regions.build)")
    if mode != "da":
        raise ValueError(
            "regional caps are only supported with mode='da' (flexible deferred acceptance)"
        )
    if regions.capacities.shape != (market.n_posts,) or not np.array_equal(
        regions.capacities, market.capacities
    ):
        raise ValueError("regions were built for different post capacities than the market")


def _checked_current_posts(market: Market, mode: str, current_post) -> np.ndarray:
    n_t, n_p = market.n_teachers, market.n_posts
    if current_post is None:
        if mode != "da":
            raise ValueError(f"mode={mode!r} needs current_post (use -1 for teachers without one)")
        return np.full(n_t, -1, dtype=np.int64)
    cp = _validate_teacher_vector(current_post, n_t, "current_post", -1, n_p)
    if mode != "da":
        check_current_posts_listed(market, cp)
        occupied = np.bincount(cp[cp >= 0], minlength=n_p)
        over = np.flatnonzero(occupied > market.capacities)
        if over.size:
            p = int(over[0])
            raise ValueError(
                f"post {p} has {int(occupied[p])} current occupants but only "
                f"{int(market.capacities[p])} seats; capacities must count occupants' seats"
            )
    return cp


def _check_gates(market: Market, departure, balance) -> None:
    n_t, n_p = market.n_teachers, market.n_posts
    if departure is not None:
        if not isinstance(departure, Departure):
            raise ValueError("departure must be a Departure")
        if departure.teacher_group.shape != (n_t,):
            raise ValueError("departure.teacher_group must have one entry per teacher")
    if balance is not None:
        if not isinstance(balance, Balance):
            raise ValueError("balance must be a Balance")
        if balance.teacher_member.shape != (n_t,) or balance.post_member.shape != (n_p,):
            raise ValueError("balance arrays must match the market's teachers and posts")


class _Runner:
    """One run of the mode's mechanism for a set of admitted teachers (None: everybody);
    ``rounds`` adds up the rounds (or exchange cycles) of every run."""

    def __init__(self, market: Market, mode: str, tree, cp: np.ndarray) -> None:
        self.market, self.mode, self.tree, self.cp = market, mode, tree, cp
        self.rounds = 0
        if mode == "ir_da":
            self.protected = protected_lists(market, cp)

    def __call__(self, admitted: np.ndarray | None) -> np.ndarray:
        market = self.market
        if self.mode == "tobe":
            assignment, cycles = teacher_optimal_block_exchange(market, self.cp, admitted)
            self.rounds += cycles
            return assignment
        if self.mode == "ir_da":
            out = self._protected_da(admitted)
        elif self.tree is None:
            out = deferred_acceptance_flat(
                market.indptr,
                market.posts,
                market.ranks,
                market.capacities,
                admitted,
                rank_radix=market.rank_radix,
            )
        else:
            out = flexible_deferred_acceptance_flat(
                market.indptr, market.posts, market.ranks, self.tree, admitted
            )
        self.rounds += out.rounds
        return out.assignment

    def _protected_da(self, admitted: np.ndarray | None):
        p_indptr, p_posts, p_ranks = self.protected
        cp = self.cp
        start = None
        if admitted is not None:
            start = p_indptr[:-1].copy()
            held_back = ~admitted
            # a held-back teacher only proposes to her own post (last entry)
            start[held_back] = np.where(
                cp[held_back] >= 0, p_indptr[1:][held_back] - 1, p_indptr[1:][held_back]
            )
        return deferred_acceptance_flat(
            p_indptr, p_posts, p_ranks, self.market.capacities, None, start=start
        )


def _gate_loop(
    run,
    n_t: int,
    cp: np.ndarray,
    regions: Regions | None,
    departure: Departure | None,
    balance: Balance | None,
    order: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, int]:
    """Admit teachers group by group in release order; hold back on violations."""
    admitted = np.ones(n_t, dtype=bool)
    banned = np.zeros(n_t, dtype=bool)
    reason = np.zeros(n_t, dtype=np.int8)
    if departure is not None:
        grp = departure.teacher_group
        capped = np.flatnonzero(grp >= 0)
        pos = _rank_in_groups(grp, order, capped)
        admitted[capped] = pos < departure.caps[grp[capped]]
    iterations = 0
    assignment = np.full(n_t, -1, dtype=np.int64)
    for _ in range(2 * n_t + 2):
        iterations += 1
        assignment = run(admitted)
        leaving = _departing(assignment, cp, regions)
        drops = []
        if departure is not None:
            drops.append((_over_departure(departure, leaving, order), GATE_DEPARTURE))
        if balance is not None:
            drops.append((_over_balance(balance, assignment, cp, order), GATE_BALANCE))
        drops = [(drop, why) for drop, why in drops if drop is not None]
        for drop, why in drops:
            banned[drop] = True
            reason[drop] = why
        if drops:
            admitted &= ~banned
            continue
        if departure is None or not _widen(departure, leaving, admitted, banned, order):
            break
    held = ~admitted & (reason == GATE_NONE)
    reason[held] = GATE_DEPARTURE
    return assignment, admitted, reason, iterations


def _over_departure(
    departure: Departure, leaving: np.ndarray, order: np.ndarray
) -> np.ndarray | None:
    """The movers to hold back, last released first, where more leave a group than its cap
    allows (None when no group is over)."""
    grp, caps = departure.teacher_group, departure.caps
    counts = np.bincount(grp[leaving & (grp >= 0)], minlength=caps.size)
    excess = counts - caps
    if not (excess > 0).any():
        return None
    movers = np.flatnonzero(leaving & (grp >= 0))
    movers = movers[excess[grp[movers]] > 0]
    # last released first: rank by reversed release order
    pos = _rank_in_groups(grp, -order, movers)
    return movers[pos < excess[grp[movers]]]


def _over_balance(
    balance: Balance, assignment: np.ndarray, cp: np.ndarray, order: np.ndarray
) -> np.ndarray | None:
    """The movers to hold back, last released first, where a member sends more teachers than
    it receives beyond the tolerance (None when every member is within it)."""
    tm, pm = balance.teacher_member, balance.post_member
    # only moves count: a teacher staying at her current post is not "sent"
    out = (assignment >= 0) & (assignment != cp) & (tm >= 0)
    out[out] = pm[assignment[out]] != tm[out]
    n_m = balance.n_members
    sends = np.bincount(tm[out], minlength=n_m)
    receives = np.bincount(pm[assignment[out]], minlength=n_m)
    excess = sends - receives - balance.tolerance
    if not (excess > 0).any():
        return None
    movers = np.flatnonzero(out)
    movers = movers[excess[tm[movers]] > 0]
    pos = _rank_in_groups(tm, -order, movers)
    return movers[pos < excess[tm[movers]]]


def _widen(
    departure: Departure,
    leaving: np.ndarray,
    admitted: np.ndarray,
    banned: np.ndarray,
    order: np.ndarray,
) -> bool:
    """Admit the next waiting teachers of the groups with room left (in place); whether any
    was admitted."""
    grp, caps = departure.teacher_group, departure.caps
    counts = np.bincount(grp[leaving & (grp >= 0)], minlength=caps.size)
    room = caps - counts
    waiting = np.flatnonzero(~admitted & ~banned & (grp >= 0))
    waiting = waiting[room[grp[waiting]] > 0]
    if not waiting.size:
        return False
    pos = _rank_in_groups(grp, order, waiting)
    newly = waiting[pos < room[grp[waiting]]]
    admitted[newly] = True
    return newly.size > 0
