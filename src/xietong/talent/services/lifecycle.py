"""What every write on rounds shares: the lifecycle error, the row lock on a round with its state
check, and the audited move from one state to the next (before/after in the audit log)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.schools.models import School

from ..models import ExchangeRound, RoundStatus
from ..selectors import can_manage_round, round_prefixes

S = RoundStatus


class LifecycleError(ValueError):
    """A round step asked for in the wrong state."""


# the audit action of each step of the round lifecycle
ROUND_MOVES = {
    "open": AuditAction.TALENT_ROUND_OPEN,
    "ranking": AuditAction.TALENT_ROUND_RANKING,
    "matched": AuditAction.TALENT_ROUND_MATCHED,
    "reviewed": AuditAction.TALENT_ROUND_REVIEWED,
    "published": AuditAction.TALENT_ROUND_PUBLISHED,
    "in_service": AuditAction.TALENT_ROUND_IN_SERVICE,
    "returned": AuditAction.TALENT_ROUND_RETURNED,
}


def snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def check_choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise ValueError(
            _("Unknown %(what)s %(v)s (allowed: %(a)s).")
            % {"what": what, "v": value, "a": ", ".join(choices.values)}
        )
    return value


def round_lock(rnd: ExchangeRound, actor, allowed: tuple[str, ...], what: str) -> ExchangeRound:
    """The round re-read under its row lock, after the scope check (``what`` names the step in
    the refusal) and the state check: two managers' steps on one round run one after the other."""
    scope = scope_for(actor)
    scope.require(can_manage_round(scope, rnd), what)
    rnd = (
        ExchangeRound.objects.select_for_update(of=("self",))
        .select_related("area", "jurisdiction")
        .get(pk=rnd.pk)
    )
    return round_require_status(rnd, allowed)


def round_require_status(rnd: ExchangeRound, allowed: tuple[str, ...]) -> ExchangeRound:
    if rnd.status not in allowed:
        raise LifecycleError(
            _("Round %(pk)s is %(status)s; this step needs it to be %(allowed)s.")
            % {
                "pk": rnd.pk,
                "status": rnd.get_status_display(),
                "allowed": " / ".join(str(S(a).label) for a in allowed),
            }
        )
    return rnd


def round_move(rnd: ExchangeRound, new: str, actor, extra: dict | None = None) -> ExchangeRound:
    """Move a locked round to state ``new``; the audit row keeps both states (and ``extra``)."""
    before = rnd.status
    rnd.status = new
    rnd.save()
    audit_record(
        actor=actor,
        action=ROUND_MOVES[new],
        object_type=ObjectType.EXCHANGE_ROUND,
        object_id=rnd.pk,
        before={"status": before},
        after={"status": new, **(extra or {})},
    )
    return rnd


def in_territory(rnd: ExchangeRound, school: School) -> bool:
    return any(school.county_id.startswith(p) for p in round_prefixes(rnd))
