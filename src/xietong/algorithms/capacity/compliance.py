"""Obligation compliance: quotas per period against activities by verification level."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

from ..exact import to_fraction
from ._common import non_negative

__all__ = [
    "LEVELS",
    "MEASURES",
    "Activity",
    "ComplianceResult",
    "Obligation",
    "obligation_compliance",
]

#: Verification levels, lowest first.
LEVELS = ("self_reported", "partner_confirmed", "authority_verified")
#: What an obligation counts.
MEASURES = ("lessons", "sessions", "teachers", "hours")


# --------------------------------------------------------------------------------------------
# 1. Obligation compliance
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Obligation:
    """A quota for one period: e.g. 20 synchronous ``lessons`` in ``"2025"``, partner-confirmed.

    ``standard`` is the lowest verification level that counts towards the quota.
    ``min_subjects`` is the least number of distinct subjects the counted activities must
    cover (0: any, e.g. Zhejiang's "at least 20 synchronous lessons in at least 2 subjects" is
    ``quota=20, min_subjects=2``).
    """

    code: str
    period: str
    quota: object
    measure: str = "lessons"
    standard: str = "partner_confirmed"
    min_subjects: int = 0


@dataclass(frozen=True)
class Activity:
    """An amount delivered against an obligation in a period, at a verification level, in a
    subject (a subject code; ``""`` when it has none)."""

    obligation: str
    period: str
    amount: object
    level: str = "self_reported"
    subject: str = ""


@dataclass(frozen=True)
class ComplianceResult:
    """One obligation in one period.

    ``totals`` maps each level to the amount recorded at exactly that level (kept apart);
    ``counted`` is the sum of the levels at or above ``standard``; ``shortfall`` is
    ``max(quota - counted, 0)`` and ``quota_met`` is ``counted >= quota``. ``subjects`` are
    the distinct subjects (sorted) of the activities that count (at or above ``standard``,
    with an amount above zero and a subject); ``subjects_met`` is
    ``len(subjects) >= min_subjects``. ``met`` is both.
    """

    code: str
    period: str
    measure: str
    standard: str
    quota: Fraction
    totals: dict[str, Fraction]
    counted: Fraction
    met: bool
    shortfall: Fraction
    quota_met: bool = True
    subjects_met: bool = True
    subjects: tuple[str, ...] = ()
    min_subjects: int = 0


def obligation_compliance(
    quota: Sequence[Obligation],
    delivered: Sequence[Activity],
    *,
    verified_levels: Sequence[str] = LEVELS,
) -> tuple[ComplianceResult, ...]:
    """Each obligation per period against the activities recorded for it.

    Parameters
    ----------
    quota : sequence of Obligation
        The obligations, one per (code, period); the quota is a non-negative number.
    delivered : sequence of Activity
        The activities; each names an obligation and period present in ``quota``.
    verified_levels : sequence of str
        The verification levels, lowest first (default :data:`LEVELS`). An obligation counts the
        activities at its ``standard`` and every level after it.

    Returns
    -------
    tuple of ComplianceResult
        Ordered by period, then obligation code.

    Raises
    ------
    ValueError
        A duplicate (code, period), an unknown measure or level, a negative amount, or an
        activity for an obligation and period that has no quota.

    Examples
    --------
    Zhejiang's 教共体 minimum of 20 synchronous lessons a year, partner-confirmed: 12 lessons
    confirmed, 3 verified and 8 only self-reported count 15, so 5 are missing.

    >>> ob = Obligation("sync", "2025", 20, standard="partner_confirmed")
    >>> acts = [Activity("sync", "2025", 12, "partner_confirmed"),
    ...         Activity("sync", "2025", 3, "authority_verified"),
    ...         Activity("sync", "2025", 8, "self_reported")]
    >>> r = obligation_compliance([ob], acts)[0]
    >>> r.counted, r.met, r.shortfall, r.totals["self_reported"]
    (Fraction(15, 1), False, Fraction(5, 1), Fraction(8, 1))

    The same minimum in at least 2 subjects: 20 confirmed lessons, all in mathematics, meet the
    quota but not the subjects, so the obligation is unmet; one more in Chinese meets it.

    >>> ob = Obligation("sync", "2025", 20, min_subjects=2)
    >>> acts = [Activity("sync", "2025", 20, "partner_confirmed", subject="math")]
    >>> r = obligation_compliance([ob], acts)[0]
    >>> r.quota_met, r.subjects, r.subjects_met, r.met
    (True, ('math',), False, False)
    >>> more = acts + [Activity("sync", "2025", 1, "partner_confirmed", subject="chinese")]
    >>> obligation_compliance([ob], more)[0].met
    True

    References
    ----------
    .. [1] 浙江省教育厅等四部门《关于新时代城乡义务教育共同体建设的指导意见》(浙教基〔2020〕70号),
       the provincial guidance on 城乡义务教育共同体 (named as such in 浙江省教育厅办公室
       浙教办函〔2021〕53号). The yearly minimums per pair used in the examples (at least 20
       synchronous lessons in at least 2 subjects, 8 online and 4 offline teaching-research
       sessions) are the figures issue 14 quotes; the article of 浙教基〔2020〕70号 (or of a
       later implementing notice) that states them has not been checked here.
    """
    levels = tuple(verified_levels)
    if not levels or len(set(levels)) != len(levels):
        raise ValueError(f"verified_levels: need distinct levels, lowest first, got {levels!r}")
    rank = {level: i for i, level in enumerate(levels)}
    obligations = _obligations(quota, rank)
    totals, subjects = _tally(delivered, obligations, rank)
    return tuple(
        _result(obligations[key], totals[key], subjects[key], rank)
        for key in sorted(obligations, key=lambda k: (k[1], k[0]))
    )


def _obligations(quota: Sequence[Obligation], rank: dict) -> dict[tuple[str, str], Obligation]:
    obligations: dict[tuple[str, str], Obligation] = {}
    for i, ob in enumerate(quota):
        key = (ob.code, ob.period)
        if key in obligations:
            raise ValueError(f"quota[{i}]: obligation {ob.code!r} appears twice in {ob.period!r}")
        if ob.measure not in MEASURES:
            raise ValueError(f"quota[{i}]: measure {ob.measure!r} is not one of {MEASURES}")
        if ob.standard not in rank:
            raise ValueError(f"quota[{i}]: standard {ob.standard!r} is not one of {tuple(rank)}")
        non_negative(ob.quota, f"quota[{i}].quota")
        if not isinstance(ob.min_subjects, int) or isinstance(ob.min_subjects, bool):
            raise ValueError(f"quota[{i}].min_subjects: a whole number, got {ob.min_subjects!r}")
        if ob.min_subjects < 0:
            raise ValueError(f"quota[{i}].min_subjects: cannot be negative ({ob.min_subjects})")
        obligations[key] = ob
    return obligations


def _tally(delivered: Sequence[Activity], obligations: dict, rank: dict):
    """Amounts per obligation and level, and the subjects of the activities that count."""
    totals = {key: dict.fromkeys(rank, Fraction(0)) for key in obligations}
    subjects: dict[tuple[str, str], set[str]] = {key: set() for key in obligations}
    for i, act in enumerate(delivered):
        key = (act.obligation, act.period)
        if key not in obligations:
            raise ValueError(
                f"delivered[{i}]: no obligation {act.obligation!r} in period {act.period!r}; "
                "record the quota first or correct the activity"
            )
        if act.level not in rank:
            raise ValueError(f"delivered[{i}]: level {act.level!r} is not one of {tuple(rank)}")
        if not isinstance(act.subject, str):
            raise ValueError(f"delivered[{i}].subject: a subject code, got {act.subject!r}")
        amount = non_negative(act.amount, f"delivered[{i}].amount")
        totals[key][act.level] += amount
        if act.subject and amount > 0 and rank[act.level] >= rank[obligations[key].standard]:
            subjects[key].add(act.subject)
    return totals, subjects


def _result(ob: Obligation, totals: dict, subjects: set, rank: dict) -> ComplianceResult:
    need = to_fraction(ob.quota, "quota")
    floor = rank[ob.standard]
    counted = sum((v for lv, v in totals.items() if rank[lv] >= floor), Fraction(0))
    covered = tuple(sorted(subjects))
    quota_met = counted >= need
    subjects_met = len(covered) >= ob.min_subjects
    return ComplianceResult(
        code=ob.code,
        period=ob.period,
        measure=ob.measure,
        standard=ob.standard,
        quota=need,
        totals=totals,
        counted=counted,
        met=quota_met and subjects_met,
        shortfall=max(need - counted, Fraction(0)),
        quota_met=quota_met,
        subjects_met=subjects_met,
        subjects=covered,
        min_subjects=ob.min_subjects,
    )
