"""Reads on the fund, already cut to what the caller may see.

Levels of access to a fund:

* ``manage``: the area's secretariat (and the administrator): everything;
* ``member``: the bureau of a member (at or above the member's jurisdiction): everything about the
  fund's rounds, projects, agreements and settlements (members decide together, so they see each
  other's shares), but statements only of the members it acts for;
* ``public``: anyone else, including bureaus below a member and anonymous visitors: nothing until
  the secretariat publishes the totals, then only the fund-level totals (contributions received,
  donations received, disbursed per programme, cash at hand), never per-member figures.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.db.models import Exists, OuterRef, Prefetch, QuerySet, Sum
from django.db.models.functions import Coalesce

from xietong.accounts.scope import Scope
from xietong.caching import versioned_cached
from xietong.regions.models import Jurisdiction

from . import classification, ledger
from .ledger import ZERO
from .models import (
    AccountingPeriod,
    AccountKind,
    Agreement,
    Charge,
    ContributionRound,
    Disbursement,
    Donation,
    EntryKind,
    FlowRecord,
    Fund,
    JointProject,
    JournalEntry,
    JournalLine,
    Programme,
    Settlement,
)
from .services import can_manage, charge_paid

T = TypeVar("T")


def access(scope: Scope, fund: Fund) -> str:
    if can_manage(scope, fund):
        return "manage"
    if any(scope.acts_for(j.code) for j in ledger.fund_members(fund)):
        return "member"
    return "public"


def fund_list(*, scope: Scope) -> list[tuple[Fund, str]]:
    """Funds with the caller's access; the public sees only funds whose totals are published."""
    out = []
    for f in Fund.objects.select_related("area").order_by("area_id"):
        level = access(scope, f)
        if level != "public" or f.totals_published:
            out.append((f, level))
    return out


def fund_get(*, scope: Scope, slug: str) -> tuple[Fund | None, str]:
    f = Fund.objects.select_related("area").filter(area__slug=slug).first()
    if f is None:
        return None, ""
    level = access(scope, f)
    if level == "public" and not f.totals_published:
        return None, ""
    return f, level


def may_see_member(scope: Scope, fund: Fund, member_code: str) -> bool:
    return can_manage(scope, fund) or scope.acts_for(member_code)


def _sum(qs, field: str = "amount") -> Decimal:
    return ledger.cents(qs.aggregate(s=Sum(field))["s"])


def ledger_cached(fund: Fund, name: str, parts: tuple, build: Callable[[], T]) -> T:
    """``build()``, cached under the fund's ledger version: every posting and reversal takes
    the next entry number (``ledger.post`` writes ``Fund.last_number`` under the fund's row
    lock; read afresh here, not from the caller's copy), so a figure computed from the journal alone is valid until that number moves.
    ``parts``: what else the result depends on (the language of a chart)."""
    number = Fund.objects.filter(pk=fund.pk).values_list("last_number", flat=True).first()
    return versioned_cached(f"xt:fund:{name}:{fund.pk}:{number}", parts, build)


def public_totals(fund: Fund) -> dict:
    """The figures the public sees once published: fund-level totals only (all from the
    journal: cached under the ledger version)."""
    return ledger_cached(fund, "totals", (), lambda: _public_totals(fund))


def _public_totals(fund: Fund) -> dict:
    live = JournalEntry.objects.filter(fund=fund, reversed_by__isnull=True, reverses__isnull=True)
    received = _sum(
        JournalLine.objects.filter(
            entry__in=live, entry__kind=EntryKind.RECEIPT, account__code="cash:public"
        ),
        "debit",
    )
    donations = _sum(Donation.objects.filter(fund=fund, entry__reversed_by__isnull=True))
    by_programme = {}
    for p in Programme:
        amount = _sum(
            Disbursement.objects.filter(
                fund=fund, programme=p.value, entry__reversed_by__isnull=True
            )
        )
        if amount:
            by_programme[p.value] = amount
    called = _sum(Charge.objects.filter(fund=fund, call_entry__isnull=False))
    return {
        "currency": fund.currency,
        "called_from_members": called,
        "received_from_members": received,
        "donations_received": donations,
        "disbursed": sum(by_programme.values(), ZERO),
        "disbursed_by_programme": by_programme,
        "cash_public": ledger.balance(fund, "cash:public"),
        "cash_society": ledger.balance(fund, "cash:society"),
        # what of that cash only its purposes may spend (joint projects; donors' earmarks)
        "restricted_public": ledger.restricted_total(fund, society=False),
        "restricted_society": ledger.restricted_total(fund, society=True),
    }


def contributions_by_member(fund: Fund, *, round: ContributionRound | None = None) -> list[dict]:
    """Shares against payments per member: called, paid and arrears, over rounds and projects."""
    charges = Charge.objects.filter(fund=fund).select_related("member", "round", "project")
    if round is not None:
        charges = charges.filter(round=round)
    rows: dict[str, dict] = {}
    for m in ledger.fund_members(fund):
        rows[m.code] = {
            "member": m.code,
            "name": m.display_name,
            "share": ZERO,
            "called": ZERO,
            "paid": ZERO,
            "arrears": ZERO,
            "approved": True,
        }
    for c in charges:
        r = rows.setdefault(
            c.member_id,
            {
                "member": c.member_id,
                "name": c.member.display_name,
                "share": ZERO,
                "called": ZERO,
                "paid": ZERO,
                "arrears": ZERO,
                "approved": True,
            },
        )
        r["share"] += c.amount
        r["approved"] = r["approved"] and bool(c.approved_at)
        if c.call_entry_id:
            paid = charge_paid(c)
            r["called"] += c.amount
            r["paid"] += paid
            r["arrears"] += c.amount - paid
    return list(rows.values())


def charge_list(*, fund: Fund, member: str | None = None) -> QuerySet[Charge]:
    qs = Charge.objects.filter(fund=fund).select_related("member", "round", "project")
    if member:
        qs = qs.filter(member_id=member)
    return qs.order_by("id")


def round_list(*, fund: Fund) -> QuerySet[ContributionRound]:
    return ContributionRound.objects.filter(fund=fund).prefetch_related(
        Prefetch("charges", queryset=Charge.objects.select_related("member").order_by("member"))
    )


def project_list(*, fund: Fund) -> QuerySet[JointProject]:
    return JointProject.objects.filter(fund=fund).prefetch_related("charges__member")


def agreement_list(*, fund: Fund) -> QuerySet[Agreement]:
    return Agreement.objects.filter(fund=fund).select_related("payer", "payee")


def flow_list(*, fund: Fund, period: str | None = None) -> QuerySet[FlowRecord]:
    qs = FlowRecord.objects.filter(agreement__fund=fund).select_related(
        "agreement__payer", "agreement__payee"
    )
    if period:
        qs = qs.filter(period=period)
    return qs


def settlement_list(*, fund: Fund) -> QuerySet[Settlement]:
    return Settlement.objects.filter(fund=fund).prefetch_related(
        "positions__member", "transfers__payer", "transfers__payee"
    )


def entry_list(
    *,
    scope: Scope,
    fund: Fund,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[JournalEntry]:
    """The journal: all of it for the fund's managers; for a member's bureau the fund-level
    entries and those on the accounts of the members it acts for (its statements), not the
    payments and transfers of the others."""
    qs = JournalEntry.objects.filter(fund=fund).prefetch_related("lines__account")
    if not can_manage(scope, fund):
        mine = [m.code for m in ledger.fund_members(fund) if scope.acts_for(m.code)]
        lines = JournalLine.objects.filter(entry=OuterRef("pk"))
        qs = qs.filter(
            Exists(lines.filter(account__member_id__in=mine))
            | ~Exists(lines.filter(account__member__isnull=False))
        )
    if date_from:
        qs = qs.filter(date__gte=date_from)
    if date_to:
        qs = qs.filter(date__lte=date_to)
    return qs.select_related("reverses").order_by("number")


def member_statement(
    fund: Fund, member: Jurisdiction, *, date_from: dt.date, date_to: dt.date
) -> dict:
    """Opening balance, every ledger line on the member's accounts in the period, closing balance.

    Both accounts are read from the member's side: the receivable (what it owes the fund for
    contributions and project shares) and the clearing account (what it owes other members, net,
    under agreements; negative = others owe it)."""
    accounts = [f"recv:{member.code}", f"clear:{member.code}"]
    opening = ZERO
    for code in accounts:
        qs = JournalLine.objects.filter(
            entry__fund=fund, account__code=code, entry__date__lt=date_from
        ).aggregate(d=Sum("debit"), c=Sum("credit"))
        opening += ledger.cents(qs["d"]) - ledger.cents(qs["c"])
    lines = (
        JournalLine.objects.filter(
            entry__fund=fund,
            account__code__in=accounts,
            entry__date__gte=date_from,
            entry__date__lte=date_to,
        )
        .select_related("entry", "account")
        .order_by("entry__date", "entry__number", "id")
    )
    rows = []
    running = opening
    for ln in lines:
        running += ln.debit - ln.credit
        rows.append(
            {
                "date": ln.entry.date,
                "number": ln.entry.number,
                "kind": ln.entry.kind,
                "account": ln.account.code,
                "memo": ln.entry.memo,
                "owes_more": ln.debit,
                "owes_less": ln.credit,
                "balance": running,
            }
        )
    return {
        "member": member.code,
        "name": member.display_name,
        "currency": fund.currency,
        "date_from": date_from,
        "date_to": date_to,
        "opening": opening,
        "rows": rows,
        "closing": running,
    }


# ---- fund accounting: restricted funds, periods, the statement of a period -----------------


def restricted_funds(fund: Fund, *, date_to: dt.date | None = None) -> list[dict]:
    """Every restricted fund with what came in, what went out and what it holds, read from its
    net-asset account in the ledger."""
    projects = {p.pk: p for p in JointProject.objects.filter(fund=fund)}
    qs = JournalLine.objects.filter(
        entry__fund=fund, account__code__startswith=ledger.RESTRICTED_PREFIX
    )
    if date_to:
        qs = qs.filter(entry__date__lte=date_to)
    sums = {
        r["account__code"]: (ledger.cents(r["c"]), ledger.cents(r["d"]))
        for r in qs.values("account__code").annotate(c=Sum("credit"), d=Sum("debit"))
    }
    rows = []
    for code in sorted(sums):
        what, _sep, key = code[len(ledger.RESTRICTED_PREFIX) :].partition(":")
        received, used = sums[code]
        project = projects.get(int(key)) if what == "project" and key.isdigit() else None
        rows.append(
            {
                "code": code,
                "kind": what,
                "project": project.pk if project else None,
                "programme": key if what == "earmark" else (project.programme if project else ""),
                "closed": bool(project and project.status == "closed"),
                "name": ledger.account_label(
                    code, projects={k: p.title for k, p in projects.items()}
                ),
                "society": what == "earmark",
                "received": received,
                "used": used,
                "balance": received - used,
            }
        )
    return rows


def period_list(*, fund: Fund) -> QuerySet[AccountingPeriod]:
    return AccountingPeriod.objects.filter(fund=fund).select_related("closing_entry", "closed_by")


def _expenditure_by_function(
    fund: Fund, date_from: dt.date, date_to: dt.date
) -> dict[str, Decimal]:
    """Expense lines of the period by the functional classification of the disbursement that
    posted them (a reversal counts against its original's code; '' = not classified, e.g. a
    manual entry). Closing entries are not expenditure."""
    qs = (
        JournalLine.objects.filter(
            entry__fund=fund,
            account__kind=AccountKind.EXPENSE,
            entry__date__gte=date_from,
            entry__date__lte=date_to,
        )
        .exclude(entry__kind=EntryKind.CLOSING)
        .annotate(
            fc=Coalesce(
                "entry__disbursement__function_code",
                "entry__reverses__disbursement__function_code",
            )
        )
        .values("fc")
        .annotate(d=Sum("debit"), c=Sum("credit"))
    )
    out: dict[str, Decimal] = {}
    for r in qs:
        code = r["fc"] or ""
        out[code] = out.get(code, ZERO) + ledger.cents(r["d"]) - ledger.cents(r["c"])
    return {k: v for k, v in out.items() if v}


def expenditure_rows(items: dict[str, Decimal]) -> list[dict]:
    """Class, section and item rows with their totals, in code order, as a 决算 table prints
    them; unclassified spending last."""
    totals: dict[str, Decimal] = {}
    for code, amount in items.items():
        if not code:
            continue
        for head in [*classification.parents(code), code]:
            totals[head] = totals.get(head, ZERO) + amount
    rows = [
        {
            "code": code,
            "level": {3: "class", 5: "section", 7: "item"}[len(code)],
            "name": classification.name(code),
            "amount": totals[code],
        }
        for code in sorted(totals)
    ]
    if items.get(""):
        rows.append({"code": "", "level": "item", "name": "", "amount": items[""]})
    return rows


def fund_report(fund: Fund, *, date_from: dt.date, date_to: dt.date) -> dict:
    """The statement of a period: income by source, expenditure by functional classification,
    and net assets (unrestricted; restricted per fund) at the start and the end. For a closed
    period every figure is final: the ledger refuses entries dated in it."""
    live = JournalLine.objects.filter(
        entry__fund=fund, entry__date__gte=date_from, entry__date__lte=date_to
    ).exclude(entry__kind=EntryKind.CLOSING)
    income = []
    for r in (
        live.filter(account__kind=AccountKind.INCOME)
        .values("account__code")
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by("account__code")
    ):
        amount = ledger.cents(r["c"]) - ledger.cents(r["d"])
        if amount:
            income.append(
                {
                    "code": r["account__code"],
                    "name": ledger.account_label(r["account__code"]),
                    "amount": amount,
                }
            )
    items = _expenditure_by_function(fund, date_from, date_to)
    expenditure = sum(items.values(), ZERO)
    opening = ledger.net_assets(fund, date_to=date_from - dt.timedelta(days=1))
    closing = ledger.net_assets(fund, date_to=date_to)
    names = {r["code"]: r["name"] for r in restricted_funds(fund)}
    restricted = [
        {
            "code": code,
            "name": names.get(code, ledger.account_label(code)),
            "opening": opening["restricted"].get(code, ZERO),
            "closing": amount,
        }
        for code, amount in sorted(closing["restricted"].items())
        if amount or opening["restricted"].get(code)
    ]
    closed = fund.closed_through is not None and date_to <= fund.closed_through
    return {
        "currency": fund.currency,
        "date_from": date_from,
        "date_to": date_to,
        "closed": closed,
        "closed_through": fund.closed_through,
        "income": income,
        "income_total": sum((r["amount"] for r in income), ZERO),
        "expenditure": expenditure_rows(items),
        "expenditure_total": expenditure,
        "net_assets": {
            "unrestricted": {
                "opening": opening["unrestricted"],
                "closing": closing["unrestricted"],
            },
            "restricted": restricted,
            "total": {"opening": opening["total"], "closing": closing["total"]},
        },
    }
