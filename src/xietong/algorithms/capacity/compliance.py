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
    """

    code: str
    period: str
    quota: object
    measure: str = "lessons"
    standard: str = "partner_confirmed"


@dataclass(frozen=True)
class Activity:
    """An amount delivered against an obligation in a period, at a verification level."""

    obligation: str
    period: str
    amount: object
    level: str = "self_reported"


@dataclass(frozen=True)
class ComplianceResult:
    """One obligation in one period.

    ``totals`` maps each level to the amount recorded at exactly that level (kept apart);
    ``counted`` is the sum of the levels at or above ``standard``; ``shortfall`` is
    ``max(quota - counted, 0)`` and ``met`` is ``counted >= quota``.
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
    """
    levels = tuple(verified_levels)
    if not levels or len(set(levels)) != len(levels):
        raise ValueError(f"verified_levels: need distinct levels, lowest first, got {levels!r}")
    rank = {level: i for i, level in enumerate(levels)}
    obligations: dict[tuple[str, str], Obligation] = {}
    for i, ob in enumerate(quota):
        key = (ob.code, ob.period)
        if key in obligations:
            raise ValueError(f"quota[{i}]: obligation {ob.code!r} appears twice in {ob.period!r}")
        if ob.measure not in MEASURES:
            raise ValueError(f"quota[{i}]: measure {ob.measure!r} is not one of {MEASURES}")
        if ob.standard not in rank:
            raise ValueError(f"quota[{i}]: standard {ob.standard!r} is not one of {levels}")
        non_negative(ob.quota, f"quota[{i}].quota")
        obligations[key] = ob
    totals = {key: dict.fromkeys(levels, Fraction(0)) for key in obligations}
    for i, act in enumerate(delivered):
        key = (act.obligation, act.period)
        if key not in obligations:
            raise ValueError(
                f"delivered[{i}]: no obligation {act.obligation!r} in period {act.period!r}; "
                "record the quota first or correct the activity"
            )
        if act.level not in rank:
            raise ValueError(f"delivered[{i}]: level {act.level!r} is not one of {levels}")
        totals[key][act.level] += non_negative(act.amount, f"delivered[{i}].amount")
    out = []
    for key in sorted(obligations, key=lambda k: (k[1], k[0])):
        ob = obligations[key]
        need = to_fraction(ob.quota, "quota")
        floor = rank[ob.standard]
        counted = sum((v for lv, v in totals[key].items() if rank[lv] >= floor), Fraction(0))
        out.append(
            ComplianceResult(
                code=ob.code,
                period=ob.period,
                measure=ob.measure,
                standard=ob.standard,
                quota=need,
                totals=totals[key],
                counted=counted,
                met=counted >= need,
                shortfall=max(need - counted, Fraction(0)),
            )
        )
    return tuple(out)
