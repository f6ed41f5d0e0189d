"""Search endpoints of the talent pickers (xietong.web.pickers): JSON, scoped like the forms
they serve, at most ``limit`` answers."""

from __future__ import annotations

from django.http import Http404

from xietong.accounts.scope import scope_for
from xietong.schools.selectors import school_search
from xietong.web import pickers

from . import selectors
from .forms import post_label, teacher_label


def _round(request, pk: int):
    rnd = selectors.round_get(scope=scope_for(request.user), pk=pk)
    if rnd is None:
        raise Http404
    return rnd


def host_schools(request, pk: int):
    """Schools where the caller may offer a post of round ``pk``."""
    rnd = _round(request, pk)
    qs = selectors.post_host_schools(scope_for(request.user), rnd)
    found = school_search(qs, pickers.search_query(request))
    return pickers.search_response(found, pickers.search_limit(request), pickers.school_label)


def posts(request, pk: int):
    """Posts of round ``pk``; with ``teacher``, those that teacher may rank (a teacher the caller
    sees; without it, the caller's own teacher record)."""
    rnd = _round(request, pk)
    scope = scope_for(request.user)
    code = request.GET.get("teacher")
    if code:
        teacher = selectors.teacher_get(scope=scope, code=code)
    else:
        teacher = selectors.teacher_of(request.user)
    if teacher is not None:
        qs = selectors.post_choices(rnd, teacher)
    else:
        qs = selectors.round_posts(rnd=rnd)
    found = selectors.post_search(qs, pickers.search_query(request))
    return pickers.search_response(found, pickers.search_limit(request), post_label)


def teachers(request):
    """Teachers the caller sees."""
    qs = selectors.teacher_list(scope=scope_for(request.user)).order_by("code")
    found = selectors.teacher_search(qs, pickers.search_query(request))
    return pickers.search_response(found, pickers.search_limit(request), teacher_label)
