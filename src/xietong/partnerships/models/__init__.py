"""Cooperations between schools, jurisdictions and social partners (issue 14, sections 1 and 4).

A :class:`Cooperation` is one typed arrangement (pairing, alliance, education group, branch
campus, entrusted management, education community, teaching-research alliance, master-teacher
studio, social project) with its :class:`Party` rows, an :class:`Agreement` whose content lives
in numbered :class:`AgreementVersion` rows bound to a SHA-256 of their canonical JSON, and the
:class:`Approval` of each party (and of the bureaus above it) on one version. An edit makes a new
version; approvals of earlier versions stay in the history but no longer count.

:class:`Obligation` rows are quotas per period (measures from
``xietong.algorithms.capacity.MEASURES``, verification standard from ``LEVELS``);
:class:`Activity` rows are recorded against them and move from self-reported to
partner-confirmed to authority-verified; activities other apps already know are linked by
``source_app`` + ``source_id``. :class:`ComplianceResult` rows are computed, never typed;
:class:`ExpiryNotice` rows record the 90- and 30-day notices, one each;
:class:`PortfolioPublication` rows when an area's portfolio figures of a period were published
(and :class:`PortfolioVersion` the token the portfolio pages cache under);
:class:`SatisfactionSurvey` rows one survey result per school and year (the capacity index).

Codes are stored; labels come from the TextChoices below and render in the reader's language.
"""

from .activity import (
    TYPED_KINDS,
    Activity,
    ActivityKind,
    ComplianceResult,
    ExpiryNotice,
    Level,
    Measure,
    Obligation,
    PeriodKind,
)
from .agreement import Agreement, AgreementVersion, Approval, ApprovalRole
from .cooperation import (
    Cooperation,
    CooperationKind,
    Origin,
    Party,
    PartyKind,
    PartyRole,
    PrincipalArrangement,
    SocialPartner,
    SocialPartnerKind,
    Status,
    StatusReason,
)
from .publication import PortfolioPublication, PortfolioVersion
from .survey import SatisfactionSurvey

__all__ = [
    "TYPED_KINDS",
    "Activity",
    "ActivityKind",
    "Agreement",
    "AgreementVersion",
    "Approval",
    "ApprovalRole",
    "ComplianceResult",
    "Cooperation",
    "CooperationKind",
    "ExpiryNotice",
    "Level",
    "Measure",
    "Obligation",
    "Origin",
    "Party",
    "PartyKind",
    "PartyRole",
    "PeriodKind",
    "PortfolioPublication",
    "PortfolioVersion",
    "PrincipalArrangement",
    "SatisfactionSurvey",
    "SocialPartner",
    "SocialPartnerKind",
    "Status",
    "StatusReason",
]
