"""Plotly figures rendered to HTML fragments; plotly.js itself is served from our own server."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import plotly.graph_objects as go
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from plotly.io.json import to_json_plotly

PALETTE = ["#b4232a", "#1f5fa8", "#2e8540", "#c77c02", "#6f42c1", "#0f7c8c", "#8c564b", "#d6336c"]
OVERALL = "#1d2733"


def to_div(fig: go.Figure, *, height: int = 380, config: dict | None = None) -> str:
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
    return figure_html(fig, config={"displaylogo": False, "responsive": True, **(config or {})})


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


def flows(
    links: list[tuple[str, str, str, str, float]], *, title: str = "", height: int = 380
) -> str:
    """A two-sided Sankey diagram of flows between members (teachers moving, money owed or paid):
    ``links`` are ``(from code, from label, to code, to label, amount)``; senders stand on the
    left, receivers on the right (a member can be both), links between the same pair are summed."""
    totals: dict[tuple[str, str], float] = {}
    label: dict[tuple[str, str], str] = {}
    for src, src_label, dst, dst_label, value in links:
        totals[(src, dst)] = totals.get((src, dst), 0.0) + float(value)
        label[("out", src)] = src_label
        label[("in", dst)] = dst_label
    nodes = sorted(k for k in label if k[0] == "out") + sorted(k for k in label if k[0] == "in")
    index = {k: i for i, k in enumerate(nodes)}
    fig = go.Figure(
        go.Sankey(
            node=dict(label=[label[k] for k in nodes], pad=14, thickness=16, color="#1f5fa8"),
            link=dict(
                source=[index[("out", a)] for a, _b in totals],
                target=[index[("in", b)] for _a, b in totals],
                value=list(totals.values()),
                color="rgba(180,35,42,0.35)",
            ),
        )
    )
    fig.update_layout(title=title)
    return to_div(fig, height=height)


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


# ---- maps -----------------------------------------------------------------------------------
# Choropleths of loaded boundaries (regions.Boundary) with schools on top, or, where the
# counties shown have no boundaries, a tile cartogram placed from their coordinates. Neither
# draws a base map: plotly.js asks for one (a topojson file) for every geo subplot, and gets an
# empty topology from our own static files, so no outline but the approved, loaded ones is
# ever drawn and nothing is fetched from elsewhere.

MAP_NO_DATA = "#d9dee4"
MAP_SCALE = ["#ffffcc", "#a1dab4", "#41b6c4", "#2c7fb8", "#253494"]  # ColorBrewer YlGnBu, 5 classes
SCHOOL_DOTS = "#1d2733"


@dataclass(frozen=True)
class MapUnit:
    """One county or city on a map: its code, names in the reader's language (``name`` for
    hover, ``short`` for a tile's label), its coordinates, and either a ``value`` or a
    ``category`` (a status key); ``detail`` is added to the hover text."""

    code: str
    name: str
    short: str
    lon: float | None = None
    lat: float | None = None
    value: float | None = None
    category: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Colouring:
    """How units are coloured: by ``value`` in up to five quantile classes, the legend titled
    ``title``, or, when ``categories`` (key -> (label, colour), in legend order) is given, by
    category. A legend, not a colour bar: plotly.js draws colour bars with inline style
    attributes, which the Content-Security-Policy forbids."""

    title: str
    categories: dict[str, tuple[str, str]] | None = None
    value_format: str = ".2f"


@dataclass(frozen=True)
class MapClass:
    label: str
    colour: str
    units: list[MapUnit]


def quantile_breaks(values: list[float], k: int = len(MAP_SCALE)) -> list[float]:
    """Upper bounds of up to ``k`` classes holding about as many values each (the last bound
    is the maximum); fewer classes when there are fewer distinct values."""
    import numpy as np

    distinct = sorted(set(values))
    if len(distinct) <= k:
        return distinct
    qs = np.quantile(np.asarray(values, dtype=float), [i / k for i in range(1, k + 1)])
    return sorted(set(float(q) for q in qs))


def map_classes(units: list[MapUnit], colouring: Colouring) -> list[MapClass]:
    """The legend's classes in order, each with its units; "no data" last when any unit has
    no value (or no known category)."""
    out: list[MapClass] = []
    missing: list[MapUnit] = []
    if colouring.categories:
        for key, (label, colour) in colouring.categories.items():
            members = [u for u in units if u.category == key]
            if members:
                out.append(MapClass(str(label), colour, members))
        missing = [u for u in units if u.category not in colouring.categories]
    else:
        values = [u.value for u in units if u.value is not None]
        breaks = quantile_breaks(values) if values else []
        colours = MAP_SCALE if len(breaks) == len(MAP_SCALE) else MAP_SCALE[-len(breaks) :]
        low = min(values) if values else 0
        fmt = colouring.value_format
        for i, high in enumerate(breaks):
            members = [
                u
                for u in units
                if u.value is not None and u.value <= high and (i == 0 or u.value > breaks[i - 1])
            ]
            start = low if i == 0 else breaks[i - 1]
            label = (
                format(high, fmt)
                if start == high
                else f"{format(start, fmt)} – {format(high, fmt)}"
            )
            out.append(MapClass(label, colours[i], members))
        missing = [u for u in units if u.value is None]
    if missing:
        out.append(MapClass(str(_("no data")), MAP_NO_DATA, missing))
    return out


def _hover(u: MapUnit, colouring: Colouring) -> str:
    if colouring.categories:
        shown = str(colouring.categories.get(u.category, (_("no data"), ""))[0])
    elif u.value is None:
        shown = str(_("no data"))
    else:
        shown = f"{colouring.title}: {format(u.value, colouring.value_format)}"
    return " · ".join(t for t in (u.name, shown, u.detail) if t)


def _credit(fig: go.Figure, lines: list[str]) -> None:
    """Where the outlines come from (or that there are none), under the map; plotly reads
    annotation text as a little HTML, so the lines are escaped."""
    import html

    if lines:
        fig.add_annotation(
            text="<br>".join(html.escape(line) for line in lines),
            xref="paper",
            yref="paper",
            x=0,
            y=0,
            xanchor="left",
            yanchor="top",
            align="left",
            showarrow=False,
            font=dict(size=11, color="#5b6675"),
        )
        fig.update_layout(margin=dict(b=30 + 16 * len(lines)))


def _map_config() -> dict:
    from django.templatetags.static import static

    return {"topojsonURL": static("xietong/maps/")}


def _map_legend(fig: go.Figure, colouring: Colouring) -> None:
    fig.update_layout(
        legend=dict(title=dict(text=colouring.title), orientation="v", x=1.0, y=0.5),
        margin=dict(l=10, r=10),
    )


def choropleth_map(
    units: list[MapUnit],
    geometries: dict[str, dict],
    colouring: Colouring,
    *,
    schools: tuple[str, list[float], list[float], list[str]] | None = None,
    title: str = "",
    credit: list[str] | None = None,
    links: list[tuple[str, str, int]] | None = None,
) -> str:
    """Units with a loaded outline, filled by class, the schools as dots on top; ``links``
    (code, code, weight) are drawn as lines between the two units' coordinates."""
    drawn = [u for u in units if u.code in geometries]
    collection = {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {"code": u.code}, "geometry": geometries[u.code]}
            for u in drawn
        ],
    }
    fig = go.Figure()
    for cls in map_classes(drawn, colouring):
        fig.add_trace(
            go.Choropleth(
                geojson=collection,
                featureidkey="properties.code",
                locations=[u.code for u in cls.units],
                z=[1] * len(cls.units),
                colorscale=[[0, cls.colour], [1, cls.colour]],
                showscale=False,
                showlegend=True,
                name=cls.label,
                text=[_hover(u, colouring) for u in cls.units],
                hovertemplate="%{text}<extra></extra>",
                marker_line=dict(color="white", width=0.6),
            )
        )
    if schools and schools[1]:
        label, lons, lats, names = schools
        fig.add_trace(
            go.Scattergeo(
                lon=lons,
                lat=lats,
                text=names,
                mode="markers",
                name=label,
                hoverinfo="text",
                marker=dict(size=4, color=SCHOOL_DOTS, opacity=0.55),
            )
        )
    _geo_links(fig, drawn, links or [])
    fig.update_geos(
        visible=False, fitbounds="locations", projection_type="mercator", bgcolor="white"
    )
    fig.update_layout(title=title, meta={"map": "choropleth"})
    _map_legend(fig, colouring)
    _credit(fig, credit or [])
    return to_div(fig, height=560, config=_map_config())


def _dark(colour: str) -> bool:
    """Whether white text reads better than black on ``colour`` (#rrggbb), by its relative
    luminance (WCAG 2): the two darker YlGnBu classes, and the pass and fail colours."""
    r, g, b = (int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5))

    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b) < 0.18


def _fit_labels(
    labels: list[str], n_columns: int, n_rows: int, height: int, width: int
) -> tuple[list[str], int]:
    """Tile labels cut to what fits a tile at one font size for the whole map (a CJK
    character is about as wide as the font size, a Latin one 0.6 of it); none when tiles are
    too small to read. The hover text always has the full name."""
    cell = min((height - 140) / n_rows, (width - 220) / n_columns)
    size = int(min(12, 0.36 * cell))
    if size < 6:
        return [""] * len(labels), 6
    room = 0.9 * cell
    out = []
    for label in labels:
        used, kept = 0.0, ""
        for ch in label:
            used += size * (1.0 if ord(ch) > 0x2E80 else 0.6)
            if used > room:
                break
            kept += ch
        out.append(kept)
    return out, size


def tile_map(
    units: list[MapUnit],
    colouring: Colouring,
    *,
    title: str = "",
    credit: list[str] | None = None,
    width: int = 560,
    links: list[tuple[str, str, int]] | None = None,
) -> str:
    """A tile cartogram: each unit one square, placed from its coordinates
    (xietong.algorithms.cartogram), filled by class, labelled with its name; ``width`` is
    about how wide the page shows it, to fit the labels; ``links`` (code, code, weight) are
    drawn as lines between the two tiles' centres."""
    from xietong.algorithms.cartogram import tile_cartogram

    placed = [u for u in units if u.lon is not None and u.lat is not None]
    if not placed:
        return ""
    layout = tile_cartogram([u.lon for u in placed], [u.lat for u in placed])
    cell = {
        u.code: (int(c), int(r))
        for u, c, r in zip(placed, layout.columns, layout.rows, strict=True)
    }
    height = int(min(900, max(420, 140 + 24 * layout.n_rows)))
    fig = go.Figure()
    half = 0.46
    ink: dict[str, str] = {}
    for cls in map_classes(placed, colouring):
        for u in cls.units:
            ink[u.code] = "white" if _dark(cls.colour) else "#1d2733"
        xs: list[float | None] = []
        ys: list[float | None] = []
        for u in cls.units:
            c, r = cell[u.code]
            xs += [c - half, c + half, c + half, c - half, c - half, None]
            ys += [r - half, r - half, r + half, r + half, r - half, None]
        fig.add_trace(
            go.Scatter(
                x=xs,
                y=ys,
                fill="toself",
                fillcolor=cls.colour,
                mode="none",
                name=cls.label,
                hoverinfo="skip",
                legendgroup=cls.label,
            )
        )
    _tile_links(fig, cell, links or [])
    labels, size = _fit_labels(
        [u.short for u in placed], layout.n_columns, layout.n_rows, height, width
    )
    fig.add_trace(
        go.Scatter(
            x=[cell[u.code][0] for u in placed],
            y=[cell[u.code][1] for u in placed],
            mode="markers+text",
            text=labels,
            textfont=dict(size=size, color=[ink[u.code] for u in placed]),
            marker=dict(size=10, opacity=0),
            hovertext=[_hover(u, colouring) for u in placed],
            hoverinfo="text",
            showlegend=False,
        )
    )
    fig.update_xaxes(visible=False, range=[-0.6, layout.n_columns - 0.4])
    fig.update_yaxes(visible=False, scaleanchor="x", range=[-0.6, layout.n_rows - 0.4])
    fig.update_layout(title=title, meta={"map": "cartogram"})
    _map_legend(fig, colouring)
    _credit(fig, credit or [])
    return to_div(fig, height=height)


LINK_COLOUR = "#b4232a"


def _link_width(weight: int, heaviest: int) -> float:
    return 1.0 + 5.0 * weight / heaviest if heaviest else 1.0


def _tile_links(fig: go.Figure, cell: dict, links: list[tuple[str, str, int]]) -> None:
    drawn = [(a, b, w) for a, b, w in links if a in cell and b in cell and a != b and w > 0]
    heaviest = max((w for _a, _b, w in drawn), default=0)
    for a, b, w in drawn:
        (ca, ra), (cb, rb) = cell[a], cell[b]
        fig.add_trace(
            go.Scatter(
                x=[ca, cb],
                y=[ra, rb],
                mode="lines",
                line=dict(color=LINK_COLOUR, width=_link_width(w, heaviest)),
                opacity=0.7,
                hoverinfo="skip",
                showlegend=False,
            )
        )


def _geo_links(fig: go.Figure, units: list[MapUnit], links: list[tuple[str, str, int]]) -> None:
    at = {u.code: u for u in units if u.lon is not None and u.lat is not None}
    drawn = [(a, b, w) for a, b, w in links if a in at and b in at and a != b and w > 0]
    heaviest = max((w for _a, _b, w in drawn), default=0)
    for a, b, w in drawn:
        fig.add_trace(
            go.Scattergeo(
                lon=[at[a].lon, at[b].lon],
                lat=[at[a].lat, at[b].lat],
                mode="lines",
                line=dict(color=LINK_COLOUR, width=_link_width(w, heaviest)),
                opacity=0.7,
                hoverinfo="skip",
                showlegend=False,
            )
        )


def heatmap(
    xlabels: list[str],
    ylabels: list[str],
    z: list[list[int]],
    *,
    title: str = "",
    label: str = "",
) -> str:
    """A heat map of counts (rows ``ylabels``, columns ``xlabels``), each cell's count written
    on it; no colour bar (plotly.js draws it with inline styles, which the CSP forbids), so a
    table beside it gives the figures."""
    fig = go.Figure(
        go.Heatmap(
            x=xlabels,
            y=ylabels,
            z=z,
            text=[[str(v) for v in row] for row in z],
            texttemplate="%{text}",
            colorscale=[[i / (len(MAP_SCALE) - 1), c] for i, c in enumerate(MAP_SCALE)],
            showscale=False,
            hovertemplate=f"%{{y}} × %{{x}}: %{{z}} {label}<extra></extra>",
        )
    )
    fig.update_layout(title=title)
    fig.update_yaxes(autorange="reversed")
    return to_div(fig, height=max(320, 120 + 48 * len(ylabels)))
