"""Writes on people, roles and tokens. Each is atomic and lands in the audit chain."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .models import ApiToken, Role, RoleAssignment, User
from .scope import OutOfScope, scope_for

TOKEN_PREFIX = "xt_"


def _role_snapshot(a: RoleAssignment) -> dict:
    return {
        "user": a.user.username,
        "role": a.role,
        "area": a.area.slug if a.area_id else None,
        "jurisdiction": a.jurisdiction_id,
        "school": a.school.code if a.school_id else None,
    }


def _require_grant_rights(actor, *, role: str, area=None, jurisdiction=None, school=None) -> None:
    """Admins grant anything; a bureau grants bureau/school/teacher roles inside its subtree;
    a secretariat grants secretariat roles of its own area."""
    if actor is None:
        return  # system (demo loader, migrations)
    scope = scope_for(actor)
    if scope.is_admin:
        return
    if role == Role.SECRETARIAT and area is not None and scope.can_manage_area(area.pk):
        return
    if role == Role.BUREAU and jurisdiction is not None and scope.acts_for(jurisdiction.code):
        return
    if (
        role in (Role.SCHOOL, Role.TEACHER)
        and school is not None
        and scope.acts_for(school.county_id)
    ):
        return
    if role == Role.TEACHER and school is not None and school.pk in scope.write_school_ids:
        return  # a school's administrator brings its own teachers in
    if role == Role.PUBLIC:
        return
    raise OutOfScope(_("%(user)s may not grant this role.") % {"user": scope.username})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    display_name: str = "",
    email: str = "",
    actor=None,
    is_superuser: bool = False,
) -> User:
    if actor is not None and not scope_for(actor).is_admin:
        raise OutOfScope(_("Only administrators create accounts."))
    if User.objects.filter(username=username).exists():
        raise ValueError(_("A user named %(name)s already exists.") % {"name": username})
    user = User(username=username, display_name=display_name, email=email)
    user.is_superuser = is_superuser
    user.is_staff = is_superuser
    if password:
        try:
            validate_password(password, user=user)
        except ValidationError as exc:
            raise ValueError(" ".join(exc.messages)) from exc
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.USER_CREATE,
        obj=user,
        after={"username": username, "display_name": display_name, "superuser": is_superuser},
    )
    return user


@transaction.atomic
def user_invite(
    *, username: str, display_name: str = "", role: str, school=None, actor
) -> tuple[User, str]:
    """An account for someone the actor may grant ``role`` to (a school administrator its
    teachers): no password yet; returns the user and the path of a one-time link on which the
    invited person sets one (Django's password-reset token, valid for PASSWORD_RESET_TIMEOUT)."""
    from django.contrib.auth.tokens import default_token_generator
    from django.urls import reverse
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    _require_grant_rights(actor, role=role, school=school)
    username = username.strip()
    if not username:
        raise ValueError(_("Give a user name."))
    if User.objects.filter(username=username).exists():
        raise ValueError(_("A user named %(name)s already exists.") % {"name": username})
    user = User(username=username, display_name=display_name.strip())
    user.set_unusable_password()
    user.save()
    audit_record(
        actor=actor,
        action=AuditAction.USER_INVITE,
        obj=user,
        after={"username": username, "display_name": user.display_name, "role": role},
    )
    role_grant(user=user, role=role, school=school, actor=actor)
    link = reverse(
        "password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return user, link


@transaction.atomic
def role_grant(
    *, user: User, role: str, area=None, jurisdiction=None, school=None, actor=None
) -> RoleAssignment:
    _require_grant_rights(actor, role=role, area=area, jurisdiction=jurisdiction, school=school)
    assignment, created = RoleAssignment.objects.get_or_create(
        user=user, role=role, area=area, jurisdiction=jurisdiction, school=school
    )
    if created:
        audit_record(
            actor=actor,
            action=AuditAction.ROLE_GRANT,
            obj=assignment,
            after=_role_snapshot(assignment),
        )
    if hasattr(user, "_xietong_scope"):
        del user._xietong_scope
    return assignment


@transaction.atomic
def role_revoke(*, assignment: RoleAssignment, actor) -> None:
    _require_grant_rights(
        actor,
        role=assignment.role,
        area=assignment.area,
        jurisdiction=assignment.jurisdiction,
        school=assignment.school,
    )
    before = _role_snapshot(assignment)
    pk = assignment.pk
    assignment.delete()
    audit_record(
        actor=actor,
        action=AuditAction.ROLE_REVOKE,
        object_type=ObjectType.ROLE_ASSIGNMENT,
        object_id=pk,
        before=before,
    )


def _hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@transaction.atomic
def token_create(
    *, user: User, name: str, role_assignment: RoleAssignment | None = None, actor
) -> tuple[ApiToken, str]:
    """Create a token; the secret is returned once and only its hash is stored."""
    if actor is None or (actor.pk != user.pk and not scope_for(actor).is_admin):
        raise OutOfScope(_("Only the user or an administrator creates that user's tokens."))
    if role_assignment is not None and role_assignment.user_id != user.pk:
        raise ValueError(_("The role belongs to another user."))
    if not name.strip():
        raise ValueError(_("A token needs a name."))
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user,
        name=name.strip(),
        key_prefix=secret[:10],
        key_hash=_hash_key(secret),
        role_assignment=role_assignment,
    )
    audit_record(
        actor=actor,
        action=AuditAction.TOKEN_CREATE,
        obj=token,
        after={
            "user": user.username,
            "name": token.name,
            "prefix": token.key_prefix,
            "role_assignment": role_assignment.pk if role_assignment else None,
        },
    )
    return token, secret


@transaction.atomic
def token_revoke(*, token: ApiToken, actor) -> ApiToken:
    if actor is None or (actor.pk != token.user_id and not scope_for(actor).is_admin):
        raise OutOfScope(_("Only the token's user or an administrator revokes it."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit_record(
            actor=actor,
            action=AuditAction.TOKEN_REVOKE,
            obj=token,
            before={"revoked_at": None},
            after={"revoked_at": token.revoked_at},
        )
    return token


def token_authenticate(secret: str) -> ApiToken | None:
    """The active token for a presented secret, or None. Updates last use at most once a minute."""
    if not secret or not secret.startswith(TOKEN_PREFIX):
        return None
    token = (
        ApiToken.objects.select_related("user", "role_assignment", "role_assignment__jurisdiction")
        .filter(key_hash=_hash_key(secret), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if token is None:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token
