"""Joint projects: shares under a cost-sharing rule (Shapley, airport, proportional), freezing
and calling them."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from fractions import Fraction

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.algorithms import cost_sharing
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.consultation import gate
from xietong.consultation.models import Subject

from ..ledger import from_fen, money, to_fen
from ..models import (
    Charge,
    Fund,
    JointProject,
    Programme,
    ProjectRule,
    Stage,
)
from .common import (
    call_for_payment,
    member_codes,
    require_manage,
    today,
)


def _round_fen(values: list[Fraction], total: int, priority=None) -> tuple[int, ...]:
    s = sum(values, Fraction(0))
    if s == 0:
        raise ValueError(_("The shares add up to zero."))
    quotas = [v * total / s for v in values]
    return cost_sharing.largest_remainder_round(quotas, total, priority=priority)


def _shapley(participants: list[str], inputs: dict, total) -> tuple[int, list[int], dict]:
    n = len(participants)
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
    return total_fen, list(_round_fen(phi, total_fen)), detail.record(labels=participants)


def _airport(participants: list[str], inputs: dict, total) -> tuple[int, list[int], dict]:
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
    return total_fen, list(_round_fen([charge[x] for x in fen], total_fen)), detail.record()


def _proportional(participants: list[str], inputs: dict, total) -> tuple[int, list[int], dict]:
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
    return total_fen, list(alloc.amounts), alloc.record()


_RULES = {
    ProjectRule.SHAPLEY: _shapley,
    ProjectRule.AIRPORT: _airport,
    ProjectRule.PROPORTIONAL: _proportional,
}


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
    shares = _RULES.get(rule)
    if shares is None:
        raise ValueError(_("Unknown rule %(r)s.") % {"r": rule})
    total_fen, amounts, explanation = shares(participants, inputs, total)
    if total_fen <= 0:
        raise ValueError(_("The project costs nothing."))
    return from_fen(total_fen), amounts, explanation


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
    members = member_codes(fund)
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
    # a joint project's cost sharing is a major decision: it waits for the members' consultation
    consulted = gate.require_adopted_where_convened(
        project.fund.area_id, Subject.JOINT_PROJECT, project.pk
    )
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
        after={
            **{c: str(from_fen(a)) for c, a in zip(project.participants, amounts, strict=True)},
            **({"consultation": consulted.number} if consulted else {}),
        },
    )
    return project


@transaction.atomic
def project_call(*, project: JointProject, actor, date: dt.date | None = None) -> JointProject:
    require_manage(scope_for(actor), project.fund)
    project = JointProject.objects.select_for_update().get(pk=project.pk)
    charges = list(project.charges.select_related("member").select_for_update())
    call_for_payment(
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
