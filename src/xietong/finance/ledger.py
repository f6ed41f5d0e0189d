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
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import Jurisdiction

from . import explain
from .models import (
    DEBIT_NORMAL,
    Account,
    AccountKind,
    Fund,
    JointProject,
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


# Net assets, as 《民间非营利组织会计制度》(财会〔2004〕7号) keeps them: 3101 非限定性净资产
# (unrestricted) and 3102 限定性净资产 (restricted), the latter with one sub-fund per joint project
# (members' shares and contributions earmarked for it: 专款专用) and one per programme that donations
# are earmarked for.
UNRESTRICTED = "net:unrestricted"
RESTRICTED_PREFIX = "net:restricted:"


def project_fund(project) -> str:
    """The code of a joint project's restricted fund."""
    return f"{RESTRICTED_PREFIX}project:{getattr(project, 'pk', project)}"


def earmark_fund(programme: str) -> str:
    """The code of the restricted fund of donations earmarked for a programme."""
    return f"{RESTRICTED_PREFIX}earmark:{programme}"


def is_restricted(code: str) -> bool:
    return code.startswith(RESTRICTED_PREFIX)


FIXED_ACCOUNTS = {
    "cash:public": (AccountKind.CASH, gettext_lazy("Cash: public money"), {}),
    "cash:society": (
        AccountKind.CASH,
        gettext_lazy("Cash: society's money"),
        {"is_society": True},
    ),
    "income:contributions": (AccountKind.INCOME, gettext_lazy("Contributions of members"), {}),
    "income:projects": (AccountKind.INCOME, gettext_lazy("Joint project shares of members"), {}),
    "income:donations": (AccountKind.INCOME, gettext_lazy("Donations"), {"is_society": True}),
    UNRESTRICTED: (AccountKind.NET_ASSETS, gettext_lazy("Unrestricted net assets"), {}),
}


def _restricted_parts(code: str) -> tuple[str, str] | None:
    """'net:restricted:project:7' -> ('project', '7'); None if the code is not one."""
    if not is_restricted(code):
        return None
    what, _sep, key = code[len(RESTRICTED_PREFIX) :].partition(":")
    if what == "project" and key.isdigit():
        return what, key
    if what == "earmark" and key in Programme.values:
        return what, key
    return None


def account_spec(code: str) -> dict:
    """Kind, name and dimensions of an account from its code (the chart is fixed by convention).

    The stored ``name`` is the code's English name for the admin; pages show ``account_label``,
    in the reader's language."""
    if code in FIXED_ACCOUNTS:
        kind, name, extra = FIXED_ACCOUNTS[code]
        with translation.override(None):
            return {"kind": kind, "name": str(name), **extra}
    prefix, _sep, rest = code.partition(":")
    if prefix == "expense" and rest in Programme.values:
        return {"kind": AccountKind.EXPENSE, "name": f"Programme: {rest}", "programme": rest}
    parts = _restricted_parts(code)
    if parts is not None:
        what, key = parts
        if what == "project" and not JointProject.objects.filter(pk=int(key)).exists():
            raise ValueError(_("No joint project %(p)s.") % {"p": key})
        return {
            "kind": AccountKind.NET_ASSETS,
            "name": f"Restricted net assets: {what} {key}",
            "programme": key if what == "earmark" else "",
            "is_society": what == "earmark",
        }
    if prefix in ("recv", "clear") and re.fullmatch(r"[0-9]{12}", rest):
        member = Jurisdiction.objects.filter(code=rest).first()
        if member is None:
            raise ValueError(_("No jurisdiction with code %(c)s.") % {"c": rest})
        kind = AccountKind.RECEIVABLE if prefix == "recv" else AccountKind.CLEARING
        label = "Due from" if prefix == "recv" else "Settlement clearing"
        return {"kind": kind, "name": f"{label} {member.name_zh}", "member": member}
    raise ValueError(_("Unknown account %(c)s.") % {"c": code})


def account_label(code: str, *, projects: dict | None = None) -> str:
    """The name of an account in the reader's language."""
    if code in FIXED_ACCOUNTS:
        return str(FIXED_ACCOUNTS[code][1])
    prefix, _sep, rest = code.partition(":")
    if prefix == "expense" and rest in Programme.values:
        return _("Expenditure: %(p)s") % {"p": Programme(rest).label}
    parts = _restricted_parts(code)
    if parts is not None:
        what, key = parts
        if what == "earmark":
            return _("Restricted net assets: donations earmarked for %(p)s") % {
                "p": Programme(key).label
            }
        title = (projects or {}).get(int(key))
        if title is None:
            title = JointProject.objects.filter(pk=int(key)).values_list("title", flat=True)
            title = title.first() or key
        return _("Restricted net assets: joint project %(t)s") % {"t": title}
    if prefix in ("recv", "clear"):
        member = Jurisdiction.objects.filter(code=rest).first()
        name = member.display_name if member else rest
        if prefix == "recv":
            return _("Due from %(m)s") % {"m": name}
        return _("Settlement clearing: %(m)s") % {"m": name}
    return code


STANDARD_ACCOUNTS = [
    "cash:public",
    "cash:society",
    "income:contributions",
    "income:projects",
    "income:donations",
    UNRESTRICTED,
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


class PeriodClosed(ValueError):
    """The entry is dated in a closed accounting period."""


class RestrictedFundExceeded(ValueError):
    """The entry would take more out of a restricted fund than it holds (专款专用)."""


def _check_open(fund: Fund, date: dt.date) -> None:
    if fund.closed_through is not None and date <= fund.closed_through:
        raise PeriodClosed(
            _(
                "The accounts are closed up to %(c)s: an entry dated %(d)s is refused. Date it "
                "after %(c)s (a correction of a closed period goes into the current one)."
            )
            % {"c": fund.closed_through.isoformat(), "d": date.isoformat()}
        )


def _check_restricted(fund: Fund, checked: list) -> None:
    """No restricted fund may go below zero: what is spent from it (or released from it, or
    taken back by a reversal) cannot exceed what it holds. Runs under the fund's row lock, so of
    two disbursements at once the second sees the first."""
    out: dict[str, Decimal] = {}
    for code, d, c, _m in checked:
        if is_restricted(code):
            out[code] = out.get(code, ZERO) + d - c
    for code, taken in out.items():
        if taken <= 0:
            continue
        held = balance(fund, code)
        if taken > held:
            raise RestrictedFundExceeded(
                _(
                    "%(f)s holds %(h)s; %(x)s cannot be taken from it (restricted money is spent "
                    "only on its purpose and only up to what was received for it)."
                )
                % {"f": account_label(code), "h": explain.yuan(held), "x": explain.yuan(taken)}
            )


def _checked(lines: Iterable[Line]) -> tuple[list, Decimal, Decimal]:
    """The lines as (account, debit, credit, memo) with amounts parsed; refuses an entry of
    fewer than two lines, a line that is not one-sided, or one that does not balance."""
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
    return checked, total_d, total_c


def _accounts(fund: Fund, checked: list, create_accounts: bool) -> dict[str, Account]:
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
    return accounts


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
    checked, total_d, total_c = _checked(lines)
    fund = _lock_fund(fund)  # serialises postings to this fund; numbers are gap-free
    _check_open(fund, date)
    accounts = _accounts(fund, checked, create_accounts)
    _check_restricted(fund, checked)
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
        action=AuditAction.FINANCE_ENTRY_POST,
        obj=entry,
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
    projects = dict(JointProject.objects.filter(fund=fund).values_list("pk", "title"))
    for a in accounts:
        if not a.d and not a.c:
            continue
        a.d, a.c = cents(a.d), cents(a.c)
        normal = (a.d - a.c) if a.kind in DEBIT_NORMAL else (a.c - a.d)
        rows.append(
            {
                "code": a.code,
                "name": account_label(a.code, projects=projects),
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


def restricted_balances(
    fund: Fund, *, date_to: dt.date | None = None, prefix: str = RESTRICTED_PREFIX
) -> dict[str, Decimal]:
    """Balance of every restricted fund (account code -> amount held), from the ledger."""
    qs = JournalLine.objects.filter(entry__fund=fund, account__code__startswith=prefix)
    if date_to:
        qs = qs.filter(entry__date__lte=date_to)
    out: dict[str, Decimal] = {
        code: ZERO
        for code in Account.objects.filter(fund=fund, code__startswith=prefix).values_list(
            "code", flat=True
        )
    }
    for row in qs.values("account__code").annotate(d=Sum("debit"), c=Sum("credit")):
        out[row["account__code"]] = cents(row["c"]) - cents(row["d"])
    return out


def restricted_total(fund: Fund, *, society: bool) -> Decimal:
    """What the restricted funds of public money (projects) or of society's money (earmarked
    donations) hold together: cash that only their purposes may spend."""
    prefix = RESTRICTED_PREFIX + ("earmark:" if society else "project:")
    return sum(restricted_balances(fund, prefix=prefix).values(), ZERO)


def net_assets(fund: Fund, *, date_to: dt.date | None = None) -> dict:
    """Net assets at a date: unrestricted and restricted (per sub-fund).

    Income and expenditure are closed into unrestricted net assets when a period is closed;
    until then the surplus of the open period is added to the unrestricted figure, so the two
    always add up to assets less liabilities."""

    def nominal(kind) -> Decimal:
        qs = JournalLine.objects.filter(entry__fund=fund, account__kind=kind)
        if date_to:
            qs = qs.filter(entry__date__lte=date_to)
        d, c = _sums(qs)
        return c - d

    surplus = nominal(AccountKind.INCOME) + nominal(AccountKind.EXPENSE)  # expense: c - d < 0
    unrestricted = balance(fund, UNRESTRICTED, date_to=date_to) + surplus
    restricted = restricted_balances(fund, date_to=date_to)
    return {
        "unrestricted": unrestricted,
        "restricted": restricted,
        "restricted_total": sum(restricted.values(), ZERO),
        "total": unrestricted + sum(restricted.values(), ZERO),
    }


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
    if not 1900 <= year <= 2100:
        raise ValueError(_("Period %(p)r is outside the years 1900-2100.") % {"p": period})
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
