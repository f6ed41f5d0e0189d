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
    """Province prefix -> the member's name in the reader's language."""
    return {
        j.code[:2]: j.name
        for j in Jurisdiction.objects.filter(level="province").only("code", "name_zh", "name_en")
    }


def _remix_matrix(cells: list[dict], names: dict[str, str]) -> dict:
    """The remix cells as a source x remixer grid for a table: rows, columns and each row's
    counts (None: suppressed for the public, '' : no remix)."""
    sources = sorted({c["source"] for c in cells})
    remixers = sorted({c["consumer"] for c in cells})
    grid = {(c["source"], c["consumer"]): c["count"] for c in cells}
    return {
        "columns": [names.get(t, t) for t in remixers],
        "rows": [(names.get(s, s), [grid.get((s, t), "") for t in remixers]) for s in sources],
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
        "remix": _remix_matrix(
            flows.flow_matrix(actor=request.user, **{**params, "kinds": [UsageKind.REMIX]}),
            names,
        ),
        "most_remixed": [
            {**t, "source_name": names.get(t["source"], t["source"])}
            for t in flows.most_remixed(
                actor=request.user,
                period_from=params["period_from"],
                period_to=params["period_to"],
            )
        ],
        "min_cell": flows.MIN_CELL,
        "kinds": UsageKind.choices,
        "params": request.GET,
    }
    return render(request, "resources/flows.html", ctx)


def _lineage_rows(found, names: dict[str, str]) -> list[dict]:
    """The table of the lineage page: ancestors (a hidden one as a gap), the resource, its
    remixes, each with what the page shows of it."""

    def row(r, relation: str, depth: int, hidden: int = 0) -> dict:
        return {
            "r": r,
            "relation": relation,
            "depth": depth,
            "indent": min(depth, 6),  # a CSS class per step (site.css)
            "member": names.get(r.owner_code[:2], r.owner_code[:2]),
            "hidden": hidden,
        }

    rows = [row(r, "ancestor", 0) if r is not None else {"gap": True} for r in found.chain]
    for n in found.nodes:
        rows.append(row(n.resource, "remix" if n.depth else "self", n.depth, n.hidden_remixes))
    return rows


def _lineage_chart(found) -> str:
    """A sunburst of the lineage: the root at the centre, each remix a ring further out; a hidden
    ancestor is an unnamed segment; hidden remixes are not drawn (the table counts them)."""
    ids, parents, labels = [], [], []
    parent = ""
    for i, r in enumerate(found.chain):
        ids.append(str(r.pk) if r is not None else f"hidden-{i}")
        parents.append(parent)
        labels.append(r.title if r is not None else _("(not visible to you)"))
        parent = ids[-1]
    for n in found.nodes:
        ids.append(str(n.resource.pk))
        parents.append(parent if n.parent_id is None else str(n.parent_id))
        labels.append(n.resource.title)
    fig = go.Figure(
        go.Sunburst(
            ids=ids,
            parents=parents,
            labels=labels,
            maxdepth=-1,
            insidetextorientation="radial",
            hovertemplate="%{label}<extra></extra>",
        )
    )
    fig.update_layout(title=_("Remix lineage: the source at the centre, remixes outwards"))
    return charts.to_div(fig, height=520)


def lineage_page(request, pk):
    """Where a resource comes from and what was made of it, as far as the reader may see."""
    from . import lineage, selectors

    r = selectors.resource_get(actor=request.user, pk=pk)
    if r is None:
        raise Http404
    found = lineage.lineage(actor=request.user, resource=r)
    ctx = {
        "r": r,
        "found": found,
        "rows": _lineage_rows(found, _names()),
        "chart": _lineage_chart(found) if found.chain or found.remixes else "",
    }
    return render(request, "resources/lineage.html", ctx)


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
