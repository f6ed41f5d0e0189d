"""What every finance workflow shares: who may manage a fund, membership checks, today's date,
the call for payment and the restricted-fund lines."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope
from xietong.regions.models import Jurisdiction

from .. import ledger
from ..ledger import UNRESTRICTED, ZERO, Line
from ..models import (
    EntryKind,
    Fund,
    JointProject,
    Stage,
)


def can_manage(scope: Scope, fund: Fund) -> bool:
    return scope.can_manage_area(fund.area_id)


def require_manage(scope: Scope, fund: Fund) -> None:
    """Refuse unless the caller may manage ``fund`` (its secretariat or the admin)."""
    scope.require(can_manage(scope, fund), _("manage the fund of %(a)s") % {"a": fund.area})


def member_codes(fund: Fund) -> list[str]:
    return [j.code for j in ledger.fund_members(fund)]


def require_member(fund: Fund, member: Jurisdiction) -> None:
    if member.code not in member_codes(fund):
        raise ValueError(
            _("%(m)s is not a member of %(a)s.") % {"m": member.display_name, "a": fund.area}
        )


def today() -> dt.date:
    """The date forms propose and services default to: today in the deployment's time zone."""
    return timezone.localdate()


def call_for_payment(*, source, charges, income_account: str, date: dt.date, memo: str, actor):
    if source.status != Stage.FROZEN:
        raise ValueError(_("Only a frozen rule can be called for payment."))
    pending = [c.member.display_name for c in charges if not c.approved_at]
    if pending:
        raise ValueError(_("Waiting for the approval of: %(m)s.") % {"m": ", ".join(pending)})
    lines = [
        Line(account=f"recv:{c.member_id}", debit=c.amount, memo=memo)
        for c in charges
        if c.amount > 0
    ]
    total = sum((c.amount for c in charges), ZERO)
    lines.append(Line(account=income_account, credit=total, memo=memo))
    entry = ledger.post(
        fund=source.fund, date=date, kind=EntryKind.CALL, memo=memo, lines=lines, actor=actor
    )
    for c in charges:
        c.call_entry = entry
        c.save(update_fields=["call_entry"])
    source.status = Stage.CALLED
    return entry


def restrict_lines(fund_code: str, amount: Decimal) -> list[Line]:
    """Reclassify ``amount`` of net assets from unrestricted to a restricted fund."""
    return [
        Line(account=UNRESTRICTED, debit=amount),
        Line(account=fund_code, credit=amount),
    ]


def release_lines(fund_code: str, amount: Decimal) -> list[Line]:
    """Release ``amount`` from a restricted fund to unrestricted net assets (its purpose is met,
    by spending on it or by closing it)."""
    return [
        Line(account=fund_code, debit=amount),
        Line(account=UNRESTRICTED, credit=amount),
    ]


def require_open_project(fund: Fund, project: JointProject) -> None:
    if project.fund_id != fund.pk:
        raise ValueError(_("The project belongs to another fund."))
    if project.status in (Stage.CLOSED, Stage.WITHDRAWN):
        raise ValueError(
            _("The joint project %(t)s is %(s)s.")
            % {"t": project.title, "s": project.get_status_display()}
        )
