"""Withdrawing a draft round or project, and cancelling a call for payment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from .. import ledger
from ..models import (
    Charge,
    ContributionRound,
    JointProject,
    JournalEntry,
    Payment,
    Stage,
)
from .common import (
    require_manage,
    today,
)


def _source_model(source):
    return ContributionRound if isinstance(source, ContributionRound) else JointProject


# What withdrawing or cancelling the call of a round or a project is called in the audit log.
_WITHDRAW = {
    ContributionRound: AuditAction.FINANCE_ROUND_WITHDRAW,
    JointProject: AuditAction.FINANCE_PROJECT_WITHDRAW,
}
_CALL_CANCEL = {
    ContributionRound: AuditAction.FINANCE_ROUND_CALL_CANCEL,
    JointProject: AuditAction.FINANCE_PROJECT_CALL_CANCEL,
}


@transaction.atomic
def draft_withdraw(*, source: ContributionRound | JointProject, actor, reason: str = ""):
    """Withdraw a round or project whose rule is still a draft: nothing was computed, approved
    or posted, so it is only marked withdrawn (kept, with its inputs, for the record)."""
    require_manage(scope_for(actor), source.fund)
    source = _source_model(source).objects.select_for_update().get(pk=source.pk)
    if source.status == Stage.WITHDRAWN:
        raise ValueError(_("This is already withdrawn."))
    if source.status != Stage.DRAFT:
        raise ValueError(
            _("Only a draft can be withdrawn; once the rule is frozen, the shares stand.")
        )
    source.status = Stage.WITHDRAWN
    source.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=_WITHDRAW[type(source)],
        obj=source,
        before={"status": Stage.DRAFT},
        after={"status": Stage.WITHDRAWN, "reason": reason.strip()},
    )
    return source


@transaction.atomic
def call_cancel(
    *,
    source: ContributionRound | JointProject,
    actor,
    reason: str = "",
    date: dt.date | None = None,
):
    """Cancel a call for payment before anything was received: the call's entry is reversed
    (the original stays), and the shares go back to frozen and approved, not yet called."""
    require_manage(scope_for(actor), source.fund)
    source = _source_model(source).objects.select_for_update().get(pk=source.pk)
    if source.status != Stage.CALLED:
        raise ValueError(_("Only a call for payment can be cancelled."))
    charges = list(source.charges.select_for_update())
    if Payment.objects.filter(charge__in=charges, entry__reversed_by__isnull=True).exists():
        raise ValueError(
            _(
                "Payments have already been received under this call; it can no longer be "
                "cancelled. Reverse the receipts first if they were recorded in error."
            )
        )
    entries = {c.call_entry_id for c in charges if c.call_entry_id}
    reversals = []
    for entry in JournalEntry.objects.filter(pk__in=entries).order_by("number"):
        reversals.append(
            ledger.reverse(
                entry=entry,
                date=date or today(),
                memo=_("Call cancelled: %(t)s") % {"t": source.title}
                + (f" ({reason.strip()})" if reason.strip() else ""),
                actor=actor,
            )
        )
    Charge.objects.filter(pk__in=[c.pk for c in charges]).update(call_entry=None)
    source.status = Stage.FROZEN
    fields = ["status"]
    if isinstance(source, ContributionRound):
        source.due_date = None
        fields.append("due_date")
    source.save(update_fields=fields)
    audit_record(
        actor=actor,
        action=_CALL_CANCEL[type(source)],
        obj=source,
        before={"status": Stage.CALLED, "call_entries": sorted(entries)},
        after={
            "status": Stage.FROZEN,
            "reversals": [e.number for e in reversals],
            "reason": reason.strip(),
        },
    )
    return source
