"""What the finance endpoints share: the fund as the caller may see it, a member by code."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja.errors import HttpError

from xietong.regions.models import Jurisdiction

from .. import selectors


def fund_or_404(request, slug: str, *, full: bool = True):
    """The fund of ``slug`` as the caller may see it; 404 when out of scope (or public only, with
    ``full``)."""
    fund, level = selectors.fund_get(scope=request.scope, slug=slug)
    if fund is None or (full and level == "public"):
        raise HttpError(404, _("Not found"))
    return fund


def member(code: str) -> Jurisdiction:
    return get_object_or_404(Jurisdiction, code=code)


def cooperation_named(request, code: str | None):
    """The cooperation (partnerships) of ``code`` as the caller sees it; None for no code. An
    unknown code, or one the caller does not see, is bad input (ValueError: 422, the same answer
    for both, so the reply tells nothing of cooperations out of scope)."""
    if not code:
        return None
    from xietong.partnerships.selectors import cooperation_get

    coop = cooperation_get(scope=request.scope, code=code.strip())
    if coop is None:
        raise ValueError(
            _("cooperation: no cooperation %(c)s that you may read.") % {"c": code.strip()}
        )
    return coop
