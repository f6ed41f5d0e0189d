"""Posts of a round, teachers' ranked applications and the hosts' points."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.schools.models import School

from ..models import (
    HOME_CODE,
    Application,
    Choice,
    ExchangePost,
    ExchangeRound,
    Exemption,
    Position,
    PostKind,
    Subject,
    Teacher,
    TeachingStage,
)
from ..selectors import can_manage_round
from .lifecycle import LifecycleError, S, check_choice, in_territory


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
    if not in_territory(rnd, host_school):
        raise ValueError(
            _("School %(c)s is outside the round's territory.") % {"c": host_school.code}
        )
    check_choice(subject, Subject, "subject")
    check_choice(stage, TeachingStage, "stage")
    check_choice(kind, PostKind, "kind")
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
        action=AuditAction.TALENT_POST_CREATE,
        object_type=ObjectType.EXCHANGE_POST,
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
    if not in_territory(rnd, teacher.school):
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


def _ranked_codes(post_codes: list[str], *, max_choices: int) -> tuple[list[str], int | None]:
    """The ranked post codes without HOME, and where staying ranks (None: last, the default).

    "HOME" marks where staying at the current post ranks: posts below it are moves the teacher
    likes less than staying (refused in the individually rational mechanisms)."""
    codes = [c.strip() for c in post_codes if c and c.strip()]
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
    if len(codes) > max_choices:
        raise ValueError(_("Rank at most %(n)d posts.") % {"n": max_choices})
    if len(set(codes)) != len(codes):
        raise ValueError(_("Each post may appear once in the list."))
    return codes, home_rank


def _check_ranked_posts(codes: list[str], posts: dict, teacher: Teacher) -> None:
    """The ranked posts exist in the round, principal posts only for school leaders, none at the
    teacher's own school."""
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
    codes, home_rank = _ranked_codes(post_codes, max_choices=rnd.max_choices)
    posts = {
        p.code: p
        for p in ExchangePost.objects.filter(round=rnd, code__in=codes).select_related(
            "host_school"
        )
    }
    _check_ranked_posts(codes, posts, teacher)
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
        action=AuditAction.TALENT_APPLICATION_SUBMIT,
        object_type=ObjectType.APPLICATION,
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
        action=AuditAction.TALENT_APPLICATION_WITHDRAW,
        object_type=ObjectType.APPLICATION,
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
        action=AuditAction.TALENT_SCORES_SET,
        object_type=ObjectType.EXCHANGE_POST,
        object_id=post.pk,
        after={"round": rnd.pk, "scores": scores},
    )
    return len(changed)
