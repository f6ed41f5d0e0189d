"""What every talent page shares: the round looked up in the caller's scope, and the one way a
page calls a service (the form validated, the service checks again, a message either way)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.web import pickers
from xietong.web.actions import run_service
from xietong.web.downloads import records_download

from .. import selectors


def round_or_404(request, pk: int):
    """The round ``pk`` if the caller sees it, else 404."""
    rnd = selectors.round_get(scope=scope_for(request.user), pk=pk)
    if rnd is None:
        raise Http404(_("No such round in your scope."))
    return rnd


def run(request, fn, ok: str | None):
    """Call a service; a message either way (``web.actions.run_service``). A refusal (a scope
    the caller's roles do not reach, a step out of order, an input the service refuses) becomes
    an error message naming the reason, nothing is written, and None is returned."""
    return run_service(request, fn, ok)[0]


def refuse_form(request, form, *, joined: bool = False) -> None:
    """The errors of an invalid form as messages naming their fields (one message, or one per
    problem); nothing is written."""
    problems = pickers.errors_of(form)
    if joined:
        messages.error(request, "; ".join(problems))
    else:
        for problem in problems:
            messages.error(request, problem)


def csv_download(rows: list[dict], filename: str) -> HttpResponse:
    return records_download(rows, filename=filename.removesuffix(".csv"))


def form_action(request, form, write, ok, *, back: str, joined: bool = False):
    """The shape of a POST action: an invalid form becomes messages, a valid one is written by
    ``write(cleaned_data)`` (a service call, checked again there); back to ``back`` either way.
    ``ok`` is the success message, or a function of the cleaned data giving it."""
    if not form.is_valid():
        refuse_form(request, form, joined=joined)
    else:
        d = form.cleaned_data
        run(request, lambda: write(d), ok(d) if callable(ok) else ok)
    return redirect(back)
