import datetime as dt

from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from .auth import Session
from .models import ApiToken, RoleAssignment
from .services import token_create, token_revoke

router = Router(tags=["accounts"])


class RoleOut(Schema):
    id: int
    role: str
    area: str | None
    jurisdiction: str | None
    school: str | None


class MeOut(Schema):
    username: str
    display_name: str
    is_admin: bool
    roles: list[RoleOut]


def _role_out(a: RoleAssignment) -> RoleOut:
    return RoleOut(
        id=a.pk,
        role=a.role,
        area=a.area.slug if a.area_id else None,
        jurisdiction=a.jurisdiction_id,
        school=a.school.code if a.school_id else None,
    )


@router.get("/me", response=MeOut, auth=[Session()], summary="The signed-in user and roles")
def me(request):
    u = request.actor
    return MeOut(
        username=u.username,
        display_name=u.display_name,
        is_admin=u.is_superuser,
        roles=[_role_out(a) for a in u.roles.select_related("area", "school")],
    )


class TokenIn(Schema):
    name: str
    role_assignment: int | None = None


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    role_assignment: int | None
    created_at: dt.datetime
    revoked_at: dt.datetime | None
    secret: str | None = None


def _token_out(t: ApiToken, secret: str | None = None) -> TokenOut:
    return TokenOut(
        id=t.pk,
        name=t.name,
        prefix=t.key_prefix,
        role_assignment=t.role_assignment_id,
        created_at=t.created_at,
        revoked_at=t.revoked_at,
        secret=secret,
    )


@router.get("/tokens", response=list[TokenOut], auth=[Session()], summary="My API tokens")
def tokens(request):
    return [_token_out(t) for t in request.actor.api_tokens.order_by("-created_at")]


@router.post(
    "/tokens",
    response={201: TokenOut},
    auth=[Session()],
    summary="Create an API token (the secret is shown once)",
)
def token_new(request, payload: TokenIn):
    ra = None
    if payload.role_assignment is not None:
        ra = get_object_or_404(RoleAssignment, pk=payload.role_assignment, user=request.actor)
    token, secret = token_create(
        user=request.actor, name=payload.name, role_assignment=ra, actor=request.actor
    )
    return Status(201, _token_out(token, secret))


@router.delete(
    "/tokens/{token_id}", response=TokenOut, auth=[Session()], summary="Revoke an API token"
)
def token_delete(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.actor)
    return _token_out(token_revoke(token=token, actor=request.actor))
