"""Every write on the regional fund: keyword-only, atomic, scope-checked, audited.

Who may do what (re-checked here on every write, whatever the page or API did):

* the area's secretariat (and the platform administrator / the operator's process, ``actor=None``)
  manages the fund: opens it, creates rounds, projects, settlements, donations and disbursements,
  freezes rules, calls for payment, reverses entries, publishes totals;
* the bureau of a member (a bureau whose jurisdiction is the member or above it) approves its own
  share and its side of agreements and settlements, declares its own weights while a round is a
  draft, records its own payments and flows, and marks its own settlement transfers paid;
* nobody else writes.
"""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope, scope_for
from xietong.algorithms import cost_sharing, netting
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import CooperationArea, Jurisdiction

from . import classification, explain, ledger
from .ledger import UNRESTRICTED, ZERO, Line, from_fen, money, to_fen
from .models import (
    Agreement,
    AgreementKind,
    Charge,
    ContributionRound,
    Criterion,
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    EntryKind,
    FlowRecord,
    Fund,
    JointProject,
    JournalEntry,
    Payment,
    Programme,
    ProjectRule,
    RoundWeight,
    Settlement,
    SettlementPosition,
    SettlementStatus,
    SettlementTransfer,
    Stage,
)

# ---- scope helpers -------------------------------------------------------------------------


def can_manage(scope: Scope, fund: Fund) -> bool:
    return scope.can_manage_area(fund.area_id)


def require_manage(scope: Scope, fund: Fund) -> None:
    """Refuse unless the caller may manage ``fund`` (its secretariat or the admin)."""
    scope.require(can_manage(scope, fund), _("manage the fund of %(a)s") % {"a": fund.area})


def _member_codes(fund: Fund) -> list[str]:
    return [j.code for j in ledger.fund_members(fund)]


def _require_member(fund: Fund, member: Jurisdiction) -> None:
    if member.code not in _member_codes(fund):
        raise ValueError(
            _("%(m)s is not a member of %(a)s.") % {"m": member.display_name, "a": fund.area}
        )


def today() -> dt.date:
    """The date forms propose and services default to: today in the deployment's time zone."""
    return timezone.localdate()


# ---- the fund ------------------------------------------------------------------------------


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


# ---- contribution rounds -------------------------------------------------------------------


def _parse_mix(mix: dict) -> dict[str, str]:
    if not isinstance(mix, dict) or not mix:
        raise ValueError(_("Give the rule as criterion shares, e.g. students 40, population 30."))
    out = {}
    for k, v in mix.items():
        if k not in Criterion.values:
            raise ValueError(
                _("Unknown criterion %(k)s; use one of %(all)s.")
                % {"k": k, "all": ", ".join(Criterion.values)}
            )
        share = money(v, _("share of %(k)s") % {"k": k})
        if share < 0:
            raise ValueError(_("Shares of the rule must not be negative."))
        out[k] = str(share)
    total = sum(Fraction(v) for v in out.values())
    if total <= 0:
        raise ValueError(_("The shares of the rule add up to zero."))
    if total != 100:
        # The rule is declared in percent; a mix adding to 90 would leave a tenth of the
        # contributions to no criterion (or silently rescale everyone's share).
        raise ValueError(
            _("The shares of the rule add up to %(s)s%%, not 100%%.")
            % {"s": format(Decimal(total.numerator) / Decimal(total.denominator), "f")}
        )
    return out


def _parse_bounds(fund: Fund, bounds: dict | None, what: str) -> dict[str, str]:
    out = {}
    members = _member_codes(fund)
    for code, v in (bounds or {}).items():
        if code not in members:
            raise ValueError(_("%(c)s is not a member of this area.") % {"c": code})
        amount = money(v, what)
        if amount < 0:
            raise ValueError(_("%(w)s must not be negative.") % {"w": what})
        out[code] = str(amount)
    return out


@transaction.atomic
def round_create(
    *,
    fund: Fund,
    title: str,
    year: int,
    total,
    mix: dict,
    actor,
    floors: dict | None = None,
    caps: dict | None = None,
    project: JointProject | None = None,
) -> ContributionRound:
    """A contribution round; with ``project``, what members pay under it is earmarked for that
    joint project and goes to the project's restricted fund."""
    require_manage(scope_for(actor), fund)
    if project is not None:
        _require_open_project(fund, project)
    total = money(total, _("total"))
    if total <= 0:
        raise ValueError(_("The total of a round must be positive."))
    if not title.strip():
        raise ValueError(_("Give the round a title."))
    if not 1949 <= int(year) <= 2100:
        raise ValueError(
            _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": year, "lo": 1949, "hi": 2100}
        )
    r = ContributionRound.objects.create(
        fund=fund,
        title=title.strip(),
        year=int(year),
        total=total,
        mix=_parse_mix(mix),
        floors=_parse_bounds(fund, floors, _("floor")),
        caps=_parse_bounds(fund, caps, _("cap")),
        project=project,
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_ROUND_CREATE,
        obj=r,
        after={
            "title": r.title,
            "year": r.year,
            "total": str(total),
            "mix": r.mix,
            "project": project.pk if project is not None else None,
        },
    )
    return r


@transaction.atomic
def round_weights_set(
    *, round: ContributionRound, member: Jurisdiction, values: dict, actor
) -> list[RoundWeight]:
    """Declare a member's weights (students, population, ...) while the round is a draft."""
    scope = scope_for(actor)
    scope.require(
        can_manage(scope, round.fund) or scope.acts_for(member.code),
        _("declare weights of %(m)s") % {"m": member.display_name},
    )
    round = ContributionRound.objects.select_for_update().get(pk=round.pk)
    if round.status != Stage.DRAFT:
        raise ValueError(_("The rule of this round is frozen; weights can no longer change."))
    _require_member(round.fund, member)
    out = []
    before = {
        w.criterion: str(w.value) for w in RoundWeight.objects.filter(round=round, member=member)
    }
    for crit, v in values.items():
        if crit not in Criterion.values or crit == Criterion.EQUAL:
            raise ValueError(_("Unknown criterion %(k)s.") % {"k": crit})
        if isinstance(v, float | bool):
            raise ValueError(_("Weights must be decimal strings or integers, not floats."))
        try:
            value = Decimal(str(v))
        except Exception:
            raise ValueError(
                _("Weight %(k)s is not a number: %(v)r.") % {"k": crit, "v": v}
            ) from None
        if not value.is_finite() or value < 0:
            raise ValueError(_("Weight %(k)s must be a number >= 0.") % {"k": crit})
        w, _created = RoundWeight.objects.update_or_create(
            round=round, member=member, criterion=crit, defaults={"value": value}
        )
        out.append(w)
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_ROUND_WEIGHTS_SET,
        obj=round,
        before={"member": member.code, "weights": before},
        after={"member": member.code, "weights": {w.criterion: str(w.value) for w in out}},
    )
    return out


def round_compute(round: ContributionRound) -> tuple[list[Jurisdiction], object, dict]:
    """The allocation under the round's rule and weights (no writes)."""
    members = ledger.fund_members(round.fund)
    if not members:
        raise ValueError(_("The area has no members."))
    weights = {}
    recorded = {
        (w.member_id, w.criterion): w.value for w in RoundWeight.objects.filter(round=round)
    }
    # criteria in their fixed order (PostgreSQL's jsonb does not keep the order of keys), so
    # that explanations list them the same way on every database
    order = {c: i for i, c in enumerate(Criterion.values)}
    for crit in sorted(round.mix, key=lambda c: order.get(c, len(order))):
        if crit == Criterion.EQUAL:
            continue
        vec = []
        for m in members:
            if (m.code, crit) not in recorded:
                raise ValueError(
                    _("%(m)s has not declared %(k)s.") % {"m": m.display_name, "k": crit}
                )
            vec.append(recorded[(m.code, crit)])
        weights[crit] = vec
    mix = {
        k: Fraction(round.mix[k]) for k in sorted(round.mix, key=lambda c: order.get(c, len(order)))
    }
    floors = [to_fen(money(round.floors.get(m.code, "0"))) for m in members]
    caps = [to_fen(money(round.caps[m.code])) if m.code in round.caps else None for m in members]
    labels = [m.code for m in members]  # explanations name members by code, pages by name
    if not weights:  # equal shares only
        alloc = cost_sharing.proportional_shares(
            to_fen(round.total), [1] * len(members), floors=floors, caps=caps, labels=labels
        )
    else:
        alloc = cost_sharing.proportional_shares(
            to_fen(round.total), weights, mix=mix, floors=floors, caps=caps, labels=labels
        )
    snapshot = {
        "total": str(round.total),
        "mix": round.mix,
        "floors": round.floors,
        "caps": round.caps,
        "members": [m.code for m in members],
        "weights": {k: [str(x) for x in v] for k, v in weights.items()},
    }
    return members, alloc, snapshot


@transaction.atomic
def round_freeze(*, round: ContributionRound, actor) -> ContributionRound:
    """Freeze the rule and weights and compute every member's share, exact to the fen."""
    require_manage(scope_for(actor), round.fund)
    round = ContributionRound.objects.select_for_update().get(pk=round.pk)
    if round.status != Stage.DRAFT:
        raise ValueError(_("This round is already frozen."))
    members, alloc, snapshot = round_compute(round)
    for m, share in zip(members, alloc.shares, strict=True):
        Charge.objects.create(
            fund=round.fund,
            member=m,
            round=round,
            amount=from_fen(share.amount),
            explanation={"rule": "share", **share.record()},
        )
    round.status = Stage.FROZEN
    round.frozen_rule = snapshot
    round.explanation = alloc.record()
    round.save(update_fields=["status", "frozen_rule", "explanation"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_ROUND_FREEZE,
        obj=round,
        after={
            **snapshot,
            "amounts": {
                m.code: str(from_fen(a)) for m, a in zip(members, alloc.amounts, strict=True)
            },
        },
    )
    return round


@transaction.atomic
def charge_approve(*, charge: Charge, actor) -> Charge:
    """The member's bureau approves its share (of a round or a project)."""
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(charge.member_id),
        _("approve the share of %(m)s") % {"m": charge.member.display_name},
    )
    charge = Charge.objects.select_for_update().get(pk=charge.pk)
    source = charge.round or charge.project
    if source.status != Stage.FROZEN:
        raise ValueError(_("Only shares of a frozen rule awaiting approval can be approved."))
    if charge.approved_at:
        raise ValueError(_("This share is already approved."))
    charge.approved_at = timezone.now()
    charge.approved_by = actor if getattr(actor, "pk", None) else None
    charge.save(update_fields=["approved_at", "approved_by"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_CHARGE_APPROVE,
        obj=charge,
        after={"member": charge.member_id, "amount": str(charge.amount)},
    )
    return charge


def _call(*, source, charges, income_account: str, date: dt.date, memo: str, actor):
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


@transaction.atomic
def round_call(
    *, round: ContributionRound, actor, date: dt.date | None = None, due_date: dt.date | None = None
) -> ContributionRound:
    """Call every member for its approved share: receivables in the ledger."""
    require_manage(scope_for(actor), round.fund)
    date = date or today()
    if due_date is not None and due_date < date:
        raise ValueError(
            _("The due date %(due)s is before the call date %(date)s.")
            % {"due": due_date.isoformat(), "date": date.isoformat()}
        )
    round = ContributionRound.objects.select_for_update().get(pk=round.pk)
    charges = list(round.charges.select_related("member").select_for_update())
    _call(
        source=round,
        charges=charges,
        income_account="income:contributions",
        date=date,
        memo=_("Call for contributions: %(t)s") % {"t": round.title},
        actor=actor,
    )
    round.due_date = due_date
    round.save(update_fields=["status", "due_date"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_ROUND_CALL,
        obj=round,
        after={"due_date": due_date.isoformat() if due_date else None},
    )
    return round


def _restrict(fund_code: str, amount: Decimal) -> list[Line]:
    """Reclassify ``amount`` of net assets from unrestricted to a restricted fund."""
    return [
        Line(account=UNRESTRICTED, debit=amount),
        Line(account=fund_code, credit=amount),
    ]


def _release(fund_code: str, amount: Decimal) -> list[Line]:
    """Release ``amount`` from a restricted fund to unrestricted net assets (its purpose is met,
    by spending on it or by closing it)."""
    return [
        Line(account=fund_code, debit=amount),
        Line(account=UNRESTRICTED, credit=amount),
    ]


def _require_open_project(fund: Fund, project: JointProject) -> None:
    if project.fund_id != fund.pk:
        raise ValueError(_("The project belongs to another fund."))
    if project.status in (Stage.CLOSED, Stage.WITHDRAWN):
        raise ValueError(
            _("The joint project %(t)s is %(s)s.")
            % {"t": project.title, "s": project.get_status_display()}
        )


def charge_paid(charge: Charge) -> Decimal:
    """Paid so far: payments whose receipt has not been reversed."""
    return ledger.cents(
        charge.payments.filter(entry__reversed_by__isnull=True).aggregate(s=Sum("amount"))["s"]
    )


@transaction.atomic
def payment_record(*, charge: Charge, amount, date: dt.date, actor) -> Payment:
    """A member pays (part of) a called share into the fund's public cash."""
    scope = scope_for(actor)
    scope.require(
        can_manage(scope, charge.fund) or scope.acts_for(charge.member_id),
        _("record payments of %(m)s") % {"m": charge.member.display_name},
    )
    amount = money(amount)
    if amount <= 0:
        raise ValueError(_("A payment must be positive."))
    charge = Charge.objects.select_for_update().select_related("member").get(pk=charge.pk)
    if charge.call_entry_id is None:
        raise ValueError(_("This share has not been called for payment yet."))
    outstanding = charge.amount - charge_paid(charge)
    if amount > outstanding:
        raise ValueError(
            _("%(a)s is more than the %(o)s still due.") % {"a": amount, "o": outstanding}
        )
    what = charge.round.title if charge.round_id else charge.project.title
    lines = [
        Line(account="cash:public", debit=amount),
        Line(account=f"recv:{charge.member_id}", credit=amount),
    ]
    project = charge.project if charge.project_id else charge.round.project
    if project is not None and project.status != Stage.CLOSED:
        # 专款专用: a project's receipts are restricted net assets of that project
        lines += _restrict(ledger.project_fund(project), amount)
    entry = ledger.post(
        fund=charge.fund,
        date=date,
        kind=EntryKind.RECEIPT,
        memo=_("Payment by %(m)s: %(w)s") % {"m": charge.member.name_zh, "w": what},
        lines=lines,
        actor=actor,
    )
    p = Payment.objects.create(charge=charge, amount=amount, date=date, entry=entry)
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PAYMENT_RECORD,
        obj=p,
        after={"charge": charge.pk, "member": charge.member_id, "amount": str(amount)},
    )
    return p


# ---- joint projects ------------------------------------------------------------------------


def _round_fen(values: list[Fraction], total: int, priority=None) -> tuple[int, ...]:
    s = sum(values, Fraction(0))
    if s == 0:
        raise ValueError(_("The shares add up to zero."))
    quotas = [v * total / s for v in values]
    return cost_sharing.largest_remainder_round(quotas, total, priority=priority)


def project_compute(
    *, rule: str, participants: list[str], inputs: dict, total=None
) -> tuple[Decimal, list[int], dict]:
    """Shares in fen under the project's rule, and an explanation (codes and numbers, rendered
    by ``finance.explain``). No writes.

    * ``shapley``: ``inputs = {"coalitions": [{"members": [codes], "cost": "..."}]}`` with one
      row for every non-empty group of participants; the total is the cost of all of them.
    * ``airport``: ``inputs = {"costs": {code: "..."}}``: each member's stand-alone cost (the
      facility sized for its needs); the total is the largest.
    * ``proportional``: ``inputs = {"weights": {code: number}}`` and a ``total``.
    """
    n = len(participants)
    if n < 2 or len(set(participants)) != n:
        raise ValueError(_("A joint project needs at least two different participants."))
    if rule == ProjectRule.SHAPLEY:
        if n > 12:
            raise ValueError(_("Enter coalition costs for at most 12 participants."))
        values = [0] * (1 << n)
        seen = set()
        index = {c: i for i, c in enumerate(participants)}
        for row in inputs.get("coalitions", []):
            codes = row.get("members", [])
            if not codes or any(c not in index for c in codes):
                raise ValueError(_("A coalition names someone who is not a participant."))
            mask = sum(1 << index[c] for c in set(codes))
            cost = money(row.get("cost"), _("coalition cost"))
            if cost < 0:
                raise ValueError(_("Coalition costs must not be negative."))
            values[mask] = to_fen(cost)
            seen.add(mask)
        missing = (1 << n) - 1 - len(seen)
        if missing:
            raise ValueError(
                _("Give the cost of every group of participants: %(k)d missing.") % {"k": missing}
            )
        total_fen = values[-1]
        # the game in yuan for a readable explanation; amounts are rounded to the fen below
        detail = cost_sharing.shapley_detailed(np.array(values, dtype=np.float64) / 100)
        # Shapley values of a game in whole fen are rationals with denominator dividing n!;
        # recover them exactly from the floats so that ties round the same way as exact rules
        phi = [Fraction(float(x) * 100).limit_denominator(math.factorial(n)) for x in detail.values]
        if sum(phi) != total_fen:  # large games: float noise; share in proportion instead
            phi = [Fraction(float(x)) for x in detail.values]
        if any(x < 0 for x in phi):
            raise ValueError(_("The Shapley value charges someone a negative amount."))
        amounts = _round_fen(phi, total_fen)
        explanation = detail.record(labels=participants)
    elif rule == ProjectRule.AIRPORT:
        costs = inputs.get("costs", {})
        if sorted(costs) != sorted(participants):
            raise ValueError(_("Give the stand-alone cost of every participant."))
        fen = [to_fen(money(costs[c], _("cost"))) for c in participants]
        if any(x < 0 for x in fen):
            raise ValueError(_("Costs must not be negative."))
        classes = sorted(set(fen))
        counts = [fen.count(c) for c in classes]
        detail = cost_sharing.airport_detailed(classes, counts)
        charge = {c: detail.per_user[k] for k, c in enumerate(classes)}
        total_fen = classes[-1]
        amounts = _round_fen([charge[x] for x in fen], total_fen)
        explanation = detail.record()
    elif rule == ProjectRule.PROPORTIONAL:
        weights = inputs.get("weights", {})
        if sorted(weights) != sorted(participants):
            raise ValueError(_("Give the weight of every participant."))
        if total is None:
            raise ValueError(_("A proportional project needs a total."))
        total_fen = to_fen(money(total, _("total")))
        for c in participants:
            if isinstance(weights[c], float | bool):
                raise ValueError(_("Weights must be decimal strings or integers, not floats."))
        alloc = cost_sharing.proportional_shares(
            total_fen,
            [Decimal(str(weights[c])) for c in participants],
            labels=participants,
        )
        amounts = alloc.amounts
        explanation = alloc.record()
    else:
        raise ValueError(_("Unknown rule %(r)s.") % {"r": rule})
    if total_fen <= 0:
        raise ValueError(_("The project costs nothing."))
    return from_fen(total_fen), list(amounts), explanation


@transaction.atomic
def project_create(
    *,
    fund: Fund,
    title: str,
    programme: str,
    rule: str,
    participants: list[str],
    inputs: dict,
    actor,
    total=None,
) -> JointProject:
    require_manage(scope_for(actor), fund)
    if programme not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": programme})
    members = _member_codes(fund)
    for c in participants:
        if c not in members:
            raise ValueError(_("%(c)s is not a member of this area.") % {"c": c})
    total_d, _amounts, _explanation = project_compute(
        rule=rule, participants=participants, inputs=inputs, total=total
    )
    p = JointProject.objects.create(
        fund=fund,
        title=title.strip() or "-",
        programme=programme,
        rule=rule,
        participants=list(participants),
        inputs=inputs,
        total=total_d,
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PROJECT_CREATE,
        obj=p,
        after={"title": p.title, "rule": rule, "participants": participants, "inputs": inputs},
    )
    return p


@transaction.atomic
def project_freeze(*, project: JointProject, actor) -> JointProject:
    require_manage(scope_for(actor), project.fund)
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    if project.status != Stage.DRAFT:
        raise ValueError(_("This project's shares are already frozen."))
    total_d, amounts, explanation = project_compute(
        rule=project.rule,
        participants=project.participants,
        inputs=project.inputs,
        total=project.total,
    )
    for code, a in zip(project.participants, amounts, strict=True):
        Charge.objects.create(
            fund=project.fund,
            member_id=code,
            project=project,
            amount=from_fen(a),
            explanation={"rule": "project_share", "member": code, "amount": a},
        )
    project.status = Stage.FROZEN
    project.explanation = explanation
    project.save(update_fields=["status", "explanation"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PROJECT_FREEZE,
        obj=project,
        after={c: str(from_fen(a)) for c, a in zip(project.participants, amounts, strict=True)},
    )
    return project


@transaction.atomic
def project_call(*, project: JointProject, actor, date: dt.date | None = None) -> JointProject:
    require_manage(scope_for(actor), project.fund)
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    charges = list(project.charges.select_related("member").select_for_update())
    _call(
        source=project,
        charges=charges,
        income_account="income:projects",
        date=date or today(),
        memo=_("Call for project shares: %(t)s") % {"t": project.title},
        actor=actor,
    )
    project.save(update_fields=["status"])
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_PROJECT_CALL,
        obj=project,
        after={"status": project.status},
    )
    return project


# ---- withdrawing a draft, cancelling a call ------------------------------------------------


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


# ---- reciprocal agreements -----------------------------------------------------------------


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
    _require_member(fund, payer)
    _require_member(fund, payee)
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


# ---- society's money and disbursements -----------------------------------------------------


@transaction.atomic
def donor_create(*, fund: Fund, name: str, kind: str, actor, anonymous: bool = False) -> Donor:
    require_manage(scope_for(actor), fund)
    if kind not in DonorKind.values:
        raise ValueError(_("Unknown kind of donor %(k)s.") % {"k": kind})
    if not name.strip():
        raise ValueError(_("Give the donor's name."))
    if Donor.objects.filter(fund=fund, name=name.strip()).exists():
        raise ValueError(_("A donor named %(n)s already exists.") % {"n": name})
    d = Donor.objects.create(fund=fund, name=name.strip(), kind=kind, anonymous=anonymous)
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_DONOR_CREATE,
        obj=d,
        after={"name": d.name, "kind": kind, "anonymous": anonymous},
    )
    return d


@transaction.atomic
def donation_record(*, donor: Donor, amount, date: dt.date, actor, earmark: str = "") -> Donation:
    """Society's money goes to its own cash account, apart from members' contributions."""
    require_manage(scope_for(actor), donor.fund)
    amount = money(amount)
    if amount <= 0:
        raise ValueError(_("A donation must be positive."))
    if earmark and earmark not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": earmark})
    lines = [
        Line(account="cash:society", debit=amount, memo=earmark),
        Line(account="income:donations", credit=amount, memo=earmark),
    ]
    if earmark:  # the donor's purpose restricts the money: a restricted fund of the earmark
        lines += _restrict(ledger.earmark_fund(earmark), amount)
    entry = ledger.post(
        fund=donor.fund,
        date=date,
        kind=EntryKind.DONATION,
        memo=_("Donation from %(d)s") % {"d": donor.name},
        lines=lines,
        actor=actor,
    )
    d = Donation.objects.create(
        fund=donor.fund, donor=donor, amount=amount, date=date, earmark=earmark, entry=entry
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_DONATION_RECORD,
        obj=d,
        after={"donor": donor.pk, "amount": str(amount), "earmark": earmark},
    )
    return d


def exchange_round_in_area(fund: Fund, exchange_round) -> bool:
    """An exchange round belongs to the fund's area if the area's secretariat runs it or the
    bureau running it is a member of the area or inside one (a city or county of a member)."""
    if exchange_round.area_id is not None:
        return exchange_round.area_id == fund.area_id
    code = exchange_round.jurisdiction_id or ""
    return any(code.startswith(m.prefix) for m in ledger.fund_members(fund))


def _check_programme_links(fund: Fund, programme: str, exchange_round, training_programme):
    if exchange_round is not None and training_programme is not None:
        raise ValueError(
            _(
                "A disbursement pays for one programme: name an exchange round or a training "
                "programme, not both."
            )
        )
    if exchange_round is not None:
        if programme != Programme.TEACHER_EXCHANGE:
            raise ValueError(_("Only a teacher exchange disbursement can name an exchange round."))
        if not exchange_round_in_area(fund, exchange_round):
            raise ValueError(
                _("The exchange round %(r)s is not run in %(a)s.")
                % {"r": exchange_round.name, "a": fund.area}
            )
    if training_programme is not None:
        if programme != Programme.TRAINING:
            raise ValueError(_("Only a training disbursement can name a training programme."))
        if training_programme.area_id != fund.area_id:
            raise ValueError(
                _("The training programme %(t)s belongs to another cooperation area.")
                % {"t": training_programme.title}
            )


def _disbursement_lines(
    fund: Fund, *, programme: str, amount: Decimal, from_society: bool, project, label: str
) -> list[Line]:
    """The lines of a disbursement, after checking there is money for it. Runs under the fund's
    row lock (taken by the caller), like the ledger's own check of restricted funds.

    * for a joint project: paid from the project's restricted fund, never more than it holds
      (the ledger refuses to take a restricted fund below zero);
    * from society's money: first from what donors earmarked for the programme, then from
      society's unrestricted money; never from what is earmarked for other programmes;
    * from public money: from unrestricted public money only, never from what joint projects'
      funds hold."""
    cash = "cash:society" if from_society else "cash:public"
    lines = [
        Line(account=f"expense:{programme}", debit=amount, memo=label),
        Line(account=cash, credit=amount, memo=label),
    ]
    if project is not None:
        if from_society:
            raise ValueError(
                _("A joint project is paid from its own fund (public money), not society's money.")
            )
        return lines + _release(ledger.project_fund(project), amount)
    restricted = ledger.restricted_balances(fund)
    own = ledger.earmark_fund(programme) if from_society else None
    drawn = min(amount, restricted.get(own, ZERO)) if own else ZERO
    reserved = ledger.restricted_total(fund, society=from_society) - drawn
    available = ledger.balance(fund, cash) - reserved
    if amount > available:
        raise ValueError(
            _(
                "Only %(a)s is available for this programme; %(x)s asked (money earmarked or "
                "received for other purposes is not available)."
            )
            % {"a": explain.yuan(max(available, ZERO)), "x": explain.yuan(amount)}
        )
    if drawn > 0:
        lines += _release(own, drawn)
    return lines


@transaction.atomic
def disbursement_record(
    *,
    fund: Fund,
    programme: str,
    function_code: str,
    label: str,
    amount,
    date: dt.date,
    actor,
    beneficiary: Jurisdiction | None = None,
    from_society: bool = False,
    project: JointProject | None = None,
    exchange_round=None,
    training_programme=None,
) -> Disbursement:
    """Pay from the fund to a programme, classified by the government functional classification
    (``function_code``, e.g. 2050202 primary education; see ``finance.classification``).

    Restricted money stays with its purpose (专款专用): a disbursement for a joint project comes
    from that project's restricted fund and may not exceed what was received for it; other
    public spending may not touch the projects' funds, and society's money earmarked for other
    programmes stays untouched (see ``_disbursement_lines``).

    A disbursement may name what it paid for in the talent module: a teacher exchange round
    (``exchange_round``, for the ``teacher_exchange`` programme) run by the area's secretariat or
    by a bureau inside one of the area's members, or a training programme
    (``training_programme``, for the ``training`` programme) of the same area; at most one."""
    require_manage(scope_for(actor), fund)
    if programme not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": programme})
    function_code = classification.check(function_code)
    if not label.strip():
        raise ValueError(_("Give the disbursement a label."))
    amount = money(amount)
    if amount <= 0:
        raise ValueError(_("A disbursement must be positive."))
    if beneficiary is not None:
        _require_member(fund, beneficiary)
    if project is not None:
        _require_open_project(fund, project)
    _check_programme_links(fund, programme, exchange_round, training_programme)
    fund = Fund.objects.select_for_update().get(pk=fund.pk)  # balance check and posting together
    entry = ledger.post(
        fund=fund,
        date=date,
        kind=EntryKind.DISBURSEMENT,
        memo=label.strip(),
        lines=_disbursement_lines(
            fund,
            programme=programme,
            amount=amount,
            from_society=from_society,
            project=project,
            label=label.strip(),
        ),
        actor=actor,
    )
    x = Disbursement.objects.create(
        fund=fund,
        programme=programme,
        function_code=function_code,
        label=label.strip(),
        amount=amount,
        date=date,
        beneficiary=beneficiary,
        from_society=from_society,
        project=project,
        exchange_round=exchange_round,
        training_programme=training_programme,
        entry=entry,
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_DISBURSEMENT_RECORD,
        obj=x,
        after={
            "programme": programme,
            "function_code": function_code,
            "amount": str(amount),
            "from_society": from_society,
            "project": project.pk if project is not None else None,
            "exchange_round": exchange_round.pk if exchange_round is not None else None,
            "training_programme": (
                training_programme.pk if training_programme is not None else None
            ),
        },
    )
    return x
