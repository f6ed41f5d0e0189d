"""Pages of cooperations: the list (filters kind, member, area) and a cooperation (agreement with
versions and approvals, parties, obligations with this period's compliance and the unmet ones
marked, activities with their three levels and totals kept apart, links to source records), and
the one-button writes (approve the current version, confirm, verify). Thin: reads from
selectors, writes through services (which check everything again); a message either way."""

from __future__ import annotations

import datetime as dt
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.talent.models import Subject
from xietong.web.actions import run_service
from xietong.web.keyset import KeysetPage, keyset_page

from . import selectors, services
from .models import CooperationKind, Level, Status
from .portfolio import portfolio_cached, scope_parts

# The page offers a step only in the states its service accepts (the service checks again).
STEPS_FROM = {
    "suspend": {Status.ACTIVE},
    "resume": {Status.SUSPENDED},
    "exit": {Status.ACTIVE, Status.SUSPENDED, Status.PROPOSED},
    "renew": {Status.ACTIVE, Status.SUSPENDED, Status.PROPOSED, Status.EXPIRED},
}
RECORDING = {Status.ACTIVE, Status.SUSPENDED, Status.EXPIRED, Status.EXITED}


def coop_or_404(request, pk):
    scope = scope_for(request.user)
    coop = selectors.cooperation_get(scope=scope, pk=pk)
    if coop is None:
        raise Http404(_("No such cooperation in your scope."))
    return scope, coop


def may_propose(scope) -> bool:
    """A school's administrators or a bureau (above some school) propose for a school."""
    return scope.acts_for_any_school


def may_establish(scope) -> bool:
    """A secretariat, a bureau or the administrator may open the set-up form; the service
    decides on the parties (a bureau above the lead, or the area's secretariat)."""
    return scope.is_admin or bool(scope.area_ids) or bool(scope.write_prefixes)


LIST_PAGE = 50  # cooperations a page, in code order (keyset: ?after=<code>)


def home(request):
    scope = scope_for(request.user)
    keys = ("kind", "member", "area", *selectors.EXTRA_FILTERS)
    f = {k: (request.GET.get(k) or "").strip()[:40] or None for k in keys}
    after = request.GET.get("after")

    def build() -> tuple[str, KeysetPage]:
        page = keyset_page(selectors.cooperation_list(scope=scope, **f), "code", after, LIST_PAGE)
        html = render_to_string("partnerships/includes/cooperation_rows.html", {"coops": page})
        return html, KeysetPage(next_after=page.next_after, first=page.first)

    # the rows as drawn, under the portfolio token (any write on them renews it)
    parts = (scope_parts(scope), tuple(sorted(f.items())), after, get_language())
    rows_html, coops = portfolio_cached("list", parts, build)
    filters = urlencode({k: v for k, v in f.items() if v})
    may = {
        "propose": may_propose(scope),
        "establish": may_establish(scope),
        "partner": services.may_register_partner(scope),
    }
    return render(
        request,
        "partnerships/home.html",
        {
            "coops": coops,
            "rows_html": rows_html,
            "kinds": CooperationKind.choices,
            "f": f,
            "extra": [(k, f[k]) for k in selectors.EXTRA_FILTERS if f[k]],
            "may": may,
            "filters": filters,
        },
    )


def _with_subject_names(rows: list) -> list:
    """Each compliance row with its counted subjects in the reader's language."""
    names = dict(Subject.choices)
    for r in rows:
        r.subject_names = [str(names.get(s, s)) for s in r.subjects or []]
    return rows


def cooperation_view(request, pk):
    scope, coop = coop_or_404(request, pk)
    period = (request.GET.get("period") or str(dt.date.today().year)).strip()[:7]
    totals = selectors.activity_totals(coop)
    acting = [p.pk for p in coop.parties.all() if services.acts_for_party(scope, p)]
    manage = services.can_manage(scope, coop)
    ctx = {
        "coop": coop,
        "period": period,
        "versions": selectors.versions(coop),
        "current": coop.agreement.current_version,
        "missing": services.missing_approvals(coop),
        "acting": acting,
        "compliance": _with_subject_names(selectors.compliance(coop, period)),
        "funding": selectors.funding(scope=scope, coop=coop),
        "activities": selectors.activities(coop)[:200],
        "levels": Level.choices,
        "totals": [(k, [totals[k][lv] for lv in Level.values]) for k in sorted(totals)],
        "can_manage": manage,
        "can_edit": manage or bool(acting),
        "can_record": bool(acting) and coop.status in RECORDING,
        "obligations": coop.obligations.order_by("code") if manage else [],
        "steps": [s for s, allowed in STEPS_FROM.items() if coop.status in allowed]
        if manage
        else [],
    }
    return render(request, "partnerships/cooperation.html", ctx)


@login_required
@require_POST
def approve(request, pk):
    _scope, coop = coop_or_404(request, pk)
    party = coop.parties.filter(pk=request.POST.get("party") or 0).first()
    if party is None:
        raise Http404(_("No such party."))
    run_service(
        request,
        lambda: services.agreement_approve(
            actor=request.user,
            cooperation=coop,
            party=party,
            content_hash=request.POST.get("content_hash", ""),
            as_bureau=request.POST.get("as_bureau") == "1",
        ),
        _("Approval recorded."),
    )
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
@require_POST
def link(request, pk):
    """Link the records other apps hold of this cooperation (talent, resources, the fund's
    disbursements and donations); the service checks the manager and adds each record once."""
    _scope, coop = coop_or_404(request, pk)
    added, status = run_service(
        request, lambda: services.activities_link(actor=request.user, cooperation=coop), None
    )
    if status == 200:
        messages.success(
            request,
            ngettext("%(n)d record linked.", "%(n)d records linked.", added) % {"n": added},
        )
    return redirect("partnerships_cooperation", pk=coop.pk)


def _activity_step(request, pk, apk, fn, ok):
    scope, coop = coop_or_404(request, pk)
    act = selectors.activity_get(scope=scope, pk=apk, cooperation=coop)
    if act is None:
        raise Http404(_("No such activity."))
    run_service(request, lambda: fn(actor=request.user, activity=act), ok)
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
@require_POST
def activity_confirm(request, pk, apk: int):
    return _activity_step(request, pk, apk, services.activity_confirm, _("Activity confirmed."))


@login_required
@require_POST
def activity_verify(request, pk, apk: int):
    return _activity_step(request, pk, apk, services.activity_verify, _("Activity verified."))
