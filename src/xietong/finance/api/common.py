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
