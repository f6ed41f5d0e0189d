"""Society's money (donors, donations) and disbursements from the fund."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import Scope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.regions.models import Jurisdiction

from .. import classification, explain, ledger
from ..ledger import ZERO, Line, money
from ..models import (
    Disbursement,
    Donation,
    Donor,
    DonorKind,
    EntryKind,
    Fund,
    JointProject,
    Programme,
)
from .common import (
    release_lines,
    require_manage,
    require_member,
    require_open_project,
    restrict_lines,
)


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


def check_cooperation(
    scope: Scope, fund: Fund, cooperation, *, date: dt.date, beneficiary: Jurisdiction | None
) -> None:
    """A fund's record may name a cooperation (partnerships) it pays for or a donor earmarked it
    for: one the caller sees, dated within its term, with a party in the beneficiary member
    (without a beneficiary: in one of the fund's members)."""
    from xietong.partnerships.selectors import cooperation_get, cooperation_involves

    scope.require(
        cooperation_get(scope=scope, pk=cooperation.pk) is not None,
        _("name the cooperation %(c)s") % {"c": cooperation.code},
    )
    prefixes = (
        [beneficiary.prefix]
        if beneficiary is not None
        else [m.prefix for m in ledger.fund_members(fund)]
    )
    if not cooperation_involves(scope=scope, cooperation=cooperation, prefixes=prefixes):
        raise ValueError(
            _("cooperation: %(c)s has no party in %(m)s.")
            % {
                "c": cooperation.code,
                "m": beneficiary.display_name if beneficiary is not None else fund.area,
            }
        )
    if not cooperation.term_start <= date <= cooperation.term_end:
        raise ValueError(
            _("cooperation: %(d)s is outside the term of %(c)s (%(s)s to %(e)s).")
            % {
                "d": date.isoformat(),
                "c": cooperation.code,
                "s": cooperation.term_start.isoformat(),
                "e": cooperation.term_end.isoformat(),
            }
        )


@transaction.atomic
def donation_record(
    *, donor: Donor, amount, date: dt.date, actor, earmark: str = "", cooperation=None
) -> Donation:
    """Society's money goes to its own cash account, apart from members' contributions.

    A donation may name the cooperation (partnerships) the donor gave it for
    (``cooperation``): it then needs a programme ``earmark`` too, and the money is held in that
    programme's restricted fund (the ledger restricts by programme, not by cooperation); see
    :func:`check_cooperation` for which cooperations may be named."""
    scope = scope_for(actor)
    require_manage(scope, donor.fund)
    amount = money(amount)
    if amount <= 0:
        raise ValueError(_("A donation must be positive."))
    if earmark and earmark not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": earmark})
    if cooperation is not None:
        if not earmark:
            raise ValueError(
                _("earmark: a donation for a cooperation is earmarked for a programme too.")
            )
        check_cooperation(scope, donor.fund, cooperation, date=date, beneficiary=None)
    lines = [
        Line(account="cash:society", debit=amount, memo=earmark),
        Line(account="income:donations", credit=amount, memo=earmark),
    ]
    if earmark:  # the donor's purpose restricts the money: a restricted fund of the earmark
        lines += restrict_lines(ledger.earmark_fund(earmark), amount)
    entry = ledger.post(
        fund=donor.fund,
        date=date,
        kind=EntryKind.DONATION,
        memo=_("Donation from %(d)s") % {"d": donor.name},
        lines=lines,
        actor=actor,
    )
    d = Donation.objects.create(
        fund=donor.fund,
        donor=donor,
        amount=amount,
        date=date,
        earmark=earmark,
        cooperation=cooperation,
        entry=entry,
    )
    audit_record(
        actor=actor,
        action=AuditAction.FINANCE_DONATION_RECORD,
        obj=d,
        after={
            "donor": donor.pk,
            "amount": str(amount),
            "earmark": earmark,
            "cooperation": cooperation.code if cooperation is not None else None,
        },
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
        return lines + release_lines(ledger.project_fund(project), amount)
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
        lines += release_lines(own, drawn)
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
    cooperation=None,
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
    (``training_programme``, for the ``training`` programme) of the same area; at most one.

    It may also name the cooperation between schools it funds (``cooperation``, partnerships):
    one the caller sees, with a party in the beneficiary member (or in one of the fund's
    members when there is no beneficiary), dated within its term (:func:`check_cooperation`).
    The partnerships app links it to the cooperation as a funding activity."""
    scope = scope_for(actor)
    require_manage(scope, fund)
    if programme not in Programme.values:
        raise ValueError(_("Unknown programme %(p)s.") % {"p": programme})
    function_code = classification.check(function_code)
    if not label.strip():
        raise ValueError(_("Give the disbursement a label."))
    amount = money(amount)
    if amount <= 0:
        raise ValueError(_("A disbursement must be positive."))
    if beneficiary is not None:
        require_member(fund, beneficiary)
    if project is not None:
        require_open_project(fund, project)
    _check_programme_links(fund, programme, exchange_round, training_programme)
    if cooperation is not None:
        check_cooperation(scope, fund, cooperation, date=date, beneficiary=beneficiary)
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
        cooperation=cooperation,
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
            "cooperation": cooperation.code if cooperation is not None else None,
        },
    )
    return x
