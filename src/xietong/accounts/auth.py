"""API authentication: bearer tokens, the browser session (with CSRF), or anonymous (public)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.errors import AuthenticationError
from ninja.security import HttpBearer, SessionAuth

from .scope import ANONYMOUS, scope_for
from .services import token_authenticate


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        t = token_authenticate(token)
        if t is None:
            # a caller who presents a token and gets it wrong is told so (401), never served as
            # the public or as the browser session that happens to come along
            raise AuthenticationError()
        user = t.user
        user._xietong_scope = (
            scope_for(user, only=t.role_assignment) if t.role_assignment_id else scope_for(user)
        )
        user._xietong_token = t  # a job this request starts acts with the token's limits
        request.actor = user
        request.scope = user._xietong_scope
        request.api_token = t
        return t


def _sends_bearer(request) -> bool:
    return request.headers.get("Authorization", "").split(" ")[0].lower() == "bearer"


class Session(SessionAuth):
    def authenticate(self, request, key):
        if _sends_bearer(request):
            return None  # the token decides (BearerToken); a session never stands in for it
        user = super().authenticate(request, key)
        if user:
            request.actor = user
            request.scope = scope_for(user)
        return user


def anonymous(request):
    """Last resort for read endpoints: the caller is the public."""
    request.actor = AnonymousUser()
    request.scope = ANONYMOUS
    return True


READ_AUTH = [BearerToken(), Session(), anonymous]
WRITE_AUTH = [BearerToken(), Session()]
