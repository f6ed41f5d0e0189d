"""Pages of cooperations: the list (filters kind, member, area) and a cooperation (agreement with
versions and approvals, parties, obligations with this period's compliance and the unmet ones
marked, activities with their three levels and totals kept apart, links to source records), and
the one-button writes (approve the current version, confirm, verify). Thin: reads from
selectors, writes through services (which check everything again); a message either way."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.web.actions import run_service

from . import selectors, services
from .models import CooperationKind, Level


def _coop_or_404(request, pk):
    scope = scope_for(request.user)
    coop = selectors.cooperation_get(scope=scope, pk=pk)
    if coop is None:
        raise Http404(_("No such cooperation in your scope."))
    return scope, coop


def home(request):
    scope = scope_for(request.user)
    f = {k: (request.GET.get(k) or "").strip()[:40] or None for k in ("kind", "member", "area")}
    coops = selectors.cooperation_list(scope=scope, **f)[:500]
    return render(
        request,
        "partnerships/home.html",
        {"coops": coops, "kinds": CooperationKind.choices, "f": f},
    )


def cooperation_view(request, pk):
    scope, coop = _coop_or_404(request, pk)
    period = (request.GET.get("period") or str(dt.date.today().year)).strip()[:7]
    totals = selectors.activity_totals(coop)
    ctx = {
        "coop": coop,
        "period": period,
        "versions": selectors.versions(coop),
        "current": coop.agreement.current_version,
        "missing": services.missing_approvals(coop),
        "acting": [p.pk for p in coop.parties.all() if services.acts_for_party(scope, p)],
        "compliance": selectors.compliance(coop, period),
        "activities": selectors.activities(coop)[:200],
        "levels": Level.choices,
        "totals": [(k, [totals[k][lv] for lv in Level.values]) for k in sorted(totals)],
        "can_manage": services.can_manage(scope, coop),
    }
    return render(request, "partnerships/cooperation.html", ctx)


@login_required
@require_POST
def approve(request, pk):
    _scope, coop = _coop_or_404(request, pk)
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


def _activity_step(request, pk, apk, fn, ok):
    scope, coop = _coop_or_404(request, pk)
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
