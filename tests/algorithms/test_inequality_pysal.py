"""Parity of xietong.algorithms.inequality with PySAL's ``inequality`` package.

PySAL's Theil, TheilD and Gini are unweighted (each unit counts once), so they are
compared with ``weights=None``.  The Mexico state incomes are the data shipped
inside the libpysal wheel (no network needed).
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from xietong.algorithms.inequality import atkinson, decompose, encode_groups, gini, theil_t

libpysal = pytest.importorskip("libpysal")
pysal_theil = pytest.importorskip("inequality.theil")
pysal_gini = pytest.importorskip("inequality.gini")
pysal_atkinson = pytest.importorskip("inequality.atkinson")

TOL = 1e-10
YEARS = [f"pcgdp{dec}" for dec in range(1940, 2010, 10)]


@pytest.fixture(scope="module")
def mexico():
    """(32 x 7) state GDP per capita 1940-2000 and the hanson98 regions."""
    path = Path(libpysal.__file__).parent / "examples" / "mexico" / "mexico.csv"
    if not path.exists():  # pragma: no cover - depends on the installed wheel
        pytest.skip(f"mexico.csv is not shipped in this libpysal install ({path})")
    with path.open(newline="") as fh:
        rows = list(csv.DictReader(fh))
    y = np.array([[float(r[v]) for v in YEARS] for r in rows])
    regions = np.array([float(r["hanson98"]) for r in rows])
    return y, regions


def test_mexico_known_values(mexico):
    y, regions = mexico
    # published values in PySAL's docstrings and tests
    assert abs(theil_t(y[:, 0]) - 0.20894344) < 5e-9
    assert abs(decompose(y[:, 0], regions).between - 0.0345889) < 5e-8
    assert abs(decompose(y[:, 0], regions).within - 0.17435454) < 5e-9
    assert abs(gini(y[:, 0]) - 0.35372371173452849) < TOL


def test_mexico_theil_and_theild_all_years(mexico):
    y, regions = mexico
    ref_t = pysal_theil.Theil(y).T
    ref_d = pysal_theil.TheilD(y, regions)
    gc = encode_groups(regions)
    for j in range(y.shape[1]):
        d = decompose(y[:, j], gc)
        assert abs(theil_t(y[:, j]) - ref_t[j]) < TOL
        assert abs(d.total - ref_d.T[j]) < TOL
        assert abs(d.between - ref_d.bg[j]) < TOL
        assert abs(d.within - ref_d.wg[j]) < TOL


def test_mexico_gini_and_atkinson_all_years(mexico):
    y, _ = mexico
    for j in range(y.shape[1]):
        assert abs(gini(y[:, j]) - pysal_gini.Gini(y[:, j]).g) < TOL
        for eps in (0.5, 1.0, 2.0):
            assert abs(atkinson(y[:, j], eps) - pysal_atkinson.atkinson(y[:, j], eps)) < TOL


def test_mexico_nested_levels_match_theild_of_combined_labels(mexico):
    y, regions = mexico
    # second level: split each region into two halves by state order
    half = np.arange(y.shape[0]) % 2
    d = decompose(y[:, 3], [regions, half])
    combined = regions * 10 + half
    assert abs(d.between_by_level[0] - pysal_theil.TheilD(y[:, 3], regions).bg[0]) < TOL
    cumulative = d.between_by_level[0] + d.between_by_level[1]
    assert abs(cumulative - pysal_theil.TheilD(y[:, 3], combined).bg[0]) < TOL


def test_pysal_zero_example():
    y = np.array([0, 0, 0, 10, 10, 10])
    regions = np.array([0, 0, 0, 1, 1, 1])
    ref = pysal_theil.TheilD(y, regions)
    d = decompose(y, regions)
    assert abs(d.total - float(np.ravel(ref.T)[0])) < TOL
    assert abs(d.between - ref.bg[0]) < TOL
    assert abs(d.within - float(np.ravel(ref.wg)[0])) < TOL


@pytest.mark.parametrize("seed", range(30))
def test_random_data_parity(seed):
    rng = np.random.default_rng(seed)
    n = int(rng.choice([2, 3, 10, 57, 500, 3000]))
    kind = seed % 3
    if kind == 0:
        y = rng.lognormal(5, 1.2, n)
    elif kind == 1:
        y = rng.integers(0, 50, n).astype(float)  # counts with zeros and ties
        y[0] = 7.0
    else:
        y = rng.pareto(1.5, n) * 1000 + rng.uniform(0, 1, n)
    n_groups = int(rng.integers(1, max(2, n // 3) + 1))
    labels = rng.integers(0, n_groups, n)
    ref_d = pysal_theil.TheilD(y, labels)
    d = decompose(y, labels)
    assert abs(theil_t(y) - pysal_theil.Theil(y).T) < TOL
    assert abs(d.total - ref_d.T) < TOL
    assert abs(d.between - ref_d.bg[0]) < TOL
    assert abs(d.within - ref_d.wg[0]) < TOL
    assert abs(gini(y) - pysal_gini.Gini(y).g) < TOL
    if y.min() > 0:
        for eps in (0.5, 1.0, 2.5):
            assert abs(atkinson(y, eps) - pysal_atkinson.atkinson(y, eps)) < TOL
