"""Opening a fund, publishing its totals, manual entries and reversals."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import CooperationArea

from .. import ledger
from ..ledger import Line, money
from ..models import (
    EntryKind,
    Fund,
    JournalEntry,
)
from .common import (
    require_manage,
    today,
)


@transaction.atomic
def fund_open(*, area: CooperationArea, actor, currency: str = "CNY") -> Fund:
    scope = scope_for(actor)
    scope.require(scope.can_manage_area(area.pk), _("open the fund of %(a)s") % {"a": area})
    if Fund.objects.filter(area=area).exists():
        raise ValueError(_("%(a)s already has a fund.") % {"a": area})
    if not (len(currency) == 3 and currency.isalpha() and currency.isupper()):
        raise ValueError(_("Currency must be a three-letter ISO code such as CNY."))
    fund = Fund.objects.create(area=area, currency=currency)
    for code in ledger.STANDARD_ACCOUNTS:
        ledger.account_ensure(fund, code)
    for m in ledger.fund_members(fund):
        ledger.account_ensure(fund, f"recv:{m.code}")
        ledger.account_ensure(fund, f"clear:{m.code}")
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_FUND_OPEN,
        obj=fund,
        after={"area": area.slug, "currency": currency},
    )
    return fund


@transaction.atomic
def fund_publish_totals(*, fund: Fund, published: bool, actor) -> Fund:
    require_manage(scope_for(actor), fund)
    before = fund.totals_published
    Fund.objects.filter(pk=fund.pk).update(totals_published=published)
    fund.totals_published = published
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_FUND_PUBLISH_TOTALS,
        obj=fund,
        before={"totals_published": before},
        after={"totals_published": published},
    )
    return fund


@transaction.atomic
def entry_post_manual(
    *, fund: Fund, date: dt.date, memo: str, lines: list[dict], actor
) -> JournalEntry:
    """An adjusting entry by the secretariat, on existing accounts only."""
    require_manage(scope_for(actor), fund)
    if not memo.strip():
        raise ValueError(_("Say why: a manual entry needs a memo."))
    parsed = [
        Line(
            account=str(ln.get("account", "")),
            debit=money(ln.get("debit", "0"), _("debit")),
            credit=money(ln.get("credit", "0"), _("credit")),
            memo=str(ln.get("memo", "")),
        )
        for ln in lines
    ]
    return ledger.post(
        fund=fund,
        date=date,
        kind=EntryKind.MANUAL,
        memo=memo,
        lines=parsed,
        actor=actor,
        create_accounts=False,
    )


REVERSIBLE = {EntryKind.RECEIPT, EntryKind.DISBURSEMENT, EntryKind.DONATION, EntryKind.MANUAL}


@transaction.atomic
def entry_reverse(
    *, entry: JournalEntry, actor, memo: str = "", date: dt.date | None = None
) -> JournalEntry:
    """Correct a posted entry by posting its mirror image; the original stays as it was.

    Calls for payment and settlements are not reversed one entry at a time: they stand for an
    agreement of all members."""
    require_manage(scope_for(actor), entry.fund)
    if entry.kind not in REVERSIBLE and entry.kind != EntryKind.REVERSAL:
        raise ValueError(
            _("Entries of kind %(k)s cannot be reversed on their own.") % {"k": entry.kind}
        )
    return ledger.reverse(entry=entry, date=date or today(), memo=memo, actor=actor)
