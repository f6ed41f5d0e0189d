"""Obligations, activities and their three verification steps, and computed compliance.

An activity is recorded (self-reported) by someone acting for a party, confirmed by someone
acting for another party (the partner), and verified by an authority (a bureau above the
receiving party, or the area's secretariat). The levels go up one step at a time.

Compliance of an obligation in a period is computed by
:func:`xietong.algorithms.capacity.obligation_compliance` from the activities recorded against
it; nothing in it is typed by hand. Periods: a year ``"2025"`` (1 January - 31 December) or a
half-year semester ``"2025-1"`` (1 January - 30 June) and ``"2025-2"`` (1 July - 31 December).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.algorithms import capacity
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from ..models import (
    Activity,
    ActivityKind,
    ComplianceResult,
    Cooperation,
    Level,
    Measure,
    Obligation,
    Party,
    PeriodKind,
    Status,
)
from .common import (
    LifecycleError,
    as_date,
    choice,
    parties_acted_for,
    quantity,
    require_manage,
    scope_of,
    text,
)


def period_of(kind: str, day: dt.date) -> str:
    if kind == PeriodKind.SEMESTER:
        return f"{day.year}-{1 if day.month <= 6 else 2}"
    return str(day.year)


def period_bounds(period: str) -> tuple[dt.date, dt.date]:
    try:
        if "-" in period:
            year, half = (int(x) for x in period.split("-"))
            if half not in (1, 2):
                raise ValueError
            return (
                (dt.date(year, 1, 1), dt.date(year, 6, 30))
                if half == 1
                else (dt.date(year, 7, 1), dt.date(year, 12, 31))
            )
        year = int(period)
        return dt.date(year, 1, 1), dt.date(year, 12, 31)
    except ValueError:
        raise ValueError(
            _("period: %(p)s is not a year (2025) or a semester (2025-1).") % {"p": period}
        ) from None


def obligation_set(
    *,
    actor,
    cooperation: Cooperation,
    code: str,
    measure: str,
    quota,
    period_kind: str = PeriodKind.YEAR,
    standard: str = Level.PARTNER_CONFIRMED,
    activity_kinds=(),
    subjects=(),
    min_subjects: int = 0,
) -> Obligation:
    scope = scope_of(actor)
    code = text(code, _("code"), max_length=40)
    kinds = sorted(set(activity_kinds))
    for k in kinds:
        choice(k, ActivityKind, _("activity kinds"))
    fields = {
        "measure": choice(measure, Measure, _("measure")),
        "quota": quantity(quota, _("quota")),
        "period_kind": choice(period_kind, PeriodKind, _("period")),
        "standard": choice(standard, Level, _("verification standard")),
        "activity_kinds": kinds,
        "subjects": sorted(set(subjects)),
        "min_subjects": int(min_subjects),
    }
    with transaction.atomic():
        coop = (
            Cooperation.objects.select_for_update(of=("self",))
            .select_related("lead")
            .get(pk=cooperation.pk)
        )
        require_manage(scope, coop)
        ob, _created = Obligation.objects.update_or_create(
            cooperation=coop, code=code, defaults=fields
        )
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_OBLIGATION_SET,
            obj=ob,
            after={k: str(v) if isinstance(v, Decimal) else v for k, v in fields.items()},
        )
    return ob


def _check_obligation(coop: Cooperation, obligation: Obligation | None, kind: str) -> None:
    if obligation is None:
        return
    if obligation.cooperation_id != coop.pk:
        raise ValueError(_("obligation: not an obligation of %(c)s.") % {"c": coop.code})
    if obligation.activity_kinds and kind not in obligation.activity_kinds:
        raise ValueError(
            _("kind: obligation %(o)s does not count this kind.") % {"o": obligation.code}
        )


def activity_record(
    *,
    actor,
    cooperation: Cooperation,
    kind: str,
    date,
    amount,
    obligation: Obligation | None = None,
    provider: Party | None = None,
    recipient: Party | None = None,
    subject: str = "",
    online=None,
    source: tuple[str, str] | None = None,
    is_synthetic: bool = False,
) -> Activity:
    scope = scope_of(actor)
    kind = choice(kind, ActivityKind, _("kind"))
    if kind == ActivityKind.FUNDING:
        raise ValueError(
            _(
                "kind: funding is linked from the fund's disbursements and donations, not "
                "recorded by hand."
            )
        )
    day = as_date(date, _("date"))
    qty = quantity(amount, _("quantity"))
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update(of=("self",)).get(pk=cooperation.pk)
        if coop.status not in (Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED, Status.EXITED):
            raise LifecycleError(
                _("The cooperation is %(s)s: activities are recorded once it is in force.")
                % {"s": coop.get_status_display()}
            )
        if not parties_acted_for(scope, coop):
            scope.require(False, _("record activities of %(c)s") % {"c": coop.code})
        for role, p in ((_("provider"), provider), (_("recipient"), recipient)):
            if p is not None and p.cooperation_id != coop.pk:
                raise ValueError(_("%(f)s: not a party of %(c)s.") % {"f": role, "c": coop.code})
        if not coop.term_start <= day <= coop.term_end:
            raise ValueError(_("date: %(d)s is outside the term.") % {"d": day.isoformat()})
        _check_obligation(coop, obligation, kind)
        app, sid = source or ("", "")
        act = Activity.objects.create(
            cooperation=coop,
            obligation=obligation,
            kind=kind,
            date=day,
            quantity=qty,
            subject=subject or "",
            online=online,
            provider=provider,
            recipient=recipient,
            reported_by=actor,
            source_app=app,
            source_id=sid,
            is_synthetic=is_synthetic,
        )
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_ACTIVITY_RECORD,
            obj=act,
            after={
                "kind": kind,
                "date": day.isoformat(),
                "quantity": str(qty),
                "obligation": obligation.code if obligation else None,
            },
        )
    return act


def _lock_activity(activity: Activity) -> Activity:
    return (
        Activity.objects.select_for_update(of=("self",))
        .select_related("cooperation", "provider", "recipient__school", "reported_by")
        .get(pk=activity.pk)
    )


def _may_confirm(scope, act: Activity, actor) -> bool:
    """A party other than the delivering one, and not the person who reported it."""
    if scope.is_admin:
        return True
    if act.reported_by_id is not None and act.reported_by_id == getattr(actor, "pk", None):
        return False
    return any(p.pk != act.provider_id for p in parties_acted_for(scope, act.cooperation))


def _is_authority(scope, act: Activity) -> bool:
    """The area's secretariat or a bureau above the receiving party (not the school itself)."""
    coop = act.cooperation
    if scope.is_admin or (coop.area_id is not None and scope.can_manage_area(coop.area_id)):
        return True
    recipient = act.recipient
    return bool(
        recipient
        and recipient.jurisdiction_code
        and scope.acts_for(recipient.jurisdiction_code)
        and recipient.school_id not in scope.write_school_ids
    )


# step -> (level required before, level after, who field, when field, audit action)
_STEPS = {
    "confirm": (
        Level.SELF_REPORTED,
        Level.PARTNER_CONFIRMED,
        "confirmed_by",
        "confirmed_at",
        AuditAction.PARTNERSHIPS_ACTIVITY_CONFIRM,
    ),
    "verify": (
        Level.PARTNER_CONFIRMED,
        Level.AUTHORITY_VERIFIED,
        "verified_by",
        "verified_at",
        AuditAction.PARTNERSHIPS_ACTIVITY_VERIFY,
    ),
}


def _step(actor, activity: Activity, step: str, allowed, what: str) -> Activity:
    before, after, who, when, action = _STEPS[step]
    scope = scope_of(actor)
    with transaction.atomic():
        act = _lock_activity(activity)
        scope.require(allowed(scope, act, actor), what % {"c": act.cooperation.code})
        if act.level != before:
            raise LifecycleError(
                _("This step needs a %(need)s activity; this one is %(l)s.")
                % {"need": Level(before).label, "l": act.get_level_display()}
            )
        act.level = after
        setattr(act, who, actor)
        setattr(act, when, timezone.now())
        act.save(update_fields=["level", who, when])
        audit_record(
            actor=actor, action=action, obj=act, before={"level": before}, after={"level": after}
        )
    return act


def activity_confirm(*, actor, activity: Activity) -> Activity:
    """The partner confirms a self-reported activity."""
    return _step(
        actor, activity, "confirm", _may_confirm, _("confirm as the partner an activity of %(c)s")
    )


def activity_verify(*, actor, activity: Activity) -> Activity:
    """An authority verifies a partner-confirmed activity."""
    return _step(
        actor,
        activity,
        "verify",
        lambda sc, act, _a: _is_authority(sc, act),
        _("verify activities of %(c)s"),
    )


def _engine_inputs(obligations, period: str):
    start, end = period_bounds(period)
    quota = [
        capacity.Obligation(
            code=o.code,
            period=period,
            quota=o.quota,
            measure=o.measure,
            standard=o.standard,
            min_subjects=o.min_subjects,
        )
        for o in obligations
    ]
    rows = Activity.objects.filter(obligation__in=obligations, date__range=(start, end))
    by_pk = {o.pk: o.code for o in obligations}
    delivered = [
        capacity.Activity(
            obligation=by_pk[a.obligation_id],
            period=period,
            amount=a.quantity,
            level=a.level,
            subject=a.subject,
        )
        for a in rows.only("obligation_id", "quantity", "level", "subject")
    ]
    return quota, delivered


def compliance_compute(*, actor, cooperation: Cooperation, period: str) -> list[ComplianceResult]:
    """Every obligation of the cooperation whose period kind matches ``period``, computed by the
    engine and stored (replacing an earlier computation of the same period)."""
    scope = scope_of(actor)
    period_bounds(period)
    kind = PeriodKind.SEMESTER if "-" in period else PeriodKind.YEAR
    with transaction.atomic():
        coop = Cooperation.objects.select_related("lead").get(pk=cooperation.pk)
        if not parties_acted_for(scope, coop):
            require_manage(scope, coop)
        obligations = list(coop.obligations.filter(period_kind=kind))
        quota, delivered = _engine_inputs(obligations, period)
        results = capacity.obligation_compliance(quota, delivered)
        by_code = {o.code: o for o in obligations}
        out = []
        for r in results:
            row, _c = ComplianceResult.objects.update_or_create(
                obligation=by_code[r.code],
                period=period,
                defaults={
                    "quota": Decimal(r.quota.numerator) / r.quota.denominator,
                    "totals": {lv: _exact(v) for lv, v in r.totals.items()},
                    "counted": _decimal(r.counted),
                    "subjects": list(r.subjects),
                    "min_subjects": r.min_subjects,
                    "met": r.met,
                },
            )
            out.append(row)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_COMPLIANCE,
            object_type=ObjectType.COOPERATION,
            object_id=f"{coop.code}:{period}",
            after={
                r.code: {"counted": _exact(r.counted), "subjects": list(r.subjects), "met": r.met}
                for r in results
            },
        )
    return out


def _decimal(f) -> Decimal:
    return (Decimal(f.numerator) / Decimal(f.denominator)).quantize(Decimal("0.0001"))


def _exact(f) -> str:
    return str(f.numerator) if f.denominator == 1 else f"{f.numerator}/{f.denominator}"
