"""Reciprocal agreements between members and the flows recorded under them."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import Jurisdiction

from .. import ledger
from ..ledger import money
from ..models import (
    Agreement,
    AgreementKind,
    FlowRecord,
    Fund,
)
from .common import (
    can_manage,
    require_member,
)


def _parse_rates(rates: dict) -> dict[str, str]:
    if not isinstance(rates, dict) or not rates:
        raise ValueError(_("Give at least one rate (stage -> amount per person per period)."))
    out = {}
    for stage, v in rates.items():
        if not str(stage).strip():
            raise ValueError(_("A rate needs a stage."))
        rate = money(v, _("rate for %(s)s") % {"s": stage})
        if rate <= 0:
            raise ValueError(_("Rates must be positive."))
        out[str(stage)] = str(rate)
    return out


@transaction.atomic
def agreement_create(
    *,
    fund: Fund,
    kind: str,
    title: str,
    payer: Jurisdiction,
    payee: Jurisdiction,
    rates: dict,
    actor,
) -> Agreement:
    scope = scope_for(actor)
    scope.require(
        can_manage(scope, fund) or scope.acts_for(payer.code) or scope.acts_for(payee.code),
        _("propose an agreement between %(a)s and %(b)s")
        % {"a": payer.display_name, "b": payee.display_name},
    )
    if kind not in AgreementKind.values:
        raise ValueError(_("Unknown kind of agreement %(k)s.") % {"k": kind})
    if payer.pk == payee.pk:
        raise ValueError(_("An agreement needs two different members."))
    require_member(fund, payer)
    require_member(fund, payee)
    a = Agreement.objects.create(
        fund=fund,
        kind=kind,
        title=title.strip() or "-",
        payer=payer,
        payee=payee,
        rates=_parse_rates(rates),
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_AGREEMENT_CREATE,
        obj=a,
        after={"kind": kind, "payer": payer.code, "payee": payee.code, "rates": a.rates},
    )
    return a


@transaction.atomic
def agreement_approve(*, agreement: Agreement, actor) -> Agreement:
    """Each side's bureau approves; the agreement is in force once both have."""
    scope = scope_for(actor)
    sides = [s for s in ("payer", "payee") if scope.acts_for(getattr(agreement, f"{s}_id"))]
    scope.require(bool(sides), _("approve agreement %(t)s") % {"t": agreement.title})
    agreement = Agreement.objects.select_for_update().get(pk=agreement.pk)
    now = timezone.now()
    changed = []
    for s in sides:
        if getattr(agreement, f"{s}_approved_at") is None:
            setattr(agreement, f"{s}_approved_at", now)
            changed.append(f"{s}_approved_at")
    if not changed:
        raise ValueError(_("Your side has already approved this agreement."))
    agreement.save(update_fields=changed)
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_AGREEMENT_APPROVE,
        obj=agreement,
        after={"sides": sides, "active": agreement.is_active},
    )
    return agreement


@transaction.atomic
def flow_record(*, agreement: Agreement, period: str, stage: str, count: int, actor) -> FlowRecord:
    """How many students (teachers) moved under the agreement in a period; replaces an unsettled
    record of the same period and stage."""
    scope = scope_for(actor)
    scope.require(
        can_manage(scope, agreement.fund)
        or scope.acts_for(agreement.payer_id)
        or scope.acts_for(agreement.payee_id),
        _("record flows of agreement %(t)s") % {"t": agreement.title},
    )
    if not agreement.is_active:
        raise ValueError(_("Both sides must approve the agreement before flows are recorded."))
    ledger.period_bounds(period)
    if stage not in agreement.rates:
        raise ValueError(
            _("The agreement has no rate for stage %(s)s (it has %(all)s).")
            % {"s": stage, "all": ", ".join(agreement.rates)}
        )
    if isinstance(count, bool) or not isinstance(count, int) or count < 0:
        raise ValueError(_("The count must be a whole number >= 0."))
    rate = money(agreement.rates[stage])
    existing = (
        FlowRecord.objects.select_for_update()
        .filter(agreement=agreement, period=period, stage=stage)
        .first()
    )
    before = None
    if existing is not None:
        if existing.settlement_id:
            raise ValueError(_("This period has been settled; its flows can no longer change."))
        before = {"count": existing.count}
        existing.count, existing.rate, existing.amount = count, rate, rate * count
        existing.save(update_fields=["count", "rate", "amount", "recorded_at"])
        flow = existing
    else:
        flow = FlowRecord.objects.create(
            agreement=agreement,
            period=period,
            stage=stage,
            count=count,
            rate=rate,
            amount=rate * count,
        )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_FLOW_RECORD,
        obj=flow,
        before=before,
        after={"agreement": agreement.pk, "period": period, "stage": stage, "count": count},
    )
    return flow
