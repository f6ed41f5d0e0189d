"""Settling the period's flows: the netted transfers, their approval and payment."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.algorithms import netting
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from .. import ledger
from ..ledger import ZERO, Line, from_fen, to_fen
from ..models import (
    EntryKind,
    FlowRecord,
    Fund,
    Settlement,
    SettlementPosition,
    SettlementStatus,
    SettlementTransfer,
)
from .common import (
    can_manage,
    require_manage,
    today,
)


@transaction.atomic
def settlement_propose(*, fund: Fund, period: str, actor, method: str = "auto") -> Settlement:
    """Net every unsettled flow of the period across all agreements of the area."""
    require_manage(scope_for(actor), fund)
    ledger.period_bounds(period)
    Fund.objects.select_for_update().get(pk=fund.pk)  # one proposal at a time per fund
    flows = list(
        FlowRecord.objects.select_for_update()
        .filter(agreement__fund=fund, period=period, settlement__isnull=True)
        .select_related("agreement")
    )
    flows = [f for f in flows if f.amount > 0]
    if not flows:
        raise ValueError(_("There are no unsettled flows in period %(p)s.") % {"p": period})
    codes = sorted({f.agreement.payer_id for f in flows} | {f.agreement.payee_id for f in flows})
    idx = {c: i for i, c in enumerate(codes)}
    obligations = [
        (idx[f.agreement.payer_id], idx[f.agreement.payee_id], to_fen(f.amount)) for f in flows
    ]
    net = netting.net_positions(obligations, len(codes))
    result = netting.settle_detailed([int(x) for x in net], method)
    gross = sum((f.amount for f in flows), ZERO)
    s = Settlement.objects.create(
        fund=fund, period=period, method=result.method, optimal=result.optimal, gross_total=gross
    )
    for c in codes:
        owes = sum((f.amount for f in flows if f.agreement.payer_id == c), ZERO)
        owed = sum((f.amount for f in flows if f.agreement.payee_id == c), ZERO)
        SettlementPosition.objects.create(
            settlement=s, member_id=c, owes=owes, owed=owed, net=from_fen(int(net[idx[c]]))
        )
    for payer, payee, amount in result.transfers:
        SettlementTransfer.objects.create(
            settlement=s, payer_id=codes[payer], payee_id=codes[payee], amount=from_fen(amount)
        )
    FlowRecord.objects.filter(pk__in=[f.pk for f in flows]).update(settlement=s)
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_SETTLEMENT_PROPOSE,
        obj=s,
        after={
            "period": period,
            "gross": str(gross),
            "net": {c: str(from_fen(int(net[idx[c]]))) for c in codes},
            "transfers": [[codes[a], codes[b], str(from_fen(x))] for a, b, x in result.transfers],
            "method": result.method,
        },
    )
    return s


@transaction.atomic
def settlement_approve(*, settlement: Settlement, actor, date: dt.date | None = None) -> Settlement:
    """Each involved member approves its position; the last approval posts the net positions
    to the members' clearing accounts."""
    scope = scope_for(actor)
    settlement = Settlement.objects.select_for_update().get(pk=settlement.pk)
    positions = list(settlement.positions.select_for_update().select_related("member"))
    mine = [p for p in positions if scope.acts_for(p.member_id)]
    scope.require(bool(mine), _("approve settlement %(n)d") % {"n": settlement.pk})
    if settlement.status != SettlementStatus.PROPOSED:
        raise ValueError(_("This settlement is no longer awaiting approval."))
    todo = [p for p in mine if p.approved_at is None]
    if not todo:
        raise ValueError(_("Your side has already approved this settlement."))
    now = timezone.now()
    for p in todo:
        p.approved_at = now
        p.approved_by = actor if getattr(actor, "pk", None) else None
        p.save(update_fields=["approved_at", "approved_by"])
    if all(p.approved_at for p in positions):
        memo = _("Settlement of agreements, period %(p)s") % {"p": settlement.period}
        lines = []
        for p in positions:
            if p.net > 0:
                lines.append(Line(account=f"clear:{p.member_id}", credit=p.net, memo=memo))
            elif p.net < 0:
                lines.append(Line(account=f"clear:{p.member_id}", debit=-p.net, memo=memo))
        if lines:
            # dated at the end of the settled period (or today, if that is earlier), so that
            # the statement of the period shows what was settled in it
            period_end = ledger.period_bounds(settlement.period)[1]
            settlement.entry = ledger.post(
                fund=settlement.fund,
                date=date or min(today(), period_end),
                kind=EntryKind.SETTLEMENT,
                memo=memo,
                lines=lines,
                actor=actor,
            )
        settlement.status = (
            SettlementStatus.APPROVED if settlement.transfers.exists() else SettlementStatus.SETTLED
        )
        settlement.save(update_fields=["entry", "status"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_SETTLEMENT_APPROVE,
        obj=settlement,
        after={"members": [p.member_id for p in todo], "status": settlement.status},
    )
    return settlement


@transaction.atomic
def transfer_paid(*, transfer: SettlementTransfer, actor, date: dt.date | None = None):
    """The paying member (or the secretariat) records that a netted transfer was made."""
    scope = scope_for(actor)
    settlement = Settlement.objects.select_for_update().get(pk=transfer.settlement_id)
    scope.require(
        can_manage(scope, settlement.fund) or scope.acts_for(transfer.payer_id),
        _("record transfers of %(m)s") % {"m": transfer.payer.display_name},
    )
    transfer = SettlementTransfer.objects.select_for_update().get(pk=transfer.pk)
    if transfer.paid_entry_id:
        raise ValueError(_("This transfer is already recorded as paid."))
    if settlement.status == SettlementStatus.SETTLED:
        raise ValueError(_("This settlement is already settled; every transfer is paid."))
    if settlement.status != SettlementStatus.APPROVED:
        raise ValueError(_("The settlement must be approved by every member first."))
    memo = _("Settlement transfer %(a)s -> %(b)s, period %(p)s") % {
        "a": transfer.payer_id,
        "b": transfer.payee_id,
        "p": settlement.period,
    }
    transfer.paid_entry = ledger.post(
        fund=settlement.fund,
        date=date or today(),
        kind=EntryKind.TRANSFER,
        memo=memo,
        lines=[
            Line(account=f"clear:{transfer.payee_id}", debit=transfer.amount),
            Line(account=f"clear:{transfer.payer_id}", credit=transfer.amount),
        ],
        actor=actor,
    )
    transfer.save(update_fields=["paid_entry"])
    if not settlement.transfers.filter(paid_entry__isnull=True).exists():
        settlement.status = SettlementStatus.SETTLED
        settlement.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_TRANSFER_PAID,
        obj=transfer,
        after={"amount": str(transfer.amount), "settlement_status": settlement.status},
    )
    return transfer
