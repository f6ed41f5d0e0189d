"""Plotly figures rendered to HTML fragments; plotly.js itself is served from our own server."""

from __future__ import annotations

import plotly.graph_objects as go
from django.utils.safestring import mark_safe

PALETTE = ["#b4232a", "#1f5fa8", "#2e8540", "#c77c02", "#6f42c1", "#0f7c8c", "#8c564b", "#d6336c"]


def to_div(fig: go.Figure, *, height: int = 380) -> str:
    fig.update_layout(
        height=height,
        margin=dict(l=50, r=20, t=40, b=40),
        paper_bgcolor="white",
        plot_bgcolor="white",
        font=dict(family="system-ui, 'PingFang SC', 'Noto Sans CJK SC', sans-serif"),
        colorway=PALETTE,
    )
    return mark_safe(
        fig.to_html(
            include_plotlyjs=False,
            full_html=False,
            config={"displaylogo": False, "responsive": True},
        )
    )


def point_map(
    groups: list[tuple[str, list[float], list[float], list[str]]], *, title: str = ""
) -> str:
    """Points by longitude/latitude on equal-aspect axes (no tile server needed)."""
    fig = go.Figure()
    for i, (name, lons, lats, labels) in enumerate(groups):
        fig.add_trace(
            go.Scattergl(
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
    x: list, series: dict[str, list[float | None]], *, title: str = "", ytitle: str = ""
) -> str:
    fig = go.Figure()
    for name, values in series.items():
        fig.add_trace(go.Scatter(x=x, y=values, name=name, mode="lines+markers"))
    fig.update_layout(title=title, legend=dict(orientation="h"))
    fig.update_xaxes(type="category")
    fig.update_yaxes(title=ytitle, gridcolor="#eef1f5")
    return to_div(fig, height=320)
