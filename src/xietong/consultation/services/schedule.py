"""Time moves a proposal: windows open and close on their dates and outcomes are computed."""

from __future__ import annotations

import datetime as dt

from django.db import transaction

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .. import calendar, rules
from ..models import (
    LEVEL_ORDER,
    Ballot,
    BallotOutcome,
    Proposal,
    Reminder,
    Status,
)
from .common import (
    now,
    open_ballot,
    open_statuses,
)
from .positions import latest_positions

# ---- time moves the proposal -----------------------------------------------------------------


def _next_level(level: str) -> str | None:
    i = LEVEL_ORDER.index(level)
    return LEVEL_ORDER[i + 1] if i + 1 < len(LEVEL_ORDER) else None


def _decide_ballot(proposal: Proposal, ballot: Ballot, moment: dt.datetime) -> str:
    positions = {m: p.kind for m, p in latest_positions(ballot).items()}
    texts = {m: p.text for m, p in latest_positions(ballot).items() if p.text}
    result = rules.tally(ballot.rule, ballot.members, positions, ballot.population, texts)
    ballot.explanation = result
    ballot.decided_at = moment
    if result["adopted"]:
        ballot.outcome = BallotOutcome.ADOPTED
        ballot.save()
        return Status.ADOPTED
    step = rules.escalation_step(ballot.rule, ballot.level, _next_level)
    if step is None:
        ballot.outcome = BallotOutcome.FAILED
        ballot.save()
        return Status.FAILED
    ballot.outcome = BallotOutcome.ESCALATED
    ballot.save()
    level, rule, days = step
    Ballot.objects.create(
        proposal=proposal,
        number=ballot.number + 1,
        level=level,
        version=ballot.version,
        rule=rule,
        population=rules.population_for(rule, ballot.members) or ballot.population,
        members=ballot.members,
        opens_at=ballot.closes_at,
        closes_at=calendar.add_working_days(ballot.closes_at, days),
    )
    return Status.ESCALATED


@transaction.atomic
def proposal_advance(*, proposal: Proposal, at: dt.datetime | None = None) -> Proposal:
    """Open and close the windows whose dates have come, and compute outcomes. Idempotent: run
    it as often as you like; each transition happens once, on its date."""
    moment = at or now()
    proposal = Proposal.objects.select_for_update().get(pk=proposal.pk)
    for _step in range(2 + 2 * len(LEVEL_ORDER)):
        before = proposal.status
        new = _transition(proposal, moment)
        if new is None:
            break
        proposal.status = new
        if new in (Status.ADOPTED, Status.FAILED):
            proposal.decided_at = moment
        proposal.save(update_fields=["status", "decided_at"])
        ballot = proposal.ballots.order_by("-number").first()
        audit_record(
            actor=None,
            action=AuditAction.CONSULTATION_PROPOSAL_ADVANCE,
            object_type=ObjectType.PROPOSAL,
            object_id=proposal.pk,
            before={"status": before},
            after={
                "status": new,
                "ballot": ballot.number if ballot else None,
                "outcome": ballot.outcome if ballot else None,
                "explanation": ballot.explanation if new != Status.POSITIONS else None,
            },
        )
    return proposal


def _transition(proposal: Proposal, moment: dt.datetime) -> str | None:
    s = proposal.status
    if s == Status.CIRCULATED and moment >= proposal.comments_open_at:
        return Status.COMMENTS
    if s == Status.COMMENTS and moment >= proposal.comments_close_at:
        # members take their positions on the text as amended in the comment window
        ballot = open_ballot(proposal)
        ballot.version = proposal.current_version
        ballot.save(update_fields=["version"])
        return Status.POSITIONS
    if s in (Status.POSITIONS, Status.ESCALATED):
        ballot = open_ballot(proposal)
        if ballot is not None and moment >= ballot.closes_at:
            return _decide_ballot(proposal, ballot, min(moment, ballot.closes_at))
    return None


def consultations_advance_due(*, at: dt.datetime | None = None) -> dict:
    """The scheduler's tick: advance every open proposal whose date has come and send the
    reminders that are due. Each proposal in its own transaction."""
    moment = at or now()
    advanced = 0
    for pk in Proposal.objects.filter(status__in=open_statuses()).values_list("pk", flat=True):
        p = Proposal.objects.get(pk=pk)
        before = p.status
        p = proposal_advance(proposal=p, at=moment)
        advanced += p.status != before
    sent = reminders_send_due(at=moment)
    return {"advanced": advanced, "reminders": sent}


def current_deadline(proposal: Proposal, window: str) -> dt.datetime | None:
    """The deadline of ``window`` as it stands now (None once that window is over)."""
    if window == "comments":
        return proposal.comments_close_at if proposal.status in open_statuses()[:2] else None
    ballot = open_ballot(proposal)
    return ballot.closes_at if ballot is not None else None


@transaction.atomic
def reminders_send_due(*, at: dt.datetime | None = None) -> int:
    """Mark due reminders sent (they appear on the delegates' pages; mail when configured)."""
    from ..notify import send_reminder

    moment = at or now()
    due = list(
        Reminder.objects.select_for_update(skip_locked=True)
        .filter(sent_at__isnull=True, due_at__lte=moment, deadline__gt=moment)
        .select_related("proposal", "delegation")
    )
    for r in due:
        if r.deadline == current_deadline(r.proposal, r.window):
            transaction.on_commit(lambda r=r: send_reminder(r))
        r.sent_at = moment
        r.save(update_fields=["sent_at"])
    return len(due)
