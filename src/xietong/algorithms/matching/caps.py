"""Caps and gates of the teacher-post matching: regions, departure caps, balance.

Companion of :mod:`xietong.algorithms.matching.model`; shared by the solvers
and the independent certificate.  Build with the ``build`` constructors, which
validate their input and raise ``ValueError`` with an actionable message.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from .model import first_bad, int_vector, readonly


@dataclass(frozen=True, eq=False)
class Regions:
    """Posts grouped into schools (school caps) and schools into areas (area caps).

    Attributes
    ----------
    capacities : numpy.ndarray
        Seats per post (same as the market's).
    post_school : numpy.ndarray
        School of each post.
    school_caps : numpy.ndarray
        Most teachers a school may receive over all its posts, ``-1`` = no cap.
    school_area : numpy.ndarray or None
        Area (receiving jurisdiction) of each school, or None for no area level.
    area_caps : numpy.ndarray or None
        Most teachers an area may receive, ``-1`` = no cap.
    post_targets : numpy.ndarray
        Target seats of each post inside its school: filled first, before any
        post gets extra seats (Kamada-Kojima target capacities).
    school_targets : numpy.ndarray or None
        Target seats of each school inside its area.

    Notes
    -----
    Extra seats beyond the targets are handed out one at a time in index
    order (post index within a school, school index within an area), round
    robin, as in the flexible deferred acceptance of Kamada and Kojima
    (AER 2015).  When a school's own budget is below the sum of its targets,
    the targets themselves are filled round robin.
    """

    capacities: np.ndarray
    post_school: np.ndarray
    school_caps: np.ndarray
    school_area: np.ndarray | None
    area_caps: np.ndarray | None
    post_targets: np.ndarray
    school_targets: np.ndarray | None

    @property
    def n_schools(self) -> int:
        """Number of schools."""
        return int(self.school_caps.size)

    @property
    def n_areas(self) -> int:
        """Number of areas (0 without an area level)."""
        return 0 if self.area_caps is None else int(self.area_caps.size)

    @classmethod
    def build(
        cls,
        capacities: Sequence[int] | np.ndarray,
        post_school: Sequence[int] | np.ndarray,
        school_caps: Sequence[int] | np.ndarray,
        *,
        school_area: Sequence[int] | np.ndarray | None = None,
        area_caps: Sequence[int] | np.ndarray | None = None,
        post_targets: Sequence[int] | np.ndarray | None = None,
        school_targets: Sequence[int] | np.ndarray | None = None,
    ) -> Regions:
        """Validate a cap hierarchy and fill in default targets.

        Parameters
        ----------
        capacities : array_like of int
            Seats per post (pass ``market.capacities``).
        post_school : array_like of int
            School of each post (``0..n_schools-1``).
        school_caps : array_like of int
            Cap per school, ``-1`` for none.
        school_area : array_like of int, optional
            Area of each school.  Must be given together with ``area_caps``.
        area_caps : array_like of int, optional
            Cap per area, ``-1`` for none.
        post_targets, school_targets : array_like of int, optional
            Target capacities; default: each parent's effective cap shared in
            proportion to the children's effective caps, rounded down.

        Returns
        -------
        Regions

        Raises
        ------
        ValueError
            On size mismatches, out-of-range labels, negative values, targets
            above a child's capacity, or targets summing above a parent's cap.

        References
        ----------
        .. [KK15c] Y. Kamada and F. Kojima, "Efficient matching under
           distributional constraints: theory and applications", American
           Economic Review 105(1), 2015.

        Examples
        --------
        >>> r = Regions.build([2, 2], post_school=[0, 0], school_caps=[3])
        >>> r.post_targets.tolist()
        [1, 1]
        """
        caps = int_vector(capacities, "capacities").astype(np.int64)
        n_p = caps.size
        ps = int_vector(post_school, "post_school").astype(np.int64)
        sc = int_vector(school_caps, "school_caps").astype(np.int64)
        n_s = sc.size
        if ps.shape != (n_p,):
            raise ValueError(f"post_school must have one entry per post ({n_p}), got {ps.size}")
        if ps.size and (ps.min() < 0 or ps.max() >= n_s):
            p = first_bad((ps < 0) | (ps >= n_s))
            raise ValueError(f"post {p} is in school {int(ps[p])}, but schools are 0..{n_s - 1}")
        if sc.size and sc.min() < -1:
            raise ValueError("school_caps must be >= 0, or -1 for 'no cap'")
        if (school_area is None) != (area_caps is None):
            raise ValueError("give school_area and area_caps together (or neither)")
        big = np.int64(2**40)
        post_sum = np.bincount(ps, weights=caps, minlength=n_s).astype(np.int64)
        eff_school = np.minimum(np.where(sc < 0, big, sc), post_sum)
        sa = ac = st = None
        if school_area is not None:
            sa, ac, st = _area_level(school_area, area_caps, eff_school, school_targets, big)
        pt = _targets(post_targets, ps, caps, eff_school, "post_targets", "post", "school")
        sc_cap = np.where(sc < 0, big, sc)
        over = np.bincount(ps, weights=pt, minlength=n_s) > sc_cap
        if over.any():
            s = first_bad(over)
            raise ValueError(f"post_targets in school {s} add up to more than its cap")
        return cls(
            capacities=readonly(caps),
            post_school=readonly(ps),
            school_caps=readonly(sc),
            school_area=None if sa is None else readonly(sa),
            area_caps=None if ac is None else readonly(ac),
            post_targets=readonly(pt),
            school_targets=None if st is None else readonly(st),
        )


def _area_level(
    school_area: object, area_caps: object, eff_school: np.ndarray, school_targets, big
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The area of each school, the area caps and the school targets, checked."""
    n_s = eff_school.size
    sa = int_vector(school_area, "school_area").astype(np.int64)
    ac = int_vector(area_caps, "area_caps").astype(np.int64)
    n_a = ac.size
    if sa.shape != (n_s,):
        raise ValueError(f"school_area must have one entry per school ({n_s})")
    if sa.size and (sa.min() < 0 or sa.max() >= n_a):
        s = first_bad((sa < 0) | (sa >= n_a))
        raise ValueError(f"school {s} is in area {int(sa[s])}, but areas are 0..{n_a - 1}")
    if ac.size and ac.min() < -1:
        raise ValueError("area_caps must be >= 0, or -1 for 'no cap'")
    school_sum = np.bincount(sa, weights=eff_school, minlength=n_a).astype(np.int64)
    eff_area = np.minimum(np.where(ac < 0, big, ac), school_sum)
    st = _targets(school_targets, sa, eff_school, eff_area, "school_targets", "school", "area")
    ac_cap = np.where(ac < 0, big, ac)
    over = np.bincount(sa, weights=st, minlength=n_a) > ac_cap
    if over.any():
        a = first_bad(over)
        raise ValueError(f"school_targets in area {a} add up to more than its cap")
    return sa, ac, st


def _targets(
    given: object,
    parent: np.ndarray,
    child_cap: np.ndarray,
    parent_eff: np.ndarray,
    name: str,
    child: str,
    parent_name: str,
) -> np.ndarray:
    if given is None:
        total = np.bincount(parent, weights=child_cap, minlength=parent_eff.size)[parent]
        share = np.where(total > 0, child_cap / np.maximum(total, 1), 0.0)
        return np.floor(parent_eff[parent] * share + 1e-9).astype(np.int64)
    t = int_vector(given, name).astype(np.int64)
    if t.shape != child_cap.shape:
        raise ValueError(f"{name} must have one entry per {child}")
    if t.size and (t.min() < 0 or (t > child_cap).any()):
        i = first_bad((t < 0) | (t > child_cap))
        raise ValueError(
            f"{name}[{i}] = {int(t[i])} must lie between 0 and the {child}'s capacity "
            f"{int(child_cap[i])} (its {parent_name} is {int(parent[i])})"
        )
    return t


@dataclass(frozen=True, eq=False)
class Departure:
    """Caps on departures per sending group (school and subject).

    Attributes
    ----------
    teacher_group : numpy.ndarray
        Sending group of each teacher, ``-1`` if her departures are not capped.
    caps : numpy.ndarray
        Most teachers of each group that may leave (current staff minus the
        staffing floor).
    """

    teacher_group: np.ndarray
    caps: np.ndarray

    @classmethod
    def build(
        cls, teacher_group: Sequence[int] | np.ndarray, caps: Sequence[int] | np.ndarray
    ) -> Departure:
        """Validate departure caps.

        Parameters
        ----------
        teacher_group : array_like of int
            Group per teacher (``-1`` = uncapped).
        caps : array_like of int
            Non-negative cap per group.

        Returns
        -------
        Departure

        Raises
        ------
        ValueError
            On negative caps or group labels out of range.

        Examples
        --------
        >>> Departure.build([0, 0, -1], [1]).caps.tolist()
        [1]
        """
        g = int_vector(teacher_group, "teacher_group").astype(np.int64)
        c = int_vector(caps, "caps").astype(np.int64)
        if c.size and c.min() < 0:
            raise ValueError("departure caps must be >= 0")
        if g.size and (g.min() < -1 or g.max() >= c.size):
            t = first_bad((g < -1) | (g >= c.size))
            raise ValueError(
                f"teacher {t} is in group {int(g[t])}, but there are {c.size} groups (use -1 for none)"
            )
        return cls(readonly(g), readonly(c))

    @classmethod
    def from_staffing(
        cls,
        teacher_school: Sequence[int] | np.ndarray,
        teacher_subject: Sequence[int] | np.ndarray,
        staff: Mapping[tuple[int, int], int],
        floor: Mapping[tuple[int, int], int],
    ) -> tuple[Departure, list[tuple[int, int]]]:
        """Departure caps ``staff - floor`` per (sending school, subject).

        Parameters
        ----------
        teacher_school, teacher_subject : array_like of int
            Current school and subject of each participating teacher.
        staff : mapping
            Current number of teachers per ``(school, subject)``.
        floor : mapping
            Staffing floor per ``(school, subject)``; pairs missing from
            ``floor`` are uncapped.

        Returns
        -------
        departure : Departure
        groups : list of tuple
            The ``(school, subject)`` key of each group index.

        Raises
        ------
        ValueError
            If a floor is given without a staff count, or arrays differ in length.

        Examples
        --------
        >>> d, keys = Departure.from_staffing([7, 7, 8], [1, 1, 1], {(7, 1): 5}, {(7, 1): 4})
        >>> d.teacher_group.tolist(), d.caps.tolist(), keys
        ([0, 0, -1], [1], [(7, 1)])
        """
        sch = int_vector(teacher_school, "teacher_school")
        sub = int_vector(teacher_subject, "teacher_subject")
        if sch.shape != sub.shape:
            raise ValueError("teacher_school and teacher_subject must have equal length")
        keys = sorted(floor)
        index = {k: i for i, k in enumerate(keys)}
        caps = []
        for k in keys:
            if k not in staff:
                raise ValueError(f"staffing floor given for {k} but no current staff count")
            caps.append(max(int(staff[k]) - int(floor[k]), 0))
        group = [index.get((int(a), int(b)), -1) for a, b in zip(sch, sub, strict=True)]
        return cls.build(group, caps), keys


@dataclass(frozen=True, eq=False)
class Balance:
    """Balanced exchange: no member sends out more than it receives plus a tolerance.

    A teacher is *sent* by her member when she moves (ends at a post other than
    her current one) to a post of another member, and *received* by that
    member.  Teachers who stay put are not counted.

    Attributes
    ----------
    teacher_member : numpy.ndarray
        Member jurisdiction each teacher comes from (``-1`` = not counted).
    post_member : numpy.ndarray
        Member jurisdiction of each post.
    tolerance : numpy.ndarray
        Per member, how many more teachers it may send than it receives.
    """

    teacher_member: np.ndarray
    post_member: np.ndarray
    tolerance: np.ndarray

    @property
    def n_members(self) -> int:
        """Number of member jurisdictions."""
        return int(self.tolerance.size)

    @classmethod
    def build(
        cls,
        teacher_member: Sequence[int] | np.ndarray,
        post_member: Sequence[int] | np.ndarray,
        tolerance: int | Sequence[int] | np.ndarray = 0,
    ) -> Balance:
        """Validate a balance constraint.

        Parameters
        ----------
        teacher_member : array_like of int
            Home member per teacher (``-1`` = not counted).
        post_member : array_like of int
            Member per post.
        tolerance : int or array_like of int
            Allowed surplus of departures over arrivals, per member or for all.

        Returns
        -------
        Balance

        Raises
        ------
        ValueError
            On negative tolerances or labels out of range.

        References
        ----------
        .. [DU19] U. Dur and M. U. Unver, "Two-sided matching via balanced
           exchange", Journal of Political Economy 127(3), 2019.

        Examples
        --------
        >>> Balance.build([0, 1], [1, 0], tolerance=1).tolerance.tolist()
        [1, 1]
        """
        tm = int_vector(teacher_member, "teacher_member").astype(np.int64)
        pm = int_vector(post_member, "post_member").astype(np.int64)
        if pm.size and pm.min() < 0:
            raise ValueError("post_member must be >= 0 for every post")
        if tm.size and tm.min() < -1:
            raise ValueError("teacher_member must be >= 0, or -1 for 'not counted'")
        n_m = int(max(pm.max(initial=-1), tm.max(initial=-1)) + 1)
        tol = np.asarray(tolerance)
        if tol.ndim == 0:
            tol = np.full(n_m, int(tol), dtype=np.int64)
        else:
            tol = int_vector(tol, "tolerance").astype(np.int64)
            if tol.size < n_m:
                raise ValueError(f"tolerance needs one entry per member ({n_m})")
            n_m = tol.size
        if tol.size and tol.min() < 0:
            raise ValueError("tolerance must be >= 0")
        return cls(readonly(tm), readonly(pm), readonly(tol))
