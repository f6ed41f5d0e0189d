"""API authentication: bearer tokens, the browser session (with CSRF), or anonymous (public)."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from ninja.security import HttpBearer, SessionAuth

from .scope import ANONYMOUS, scope_for
from .services import token_authenticate


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def authenticate(self, request, token):
        t = token_authenticate(token)
        if t is None:
            return None
        user = t.user
        user._xietong_scope = (
            scope_for(user, only=t.role_assignment) if t.role_assignment_id else scope_for(user)
        )
        request.actor = user
        request.scope = user._xietong_scope
        request.api_token = t
        return t


class Session(SessionAuth):
    def authenticate(self, request, key):
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
