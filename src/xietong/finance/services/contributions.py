"""Contribution rounds: the rule, declared weights, frozen shares, approvals, the call and
payments."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.algorithms import cost_sharing
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.consultation import gate
from xietong.consultation.models import Subject
from xietong.regions.models import Jurisdiction

from .. import ledger
from ..ledger import Line, from_fen, money, to_fen
from ..models import (
    Charge,
    ContributionRound,
    Criterion,
    EntryKind,
    Fund,
    JointProject,
    Payment,
    RoundWeight,
    Stage,
)
from .common import (
    call_for_payment,
    can_manage,
    member_codes,
    require_manage,
    require_member,
    require_open_project,
    restrict_lines,
    today,
)


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
    members = member_codes(fund)
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
        require_open_project(fund, project)
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
    require_member(round.fund, member)
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
    # a cost-sharing rule is a major decision: it waits for the members' consultation
    consulted = gate.require_adopted_where_convened(
        round.fund.area_id, Subject.CONTRIBUTION_ROUND, round.pk
    )
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
            **({"consultation": consulted.number} if consulted else {}),
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
    call_for_payment(
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
        lines += restrict_lines(ledger.project_fund(project), amount)
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
