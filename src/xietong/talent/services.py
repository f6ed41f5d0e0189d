"""Writes on teachers and exchange rounds: atomic, scope-checked, audited.

The round lifecycle is draft -> open -> ranking -> matched -> reviewed -> published -> in_service
-> returned; every step is one function here and refuses to run out of order.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.regions.models import AreaMembership, CooperationArea, Jurisdiction
from xietong.regions.selectors import area_subtree_ids
from xietong.schools.models import School

from . import engine
from .models import (
    HOME_CODE,
    IR_MODES,
    Application,
    Backbone,
    Choice,
    ExchangePost,
    ExchangeRound,
    Exemption,
    Position,
    PostKind,
    RoundMode,
    RoundStatus,
    Subject,
    Teacher,
    TeachingStage,
    Title,
)
from .policy_words import missed_summary
from .selectors import can_manage_round, round_outcome_visible, round_prefixes

S = RoundStatus
TEACHER_FIELDS = (
    "name",
    "subject",
    "stage",
    "title",
    "backbone",
    "years_at_school",
    "position",
    "eligible",
    "exemption",
    "weekly_hours",
)


class LifecycleError(ValueError):
    """A round step asked for in the wrong state."""


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f) for f in fields}


def _choice(value: str, choices, what: str) -> str:
    if value not in choices.values:
        raise ValueError(
            _("Unknown %(what)s %(v)s (allowed: %(a)s).")
            % {"what": what, "v": value, "a": ", ".join(choices.values)}
        )
    return value


def check_teacher_fields(fields: dict) -> None:
    for name, choices in (
        ("subject", Subject),
        ("stage", TeachingStage),
        ("title", Title),
        ("backbone", Backbone),
        ("exemption", Exemption),
    ):
        if name in fields:
            _choice(fields[name], choices, name)
    y = fields.get("years_at_school")
    if y is not None and not 0 <= int(y) <= 60:
        raise ValueError(_("Years at the school must be between 0 and 60."))
    h = fields.get("weekly_hours")
    if h is not None and not 0 <= int(h) <= 40:
        raise ValueError(_("Weekly lessons must be between 0 and 40."))


# ---- teachers --------------------------------------------------------------------------------
@transaction.atomic
def teacher_create(
    *, code: str, school: School, name: str, subject: str, stage: str, actor, user=None, **fields
) -> Teacher:
    scope = scope_for(actor)
    scope.require(scope.acts_for_school(school), _("add teachers at %(c)s") % {"c": school.code})
    unknown = set(fields) - set(TEACHER_FIELDS)
    if unknown:
        raise ValueError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    data = {"name": name.strip(), "subject": subject, "stage": stage, **fields}
    check_teacher_fields(data)
    code = code.strip()
    if not code or len(code) > 32:
        raise ValueError(_("A staff number is 1 to 32 characters."))
    if not data["name"]:
        raise ValueError(_("A teacher needs a name."))
    if Teacher.objects.filter(code=code).exists():
        raise ValueError(_("Staff number %(c)s is already used.") % {"c": code})
    t = Teacher.objects.create(code=code, school=school, user=user, **data)
    audit_record(
        actor=actor,
        action="teacher.create",
        object_type="teacher",
        object_id=t.code,
        after={"school": school.code, **_snapshot(t, TEACHER_FIELDS)},
    )
    return t


@transaction.atomic
def teacher_link_user(*, teacher: Teacher, user, actor) -> Teacher:
    """Link a teacher record to the account its teacher logs in with (or unlink: ``user=None``).
    The account must hold the teacher role at the teacher's school, so a link never hands a
    record to someone the school has not brought in."""
    from xietong.accounts.models import Role, RoleAssignment

    scope = scope_for(actor)
    scope.require(
        scope.acts_for_school(teacher.school),
        _("link teacher %(c)s to an account") % {"c": teacher.code},
    )
    teacher = Teacher.objects.select_for_update().get(pk=teacher.pk)
    if user is not None:
        if not RoleAssignment.objects.filter(
            user=user, role=Role.TEACHER, school=teacher.school
        ).exists():
            raise ValueError(
                _("%(u)s is not a teacher of %(s)s; invite them from this page instead.")
                % {"u": user.username, "s": teacher.school.name}
            )
        other = Teacher.objects.filter(user=user).exclude(pk=teacher.pk).first()
        if other is not None:
            raise ValueError(
                _("%(u)s is already linked to teacher %(c)s.")
                % {"u": user.username, "c": other.code}
            )
    before = teacher.user.username if teacher.user_id else None
    teacher.user = user
    teacher.save(update_fields=["user"])
    audit_record(
        actor=actor,
        action="teacher.link_user",
        object_type="teacher",
        object_id=teacher.code,
        before={"user": before},
        after={"user": user.username if user is not None else None},
    )
    return teacher


@transaction.atomic
def teacher_invite(*, teacher: Teacher, username: str, actor) -> tuple[Teacher, str]:
    """Make an account for a teacher (teacher role at the school, no password yet), link it and
    return the one-time link on which the teacher sets a password."""
    from xietong.accounts.models import Role
    from xietong.accounts.services import user_invite

    scope = scope_for(actor)
    scope.require(
        scope.acts_for_school(teacher.school),
        _("invite teacher %(c)s") % {"c": teacher.code},
    )
    if teacher.user_id:
        raise ValueError(_("Teacher %(c)s already has an account.") % {"c": teacher.code})
    user, link = user_invite(
        username=username,
        display_name=teacher.name,
        role=Role.TEACHER,
        school=teacher.school,
        actor=actor,
    )
    return teacher_link_user(teacher=teacher, user=user, actor=actor), link


@transaction.atomic
def teacher_update(*, teacher: Teacher, actor, **changes) -> Teacher:
    scope = scope_for(actor)
    scope.require(
        scope.acts_for_school(teacher.school),
        _("change teacher %(c)s") % {"c": teacher.code},
    )
    unknown = set(changes) - set(TEACHER_FIELDS)
    if unknown:
        raise ValueError(_("Unknown fields: %(f)s") % {"f": ", ".join(sorted(unknown))})
    check_teacher_fields(changes)
    teacher = Teacher.objects.select_for_update().get(pk=teacher.pk)
    before = _snapshot(teacher, TEACHER_FIELDS)
    for k, v in changes.items():
        setattr(teacher, k, v)
    teacher.save()
    audit_record(
        actor=actor,
        action="teacher.update",
        object_type="teacher",
        object_id=teacher.code,
        before=before,
        after=_snapshot(teacher, TEACHER_FIELDS),
    )
    return teacher


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


def _check_settings(fields: dict, current: ExchangeRound | None = None) -> None:
    """Check settings on their own and in combination with the round's other settings."""
    if "mode" in fields and fields["mode"] not in RoundMode.values:
        raise ValueError(
            _("Unknown mechanism %(m)s (allowed: %(a)s).")
            % {"m": fields["mode"], "a": ", ".join(RoundMode.values)}
        )
    mode = fields.get("mode", current.mode if current else RoundMode.DA)
    cap = fields.get("school_cap", current.school_cap if current else -1)
    if mode in IR_MODES and cap is not None and int(cap) >= 0:
        raise ValueError(
            _(
                "School caps cannot be combined with the individually rational mechanisms "
                "(%(m)s): the engine supports them only with deferred acceptance. Remove the "
                "school cap (-1) or choose deferred acceptance."
            )
            % {"m": RoundMode(mode).label}
        )
    caps = fields.get("member_caps", current.member_caps if current else None)
    if mode in IR_MODES and caps:
        raise ValueError(
            _(
                "Caps per receiving member cannot be combined with the individually rational "
                "mechanisms (%(m)s): the engine supports them only with deferred acceptance. "
                "Remove the member caps or choose deferred acceptance."
            )
            % {"m": RoundMode(mode).label}
        )
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


def clean_member_caps(value, rnd: ExchangeRound) -> dict[str, int]:
    """Check caps per receiving member: a mapping from the division code of a member of the
    round's area (or of a jurisdiction inside the bureau's territory) to a non-negative whole
    number; codes may not contain one another. Returns the caps sorted by code."""
    if value is None:
        return {}
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
    if not out:
        return {}
    found = dict(Jurisdiction.objects.filter(code__in=list(out)).values_list("code", "prefix"))
    if rnd.area_id:
        allowed = set(
            AreaMembership.objects.filter(area_id__in=_area_tree(rnd.area)).values_list(
                "jurisdiction_id", flat=True
            )
        )
        bad = sorted(c for c in out if c not in allowed)
        if bad:
            raise ValueError(
                _("%(c)s: not a member of %(a)s (members: %(m)s).")
                % {"c": ", ".join(bad), "a": rnd.area.name, "m": ", ".join(sorted(allowed))}
            )
    else:
        root = rnd.jurisdiction.prefix
        bad = sorted(c for c in out if c not in found or not found[c].startswith(root))
        if bad:
            raise ValueError(
                _("%(c)s: not a jurisdiction inside %(j)s.")
                % {"c": ", ".join(bad), "j": rnd.jurisdiction.display_name}
            )
    prefixes = sorted(found[c] for c in out)
    for a, b in zip(prefixes, prefixes[1:], strict=False):
        if b.startswith(a):
            raise ValueError(
                _("Member caps may not overlap: %(a)s contains %(b)s.")
                % {
                    "a": next(c for c in out if found[c] == a),
                    "b": next(c for c in out if found[c] == b),
                }
            )
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
        action="talent.round.create",
        object_type="exchange_round",
        object_id=rnd.pk,
        after=_round_snapshot(rnd),
    )
    return rnd


def _lock(rnd: ExchangeRound, actor, allowed: tuple[str, ...], what: str) -> ExchangeRound:
    scope = scope_for(actor)
    scope.require(can_manage_round(scope, rnd), what)
    rnd = (
        ExchangeRound.objects.select_for_update(of=("self",))
        .select_related("area", "jurisdiction")
        .get(pk=rnd.pk)
    )
    return _require_status(rnd, allowed)


def _require_status(rnd: ExchangeRound, allowed: tuple[str, ...]) -> ExchangeRound:
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


def _move(rnd: ExchangeRound, new: str, actor, extra: dict | None = None) -> ExchangeRound:
    before = rnd.status
    rnd.status = new
    rnd.save()
    audit_record(
        actor=actor,
        action=f"talent.round.{new}",
        object_type="exchange_round",
        object_id=rnd.pk,
        before={"status": before},
        after={"status": new, **(extra or {})},
    )
    return rnd


@transaction.atomic
def round_update(*, rnd: ExchangeRound, actor, **settings) -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.DRAFT, S.OPEN, S.RANKING), _("change this round"))
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
        action="talent.round.update",
        object_type="exchange_round",
        object_id=rnd.pk,
        before=before,
        after=_round_snapshot(rnd),
    )
    return rnd


@transaction.atomic
def round_open(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.DRAFT,), _("open this round"))
    if not rnd.posts.exists():
        raise LifecycleError(_("Add exchange posts before opening the round."))
    return _move(rnd, S.OPEN, actor)


@transaction.atomic
def round_close_applications(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.OPEN,), _("close applications"))
    return _move(rnd, S.RANKING, actor, {"applications": rnd.applications.count()})


MATCHABLE = (S.RANKING, S.MATCHED)


def round_match_check(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    """Refuse at once what round_match would refuse (role, state): before a job is queued."""
    scope = scope_for(actor)
    scope.require(can_manage_round(scope, rnd), _("run the matching"))
    return _require_status(ExchangeRound.objects.get(pk=rnd.pk), MATCHABLE)


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
        rnd = _lock(rnd, actor, MATCHABLE, _("run the matching"))
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
        rnd = _move(
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
        action="talent.round.effect",
        object_type="exchange_round",
        object_id=rnd.pk,
        after={"matched_at": state, "year": effect.get("year"), "moved": effect.get("moved")},
    )
    return rnd


@transaction.atomic
def round_review(*, rnd: ExchangeRound, actor, note: str = "") -> ExchangeRound:
    """Re-check the stored result independently and compute the predicted effect."""
    rnd = _lock(rnd, actor, (S.MATCHED,), _("review this round"))
    check = engine.verify_stored(rnd)
    if not check["ok"]:
        raise LifecycleError(
            _("The stored result does not pass the certificate: %(p)s") % {"p": check["problems"]}
        )
    if (rnd.effect or {}).get("matched_at") != effect_state(rnd):  # not stored for this match
        rnd.effect = {**engine.predicted_effect(rnd), "matched_at": effect_state(rnd)}
    rnd.review_note = note.strip()
    return _move(rnd, S.REVIEWED, actor, {"verified": True, "note": rnd.review_note})


def _county_names(policy: dict) -> dict[str, str]:
    codes = [m.get("county") for m in policy.get("missed") or [] if isinstance(m, dict)]
    return {j.code: j.display_name for j in Jurisdiction.objects.filter(code__in=codes)}


@transaction.atomic
def round_publish(*, rnd: ExchangeRound, actor, override_reason: str = "") -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.REVIEWED,), _("publish this round"))
    if not rnd.policy.get("met", False) and not override_reason.strip():
        raise LifecycleError(
            _("The round misses its policy targets (%(m)s); give a reason to publish anyway.")
            % {"m": missed_summary(rnd.policy, _county_names(rnd.policy))}
        )
    rnd.published_at = timezone.now()
    return _move(rnd, S.PUBLISHED, actor, {"override_reason": override_reason.strip()})


@transaction.atomic
def round_start_service(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.PUBLISHED,), _("start the service period"))
    return _move(rnd, S.IN_SERVICE, actor)


@transaction.atomic
def round_return(*, rnd: ExchangeRound, actor) -> ExchangeRound:
    rnd = _lock(rnd, actor, (S.IN_SERVICE,), _("close the service period"))
    return _move(rnd, S.RETURNED, actor)


# ---- posts -----------------------------------------------------------------------------------
def _in_territory(rnd: ExchangeRound, school: School) -> bool:
    return any(school.county_id.startswith(p) for p in round_prefixes(rnd))


@transaction.atomic
def post_create(
    *,
    rnd: ExchangeRound,
    code: str,
    host_school: School,
    subject: str,
    stage: str,
    actor,
    term_years: int = 1,
    kind: str = "rotation",
    seats: int = 1,
) -> ExchangePost:
    """Posts are added by the round's managers or by the bureau or school that hosts them."""
    scope = scope_for(actor)
    scope.require(
        can_manage_round(scope, rnd) or scope.acts_for_school(host_school),
        _("offer posts at %(c)s") % {"c": host_school.code},
    )
    rnd = ExchangeRound.objects.select_for_update(of=("self",)).get(pk=rnd.pk)
    if rnd.status not in (S.DRAFT, S.OPEN):
        raise LifecycleError(_("Posts can only be added while the round is a draft or open."))
    if not _in_territory(rnd, host_school):
        raise ValueError(
            _("School %(c)s is outside the round's territory.") % {"c": host_school.code}
        )
    _choice(subject, Subject, "subject")
    _choice(stage, TeachingStage, "stage")
    _choice(kind, PostKind, "kind")
    if not 1 <= int(term_years) <= 3:
        raise ValueError(_("A term is 1 to 3 years."))
    if not 1 <= int(seats) <= 100:
        raise ValueError(_("A post has 1 to 100 seats."))
    code = code.strip()
    if code.upper() == HOME_CODE:
        raise ValueError(
            _("Post code %(c)s is reserved for staying at the current post.") % {"c": code}
        )
    if not code or ExchangePost.objects.filter(round=rnd, code=code).exists():
        raise ValueError(_("Post code %(c)s is empty or already used in this round.") % {"c": code})
    post = ExchangePost.objects.create(
        round=rnd,
        code=code,
        host_school=host_school,
        subject=subject,
        stage=stage,
        term_years=term_years,
        kind=kind,
        seats=seats,
    )
    audit_record(
        actor=actor,
        action="talent.post.create",
        object_type="exchange_post",
        object_id=post.pk,
        after={
            "round": rnd.pk,
            "code": code,
            "school": host_school.code,
            "subject": subject,
            "stage": stage,
            "kind": kind,
            "term_years": term_years,
            "seats": seats,
        },
    )
    return post


# ---- applications ----------------------------------------------------------------------------
def teacher_may_apply(rnd: ExchangeRound, teacher: Teacher) -> str | None:
    """None if the teacher may apply, else the reason in words."""
    if not teacher.eligible:
        return _("The teacher is not eligible for exchange.")
    if teacher.exemption != Exemption.NONE:
        return _("The teacher is exempt (%(e)s).") % {"e": teacher.get_exemption_display()}
    if teacher.years_at_school < rnd.min_years_at_school:
        # 教师〔2014〕4号: teachers who have taught at the same school for the set number of years
        # (6 by default) take part in rotation; the round's setting is the county's rule.
        return _(
            "The teacher has %(y)s years at the school; this round takes teachers with at least "
            "%(n)s."
        ) % {"y": teacher.years_at_school, "n": rnd.min_years_at_school}
    if not _in_territory(rnd, teacher.school):
        return _("The teacher's school is outside the round's territory.")
    return None


def employer_of_record(rnd: ExchangeRound, teacher: Teacher) -> tuple[str, str]:
    """Who employs a teacher during the round's service: ("school", school code) as a rule;
    ("county", county code) when the round's teachers are managed by the county (县管校聘), so a
    move between the county's schools changes the post, not the employer."""
    if rnd.county_managed:
        return ("county", teacher.school.county_id)
    return ("school", teacher.school.code)


def default_points(teacher: Teacher) -> float:
    """Priority points before the host adjusts them: seniority at the school, title, backbone."""
    title = {"none": 0, "third": 1, "second": 2, "first": 4, "senior": 6, "professor": 8}
    backbone = {"none": 0, "school": 2, "county": 4, "city": 6, "province": 8}
    return float(
        min(teacher.years_at_school, 20) + title[teacher.title] + backbone[teacher.backbone]
    )


def can_apply_for(scope, actor, rnd: ExchangeRound, teacher: Teacher) -> bool:
    """A teacher applies herself; the round's managers and her school's writers on her behalf."""
    own = getattr(actor, "pk", None) is not None and teacher.user_id == actor.pk
    return own or can_manage_round(scope, rnd) or scope.acts_for_school(teacher.school)


@transaction.atomic
def application_submit(
    *, rnd: ExchangeRound, teacher: Teacher, post_codes: list[str], actor
) -> Application:
    """A teacher's ranked list (best first); replaces an earlier list while the round is open."""
    scope = scope_for(actor)
    scope.require(
        can_apply_for(scope, actor, rnd, teacher),
        _("apply for teacher %(c)s") % {"c": teacher.code},
    )
    rnd = ExchangeRound.objects.select_for_update(of=("self",)).get(pk=rnd.pk)
    if rnd.status != S.OPEN:
        raise LifecycleError(_("Applications are only taken while the round is open."))
    reason = teacher_may_apply(rnd, teacher)
    if reason:
        raise ValueError(reason)
    codes = [c.strip() for c in post_codes if c and c.strip()]
    # "HOME" marks where staying at the current post ranks: posts below it are moves the
    # teacher likes less than staying (refused in the individually rational mechanisms)
    homes = [i for i, c in enumerate(codes) if c.upper() == HOME_CODE]
    if len(homes) > 1:
        raise ValueError(_("%(h)s may appear once in the list.") % {"h": HOME_CODE})
    home_rank = homes[0] if homes else None
    if homes:
        del codes[home_rank]
        if home_rank == len(codes):
            home_rank = None  # staying last is the default
    if not codes:
        raise ValueError(_("Rank at least one post."))
    if len(codes) > rnd.max_choices:
        raise ValueError(_("Rank at most %(n)d posts.") % {"n": rnd.max_choices})
    if len(set(codes)) != len(codes):
        raise ValueError(_("Each post may appear once in the list."))
    posts = {
        p.code: p
        for p in ExchangePost.objects.filter(round=rnd, code__in=codes).select_related(
            "host_school"
        )
    }
    missing = [c for c in codes if c not in posts]
    if missing:
        raise ValueError(_("No such posts in this round: %(c)s") % {"c": ", ".join(missing)})
    leading = [c for c in codes if posts[c].kind == PostKind.PRINCIPAL]
    if leading and teacher.position == Position.TEACHER:
        raise ValueError(
            _("Principal posts are for principals and vice principals: %(c)s")
            % {"c": ", ".join(leading)}
        )
    own_school = [c for c in codes if posts[c].host_school_id == teacher.school_id]
    if own_school:
        raise ValueError(
            _("Posts at the teacher's own school cannot be ranked: %(c)s")
            % {"c": ", ".join(own_school)}
        )
    app, _created = Application.objects.get_or_create(round=rnd, teacher=teacher)
    before = listed_codes(app)
    app.choices.all().delete()
    app.home_rank = home_rank
    points = default_points(teacher)
    Choice.objects.bulk_create(
        Choice(application=app, post=posts[c], rank=i, score=points) for i, c in enumerate(codes)
    )
    app.save()
    audit_record(
        actor=actor,
        action="talent.application.submit",
        object_type="application",
        object_id=f"{rnd.pk}:{teacher.code}",
        before=before or None,
        after=listed_codes(app),
    )
    return app


def listed_codes(app: Application) -> list[str]:
    """The ranked list as submitted, with HOME where staying ranks (if not last)."""
    codes = list(app.choices.order_by("rank").values_list("post__code", flat=True))
    if codes and app.home_rank is not None:
        codes.insert(app.home_rank, HOME_CODE)
    return codes


@transaction.atomic
def application_withdraw(*, rnd: ExchangeRound, teacher: Teacher, actor) -> None:
    scope = scope_for(actor)
    own = getattr(actor, "pk", None) is not None and teacher.user_id == actor.pk
    scope.require(own or can_manage_round(scope, rnd), _("withdraw this application"))
    if ExchangeRound.objects.get(pk=rnd.pk).status != S.OPEN:
        raise LifecycleError(_("Applications can only be withdrawn while the round is open."))
    n, _d = Application.objects.filter(round=rnd, teacher=teacher).delete()
    if not n:
        raise ValueError(_("There is no application to withdraw."))
    audit_record(
        actor=actor,
        action="talent.application.withdraw",
        object_type="application",
        object_id=f"{rnd.pk}:{teacher.code}",
    )


@transaction.atomic
def scores_set(
    *, rnd: ExchangeRound, post: ExchangePost, scores: dict[str, float | None], actor
) -> int:
    """The host (school or bureau over it) or the round's manager scores applicants to a post:
    teacher code -> points (higher first; equal points go to the round's seeded lottery;
    None = not acceptable at this post)."""
    scope = scope_for(actor)
    scope.require(
        can_manage_round(scope, rnd) or scope.acts_for_school(post.host_school),
        _("rank applicants to post %(c)s") % {"c": post.code},
    )
    if post.round_id != rnd.pk:
        raise ValueError(_("The post is not part of this round."))
    if ExchangeRound.objects.select_for_update(of=("self",)).get(pk=rnd.pk).status != S.RANKING:
        raise LifecycleError(_("Applicants are ranked only in the ranking step."))
    choices = {
        c.application.teacher.code: c
        for c in Choice.objects.filter(post=post).select_related("application__teacher")
    }
    unknown = sorted(set(scores) - set(choices))
    if unknown:
        raise ValueError(
            _("These teachers did not apply to %(p)s: %(t)s")
            % {"p": post.code, "t": ", ".join(unknown[:20])}
        )
    changed = []
    for code, value in scores.items():
        if value is not None:
            value = float(value)
            if not -1000 <= value <= 1000 or value != value:
                raise ValueError(_("Points must be between -1000 and 1000."))
        c = choices[code]
        c.score = value
        changed.append(c)
    Choice.objects.bulk_update(changed, ["score"])
    audit_record(
        actor=actor,
        action="talent.scores.set",
        object_type="exchange_post",
        object_id=post.pk,
        after={"round": rnd.pk, "scores": scores},
    )
    return len(changed)


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
