"""Independent certificate for teacher-post matchings.

:func:`certify` takes the raw inputs (a :class:`~xietong.algorithms.matching.model.Market`
and optional caps) plus a proposed assignment and re-derives, without
calling any solver code, whether the assignment is feasible, stable in the
sense appropriate for the mode, and individually rational where asked.  It
also explains, for every teacher and every post she ranked above the one she
received, why she did not get it ("why not").

Stability notions
-----------------
``"da"`` (no regions)
    No blocking pair: no teacher ``t`` and post ``p`` such that ``t`` prefers
    ``p`` to her assignment, ``p`` ranks ``t``, and ``p`` either has a free
    seat or holds a teacher it ranks below ``t`` [GS62]_ [Rot84]_.
``"da"`` with :class:`~xietong.algorithms.matching.model.Regions`
    Stability in the matching-with-contracts sense [HM05]_ for the flexible
    deferred acceptance choice of Kamada and Kojima [KK15]_: every area (or
    school, without areas) acts as one employer whose choice first fills each
    post's and school's target seats, then hands out extra seats one at a time
    round robin in index order, subject to post, school and area caps.  A
    teacher ``t`` and a post ``p`` she prefers block iff that choice, offered
    the current teachers of the area plus ``t`` at ``p``, would take ``t``.
    With one level of regional caps this is the stability that Kamada and
    Kojima prove for flexible deferred acceptance: a blocking pair is tolerated
    only when giving ``p`` another seat would breach a regional cap and the
    region's rule prefers the current distribution of seats.
``"ir_da"``
    No blocking pair with respect to protected priorities: a teacher's own
    current post ranks her above everybody else.  Plus individual
    rationality: nobody ends at a post she likes less than her current one.
``"tobe"``
    Individual rationality for teachers and posts (a post only ever trades a
    teacher for one it ranks higher, and never loses an incumbent without
    replacement) and no improving block: no group of teachers who could swap
    seats -- in a cycle, or along a chain started by a teacher without a post
    and ending in a vacant seat -- so that each moves to a post she prefers
    and each post ranks its newcomer above the teacher she replaces [CTT22]_.

Teachers held back by a departure or balance gate are exempt from blocking
pairs; the certificate records whether each gate was binding.

References
----------
.. [GS62] D. Gale and L. S. Shapley, "College admissions and the stability
   of marriage", American Mathematical Monthly 69(1), 1962.
.. [Rot84] A. E. Roth, "The evolution of the labor market for medical interns
   and residents", Journal of Political Economy 92(6), 1984.
.. [HM05] J. W. Hatfield and P. R. Milgrom, "Matching with contracts",
   American Economic Review 95(4), 2005.
.. [KK15] Y. Kamada and F. Kojima, "Efficient matching under distributional
   constraints: theory and applications", American Economic Review 105(1),
   2015.
.. [CTT22] J. Combe, O. Tercieux and C. Terrier, "The design of teacher
   assignment: theory and evidence", Review of Economic Studies 89(6), 2022.
"""

from __future__ import annotations

import numpy as np
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import connected_components

from .caps import Balance, Departure, Regions
from .certificate import (
    AREA_CAP,
    BALANCE,
    BELOW_CUTOFF,
    BLOCKING,
    DEPARTURE_CAP,
    INCUMBENT,
    NO_EXCHANGE,
    NO_SEATS,
    NOT_RANKED,
    NOTIONS,
    SCHOOL_CAP,
    Certificate,
    WhyNot,
)
from .model import (
    GATE_BALANCE,
    GATE_DEPARTURE,
    Market,
    check_current_posts_listed,
)


def _check_vector(values: object, n: int, name: str, low: int, high: int) -> np.ndarray:
    arr = np.asarray(values)
    if arr.shape != (n,):
        raise ValueError(f"{name} must have shape ({n},), got {arr.shape}")
    if arr.size and arr.dtype.kind not in "iu":
        raise ValueError(f"{name} must hold integers, got dtype {arr.dtype}")
    arr = arr.astype(np.int64, copy=False)
    if arr.size and (arr.min() < low or arr.max() >= high):
        i = int(np.flatnonzero((arr < low) | (arr >= high))[0])
        raise ValueError(f"{name}[{i}] = {int(arr[i])} is outside {low}..{high - 1}")
    return arr


def _at(values: np.ndarray, index: np.ndarray) -> np.ndarray:
    """``values[index]`` where ``index >= 0``, else -1."""
    out = np.full(index.size, -1, dtype=np.int64)
    ok = index >= 0
    out[ok] = values[index[ok]]
    return out


def _unit_key(count: np.ndarray, target: np.ndarray, index: np.ndarray, width: int) -> np.ndarray:
    """Round-robin key of a child's ``count``-th unit: targets first, then extras."""
    in_target = count <= target
    cycle = np.where(in_target, count, count - target)
    return np.where(in_target, 0, 1) * width * width + cycle * width + index


def _gain_analysis(regions: Regions, fill: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per post: would the regional choice give it one more seat?  And which cap binds.

    Returns ``gain`` (bool) and ``binding`` (SCHOOL_CAP / AREA_CAP code where no
    gain although the post itself has room).
    """
    big = np.int64(2**40)
    caps = regions.capacities.astype(np.int64)
    ps = regions.post_school.astype(np.int64)
    n_s = regions.n_schools
    w_s = np.bincount(ps, weights=fill, minlength=n_s).astype(np.int64)
    cap_s = np.where(regions.school_caps < 0, big, regions.school_caps)
    width = int(max(caps.max(initial=0), w_s.max(initial=0), fill.size, n_s) + 2)
    p_index = np.arange(fill.size, dtype=np.int64)
    tgt = regions.post_targets.astype(np.int64)
    last_key = np.where(fill > 0, _unit_key(fill, tgt, p_index, width), -1)
    max_s = np.full(n_s, -1, dtype=np.int64)
    np.maximum.at(max_s, ps, last_key)
    win_s = _unit_key(fill + 1, tgt, p_index, width) < max_s[ps]
    if regions.school_area is None:
        grow_s = w_s < cap_s
    else:
        sa = regions.school_area.astype(np.int64)
        n_a = regions.n_areas
        w_a = np.bincount(sa, weights=w_s, minlength=n_a).astype(np.int64)
        cap_a = np.where(regions.area_caps < 0, big, regions.area_caps)
        s_index = np.arange(n_s, dtype=np.int64)
        st = regions.school_targets.astype(np.int64)
        width_a = int(max(width, w_a.max(initial=0) + 2))
        last_a = np.where(w_s > 0, _unit_key(w_s, st, s_index, width_a), -1)
        max_a = np.full(n_a, -1, dtype=np.int64)
        np.maximum.at(max_a, sa, last_a)
        win_a = _unit_key(w_s + 1, st, s_index, width_a) < max_a[sa]
        grow_s = (w_s < cap_s) & ((w_a[sa] < cap_a[sa]) | win_a)
    gain = (fill < caps) & (grow_s[ps] | win_s)
    binding = np.where(w_s[ps] >= cap_s[ps], SCHOOL_CAP, AREA_CAP).astype(np.int8)
    return gain, binding


def certify(
    market: Market,
    assignment: object,
    *,
    mode: str = "da",
    regions: Regions | None = None,
    current_post: object = None,
    departure: Departure | None = None,
    balance: Balance | None = None,
    admitted: object = None,
    gate_reason: object = None,
    why_not: bool = True,
) -> Certificate:
    """Check an assignment against the model, independently of the solvers.

    Parameters
    ----------
    market : Market
        The market the assignment claims to solve.
    assignment : array_like of int
        Post per teacher, -1 for none.
    mode : {"da", "ir_da", "tobe"}
        Which guarantees to check (see the module docstring).
    regions : Regions, optional
        School and area caps (mode "da").
    current_post : array_like of int, optional
        Current post per teacher (-1 for none); required for the IR modes.
    departure : Departure, optional
        Departure caps to check.
    balance : Balance, optional
        Balance limits to check.
    admitted : array_like of bool, optional
        Teachers the gates allowed to move; the others must stay put and are
        exempt from blocking pairs.
    gate_reason : array_like of int, optional
        Why each held-back teacher was held back (1 departure, 2 balance).
    why_not : bool
        Build the per-teacher explanations.

    Returns
    -------
    Certificate

    Raises
    ------
    ValueError
        If the arguments are malformed (wrong sizes, indices out of range,
        unknown mode, IR mode without ``current_post``).

    Notes
    -----
    The stability notions are listed in the module docstring; the regional
    check does not evaluate the choice function pair by pair but uses, for
    each post, whether its round-robin unit would displace the last unit the
    school (area) currently admits -- an O(1) test per post.

    References
    ----------
    .. [HM05b] J. W. Hatfield and P. R. Milgrom, "Matching with contracts",
       American Economic Review 95(4), 2005.
    .. [KK15b] Y. Kamada and F. Kojima, "Efficient matching under
       distributional constraints: theory and applications", American
       Economic Review 105(1), 2015.
    .. [CTT22b] J. Combe, O. Tercieux and C. Terrier, "The design of teacher
       assignment: theory and evidence", Review of Economic Studies 89(6),
       2022.

    Examples
    --------
    >>> from xietong.algorithms.matching import Market
    >>> m = Market.from_lists([[0], [0]], [[1, 0]], [1])
    >>> certify(m, [0, -1]).ok
    False
    >>> certify(m, [0, -1]).blocking_pairs.tolist()
    [[1, 0]]
    >>> certify(m, [-1, 0]).ok
    True
    """
    c = _Check(market, assignment, mode, regions, current_post, admitted, gate_reason)
    invalid = c.invalid()
    cap_msgs = c.cap_violations()
    ir_bad = c.ir_violations()
    c.priorities()
    would_take = c.candidates()
    block_teachers = np.zeros(0, dtype=np.int64)
    post_ir_bad = np.zeros(0, dtype=np.int64)
    if mode == "tobe":
        would_take, block_teachers = _tobe_blocks(
            c.n_t, c.a, c.cp, c.adm, c.fill, c.caps, c.ct, c.cq, c.ckey, c.ranked, c.held_key
        )
        own_key = np.where(c.own_rank >= 0, c.own_rank, c.big_rank) * c.tt + c.teacher_ids
        post_ir_bad = _post_ir(c.n_p, c.a, c.cp, c.held_key, own_key)
    blocking_mask = would_take & c.adm[c.ct]
    blocking = np.stack((c.ct[blocking_mask], c.cq[blocking_mask]), axis=1).astype(np.int64)
    gate_msgs = c.moved_back()
    departures, slack = c.departure_gate(departure, gate_msgs)
    balance_net = c.balance_gate(balance, gate_msgs)
    wn = c.why_not(would_take) if why_not else None
    notes: list[str] = []
    if len(slack):
        notes.append(
            f"{len(slack)} held-back teachers belong to departure groups with room left "
            f"(they were held back after an earlier violation)"
        )
    found = (blocking, invalid, ir_bad, post_ir_bad, block_teachers)
    ok = not (cap_msgs or gate_msgs or any(len(x) for x in found))
    notion = NOTIONS["da_regions" if regions is not None else mode]
    return Certificate(
        ok=ok,
        mode=mode,
        stability_notion=notion,
        blocking_pairs=blocking,
        invalid_assignments=invalid,
        capacity_violations=tuple(cap_msgs),
        ir_violations=ir_bad,
        post_ir_violations=post_ir_bad,
        improving_block_teachers=block_teachers,
        gate_violations=tuple(gate_msgs),
        slack_gate_teachers=slack,
        departures=departures,
        balance_net=balance_net,
        fill=c.fill,
        cutoff_rank=c.cutoff_rank,
        why_not=wn,
        notes=tuple(notes),
    )


class _Check:
    """One certification: the checked inputs and the arrays its steps (numbered as in the
    module's checks) share; :func:`certify` calls the steps in order."""

    def __init__(
        self,
        market: Market,
        assignment: object,
        mode: str,
        regions: Regions | None,
        current_post: object,
        admitted: object,
        gate_reason: object,
    ) -> None:
        if not isinstance(market, Market):
            raise ValueError("market must be a Market")
        if mode not in ("da", "ir_da", "tobe"):
            raise ValueError(f"mode must be 'da', 'ir_da' or 'tobe', got {mode!r}")
        self.market, self.mode, self.regions = market, mode, regions
        n_t, n_p = self.n_t, self.n_p = market.n_teachers, market.n_posts
        self.a = _check_vector(assignment, n_t, "assignment", -1, n_p)
        self.ir_mode = mode != "da"
        if current_post is None:
            if self.ir_mode:
                raise ValueError(f"mode {mode!r} needs current_post")
            self.cp = np.full(n_t, -1, dtype=np.int64)
        else:
            self.cp = _check_vector(current_post, n_t, "current_post", -1, n_p)
        if self.ir_mode:
            check_current_posts_listed(market, self.cp)
        if regions is not None and mode != "da":
            raise ValueError("regions can only be certified in mode 'da'")
        self.adm = np.ones(n_t, dtype=bool) if admitted is None else np.asarray(admitted, bool)
        if self.adm.shape != (n_t,):
            raise ValueError("admitted must have one entry per teacher")
        g_reason = np.zeros(n_t) if gate_reason is None else gate_reason
        self.g_reason = np.asarray(g_reason, dtype=np.int8)
        self._read_lists()
        # Where does each teacher's assigned / current post sit in her list?
        self.hit = self._locate(self.a)
        self.own = self._locate(self.cp) if self.ir_mode else np.full(n_t, -1, dtype=np.int64)
        self.assigned = self.a >= 0
        self.at_own = self.assigned & (self.a == self.cp)
        self.rank_here = _at(self.ranks, self.hit)
        self.fill = np.bincount(self.a[self.assigned], minlength=n_p).astype(np.int64)

    def _read_lists(self) -> None:
        market, n_t = self.market, self.n_t
        self.indptr = np.asarray(market.indptr)
        self.posts = np.asarray(market.posts)
        ranks = np.asarray(market.ranks)
        # Markets built from scores have ranks that never tie (lottery code inside):
        # in mode "da" the rank alone is the key; otherwise ties go to the lower index.
        self.untied = market.rank_radix is not None and self.mode == "da"
        if not self.untied and ranks.size and (int(ranks.max()) + 3) * max(n_t, 1) >= 2**62:
            # keys rank * n_teachers + t would overflow: recode ranks, keeping their order
            values, dense = np.unique(ranks, return_inverse=True)
            ranks = np.where(ranks < 0, -1, dense - int((values < 0).sum()))
        self.ranks = ranks
        self.caps = np.asarray(market.capacities, dtype=np.int64)
        self.lengths = np.diff(self.indptr)
        big = max(n_t, self.n_p, self.posts.size) >= 2**31 - 1
        self.small = np.int64 if big else np.int32

    def _locate(self, target: np.ndarray) -> np.ndarray:
        """Entry index of ``target[t]`` in teacher ``t``'s list, -1 if absent."""
        found = np.full(self.n_t, -1, dtype=np.int64)
        k = np.flatnonzero(self.posts == np.repeat(target.astype(self.small), self.lengths))
        found[np.searchsorted(self.indptr, k, side="right") - 1] = k
        return found

    def invalid(self) -> np.ndarray:
        """1. Teachers whose placement is not acceptable to both sides."""
        valid = ~self.assigned | (self.hit >= 0) & (self.rank_here >= 0)
        if self.ir_mode:
            valid |= self.at_own
        return np.flatnonzero(~valid)

    def cap_violations(self) -> list[str]:
        """2. Posts, schools and areas holding more teachers than their caps."""
        fill, caps, regions = self.fill, self.caps, self.regions
        msgs = [
            f"post {p}: {int(fill[p])} teachers for {int(caps[p])} seats"
            for p in np.flatnonzero(fill > caps)[:20].tolist()
        ]
        if regions is None:
            return msgs
        w_s = np.bincount(regions.post_school, weights=fill, minlength=regions.n_schools)
        w_s = w_s.astype(np.int64)
        sc = regions.school_caps
        for s in np.flatnonzero((sc >= 0) & (w_s > sc))[:20].tolist():
            msgs.append(f"school {s}: {int(w_s[s])} teachers, cap {int(sc[s])}")
        if regions.school_area is not None:
            w_a = np.bincount(regions.school_area, weights=w_s, minlength=regions.n_areas)
            ac = regions.area_caps
            for ar in np.flatnonzero((ac >= 0) & (w_a > ac))[:20].tolist():
                msgs.append(f"area {ar}: {int(w_a[ar])} teachers, cap {int(ac[ar])}")
        return msgs

    def ir_violations(self) -> np.ndarray:
        """3. Teachers who end at a post they like less than their current one."""
        if not self.ir_mode:
            return np.zeros(0, dtype=np.int64)
        hit, own = self.hit, self.own
        better_or_same = self.at_own | ((hit >= 0) & ((own < 0) | (hit < own)))
        return np.flatnonzero((self.cp >= 0) & ~(self.assigned & better_or_same))

    def priorities(self) -> None:
        """4. Priority keys of the teachers each post holds, and the cutoffs."""
        mode, n_t, a, assigned = self.mode, self.n_t, self.a, self.assigned
        self.big_rank = big_rank = int(self.ranks.max(initial=0)) + 2
        self.tt = tt = np.int64(1 if self.untied else max(n_t, 1))
        self.teacher_ids = np.arange(n_t, dtype=np.int64)
        tie = np.zeros(n_t, dtype=np.int64) if self.untied else self.teacher_ids
        if mode == "da":
            held_rank = self.rank_here
        elif mode == "ir_da":
            held_rank = np.where(self.at_own, 0, self.rank_here + 1)
        else:  # tobe: incumbents keep their own rank at their post, unranked = lowest
            self.own_rank = own_rank = _at(self.ranks, self.own)
            own_held = np.where(own_rank >= 0, own_rank, big_rank)
            held_rank = np.where(self.at_own, own_held, self.rank_here)
        self.held_key = held_key = np.where(assigned, np.maximum(held_rank, 0) * tt + tie, -1)
        self.worst = worst = np.full(self.n_p, -1, dtype=np.int64)
        np.maximum.at(worst, a[assigned], held_key[assigned])
        self.worst_teacher = np.full(self.n_p, -1, dtype=np.int64)
        is_worst = np.flatnonzero(assigned)
        is_worst = is_worst[held_key[is_worst] == worst[a[is_worst]]]
        self.worst_teacher[a[is_worst]] = is_worst
        self.worst_rank = worst_rank = np.where(worst >= 0, worst // tt, -1)
        if mode == "ir_da":
            self.cutoff_rank = np.where(worst_rank > 0, worst_rank - 1, -1)
        elif mode == "tobe":
            self.cutoff_rank = np.where(worst_rank == big_rank, -1, worst_rank)
        else:
            self.cutoff_rank = worst_rank

    def candidates(self) -> np.ndarray:
        """5. Every post a teacher ranked above the one she received; which would take her."""
        indptr, n_t, small, tt = self.indptr, self.n_t, self.small, self.tt
        bound = np.where(self.hit >= 0, self.hit, np.where(self.own >= 0, self.own, indptr[1:]))
        n_above = bound - indptr[:-1]
        total = int(n_above.sum())
        self.ct = ct = np.repeat(np.arange(n_t, dtype=small), n_above)
        cand = np.repeat(indptr[:-1] - (np.cumsum(n_above) - n_above), n_above) + np.arange(total)
        self.cq = cq = self.posts[cand].astype(small, copy=False)
        self.cr = cr = self.ranks[cand].astype(np.int64, copy=False)
        del cand
        self.ranked = cr >= 0
        self.seats = self.caps[cq] > 0
        if self.mode == "ir_da":
            self.ckey = (cr + 1) * tt + ct
        else:
            self.ckey = cr * tt + (0 if self.untied else ct)
        self.beats = (self.fill[cq] > 0) & (self.ckey < self.worst[cq])
        if self.regions is not None:
            gain, self.binding = _gain_analysis(self.regions, self.fill)
            extra = gain[cq]
        else:
            extra = self.fill[cq] < self.caps[cq]
        return self.ranked & self.seats & (extra | self.beats)

    def moved_back(self) -> list[str]:
        """6. A held-back teacher must stay where she was."""
        a = self.a
        moved = ~self.adm & ((a != self.cp) if self.ir_mode else self.assigned)
        if not moved.any():
            return []
        t = int(np.flatnonzero(moved)[0])
        return [f"held-back teacher {t} was moved (to post {int(a[t])})"]

    def departure_gate(
        self, departure: Departure | None, gate_msgs: list[str]
    ) -> tuple[np.ndarray | None, np.ndarray]:
        """Leavers per departure group against the caps; held-back teachers with room left."""
        if departure is None:
            return None, np.zeros(0, dtype=np.int64)
        a, cp, regions = self.a, self.cp, self.regions
        leaving = self.assigned & (a != cp)
        if regions is not None:
            both = leaving & (cp >= 0)
            leaving[both] = regions.post_school[a[both]] != regions.post_school[cp[both]]
        grp = departure.teacher_group
        departures = np.bincount(grp[leaving & (grp >= 0)], minlength=departure.caps.size)
        for g in np.flatnonzero(departures > departure.caps)[:20].tolist():
            gate_msgs.append(
                f"departure group {g}: {int(departures[g])} leave, cap {int(departure.caps[g])}"
            )
        gated = ~self.adm & (self.g_reason == GATE_DEPARTURE) & (grp >= 0)
        room = departures < departure.caps
        return departures, np.flatnonzero(gated & room[np.maximum(grp, 0)])

    def balance_gate(self, balance: Balance | None, gate_msgs: list[str]) -> np.ndarray | None:
        """Net teachers each member sends across members, against its tolerance."""
        if balance is None:
            return None
        a = self.a
        tm, pm = balance.teacher_member, balance.post_member
        counted = self.assigned & (a != self.cp) & (tm >= 0)
        cross = np.zeros(self.n_t, dtype=bool)
        cross[counted] = pm[a[counted]] != tm[counted]
        sends = np.bincount(tm[cross], minlength=balance.n_members)
        receives = np.bincount(pm[a[cross]], minlength=balance.n_members)
        net = sends - receives
        for j in np.flatnonzero(net > balance.tolerance)[:20].tolist():
            gate_msgs.append(
                f"member {j} sends {int(sends[j])}, receives {int(receives[j])}, "
                f"tolerance {int(balance.tolerance[j])}"
            )
        return net

    def why_not(self, would_take: np.ndarray) -> WhyNot:
        """7. Why each teacher did not get each post she ranked above hers."""
        ct, cq, mode = self.ct, self.cq, self.mode
        beats = self.beats
        reason = np.full(ct.size, BLOCKING, dtype=np.int8)
        full = self.fill[cq] >= self.caps[cq]
        reason[~would_take & ~beats & full] = BELOW_CUTOFF
        if self.regions is not None:
            fb = ~would_take & ~beats & ~full
            reason[fb] = self.binding[cq[fb]]
        if mode == "ir_da":
            inc = (reason == BELOW_CUTOFF) & (self.worst_rank[cq] == 0)
            reason[inc] = INCUMBENT
        if mode == "tobe":
            reason[~would_take & (beats | ~full)] = NO_EXCHANGE
        gated = would_take & ~self.adm[ct]
        reason[gated] = np.where(self.g_reason[ct[gated]] == GATE_BALANCE, BALANCE, DEPARTURE_CAP)
        reason[~self.seats] = NO_SEATS
        reason[~self.ranked] = NOT_RANKED
        n_t = self.n_t
        wi = np.concatenate(([0], np.cumsum(np.bincount(ct, minlength=n_t)))).astype(np.int64)
        cutoff_score = None
        if self.market.scores is not None:
            hit = self.hit
            wt = self.worst_teacher[cq]
            score_at = np.full(n_t, np.nan)
            score_at[hit >= 0] = np.asarray(self.market.scores)[hit[hit >= 0]]
            cutoff_score = np.where(wt >= 0, score_at[np.maximum(wt, 0)], np.nan)
        return WhyNot(
            indptr=wi,
            posts=cq,
            your_rank=self.cr,
            cutoff_rank=self.cutoff_rank[cq],
            reason=reason,
            cutoff_score=cutoff_score,
        )


def _tobe_blocks(
    n_t: int,
    a: np.ndarray,
    cp: np.ndarray,
    adm: np.ndarray,
    fill: np.ndarray,
    caps: np.ndarray,
    ct: np.ndarray,
    cq: np.ndarray,
    ckey: np.ndarray,
    ranked: np.ndarray,
    held_key: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Improving block exchanges via strongly connected components.

    Node ``t`` points to node ``s`` if ``t`` prefers ``s``'s post and that post
    ranks ``t`` above ``s``; to the vacancy node if ``t`` prefers a post with a
    free seat that ranks her; the vacancy node points to every unplaced
    newcomer.  Held-back teachers take no part.  A cycle is an improving block.
    """
    n_p = caps.size
    v_node = n_t
    movable = adm & (a >= 0)
    occ = np.flatnonzero(movable)
    order = np.lexsort((held_key[occ], a[occ]))
    occ = occ[order]
    occ_post = a[occ]
    occ_key = held_key[occ]
    start = np.searchsorted(occ_post, np.arange(n_p + 1))
    # occupants of q with a key above ckey (ranked below the candidate)
    usable = ranked & adm[ct]
    ut, uq, uk = ct[usable], cq[usable], ckey[usable]
    first_worse = np.empty(uq.size, dtype=np.int64)
    for q in np.unique(uq).tolist():
        sel = uq == q
        keys_q = occ_key[start[q] : start[q + 1]]
        first_worse[sel] = start[q] + np.searchsorted(keys_q, uk[sel], side="right")
    n_worse = start[uq + 1] - first_worse
    src = np.repeat(ut, n_worse)
    idx = np.repeat(first_worse - np.cumsum(n_worse) + n_worse, n_worse) + np.arange(
        int(n_worse.sum())
    )
    dst = occ[idx]
    vac_pair = usable.copy()
    vac_pair[usable] = fill[uq] < caps[uq]
    newcomers = np.flatnonzero(adm & (cp < 0) & (a < 0))
    e_src = np.concatenate((src, ct[vac_pair], np.full(newcomers.size, v_node)))
    e_dst = np.concatenate((dst, np.full(int(vac_pair.sum()), v_node), newcomers))
    graph = csr_matrix(
        (np.ones(e_src.size, dtype=np.int8), (e_src, e_dst)), shape=(n_t + 1, n_t + 1)
    )
    _, labels = connected_components(graph, directed=True, connection="strong")
    sizes = np.bincount(labels)
    in_block = sizes[labels] > 1
    block_teachers = np.flatnonzero(in_block[:n_t])
    # a candidate pair blocks if one of its edges stays inside a non-trivial component
    pair_of_edge = np.repeat(np.flatnonzero(usable), n_worse)
    inner = (labels[src] == labels[dst]) & in_block[src]
    blocks = np.zeros(ct.size, dtype=bool)
    blocks[pair_of_edge[inner]] = True
    vac_idx = np.flatnonzero(vac_pair)
    blocks[vac_idx[(labels[ct[vac_idx]] == labels[v_node]) & in_block[v_node]]] = True
    return blocks, block_teachers


def _post_ir(
    n_p: int, a: np.ndarray, cp: np.ndarray, held_key: np.ndarray, own_key: np.ndarray
) -> np.ndarray:
    """Posts that lost incumbents without replacements they rank higher.

    Sorted best first, the ``j``-th best newcomer of a post must be ranked above
    its ``j``-th best leaver (Hall's condition for nested sets).
    """
    out_t = np.flatnonzero((cp >= 0) & (a != cp))
    if out_t.size == 0:
        return np.zeros(0, dtype=np.int64)
    in_t = np.flatnonzero((a >= 0) & (a != cp))
    o_post, o_key = cp[out_t], own_key[out_t]
    i_post, i_key = a[in_t], held_key[in_t]
    o_ord = np.lexsort((o_key, o_post))
    i_ord = np.lexsort((i_key, i_post))
    o_post, o_key = o_post[o_ord], o_key[o_ord]
    i_post, i_key = i_post[i_ord], i_key[i_ord]
    o_start = np.searchsorted(o_post, np.arange(n_p + 1))
    i_start = np.searchsorted(i_post, np.arange(n_p + 1))
    j = np.arange(o_post.size) - o_start[o_post]
    slot = i_start[o_post] + j
    present = slot < i_start[o_post + 1]
    ok = present.copy()
    ok[present] = i_key[slot[present]] < o_key[present]
    return np.unique(o_post[~ok])
