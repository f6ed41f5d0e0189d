"""Tile cartogram: one cell per county, positions kept.

Figures measured on the real county centres (cpca table, divisions in force, no 市辖区
placeholders) with ``order_kept`` — the share of pairs of counties at different longitudes
whose columns are not reversed (the same for latitudes and rows):

    region               counties  grid    west-east kept  south-north kept
    Shanghai (31)            16    3 x 8        0.942            0.992
    Zhejiang (33)            90   12 x 12       0.986            0.989
    Hebei (13)              165   14 x 18       0.951            0.973
    all seven members       501   19 x 40       0.944            0.987

The bounds asserted below leave a small margin under those figures.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xietong.algorithms.cartogram import order_kept, tile_cartogram
from xietong.regions.divisions import load_divisions

coords = st.lists(
    st.tuples(st.floats(113.0, 123.0, allow_nan=False), st.floats(27.0, 43.0, allow_nan=False)),
    min_size=1,
    max_size=120,
)


@settings(max_examples=60, deadline=None)
@given(coords)
def test_every_point_gets_its_own_cell_inside_the_grid(points):
    lon, lat = zip(*points, strict=True)
    layout = tile_cartogram(lon, lat)
    cells = layout.cells()
    assert len(set(cells)) == len(cells)
    assert all(0 <= c < layout.n_columns and 0 <= r < layout.n_rows for c, r in cells)
    # about 1.5 cells a point; the last row may be short by up to n_columns - 1 cells
    slack_cells = math.ceil(1.5 * len(cells))
    assert len(cells) <= layout.n_columns * layout.n_rows <= slack_cells + layout.n_columns - 1


@settings(max_examples=60, deadline=None)
@given(coords)
def test_the_same_input_gives_the_same_layout(points):
    lon, lat = zip(*points, strict=True)
    assert tile_cartogram(lon, lat).cells() == tile_cartogram(list(lon), list(lat)).cells()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(113.0, 123.0, allow_nan=False), min_size=8, max_size=150))
def test_west_stays_west_in_most_pairs(lons):
    # measured over 200 random regions of 2-300 points: worst 0.85 west-east, 0.93 south-north
    rng = np.random.default_rng(len(lons))
    lat = rng.uniform(28.0, 42.0, len(lons))
    layout = tile_cartogram(lons, lat)
    assert order_kept(lons, layout.columns) >= 0.8
    assert order_kept(lat, layout.rows) >= 0.8


@pytest.mark.parametrize(
    ("prefix", "west_east", "south_north"),
    [("31", 0.92, 0.97), ("33", 0.97, 0.97), ("13", 0.93, 0.95), ("", 0.93, 0.97)],
)
def test_real_counties_keep_their_relative_positions(prefix, west_east, south_north):
    counties = [
        d
        for d in load_divisions(None)
        if d.level == "county"
        and not d.is_placeholder
        and d.valid_until is None
        and d.longitude is not None
        and d.code.startswith(prefix)
    ]
    lon = [d.longitude for d in counties]
    lat = [d.latitude for d in counties]
    layout = tile_cartogram(lon, lat)
    assert len(set(layout.cells())) == len(counties)
    assert order_kept(lon, layout.columns) >= west_east
    assert order_kept(lat, layout.rows) >= south_north


def test_a_line_of_points_stays_in_order():
    # five counties due east of each other, 1 degree apart: columns strictly increase
    layout = tile_cartogram([118.0, 119.0, 120.0, 121.0, 122.0], [30.0] * 5)
    assert list(layout.columns) == sorted(layout.columns)
    assert len(set(layout.columns)) == 5


def test_points_at_the_same_place_get_neighbouring_cells():
    layout = tile_cartogram([120.0] * 4, [30.0] * 4, slack=1)
    assert (layout.n_columns, layout.n_rows) == (2, 2)
    assert sorted(layout.cells()) == [(0, 0), (0, 1), (1, 0), (1, 1)]


@pytest.mark.parametrize(
    ("lon", "lat", "slack", "message"),
    [
        ([], [], 1.5, "at least one point"),
        ([120.0], [30.0, 31.0], 1.5, "same length"),
        ([float("nan")], [30.0], 1.5, "finite"),
        ([200.0], [30.0], 1.5, "longitudes must lie"),
        ([120.0], [30.0], 0.5, "slack"),
    ],
)
def test_bad_input_is_refused(lon, lat, slack, message):
    with pytest.raises(ValueError, match=message):
        tile_cartogram(lon, lat, slack=slack)
