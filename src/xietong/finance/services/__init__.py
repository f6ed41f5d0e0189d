"""Every write on the regional fund: keyword-only, atomic, scope-checked, audited.

Who may do what (re-checked here on every write, whatever the page or API did):

* the area's secretariat (and the platform administrator / the operator's process, ``actor=None``)
  manages the fund: opens it, creates rounds, projects, settlements, donations and disbursements,
  freezes rules, calls for payment, reverses entries, publishes totals;
* the bureau of a member (a bureau whose jurisdiction is the member or above it) approves its own
  share and its side of agreements and settlements, declares its own weights while a round is a
  draft, records its own payments and flows, and marks its own settlement transfers paid;
* nobody else writes.

One module per workflow (``fund``, ``contributions``, ``projects``, ``withdrawals``,
``agreements``, ``settlement``, ``donations``; closing periods is ``finance.closing``), with what
they share in ``common``. Callers import from here: ``from xietong.finance.services import X``.
"""

from .agreements import agreement_approve, agreement_create, flow_record
from .common import can_manage, require_manage, today
from .contributions import (
    charge_approve,
    charge_paid,
    payment_record,
    round_call,
    round_compute,
    round_create,
    round_freeze,
    round_weights_set,
)
from .donations import (
    disbursement_record,
    donation_record,
    donor_create,
    exchange_round_in_area,
)
from .fund import (
    REVERSIBLE,
    entry_post_manual,
    entry_reverse,
    fund_open,
    fund_publish_totals,
)
from .projects import (
    project_call,
    project_compute,
    project_create,
    project_freeze,
)
from .settlement import settlement_approve, settlement_propose, transfer_paid
from .withdrawals import call_cancel, draft_withdraw

__all__ = [
    "REVERSIBLE",
    "agreement_approve",
    "agreement_create",
    "call_cancel",
    "can_manage",
    "charge_approve",
    "charge_paid",
    "disbursement_record",
    "donation_record",
    "donor_create",
    "draft_withdraw",
    "entry_post_manual",
    "entry_reverse",
    "exchange_round_in_area",
    "flow_record",
    "fund_open",
    "fund_publish_totals",
    "payment_record",
    "project_call",
    "project_compute",
    "project_create",
    "project_freeze",
    "require_manage",
    "round_call",
    "round_compute",
    "round_create",
    "round_freeze",
    "round_weights_set",
    "settlement_approve",
    "settlement_propose",
    "today",
    "transfer_paid",
]
