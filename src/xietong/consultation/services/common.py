"""Every write on the negotiation body and its consultations: keyword-only, atomic,
scope-checked, audited.

Who may do what (re-checked here whatever the page or API did):

* the area's secretariat (and the platform administrator; ``actor=None`` is the operator's own
  process) convenes: creates the body and its forums, schedules meetings, drafts, revises and
  circulates proposals, answers every comment, extends a deadline with a reason, withdraws;
* a member's bureau (at or above the member jurisdiction) appoints and ends its delegates;
* a member's delegates and alternates comment and cast the member's position; observers read;
* nobody else writes, and the secretariat never casts a position.

Time moves a proposal, not a person: :func:`proposal_advance` opens and closes each window on the
dates frozen at circulation and computes the outcome under the frozen rule; the worker's scheduler
calls :func:`consultations_advance_due` (docs/consultation.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib

from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope

from ..models import (
    Ballot,
    BallotOutcome,
    Body,
    Delegate,
    DelegateRole,
    Delegation,
    Proposal,
    Reminder,
    Status,
)

# Reminders before each deadline, in hours (two days' notice and the last day).
REMINDER_HOURS = (48, 24)
MAX_PARAGRAPHS = 500
MAX_PARAGRAPH_CHARS = 20_000


class LifecycleError(ValueError):
    """A step asked out of order (the proposal is not in a state that allows it)."""


def now() -> dt.datetime:
    return timezone.now()


# ---- who may ---------------------------------------------------------------------------------


def can_convene(scope: Scope, body: Body) -> bool:
    """The secretariat of the body's area (or the administrator)."""
    return scope.can_manage_area(body.area_id)


def require_convene(scope: Scope, body: Body) -> None:
    scope.require(can_convene(scope, body), _("convene the body of %(a)s") % {"a": body.area})


def casting_delegation(user, ballot: Ballot) -> Delegation | None:
    """The delegation ``user`` may cast a position for in ``ballot`` (active delegate or
    alternate of a member entitled to a position), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    d = (
        Delegate.objects.filter(
            user=user,
            role__in=[DelegateRole.DELEGATE, DelegateRole.ALTERNATE],
            delegation__body_id=ballot.proposal.body_id,
            delegation__member_id__in=ballot.members,
            since__lte=today,
        )
        .exclude(until__lt=today)
        .select_related("delegation")
        .first()
    )
    return d.delegation if d else None


def speaking_delegation(user, body: Body) -> Delegation | None:
    """The delegation ``user`` speaks for in ``body`` (delegate or alternate), or None."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    today = timezone.localdate()
    d = (
        Delegate.objects.filter(
            user=user,
            role__in=[DelegateRole.DELEGATE, DelegateRole.ALTERNATE],
            delegation__body=body,
            since__lte=today,
        )
        .exclude(until__lt=today)
        .select_related("delegation")
        .first()
    )
    return d.delegation if d else None


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def lock_proposal(proposal: Proposal, allowed: tuple[str, ...]) -> Proposal:
    proposal = Proposal.objects.select_for_update().select_related("body").get(pk=proposal.pk)
    if proposal.status not in allowed:
        raise LifecycleError(
            _("Proposal #%(n)s is %(status)s; this step needs it to be %(allowed)s.")
            % {
                "n": proposal.number,
                "status": proposal.get_status_display(),
                "allowed": " / ".join(str(Status(a).label) for a in allowed),
            }
        )
    return proposal


def open_statuses() -> list[str]:
    return [Status.CIRCULATED, Status.COMMENTS, Status.POSITIONS, Status.ESCALATED]


def schedule_reminders(proposal: Proposal, window: str, deadline: dt.datetime) -> None:
    for delegation in Delegation.objects.filter(body_id=proposal.body_id):
        for hours in REMINDER_HOURS:
            Reminder.objects.get_or_create(
                proposal=proposal,
                delegation=delegation,
                window=window,
                deadline=deadline,
                due_at=deadline - dt.timedelta(hours=hours),
            )


def open_ballot(proposal: Proposal) -> Ballot | None:
    return proposal.ballots.filter(outcome=BallotOutcome.OPEN).order_by("-number").first()
