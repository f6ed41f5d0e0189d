"""The double-entry core: money parsing, the chart of accounts, posting and balances.

Posting is only reachable through ``finance.services`` (which checks scope first). ``post`` locks
the fund row, numbers the entry, checks that it balances, writes it with its lines and records it
in the audit chain, all in the caller's transaction: two postings to the same fund are serialised
by the row lock, and balances are always sums over lines, so nothing can be lost.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.regions.models import Jurisdiction

from .models import (
    DEBIT_NORMAL,
    Account,
    AccountKind,
    Fund,
    JournalEntry,
    JournalLine,
    Programme,
)

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def money(value, what: str = "amount") -> Decimal:
    """A Decimal with at most two places; floats are refused (they cannot hold 0.10 exactly)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise ValueError(
            _("%(what)s must be given as a decimal string or integer, not a float.")
            % {"what": what}
        )
    try:
        d = value if isinstance(value, Decimal) else Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise ValueError(
            _("%(what)s is not an amount: %(v)r.") % {"what": what, "v": value}
        ) from None
    if not d.is_finite():
        raise ValueError(_("%(what)s is not an amount: %(v)r.") % {"what": what, "v": value})
    # the size first: quantizing a number of more than 28 digits raises InvalidOperation
    if abs(d) >= Decimal(10) ** 16:
        raise ValueError(_("%(what)s is too large.") % {"what": what})
    if d != d.quantize(CENT):
        raise ValueError(
            _("%(what)s has more than two decimal places (%(v)s); amounts are exact to the fen.")
            % {"what": what, "v": d}
        )
    return d.quantize(CENT)


def cents(d) -> Decimal:
    """Sums come back from SQLite without their scale (600 for 600.00); give it back."""
    return Decimal(d or 0).quantize(CENT)


def to_fen(d: Decimal) -> int:
    return int((d * 100).to_integral_exact())


def from_fen(n: int) -> Decimal:
    return (Decimal(int(n)) / 100).quantize(CENT)


# ---- chart of accounts ---------------------------------------------------------------------


def account_spec(code: str) -> dict:
    """Kind, name and dimensions of an account from its code (the chart is fixed by convention)."""
    fixed = {
        "cash:public": (AccountKind.CASH, "Cash: public money", {}),
        "cash:society": (AccountKind.CASH, "Cash: society's money", {"is_society": True}),
        "income:contributions": (AccountKind.INCOME, "Contributions of members", {}),
        "income:projects": (AccountKind.INCOME, "Joint project shares of members", {}),
        "income:donations": (AccountKind.INCOME, "Donations", {"is_society": True}),
    }
    if code in fixed:
        kind, name, extra = fixed[code]
        return {"kind": kind, "name": name, **extra}
    prefix, _sep, rest = code.partition(":")
    if prefix == "expense" and rest in Programme.values:
        return {"kind": AccountKind.EXPENSE, "name": f"Programme: {rest}", "programme": rest}
    if prefix in ("recv", "clear") and re.fullmatch(r"[0-9]{12}", rest):
        member = Jurisdiction.objects.filter(code=rest).first()
        if member is None:
            raise ValueError(_("No jurisdiction with code %(c)s.") % {"c": rest})
        kind = AccountKind.RECEIVABLE if prefix == "recv" else AccountKind.CLEARING
        label = "Due from" if prefix == "recv" else "Settlement clearing"
        return {"kind": kind, "name": f"{label} {member.name_zh}", "member": member}
    raise ValueError(_("Unknown account %(c)s.") % {"c": code})


STANDARD_ACCOUNTS = [
    "cash:public",
    "cash:society",
    "income:contributions",
    "income:projects",
    "income:donations",
] + [f"expense:{p}" for p in Programme.values]


def account_ensure(fund: Fund, code: str) -> Account:
    acc = Account.objects.filter(fund=fund, code=code).first()
    if acc is None:
        acc = Account.objects.create(fund=fund, code=code, **account_spec(code))
    return acc


def fund_members(fund: Fund) -> list[Jurisdiction]:
    return list(
        Jurisdiction.objects.filter(memberships__area_id=fund.area_id).order_by("code").distinct()
    )


# ---- posting -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Line:
    account: str
    debit: Decimal = ZERO
    credit: Decimal = ZERO
    memo: str = ""


def _lock_fund(fund: Fund) -> Fund:
    return Fund.objects.select_for_update().get(pk=fund.pk)


def post(
    *,
    fund: Fund,
    date: dt.date,
    kind: str,
    memo: str,
    lines: Iterable[Line],
    actor,
    reverses: JournalEntry | None = None,
    create_accounts: bool = True,
) -> JournalEntry:
    """Write one balanced entry. The caller has checked scope and holds a transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.post must run inside transaction.atomic()")
    if not isinstance(date, dt.date):
        raise ValueError(_("The date of an entry must be a date."))
    lines = list(lines)
    if len(lines) < 2:
        raise ValueError(_("A journal entry needs at least two lines."))
    checked = []
    for i, ln in enumerate(lines, start=1):
        d = money(ln.debit, _("debit of line %(i)d") % {"i": i})
        c = money(ln.credit, _("credit of line %(i)d") % {"i": i})
        if d < 0 or c < 0 or (d > 0) == (c > 0):
            raise ValueError(
                _("Line %(i)d must have either a positive debit or a positive credit.") % {"i": i}
            )
        checked.append((ln.account, d, c, ln.memo))
    total_d = sum((d for _a, d, _c, _m in checked), ZERO)
    total_c = sum((c for _a, _d, c, _m in checked), ZERO)
    if total_d != total_c:
        raise ValueError(
            _("The entry does not balance: debits %(d)s, credits %(c)s.")
            % {"d": total_d, "c": total_c}
        )
    fund = _lock_fund(fund)  # serialises postings to this fund; numbers are gap-free
    accounts = {}
    for code, *_rest in checked:
        if code in accounts:
            continue
        acc = Account.objects.filter(fund=fund, code=code).first()
        if acc is None:
            if not create_accounts:
                raise ValueError(_("Unknown account %(c)s.") % {"c": code})
            acc = account_ensure(fund, code)
        accounts[code] = acc
    number = fund.last_number + 1
    Fund.objects.filter(pk=fund.pk).update(last_number=number)
    entry = JournalEntry.objects.create(
        fund=fund,
        number=number,
        date=date,
        kind=kind,
        memo=memo[:300],
        currency=fund.currency,
        total_debit=total_d,
        total_credit=total_c,
        reverses=reverses,
        posted_by=actor if getattr(actor, "pk", None) else None,
    )
    JournalLine.objects.bulk_create(
        [
            JournalLine(
                entry=entry,
                account=accounts[code],
                debit=d,
                credit=c,
                currency=fund.currency,
                memo=m[:300],
            )
            for code, d, c, m in checked
        ]
    )
    audit_record(
        actor=actor,
        action="finance.entry_post",
        object_type="finance.JournalEntry",
        object_id=f"{fund.area.slug}#{number}",
        after={
            "date": date.isoformat(),
            "kind": kind,
            "memo": memo,
            "currency": fund.currency,
            "reverses": reverses.number if reverses else None,
            "lines": [[code, str(d), str(c)] for code, d, c, _m in checked],
        },
    )
    return entry


class AlreadyReversed(ValueError):
    """The entry has a reversal already, perhaps posted a moment ago by someone else (HTTP 409)."""


def reverse(*, entry: JournalEntry, date: dt.date, memo: str, actor) -> JournalEntry:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("ledger.reverse must run inside transaction.atomic()")
    if entry.reverses_id is not None:
        raise ValueError(_("A reversing entry cannot itself be reversed; post the entry again."))
    # The fund lock before the check: of two reversals at once, the second waits here until the
    # first commits and then sees it, instead of both passing the check and one failing on the
    # database's unique constraint.
    _lock_fund(entry.fund)
    if JournalEntry.objects.filter(reverses=entry).exists():
        raise AlreadyReversed(_("Entry #%(n)d has already been reversed.") % {"n": entry.number})
    lines = [
        Line(account=ln.account.code, debit=ln.credit, credit=ln.debit, memo=ln.memo)
        for ln in entry.lines.select_related("account")
    ]
    return post(
        fund=entry.fund,
        date=date,
        kind="reversal",
        memo=memo or _("Reversal of entry #%(n)d") % {"n": entry.number},
        lines=lines,
        actor=actor,
        reverses=entry,
    )


# ---- balances ------------------------------------------------------------------------------


def _sums(qs) -> tuple[Decimal, Decimal]:
    agg = qs.aggregate(
        d=Coalesce(Sum("debit"), ZERO),
        c=Coalesce(Sum("credit"), ZERO),
    )
    return cents(agg["d"]), cents(agg["c"])


def balance(
    fund: Fund, code: str, *, date_to: dt.date | None = None, date_from: dt.date | None = None
) -> Decimal:
    """Balance on the account's normal side (debit for cash, receivables, expenses)."""
    qs = JournalLine.objects.filter(entry__fund=fund, account__code=code)
    if date_to:
        qs = qs.filter(entry__date__lte=date_to)
    if date_from:
        qs = qs.filter(entry__date__gte=date_from)
    d, c = _sums(qs)
    acc = Account.objects.filter(fund=fund, code=code).first()
    if acc is None:
        return ZERO
    return (d - c) if acc.kind in DEBIT_NORMAL else (c - d)


def trial_balance(
    fund: Fund, *, date_from: dt.date | None = None, date_to: dt.date | None = None
) -> dict:
    """Debits and credits per account in the period; their totals are always equal."""
    flt = Q(lines__entry__fund=fund)
    if date_from:
        flt &= Q(lines__entry__date__gte=date_from)
    if date_to:
        flt &= Q(lines__entry__date__lte=date_to)
    rows = []
    td = tc = ZERO
    accounts = (
        Account.objects.filter(fund=fund)
        .select_related("member")
        .annotate(
            d=Coalesce(Sum("lines__debit", filter=flt), ZERO),
            c=Coalesce(Sum("lines__credit", filter=flt), ZERO),
        )
        .order_by("code")
    )
    for a in accounts:
        if not a.d and not a.c:
            continue
        a.d, a.c = cents(a.d), cents(a.c)
        normal = (a.d - a.c) if a.kind in DEBIT_NORMAL else (a.c - a.d)
        rows.append(
            {
                "code": a.code,
                "name": a.name,
                "kind": a.kind,
                "member": a.member_id,
                "is_society": a.is_society,
                "debit": a.d,
                "credit": a.c,
                "balance": normal,
            }
        )
        td += a.d
        tc += a.c
    return {"rows": rows, "total_debit": td, "total_credit": tc, "balanced": td == tc}


# ---- periods -------------------------------------------------------------------------------


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    """'2024', '2024-03', '2024-Q2' or '2024-H1' -> first and last day."""
    p = (period or "").strip().upper()
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})|-Q([1-4])|-H([12]))?", p)
    if not m:
        raise ValueError(
            _(
                "Period %(p)r is not a year, month, quarter or half (2024, 2024-03, 2024-Q2, 2024-H1)."
            )
            % {"p": period}
        )
    year = int(m.group(1))
    if m.group(2):
        month = int(m.group(2))
        if not 1 <= month <= 12:
            raise ValueError(_("Period %(p)r has no such month.") % {"p": period})
        first, last = month, month
    elif m.group(3):
        q = int(m.group(3))
        first, last = 3 * q - 2, 3 * q
    elif m.group(4):
        h = int(m.group(4))
        first, last = 6 * h - 5, 6 * h
    else:
        first, last = 1, 12
    return dt.date(year, first, 1), dt.date(year, last, calendar.monthrange(year, last)[1])
