"""Writes on teacher records and their accounts."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.schools.models import School

from ..models import Backbone, Exemption, SchoolChange, Subject, Teacher, TeachingStage, Title
from .lifecycle import check_choice, snapshot

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


def check_teacher_fields(fields: dict) -> None:
    for name, choices in (
        ("subject", Subject),
        ("stage", TeachingStage),
        ("title", Title),
        ("backbone", Backbone),
        ("exemption", Exemption),
    ):
        if name in fields:
            check_choice(fields[name], choices, name)
    y = fields.get("years_at_school")
    if y is not None and not 0 <= int(y) <= 60:
        raise ValueError(_("Years at the school must be between 0 and 60."))
    h = fields.get("weekly_hours")
    if h is not None and not 0 <= int(h) <= 40:
        raise ValueError(_("Weekly lessons must be between 0 and 40."))


# ---- teachers --------------------------------------------------------------------------------
@transaction.atomic
def teacher_create(
    *,
    code: str,
    school: School,
    name: str,
    subject: str,
    stage: str,
    actor,
    user=None,
    is_synthetic: bool = False,
    **fields,
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
    t = Teacher.objects.create(
        code=code, school=school, user=user, is_synthetic=is_synthetic, **data
    )
    audit_record(
        actor=actor,
        action=AuditAction.TEACHER_CREATE,
        object_type=ObjectType.TEACHER,
        object_id=t.code,
        after={"school": school.code, **snapshot(t, TEACHER_FIELDS)},
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
        action=AuditAction.TEACHER_LINK_USER,
        object_type=ObjectType.TEACHER,
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
    before = snapshot(teacher, TEACHER_FIELDS)
    for k, v in changes.items():
        setattr(teacher, k, v)
    teacher.save()
    audit_record(
        actor=actor,
        action=AuditAction.TEACHER_UPDATE,
        object_type=ObjectType.TEACHER,
        object_id=teacher.code,
        before=before,
        after=snapshot(teacher, TEACHER_FIELDS),
    )
    return teacher


@transaction.atomic
def teacher_school_change(
    *, teacher: Teacher, to_school: School, on: dt.date, actor, is_synthetic: bool = False
) -> SchoolChange:
    """Move a teacher to another school on ``on`` and keep the move as school history.

    Written by whoever acts for the school the teacher leaves (its bureaus or administrators,
    the same rule as every other change of the teacher's record): the staff record leaves
    that school's roll. The date may not lie in the future nor before the teacher's last
    recorded move, so the history stays one ordered line; years at the school restart at 0."""
    scope = scope_for(actor)
    teacher = Teacher.objects.select_for_update().select_related("school").get(pk=teacher.pk)
    scope.require(
        scope.acts_for_school(teacher.school),
        _("move teacher %(c)s to another school") % {"c": teacher.code},
    )
    if not isinstance(on, dt.date):
        raise ValueError(_("The date of the move must be a date."))
    if on > timezone.localdate():
        raise ValueError(_("The date of the move may not lie in the future."))
    if to_school.pk == teacher.school_id:
        raise ValueError(_("The teacher is already at %(s)s.") % {"s": to_school.name})
    last = teacher.school_changes.order_by("-on", "-pk").first()
    if last is not None and on < last.on:
        raise ValueError(
            _("The teacher's last recorded move was on %(d)s; a move cannot be dated earlier.")
            % {"d": last.on.isoformat()}
        )
    before = {"school": teacher.school.code, **snapshot(teacher, TEACHER_FIELDS)}
    change = SchoolChange.objects.create(
        teacher=teacher,
        from_school=teacher.school,
        to_school=to_school,
        on=on,
        is_synthetic=is_synthetic,
    )
    teacher.school = to_school
    teacher.years_at_school = 0
    teacher.save(update_fields=["school", "years_at_school"])
    audit_record(
        actor=actor,
        action=AuditAction.TEACHER_SCHOOL_CHANGE,
        object_type=ObjectType.TEACHER,
        object_id=teacher.code,
        before=before,
        after={"school": to_school.code, "on": on.isoformat(), **snapshot(teacher, TEACHER_FIELDS)},
    )
    return change
