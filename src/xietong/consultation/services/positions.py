"""Positions: appended per member, the latest one counts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .. import rules
from ..models import (
    Ballot,
    Position,
    PositionKind,
    Proposal,
    Status,
)
from .common import (
    MAX_PARAGRAPH_CHARS,
    LifecycleError,
    casting_delegation,
    lock_proposal,
    now,
    open_ballot,
)

# ---- positions -------------------------------------------------------------------------------


@transaction.atomic
def position_cast(
    *, proposal: Proposal, kind: str, text: str = "", actor, at: dt.datetime | None = None
) -> Position:
    """Append the member's position in the open ballot. A change is a new row; the latest row of
    each member counts. Reservations and objections are kept verbatim."""
    proposal = lock_proposal(proposal, (Status.POSITIONS, Status.ESCALATED))
    ballot = open_ballot(proposal)
    moment = at or now()
    if ballot is None or not ballot.opens_at <= moment < ballot.closes_at:
        raise LifecycleError(_("No positions window is open for this proposal."))
    delegation = casting_delegation(actor, ballot)
    if delegation is None:
        scope_for(actor).require(False, _("cast a member's position on this proposal"))
    if kind not in PositionKind.values:
        raise ValueError(_("Unknown position: %(k)s") % {"k": kind})
    if not rules.accepts(ballot.rule, kind):
        raise ValueError(
            _("%(rule)s takes no “%(p)s” position: a member that disagrees formally objects.")
            % {"rule": ballot.rule["kind"], "p": PositionKind(kind).label}
        )
    text = (text or "").strip()
    if kind in (PositionKind.RESERVATION, PositionKind.OBJECT) and not text:
        raise ValueError(_("A reservation or an objection needs its text."))
    if len(text) > MAX_PARAGRAPH_CHARS:
        raise ValueError(_("The text is too long."))
    position = Position.objects.create(
        ballot=ballot, delegation=delegation, cast_by=actor, kind=kind, text=text
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_POSITION_CAST,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        after={
            "ballot": ballot.number,
            "member": delegation.member_id,
            "position": kind,
            "text": text,
        },
    )
    return position


def latest_positions(ballot: Ballot) -> dict[str, Position]:
    """Each member's latest position in ``ballot`` (earlier ones stay on the record)."""
    out: dict[str, Position] = {}
    for p in ballot.positions.select_related("delegation").order_by("cast_at", "id"):
        out[p.delegation.member_id] = p
    return out
