"""The search page and the unmet-demand page (issue 12 §3), thin: ``finder.find`` as the
caller, ``misses.miss_summary`` cut to the caller's places."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xietong.accounts.scope import scope_for

from . import finder, misses
from .selectors import chapter_choices

FACET_TITLES = {
    "stage": gettext_lazy("Stage"),
    "grade": gettext_lazy("Grade"),
    "subject": gettext_lazy("Subject"),
    "edition": gettext_lazy("Textbook edition"),
    "kind": gettext_lazy("Resource kind"),
    "licence": gettext_lazy("Licence"),
    "owner_member": gettext_lazy("Owner's province"),
}


def _link(params, **changes) -> str:
    """The query string of ``params`` with ``changes`` (a list replaces a key; [] drops it);
    the page goes back to 1 unless given."""
    q = params.copy()
    q.pop("page", None)
    for key, value in changes.items():
        q.setlist(key, [str(v) for v in (value if isinstance(value, list) else [value]) if v])
    return "?" + q.urlencode()


def _facet_groups(found, params) -> list[dict]:
    groups = []
    for name in finder.FACETS:
        values = []
        for v in found.facets.get(name, []):
            chosen = set(found.filters.get(name, []))
            toggled = sorted(chosen - {v.code}) if v.selected else sorted(chosen | {v.code})
            values.append({"v": v, "href": _link(params, **{name: toggled})})
        if values:
            groups.append({"name": name, "title": FACET_TITLES[name], "values": values})
    return groups


def search_page(request):
    params = request.GET
    filters = {name: params.getlist(name) for name in finder.FACETS if params.getlist(name)}
    context = {
        "q": params.get("q", ""),
        "chapter_code": params.get("chapter", ""),
        "chapters": chapter_choices(),
        "error": "",
    }
    try:
        found = finder.find(
            actor=request.user,
            text=params.get("q", ""),
            filters=filters,
            chapter=params.get("chapter", "").strip(),
            page=params.get("page", 1),
        )
    except finder.SearchInputError as exc:
        context["error"] = str(exc)
        return render(request, "resources/search.html", context, status=400)
    pages = [
        {"n": n, "href": _link(params, page=n), "current": n == found.page}
        for n in range(max(1, found.page - 4), min(found.pages, found.page + 4) + 1)
    ]
    context.update(
        found=found,
        groups=_facet_groups(found, params),
        pages=pages if found.pages > 1 else [],
        clear_chapter=_link(params, chapter=[]),
    )
    return render(request, "resources/search.html", context)


@login_required
def unmet_page(request):
    scope = scope_for(request.user)
    if not misses.can_read_misses(scope):
        raise PermissionDenied(
            _("Unmet demand is for education bureaus and cooperation-area secretariats.")
        )
    return render(
        request, "resources/unmet.html", {"rows": misses.miss_summary(actor=request.user)}
    )
