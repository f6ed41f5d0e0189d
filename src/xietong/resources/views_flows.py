"""The flows page: source member x consumer member usage of shared resources, as a heat map, a
Sankey and a table, with CSV; net exporters and importers. Public figures are aggregates with
cells below ``flows.MIN_CELL`` suppressed."""

from __future__ import annotations

import plotly.graph_objects as go
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.regions.models import Jurisdiction
from xietong.web import charts
from xietong.web.actions import run_service
from xietong.web.downloads import download_or_job

from . import exports, flows, usage
from .models import UsageKind


def _names() -> dict[str, str]:
    return {
        j.code[:2]: j.name_zh
        for j in Jurisdiction.objects.filter(level="province").only("code", "name_zh")
    }


def _heatmap(cells: list[dict], names: dict[str, str]) -> str:
    shown = [c for c in cells if c["count"] is not None]
    sources = sorted({c["source"] for c in shown})
    consumers = sorted({c["consumer"] for c in shown})
    grid = {(c["source"], c["consumer"]): c["count"] for c in shown}
    fig = go.Figure(
        go.Heatmap(
            z=[[grid.get((s, t)) for t in consumers] for s in sources],
            x=[names.get(t, t) for t in consumers],
            y=[names.get(s, s) for s in sources],
            colorscale="Reds",
        )
    )
    fig.update_layout(
        title=_("Resource use: owner's member (rows) by user's member (columns)"),
        xaxis_title=_("Using member"),
        yaxis_title=_("Owning member"),
    )
    return charts.to_div(fig, height=420)


def _params(request) -> dict:
    kind = request.GET.get("kind", "")
    return {
        "period_from": request.GET.get("from", "")[:7],
        "period_to": request.GET.get("to", "")[:7],
        "kinds": [kind] if kind in UsageKind.values else [],
    }


def flows_page(request):
    params = _params(request)
    cells = flows.flow_matrix(actor=request.user, **params)
    names = _names()
    for c in cells:
        c["source_name"] = names.get(c["source"], c["source"])
        c["consumer_name"] = names.get(c["consumer"], c["consumer"])
    if request.GET.get("format") == "csv":  # a long one becomes an export job
        return download_or_job(
            request,
            export=exports.FLOWS,
            params=params,
            fmt="csv",
            rows=len(cells),
            build=lambda: exports.flows_table_of(cells),
        )
    balance = flows.net_balance(cells)
    for b in balance:
        b["name"] = names.get(b["member"], b["member"])
    shown = [c for c in cells if c["count"] is not None]
    links = [
        (c["source"], c["source_name"], c["consumer"], c["consumer_name"], c["count"])
        for c in shown
    ]
    ctx = {
        "cells": cells,
        "balance": balance,
        "heatmap": _heatmap(cells, names) if shown else "",
        "sankey": charts.flows(links, title=_("Resource use between members"), height=480)
        if shown
        else "",
        "most_used": [
            (names.get(m, m), top) for m, top in flows.most_used(actor=request.user).items()
        ],
        "min_cell": flows.MIN_CELL,
        "kinds": UsageKind.choices,
        "params": request.GET,
    }
    return render(request, "resources/flows.html", ctx)


@login_required
@require_POST
def rate(request, pk):
    """Rate a resource 1 to 5 (the service checks the reader and the value)."""
    from .selectors import resource_get

    r = resource_get(actor=request.user, pk=pk, published=True)
    if r is None:
        raise Http404
    try:
        value = int(request.POST.get("value", ""))
    except ValueError:
        value = 0
    run_service(
        request,
        lambda: usage.resource_rate(resource=r, actor=request.user, value=value),
        _("Rated."),
    )
    return redirect("resource_detail", pk=pk)
