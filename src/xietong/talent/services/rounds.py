"""A round's settings and its lifecycle: draft -> open -> ranking -> matched -> reviewed ->
published -> in_service -> returned; every step is one function and refuses to run out of order."""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.consultation import gate
from xietong.consultation.models import Subject
from xietong.regions.models import AreaMembership, CooperationArea, Jurisdiction
from xietong.regions.selectors import area_subtree_ids

from .. import engine
from ..models import IR_MODES, ExchangeRound, RoundMode
from ..policy_words import missed_summary
from ..selectors import can_manage_round, round_outcome_visible
from .lifecycle import LifecycleError, S, round_lock, round_move, round_require_status

# ---- rounds ----------------------------------------------------------------------------------
ROUND_SETTINGS = (
    "seed",
    "tie_break",
    "mode",
    "max_choices",
    "min_years_at_school",
    "min_rotation_share",
    "min_backbone_share",
    "max_departure_share",
    "school_cap",
    "balance_tolerance",
    "member_caps",
    "county_managed",
)


def _round_snapshot(r: ExchangeRound) -> dict:
    return {
        "name": r.name,
        "year": r.year,
        "area": r.area.slug if r.area_id else None,
        "jurisdiction": r.jurisdiction_id,
        "status": r.status,
        **{f: getattr(r, f) for f in ROUND_SETTINGS},
    }


INT_SETTING_BOUNDS = (
    ("seed", 0, 2**32 - 1),
    ("school_cap", -1, 10**6),
    ("balance_tolerance", 0, 10**6),
)


def _check_mode_combinations(fields: dict, current: ExchangeRound | None) -> None:
    """School caps and member caps are supported only with deferred acceptance."""
    if "mode" in fields and fields["mode"] not in RoundMode.values:
        raise ValueError(
            _("Unknown mechanism %(m)s (allowed: %(a)s).")
            % {"m": fields["mode"], "a": ", ".join(RoundMode.values)}
        )
    mode = fields.get("mode", current.mode if current else RoundMode.DA)
    if mode not in IR_MODES:
        return
    cap = fields.get("school_cap", current.school_cap if current else -1)
    if cap is not None and int(cap) >= 0:
        raise ValueError(
            _(
                "School caps cannot be combined with the individually rational mechanisms "
                "(%(m)s): the engine supports them only with deferred acceptance. Remove the "
                "school cap (-1) or choose deferred acceptance."
            )
            % {"m": RoundMode(mode).label}
        )
    if fields.get("member_caps", current.member_caps if current else None):
        raise ValueError(
            _(
                "Caps per receiving member cannot be combined with the individually rational "
                "mechanisms (%(m)s): the engine supports them only with deferred acceptance. "
                "Remove the member caps or choose deferred acceptance."
            )
            % {"m": RoundMode(mode).label}
        )


def _check_bounds(fields: dict) -> None:
    """Each setting on its own: shares in [0, 1], the tie-break, the list length, the numbers."""
    for f in ("min_rotation_share", "min_backbone_share", "max_departure_share"):
        if f in fields and not 0 <= Decimal(str(fields[f])) <= 1:
            raise ValueError(_("%(f)s must be between 0 and 1.") % {"f": f})
    if "tie_break" in fields and fields["tie_break"] not in ("single", "multiple"):
        raise ValueError(_("Tie-breaking is single or multiple."))
    if "max_choices" in fields and not 1 <= int(fields["max_choices"]) <= 50:
        raise ValueError(_("A teacher may rank 1 to 50 posts."))
    if fields.get("balance_tolerance") is not None and int(fields["balance_tolerance"]) < 0:
        raise ValueError(_("The balance tolerance cannot be negative."))
    for f, lo, hi in INT_SETTING_BOUNDS:  # beyond these the database refuses the number
        if fields.get(f) is not None and not lo <= int(fields[f]) <= hi:
            raise ValueError(
                _("%(f)s must be between %(lo)d and %(hi)d.") % {"f": f, "lo": lo, "hi": hi}
            )


def _check_settings(fields: dict, current: ExchangeRound | None = None) -> None:
    """Check settings on their own and in combination with the round's other settings."""
    _check_mode_combinations(fields, current)
    _check_bounds(fields)


def _parse_member_caps(value) -> dict[str, int]:
    """A mapping code -> cap as typed (numbers or digit strings) -> {code: int >= 0}."""
    if not isinstance(value, dict):
        raise ValueError(_("Member caps are a mapping from division code to a number."))
    out: dict[str, int] = {}
    for code, cap in value.items():
        code = str(code).strip()
        if isinstance(cap, bool) or not isinstance(cap, int | str):
            raise ValueError(_("The cap of %(c)s must be a whole number.") % {"c": code})
        try:
            cap = int(cap)
        except ValueError:
            raise ValueError(_("The cap of %(c)s must be a whole number.") % {"c": code}) from None
        if cap < 0:
            raise ValueError(_("The cap of %(c)s cannot be negative.") % {"c": code})
        out[code] = cap
    return out


def _check_caps_territory(codes: list[str], found: dict[str, str], rnd: ExchangeRound) -> None:
    """Every capped code is a member of the round's area (or inside the bureau's territory)."""
    if rnd.area_id:
        allowed = set(
            AreaMembership.objects.filter(area_id__in=_area_tree(rnd.area)).values_list(
                "jurisdiction_id", flat=True
            )
        )
        bad = sorted(c for c in codes if c not in allowed)
        if bad:
            raise ValueError(
                _("%(c)s: not a member of %(a)s (members: %(m)s).")
                % {"c": ", ".join(bad), "a": rnd.area.name, "m": ", ".join(sorted(allowed))}
            )
        return
    root = rnd.jurisdiction.prefix
    bad = sorted(c for c in codes if c not in found or not found[c].startswith(root))
    if bad:
        raise ValueError(
            _("%(c)s: not a jurisdiction inside %(j)s.")
            % {"c": ", ".join(bad), "j": rnd.jurisdiction.display_name}
        )


def _check_caps_disjoint(codes: list[str], found: dict[str, str]) -> None:
    """No capped member contains another (their caps would count the same teachers twice)."""
    prefixes = sorted(found[c] for c in codes)
    for a, b in zip(prefixes, prefixes[1:], strict=False):
        if b.startswith(a):
            raise ValueError(
                _("Member caps may not overlap: %(a)s contains %(b)s.")
                % {
                    "a": next(c for c in codes if found[c] == a),
                    "b": next(c for c in codes if found[c] == b),
                }
            )


def clean_member_caps(value, rnd: ExchangeRound) -> dict[str, int]:
    """Check caps per receiving member: a mapping from the division code of a member of the
    round's area (or of a jurisdiction inside the bureau's territory) to a non-negative whole
    number; codes may not contain one another. Returns the caps sorted by code."""
    if value is None:
        return {}
    out = _parse_member_caps(value)
    if not out:
        return {}
    found = dict(Jurisdiction.objects.filter(code__in=list(out)).values_list("code", "prefix"))
    _check_caps_territory(list(out), found, rnd)
    _check_caps_disjoint(list(out), found)
    return dict(sorted(out.items()))


def _area_tree(area: CooperationArea) -> set[int]:
    return area_subtree_ids([area.pk])


@transaction.atomic
def round_create(
    *,
    name: str,
    year: int,
    actor,
    area: CooperationArea | None = None,
    jurisdiction: Jurisdiction | None = None,
    **settings,
) -> ExchangeRound:
    if (area is None) == (jurisdiction is None):
        raise ValueError(_("A round belongs to one cooperation area or one jurisdiction."))
    unknown = set(settings) - set(ROUND_SETTINGS)
    if unknown:
        raise ValueError(_("Unknown settings: %(f)s") % {"f": ", ".join(sorted(unknown))})
    _check_settings(settings)
    if not name.strip():
        raise ValueError(_("A round needs a name."))
    if not 2000 <= int(year) <= 2100:
        raise ValueError(_("The year must be between 2000 and 2100."))
    rnd = ExchangeRound(
        name=name.strip(),
        year=year,
        area=area,
        jurisdiction=jurisdiction,
        created_by=actor if getattr(actor, "pk", None) else None,
        **settings,
    )
    scope = scope_for(actor)
    scope.require(
        can_manage_round(scope, rnd), _("run exchange rounds in %(s)s") % {"s": rnd.scope_label}
    )
    rnd.member_caps = clean_member_caps(settings.get("member_caps"), rnd)
    rnd.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_ROUND_CREATE,
        object_type=ObjectType.EXCHANGE_ROUND,
        object_id=rnd.pk,
        after=_round_snapshot(rnd),
    )
    return rnd


@transaction.atomic
def round_update(*, rnd: ExchangeRound, actor, **settings) -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.DRAFT, S.OPEN, S.RANKING), _("change this round"))
    unknown = set(settings) - set(ROUND_SETTINGS) - {"name"}
    if unknown:
        raise ValueError(_("Unknown settings: %(f)s") % {"f": ", ".join(sorted(unknown))})
    if "mode" in settings and settings["mode"] != rnd.mode and rnd.status != S.DRAFT:
        raise LifecycleError(
            _("The mechanism can only be changed while the round is a draft (it is %(s)s).")
            % {"s": rnd.get_status_display()}
        )
    if "member_caps" in settings:
        if rnd.status != S.DRAFT and settings["member_caps"] != rnd.member_caps:
            raise LifecycleError(
                _("Member caps can only be changed while the round is a draft (it is %(s)s).")
                % {"s": rnd.get_status_display()}
            )
        settings["member_caps"] = clean_member_caps(settings["member_caps"], rnd)
    _check_settings(settings, rnd)
    before = _round_snapshot(rnd)
    for k, v in settings.items():
        setattr(rnd, k, v)
    rnd.save()
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_ROUND_UPDATE,
        object_type=ObjectType.EXCHANGE_ROUND,
        object_id=rnd.pk,
        before=before,
        after=_round_snapshot(rnd),
    )
    return rnd


@transaction.atomic
def round_open(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.DRAFT,), _("open this round"))
    if not rnd.posts.exists():
        raise LifecycleError(_("Add exchange posts before opening the round."))
    # an exchange round's policy is a major decision: an area's round opens once the members'
    # consultation on it is adopted (where the area has a negotiation body)
    consulted = None
    if rnd.area_id:
        consulted = gate.require_adopted_where_convened(rnd.area_id, Subject.ROUND_POLICY, rnd.pk)
    return round_move(rnd, S.OPEN, actor, {"consultation": consulted.number} if consulted else None)


@transaction.atomic
def round_close_applications(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.OPEN,), _("close applications"))
    return round_move(rnd, S.RANKING, actor, {"applications": rnd.applications.count()})


MATCHABLE = (S.RANKING, S.MATCHED)


def round_match_check(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    """Refuse at once what round_match would refuse (role, state): before a job is queued."""
    scope = scope_for(actor)
    scope.require(can_manage_round(scope, rnd), _("run the matching"))
    return round_require_status(ExchangeRound.objects.get(pk=rnd.pk), MATCHABLE)


def round_match(*, rnd: ExchangeRound, actor, progress=None, on_stored=None) -> ExchangeRound:
    """Run the engine (from ranking, or again from matched) and store results and certificate.

    The market is read and solved before the write transaction: on SQLite a write transaction
    stops every other writer (the job's own progress too), and nothing is locked while 100,000
    teachers are matched. The results are stored under the round's row lock once the inputs are
    checked to be those solved (their fingerprint), else solved again under the lock; so the
    round is matched on one state of its inputs, all at once or not at all. ``on_stored(rnd)``
    runs inside that transaction (a job records its success there, so both commit together).
    """
    rnd = round_match_check(rnd=rnd, actor=actor)
    outcome = engine.run_round(rnd, progress=progress)
    if progress:  # said before the transaction, which on SQLite holds every other writer off
        progress(stage="storing", done=0, total=outcome.n_teachers)
    with transaction.atomic():
        rnd = round_lock(rnd, actor, MATCHABLE, _("run the matching"))
        inp = engine.round_input(rnd)
        if inp.fingerprint != outcome.inp.fingerprint:  # changed while it was solved
            outcome = engine.run_round(rnd, inp=inp)
        engine.store_outcome(rnd, outcome, progress=progress)
        if progress:
            progress(stage="checking")
        rnd.matched_at = timezone.now()
        rnd.certificate = outcome.certificate_summary
        rnd.policy = engine.policy_check(rnd, outcome)
        rnd.effect = {}
        rnd = round_move(
            rnd,
            S.MATCHED,
            actor,
            {
                "certificate_ok": outcome.certificate_summary["ok"],
                "placed": outcome.placed,
                "applicants": outcome.n_teachers,
                "fingerprint": outcome.certificate_summary["fingerprint"],
            },
        )
        if on_stored is not None:
            on_stored(rnd)
        return rnd


def effect_state(rnd: ExchangeRound) -> str:
    """The matched state a predicted effect belongs to: the time of the matching."""
    return rnd.matched_at.isoformat() if rnd.matched_at else ""


@transaction.atomic
def round_effect_store(*, rnd: ExchangeRound, actor, state: str, effect: dict) -> ExchangeRound:
    """Store the predicted effect computed for the matched state ``state`` (effect_state), once:
    refused when the round was matched again meanwhile. Whoever may read the round's outcome may
    have it computed; it changes nothing but the stored copy of what GET .../effect shows."""
    scope = scope_for(actor)
    rnd = (
        ExchangeRound.objects.select_for_update(of=("self",))
        .select_related("area", "jurisdiction")
        .get(pk=rnd.pk)
    )
    scope.require(round_outcome_visible(scope, rnd), _("read this round's outcome"))
    if not state or effect_state(rnd) != state:
        raise LifecycleError(_("The round was matched again; this effect is of an older matching."))
    rnd.effect = {**effect, "matched_at": state}
    rnd.save(update_fields=["effect"])
    audit_record(
        actor=actor,
        action=AuditAction.TALENT_ROUND_EFFECT,
        object_type=ObjectType.EXCHANGE_ROUND,
        object_id=rnd.pk,
        after={"matched_at": state, "year": effect.get("year"), "moved": effect.get("moved")},
    )
    return rnd


@transaction.atomic
def round_review(*, rnd: ExchangeRound, actor, note: str = "") -> ExchangeRound:
    """Re-check the stored result independently and compute the predicted effect."""
    rnd = round_lock(rnd, actor, (S.MATCHED,), _("review this round"))
    check = engine.verify_stored(rnd)
    if not check["ok"]:
        raise LifecycleError(
            _("The stored result does not pass the certificate: %(p)s") % {"p": check["problems"]}
        )
    if (rnd.effect or {}).get("matched_at") != effect_state(rnd):  # not stored for this match
        rnd.effect = {**engine.predicted_effect(rnd), "matched_at": effect_state(rnd)}
    rnd.review_note = note.strip()
    return round_move(rnd, S.REVIEWED, actor, {"verified": True, "note": rnd.review_note})


def _county_names(policy: dict) -> dict[str, str]:
    codes = [m.get("county") for m in policy.get("missed") or [] if isinstance(m, dict)]
    return {j.code: j.display_name for j in Jurisdiction.objects.filter(code__in=codes)}


@transaction.atomic
def round_publish(*, rnd: ExchangeRound, actor, override_reason: str = "") -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.REVIEWED,), _("publish this round"))
    if not rnd.policy.get("met", False) and not override_reason.strip():
        raise LifecycleError(
            _("The round misses its policy targets (%(m)s); give a reason to publish anyway.")
            % {"m": missed_summary(rnd.policy, _county_names(rnd.policy))}
        )
    rnd.published_at = timezone.now()
    return round_move(rnd, S.PUBLISHED, actor, {"override_reason": override_reason.strip()})


@transaction.atomic
def round_start_service(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.PUBLISHED,), _("start the service period"))
    return round_move(rnd, S.IN_SERVICE, actor)


@transaction.atomic
def round_return(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = round_lock(rnd, actor, (S.IN_SERVICE,), _("close the service period"))
    return round_move(rnd, S.RETURNED, actor)


#: A round's steps by the name pages and the API use for them, in their order (one list for
#: both; ``match`` runs as a background job, ``talent.job_kinds.match_submit``).
ROUND_STEPS = {
    "open": round_open,
    "close": round_close_applications,
    "match": round_match,
    "review": round_review,
    "publish": round_publish,
    "service": round_start_service,
    "return": round_return,
}
