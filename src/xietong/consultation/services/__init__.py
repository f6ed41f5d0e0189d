"""Every write on the negotiation body and its consultations: keyword-only, atomic,
scope-checked, audited (a package by workflow; the names are re-exported here).

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

from .body import (
    attendance_record,
    body_create,
    delegate_appoint,
    delegate_end,
    forum_create,
    meeting_schedule,
    minutes_record,
)
from .common import (
    LifecycleError,
    can_convene,
    casting_delegation,
    open_ballot,
    require_convene,
    speaking_delegation,
)
from .positions import latest_positions, position_cast
from .proposals import (
    comment_add,
    content_hash,
    deadline_extend,
    disposition_set,
    proposal_circulate,
    proposal_draft,
    proposal_revise,
    proposal_withdraw,
)
from .schedule import (
    consultations_advance_due,
    current_deadline,
    proposal_advance,
    reminders_send_due,
)

__all__ = [
    "LifecycleError",
    "attendance_record",
    "body_create",
    "can_convene",
    "casting_delegation",
    "comment_add",
    "consultations_advance_due",
    "content_hash",
    "current_deadline",
    "deadline_extend",
    "delegate_appoint",
    "delegate_end",
    "disposition_set",
    "forum_create",
    "latest_positions",
    "meeting_schedule",
    "minutes_record",
    "open_ballot",
    "position_cast",
    "proposal_advance",
    "proposal_circulate",
    "proposal_draft",
    "proposal_revise",
    "proposal_withdraw",
    "reminders_send_due",
    "require_convene",
    "speaking_delegation",
]
