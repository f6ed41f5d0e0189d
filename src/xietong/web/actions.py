"""The one way a page runs a write: the form has validated, the service checks scope and every
rule again inside its transaction, and the person sees a message either way."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied


def run_service(request, fn, ok: str | None):
    """Call ``fn`` (a service call). Returns ``(result, 200)`` with ``ok`` as a success message,
    or ``(None, 403)`` when the caller's roles do not reach (``OutOfScope`` is a
    PermissionDenied) and ``(None, 400)`` when the service refuses the input or the step, with
    the reason as an error message; a refused write changes nothing."""
    try:
        result = fn()
    except PermissionDenied as exc:
        messages.error(request, str(exc))
        return None, 403
    except ValueError as exc:
        messages.error(request, str(exc))
        return None, 400
    if ok:
        messages.success(request, ok)
    return result, 200
