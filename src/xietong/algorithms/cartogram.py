"""Tile cartograms: one equal square per division, placed where the division lies.

A map of a region's counties needs their outlines, and outlines published in China must come
from approved standard map data (with its 审图号). A tile cartogram needs only each county's
longitude and latitude: every county gets one cell of a square grid, as close as possible to
where its centre would fall on the grid, and no two counties share a cell. Small urban
districts get the same area as large rural counties, which suits a map of a per-county
measure (each county is one unit of the evaluation).

The cells are chosen by an optimal assignment: the county centres, on an equal-area-ish
projection (longitude scaled by the cosine of the mean latitude), are scaled onto a grid of
about ``slack`` times as many cells as counties; the assignment of counties to cells that
minimises the total squared distance (``scipy.optimize.linear_sum_assignment``, the
Hungarian-method family) is then exact and deterministic.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

MAX_TILES = 5000  # all of China's ~2,850 county-level divisions fit; the cost matrix stays small


@dataclass(frozen=True)
class TileLayout:
    """Where each input point's tile is: ``columns[i]``, ``rows[i]`` (row 0 is the southern
    edge, column 0 the western); the grid is ``n_columns`` by ``n_rows``."""

    columns: np.ndarray
    rows: np.ndarray
    n_columns: int
    n_rows: int

    def cells(self) -> list[tuple[int, int]]:
        return [(int(c), int(r)) for c, r in zip(self.columns, self.rows, strict=True)]


def _grid_shape(n: int, aspect: float, slack: float) -> tuple[int, int]:
    cells = max(n, math.ceil(slack * n))
    n_columns = min(cells, max(1, round(math.sqrt(cells * aspect))))
    n_rows = max(1, math.ceil(cells / n_columns))
    while n_columns * n_rows < n:
        n_rows += 1
    return n_columns, n_rows


def tile_cartogram(longitudes, latitudes, *, slack: float = 1.5) -> TileLayout:
    """Place each point on its own cell of a square grid, keeping relative positions.

    Parameters
    ----------
    longitudes, latitudes : sequence of float
        Degrees east and north, one pair per division (for example a county's centre).
    slack : float, default 1.5
        Cells in the grid per division (at least 1). More slack keeps positions closer to
        the geography; less gives a denser, more compact picture.

    Returns
    -------
    TileLayout
        The column and row of each division's cell, and the grid's size.

    Raises
    ------
    ValueError
        When the sequences differ in length, are empty, hold a non-finite or out-of-range
        value, when ``slack`` is below 1, or when there are more than ``MAX_TILES`` points.

    Examples
    --------
    Four counties at the corners of a square keep their corners:

    >>> layout = tile_cartogram([120.0, 121.0, 120.0, 121.0], [30.0, 30.0, 31.0, 31.0], slack=1)
    >>> layout.n_columns, layout.n_rows
    (2, 2)
    >>> layout.cells()
    [(0, 0), (1, 0), (0, 1), (1, 1)]

    References
    ----------
    .. [1] Kuhn, H. W. (1955). The Hungarian method for the assignment problem. Naval Research
       Logistics Quarterly, 2(1-2), 83-97.
    .. [2] McNeill, G., & Hale, S. A. (2017). Generating tile maps. Computer Graphics Forum,
       36(3), 435-445.
    """
    lon = np.asarray(longitudes, dtype=float)
    lat = np.asarray(latitudes, dtype=float)
    if lon.ndim != 1 or lon.shape != lat.shape:
        raise ValueError("longitudes and latitudes must be two sequences of the same length")
    n = lon.size
    if n == 0:
        raise ValueError("a cartogram needs at least one point")
    if n > MAX_TILES:
        raise ValueError(f"at most {MAX_TILES} points can be placed, not {n}")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise ValueError("every longitude and latitude must be a finite number")
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise ValueError("longitudes must lie in [-180, 180] and latitudes in [-90, 90]")
    if not slack >= 1:
        raise ValueError("slack must be at least 1 (one cell per point)")
    x = lon * math.cos(math.radians(float(lat.mean())))
    y = lat
    width = float(x.max() - x.min())
    height = float(y.max() - y.min())
    if width == 0 and height == 0:
        aspect = 1.0
    else:
        aspect = min(max(width / height if height else 1e3, 1e-3), 1e3)
    n_columns, n_rows = _grid_shape(n, aspect, slack)
    # scale the points onto the grid: cell (c, r) has its centre at (c + 0.5, r + 0.5)
    px = (x - x.min()) / width * n_columns if width else np.full(n, n_columns / 2)
    py = (y - y.min()) / height * n_rows if height else np.full(n, n_rows / 2)
    cc, rr = np.meshgrid(np.arange(n_columns), np.arange(n_rows))
    cx = cc.ravel() + 0.5
    cy = rr.ravel() + 0.5
    cost = (px[:, None] - cx[None, :]) ** 2 + (py[:, None] - cy[None, :]) ** 2
    points, cells = linear_sum_assignment(cost)
    chosen = np.empty(n, dtype=int)
    chosen[points] = cells
    return TileLayout(
        columns=cc.ravel()[chosen].astype(int),
        rows=rr.ravel()[chosen].astype(int),
        n_columns=n_columns,
        n_rows=n_rows,
    )


def order_kept(values, positions) -> float:
    """The share of pairs with different ``values`` whose ``positions`` are not reversed
    (equal positions count as kept): 1.0 when a layout never swaps west and east.

    >>> order_kept([1.0, 2.0, 3.0], [0, 1, 1])
    1.0
    >>> order_kept([1.0, 2.0, 3.0], [2, 1, 0])
    0.0
    """
    v = np.asarray(values, dtype=float)
    p = np.asarray(positions, dtype=float)
    dv = np.sign(v[:, None] - v[None, :])
    dp = np.sign(p[:, None] - p[None, :])
    pairs = dv != 0
    if not pairs.any():
        return 1.0
    return float(((dv * dp >= 0) & pairs).sum() / pairs.sum())
