"""Plotly figures rendered to HTML fragments; plotly.js itself is served from our own server."""

from __future__ import annotations

import uuid

import plotly.graph_objects as go
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from plotly.io.json import to_json_plotly

PALETTE = ["#b4232a", "#1f5fa8", "#2e8540", "#c77c02", "#6f42c1", "#0f7c8c", "#8c564b", "#d6336c"]
OVERALL = "#1d2733"


def to_div(fig: go.Figure, *, height: int = 380) -> str:
    margin = dict(l=50, r=20, t=64, b=40)
    if fig.layout.margin.l is not None:
        margin["l"] = fig.layout.margin.l
    fig.update_layout(
        height=height,
        margin=margin,
        title_y=0.97,
        modebar=dict(orientation="v"),
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family="system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif"),
        colorway=PALETTE,
    )
    return figure_html(fig, config={"displaylogo": False, "responsive": True})


# what Django's json_script escapes: the JSON cannot end its <script> block or open a comment
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def figure_html(fig: go.Figure, *, config: dict) -> str:
    """A chart as data, not code: an empty div and the figure in a
    ``<script type="application/json">`` block, drawn by static/xietong/site.js. No inline
    script, so the Content-Security-Policy needs no 'unsafe-inline'."""
    element_id = f"figure-{uuid.uuid4().hex}"
    figure = fig.to_plotly_json()
    payload = to_json_plotly({**figure, "config": config}).translate(_JSON_SCRIPT_ESCAPES)
    return format_html(
        '<div class="plotly-graph-div" data-figure="{}"></div>'
        '<script type="application/json" id="{}">{}</script>',
        element_id,
        element_id,
        mark_safe(payload),
    )


def point_map(
    groups: list[tuple[str, list[float], list[float], list[str]]], *, title: str = ""
) -> str:
    """Points by longitude/latitude on equal-aspect axes (no tile server needed)."""
    fig = go.Figure()
    for i, (name, lons, lats, labels) in enumerate(groups):
        fig.add_trace(
            go.Scatter(  # SVG: WebGL traces compile shaders with eval, which CSP forbids
                x=lons,
                y=lats,
                mode="markers",
                name=name,
                text=labels,
                hoverinfo="text+name",
                marker=dict(size=5, opacity=0.75, color=PALETTE[i % len(PALETTE)]),
            )
        )
    fig.update_layout(title=title, legend=dict(orientation="h"))
    fig.update_xaxes(title="°E", showgrid=True, gridcolor="#eef1f5")
    fig.update_yaxes(
        title="°N", scaleanchor="x", scaleratio=1.15, showgrid=True, gridcolor="#eef1f5"
    )
    return to_div(fig, height=520)


def bars(
    categories: list[str],
    series: dict[str, list[float | None]],
    *,
    title: str = "",
    ytitle: str = "",
) -> str:
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Bar(x=categories, y=values, name=name))
    fig.update_layout(title=title, barmode="group", legend=dict(orientation="h"))
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5")
    return to_div(fig)


def lines(
    x: list,
    series: dict[str, list[float | None]],
    *,
    title: str = "",
    ytitle: str = "",
    colors: dict[str, str] | None = None,
) -> str:
    fig = go.Figure()
    for name, values in series.items():
        colour = (colors or {}).get(name)
        line = dict(color=colour, dash="dash" if colour == OVERALL else None) if colour else None
        fig.add_trace(go.Scatter(x=x, y=values, name=name, mode="lines+markers", line=line))
    fig.update_layout(title=title, legend=dict(orientation="h"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5")
    return to_div(fig, height=320)


def stacked(
    categories: list,
    series: dict[str, list[float | None]],
    *,
    title: str = "",
    ytitle: str = "",
    colors: dict[str, str] | None = None,
) -> str:
    fig = go.Figure()
    for name, values in series.items():
        colour = (colors or {}).get(name)
        fig.add_trace(go.Bar(x=categories, y=values, name=name, marker_color=colour))
    fig.update_layout(title=title, barmode="stack", legend=dict(orientation="h"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5")
    return to_div(fig)


STATUS_COLOURS = {
    "pass": "#2e8540",
    "fail": "#b4232a",
    "incomplete": "#d98c1f",
    "no_schools": "#9aa6b2",
}


def status_map(
    points: list[tuple[float, float, str, str]], labels: dict[str, str], *, title: str = ""
) -> str:
    """Counties as points coloured by status; ``points`` are (lon, lat, status, hover text)."""
    fig = go.Figure()
    for status, colour in STATUS_COLOURS.items():
        sel = [p for p in points if p[2] == status]
        if not sel:
            continue
        fig.add_trace(
            go.Scatter(
                x=[p[0] for p in sel],
                y=[p[1] for p in sel],
                mode="markers",
                name=str(labels.get(status, status)),
                text=[p[3] for p in sel],
                hoverinfo="text",
                marker=dict(size=9, color=colour, opacity=0.85),
            )
        )
    fig.update_layout(title=title, legend=dict(orientation="h"))
    fig.update_xaxes(title="°E", gridcolor="#eef1f5")
    fig.update_yaxes(title="°N", scaleanchor="x", scaleratio=1.15, gridcolor="#eef1f5")
    return to_div(fig, height=520)


def cv_bars(
    codes: list[str], cvs: list[float | None], thresholds: list[float | None], *, title: str = ""
) -> str:
    """Horizontal bars (long indicator names stay readable) with the threshold as a marker."""
    fig = go.Figure()
    cv = _("Coefficient of variation")
    fig.add_trace(go.Bar(y=codes, x=cvs, name=cv, orientation="h", marker_color=PALETTE[1]))
    if any(t is not None for t in thresholds):
        fig.add_trace(
            go.Scatter(
                y=codes,
                x=thresholds,
                mode="markers",
                name=_("Threshold of the standard"),
                marker=dict(symbol="line-ns-open", size=22, color=OVERALL, line=dict(width=3)),
            )
        )
    fig.update_layout(title=title, legend=dict(orientation="h"), margin=dict(l=260))
    fig.update_yaxes(autorange="reversed")
    fig.update_xaxes(title=cv, gridcolor="#eef1f5", rangemode="tozero")
    return to_div(fig, height=120 + 40 * len(codes))
