"""Closing the books: accounting periods, and releasing restricted funds.

Rules (《民间非营利组织会计制度》, 财会〔2004〕7号, accounts 3101 非限定性净资产 and 3102
限定性净资产, and its interpretation 财会〔2020〕9号 on reclassifying restricted net assets):

* at the end of a period the balances of the income and expense accounts are closed into
  unrestricted net assets (期末结转): one closing entry dated the period's last day;
* when the restriction on net assets is lifted, they are reclassified from restricted to
  unrestricted (借 限定性净资产, 贷 非限定性净资产). The fund does this when money is spent on
  the purpose (in the disbursement's own entry), when a joint project is closed (what is left in
  its fund is released) and when the secretariat releases an earmark of donations (with the
  reason, e.g. the donor's consent);
* a closed period stays closed: the ledger refuses every entry dated in it or before it
  (``ledger.post``), so its statements never change. A correction goes into the open period.

Every write here is keyword-only, atomic, scope-checked (the area's secretariat) and audited.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from . import ledger
from .ledger import UNRESTRICTED, ZERO, Line, money
from .models import (
    AccountingPeriod,
    AccountKind,
    EntryKind,
    Fund,
    JointProject,
    JournalEntry,
    Programme,
    Stage,
)
from .services import require_manage, today


def closing_lines(fund: Fund, date_to: dt.date) -> list[Line]:
    """Lines that bring every income and expense account to zero at ``date_to`` and carry the
    difference (the period's surplus or deficit) to unrestricted net assets."""
    memo = _("Closing of the period")
    lines = []
    surplus = ZERO
    accounts = fund.accounts.filter(kind__in=[AccountKind.INCOME, AccountKind.EXPENSE])
    for acc in accounts.order_by("code"):
        b = ledger.balance(fund, acc.code, date_to=date_to)  # on the account's normal side
        if not b:
            continue
        income = acc.kind == AccountKind.INCOME
        surplus += b if income else -b
        # income (credit-normal) is debited by its balance, expense (debit-normal) credited
        if (b > 0) == income:
            lines.append(Line(account=acc.code, debit=abs(b), memo=memo))
        else:
            lines.append(Line(account=acc.code, credit=abs(b), memo=memo))
    if surplus > 0:
        lines.append(Line(account=UNRESTRICTED, credit=surplus, memo=memo))
    elif surplus < 0:
        lines.append(Line(account=UNRESTRICTED, debit=-surplus, memo=memo))
    return lines


@transaction.atomic
def period_close(*, fund: Fund, period: str, actor) -> AccountingPeriod:
    """Close a period (``2024``, ``2024-H1``, ``2024-Q2``, ``2024-03``) of the fund.

    Closing is cumulative and in order: the period must have ended, must start no later than
    the day after the last closed one (no gap is left open behind a closed period), and closing
    it closes everything before it. Income and expenditure up to its last day are closed into
    unrestricted net assets by one closing entry dated that day."""
    require_manage(scope_for(actor), fund)
    label = (period or "").strip().upper()
    date_from, date_to = ledger.period_bounds(label)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)  # no posting slips in meanwhile
    if date_to >= today():
        raise ValueError(
            _("The period %(p)s ends on %(d)s; it can be closed from the day after.")
            % {"p": label, "d": date_to.isoformat()}
        )
    last = fund.closed_through
    if last is not None and date_to <= last:
        raise ValueError(
            _("The period %(p)s is already closed (the accounts are closed up to %(c)s).")
            % {"p": label, "c": last.isoformat()}
        )
    if last is not None and date_from > last + dt.timedelta(days=1):
        raise ValueError(
            _(
                "Close the days from %(a)s to %(b)s first: periods are closed in order, "
                "without gaps."
            )
            % {
                "a": (last + dt.timedelta(days=1)).isoformat(),
                "b": (date_from - dt.timedelta(days=1)).isoformat(),
            }
        )
    lines = closing_lines(fund, date_to)
    entry = None
    if lines:
        entry = ledger.post(
            fund=fund,
            date=date_to,
            kind=EntryKind.CLOSING,
            memo=_("Closing of period %(p)s") % {"p": label},
            lines=lines,
            actor=actor,
        )
    Fund.objects.filter(pk=fund.pk).update(closed_through=date_to)
    closed = AccountingPeriod.objects.create(
        fund=fund,
        period=label,
        date_from=date_from,
        date_to=date_to,
        closing_entry=entry,
        closed_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PERIOD_CLOSE,
        obj=closed,
        before={"closed_through": last.isoformat() if last else None},
        after={
            "closed_through": date_to.isoformat(),
            "closing_entry": entry.number if entry else None,
            "lines": [[ln.account, str(ln.debit), str(ln.credit)] for ln in lines],
        },
    )
    return closed


def _release(
    *, fund: Fund, code: str, amount: Decimal | None, date: dt.date, memo: str, actor
) -> JournalEntry | None:
    """Post the release of ``amount`` (all of it if None) from a restricted fund; the ledger
    refuses more than the fund holds. Returns None when there was nothing to release."""
    held = ledger.balance(fund, code)
    amount = held if amount is None else money(amount, _("amount"))
    if amount < 0:
        raise ValueError(_("The amount to release must be positive."))
    if amount == 0:
        return None
    return ledger.post(
        fund=fund,
        date=date,
        kind=EntryKind.RELEASE,
        memo=memo,
        lines=[
            Line(account=code, debit=amount, memo=memo),
            Line(account=UNRESTRICTED, credit=amount, memo=memo),
        ],
        actor=actor,
    )


@transaction.atomic
def project_close(
    *, project: JointProject, actor, reason: str = "", date: dt.date | None = None
) -> JointProject:
    """Close a joint project: what is left in its restricted fund is released to unrestricted
    net assets, and nothing more is disbursed for it. Shares still unpaid stay due; a member
    that pays later pays into unrestricted money."""
    require_manage(scope_for(actor), project.fund)
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    if project.status not in (Stage.FROZEN, Stage.CALLED):
        raise ValueError(
            _("Only a project whose shares are frozen or called can be closed; this one is %(s)s.")
            % {"s": project.get_status_display()}
        )
    fund = Fund.objects.select_for_update().get(pk=project.fund_id)
    code = ledger.project_fund(project)
    held = ledger.balance(fund, code)
    memo = _("Joint project closed, restriction released: %(t)s") % {"t": project.title}
    entry = _release(
        fund=fund, code=code, amount=None, date=date or today(), memo=memo, actor=actor
    )
    before = project.status
    project.status = Stage.CLOSED
    project.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PROJECT_CLOSE,
        obj=project,
        before={"status": before, "restricted": str(held)},
        after={
            "status": Stage.CLOSED,
            "released": str(held),
            "entry": entry.number if entry else None,
            "reason": reason.strip(),
        },
    )
    return project


@transaction.atomic
def earmark_release(
    *,
    fund: Fund,
    programme: str,
    actor,
    reason: str,
    amount=None,
    date: dt.date | None = None,
) -> JournalEntry | None:
    """Release (part of) what donors earmarked for a programme to society's unrestricted money,
    e.g. with the donors' consent once the programme has ended. The reason is required and kept
    in the audit trail."""
    require_manage(scope_for(actor), fund)
    if programme not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": programme})
    if not reason.strip():
        raise ValueError(_("Say why the restriction is released (e.g. the donor's consent)."))
    fund = Fund.objects.select_for_update().get(pk=fund.pk)
    code = ledger.earmark_fund(programme)
    memo = _("Earmark released: %(p)s") % {"p": Programme(programme).label}
    entry = _release(
        fund=fund, code=code, amount=amount, date=date or today(), memo=memo, actor=actor
    )
    if entry is None:
        raise ValueError(_("Nothing is earmarked for %(p)s.") % {"p": Programme(programme).label})
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_EARMARK_RELEASE,
        obj=fund,
        after={
            "programme": programme,
            "amount": str(entry.total_debit),
            "entry": entry.number,
            "reason": reason.strip(),
        },
    )
    return entry
