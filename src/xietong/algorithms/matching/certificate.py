"""What :func:`~xietong.algorithms.matching.certify.certify` returns: the certificate of a
matching and, per teacher, why she did not get the posts she ranked higher (reason codes with
their English explanations for the command line; pages word the codes themselves).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

REASONS = (
    "blocking",
    "not_ranked",
    "no_seats",
    "below_cutoff",
    "school_cap",
    "area_cap",
    "departure_cap",
    "balance",
    "incumbent",
    "no_exchange",
)
"""Reason codes used in :class:`WhyNot` (index = code)."""

BLOCKING, NOT_RANKED, NO_SEATS, BELOW_CUTOFF, SCHOOL_CAP, AREA_CAP = range(6)
DEPARTURE_CAP, BALANCE, INCUMBENT, NO_EXCHANGE = range(6, 10)

_EXPLAIN = {
    BLOCKING: "post would take you: this is a blocking pair (certificate fails)",
    NOT_RANKED: "the post does not rank you",
    NO_SEATS: "the post has no seats",
    BELOW_CUTOFF: "the post is full with teachers it ranks above you",
    SCHOOL_CAP: "the post has a free seat but its school has reached its cap",
    AREA_CAP: "the post has a free seat but its area has reached its cap",
    DEPARTURE_CAP: "your sending school/subject has reached its departure cap",
    BALANCE: "your jurisdiction has reached its balance limit",
    INCUMBENT: "the remaining seats are held by their current teachers",
    NO_EXCHANGE: "no exchange of seats that everyone involved accepts reaches this post",
}

NOTIONS = {
    "da": "no blocking pair (Gale-Shapley stability)",
    "da_regions": (
        "Kamada-Kojima stability: no blocking contract for the flexible deferred "
        "acceptance choice of each area/school (Hatfield-Milgrom sense)"
    ),
    "ir_da": "no blocking pair under incumbent-protected priorities + individual rationality",
    "tobe": (
        "two-sided individual rationality + no improving block exchange "
        "(cycles, or chains from an unplaced newcomer to a vacancy)"
    ),
}


@dataclass(frozen=True, eq=False)
class WhyNot:
    """For each teacher, every post she ranked above her own and why she did not get it.

    Attributes
    ----------
    indptr : numpy.ndarray
        Row pointer per teacher into the arrays below.
    posts : numpy.ndarray
        Post of each entry.
    your_rank : numpy.ndarray
        The teacher's rank at that post (0 = best, -1 = not ranked).
    cutoff_rank : numpy.ndarray
        Rank of the worst-ranked teacher the post admitted, -1 if it admitted
        nobody or only unranked incumbents.
    reason : numpy.ndarray
        int8 reason code, see :data:`REASONS`.
    cutoff_score : numpy.ndarray or None
        Score of the worst admitted teacher (score-based markets only).
    """

    indptr: np.ndarray
    posts: np.ndarray
    your_rank: np.ndarray
    cutoff_rank: np.ndarray
    reason: np.ndarray
    cutoff_score: np.ndarray | None = None

    def for_teacher(self, t: int) -> list[dict[str, object]]:
        """Explain teacher ``t``'s outcome, best-ranked post first.

        Parameters
        ----------
        t : int
            Teacher index.

        Returns
        -------
        list of dict
            One dict per post ranked above the one received, with keys
            ``post``, ``reason``, ``explanation``, ``your_rank``,
            ``cutoff_rank`` (and ``cutoff_score`` for score markets).

        Raises
        ------
        ValueError
            If ``t`` is out of range.

        Examples
        --------
        >>> from xietong.algorithms.matching import Market, solve
        >>> m = Market.from_lists([[0, 1], [0, 1]], [[1, 0], [0, 1]], [1, 1])
        >>> solve(m).certificate.why_not.for_teacher(0)[0]["reason"]
        'below_cutoff'
        """
        n_t = self.indptr.size - 1
        if not 0 <= t < n_t:
            raise ValueError(f"teacher index {t} out of range 0..{n_t - 1}")
        out = []
        for k in range(int(self.indptr[t]), int(self.indptr[t + 1])):
            code = int(self.reason[k])
            item: dict[str, object] = {
                "post": int(self.posts[k]),
                "reason": REASONS[code],
                "explanation": _EXPLAIN[code],
                "your_rank": int(self.your_rank[k]),
                "cutoff_rank": int(self.cutoff_rank[k]),
            }
            if self.cutoff_score is not None:
                item["cutoff_score"] = float(self.cutoff_score[k])
            out.append(item)
        return out

    def reason_counts(self) -> dict[str, int]:
        """Number of entries per reason."""
        counts = np.bincount(self.reason.astype(np.int64), minlength=len(REASONS))
        return {REASONS[i]: int(c) for i, c in enumerate(counts) if c}


@dataclass(frozen=True, eq=False)
class Certificate:
    """Result of :func:`certify`.

    Attributes
    ----------
    ok : bool
        True iff every check passed.
    mode : str
        Mode the assignment was checked for.
    stability_notion : str
        The stability notion checked, in words.
    blocking_pairs : numpy.ndarray
        ``(n, 2)`` array of (teacher, post) blocking pairs.
    invalid_assignments : numpy.ndarray
        Teachers placed at a post they did not list or that does not rank them.
    capacity_violations : tuple of str
        Post, school and area caps exceeded.
    ir_violations : numpy.ndarray
        Teachers worse off than at their current post (IR modes).
    post_ir_violations : numpy.ndarray
        Posts that lost a teacher without a higher-ranked replacement ("tobe").
    improving_block_teachers : numpy.ndarray
        Teachers in an improving block exchange ("tobe").
    gate_violations : tuple of str
        Departure caps or balance limits exceeded, or held-back teachers moved.
    slack_gate_teachers : numpy.ndarray
        Held-back teachers whose departure group still has room (allowed, but
        reported: the gate was not binding for them).
    departures : numpy.ndarray or None
        Departures per departure group.
    balance_net : numpy.ndarray or None
        Sent minus received teachers per member jurisdiction.
    fill : numpy.ndarray
        Teachers per post.
    cutoff_rank : numpy.ndarray
        Per post, rank of the worst admitted teacher (-1 if none or unranked).
    why_not : WhyNot or None
        Per-teacher explanations.
    """

    ok: bool
    mode: str
    stability_notion: str
    blocking_pairs: np.ndarray
    invalid_assignments: np.ndarray
    capacity_violations: tuple[str, ...]
    ir_violations: np.ndarray
    post_ir_violations: np.ndarray
    improving_block_teachers: np.ndarray
    gate_violations: tuple[str, ...]
    slack_gate_teachers: np.ndarray
    departures: np.ndarray | None
    balance_net: np.ndarray | None
    fill: np.ndarray
    cutoff_rank: np.ndarray
    why_not: WhyNot | None
    notes: tuple[str, ...] = field(default=())

    def summary(self) -> str:
        """One line per check, for logs and error messages."""
        lines = [
            f"certificate: {'OK' if self.ok else 'FAILED'} (mode {self.mode})",
            f"stability notion: {self.stability_notion}",
            f"blocking pairs: {len(self.blocking_pairs)}",
            f"invalid assignments: {len(self.invalid_assignments)}",
            f"capacity violations: {len(self.capacity_violations)}",
            f"individual-rationality violations: {len(self.ir_violations)}",
        ]
        if self.mode == "tobe":
            lines.append(f"post-IR violations: {len(self.post_ir_violations)}")
            lines.append(f"teachers in improving blocks: {len(self.improving_block_teachers)}")
        lines.append(f"gate violations: {len(self.gate_violations)}")
        for msg in (*self.capacity_violations, *self.gate_violations)[:10]:
            lines.append(f"  - {msg}")
        if len(self.blocking_pairs):
            shown = ", ".join(f"({t}, {p})" for t, p in self.blocking_pairs[:10].tolist())
            lines.append(f"  first blocking pairs: {shown}")
        lines.extend(self.notes)
        return "\n".join(lines)

    def raise_if_invalid(self) -> None:
        """Raise ``ValueError`` with :meth:`summary` if the certificate failed."""
        if not self.ok:
            raise ValueError(self.summary())
