"""Benchmark of xietong.algorithms.inequality against PySAL's ``inequality`` package.

Usage::

    python benchmarks/inequality.py           # 1,000,000 schools x 10 indicators
    python benchmarks/inequality.py --quick   # smaller sizes, smoke run

The run is pinned to one core: BLAS/OpenMP thread counts are set to 1 before numpy
is imported and, on Linux, the process is bound to a single CPU.  Timings are the
best of several repeats (``perf_counter``) for our code and a single run for the
slow PySAL calls.  Every comparison first checks that both sides give the same
numbers (to 1e-10).

Synthetic data: schools are spread at random (unsorted) over counties, which nest
in cities, provinces and areas (integer codes); each of the 10 indicators is
log-normal with area, province, city and county effects so that every level of the
nested decomposition has a non-trivial between-group component.
"""

from __future__ import annotations

import os

for _var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMEXPR_NUM_THREADS"):
    os.environ[_var] = "1"

import argparse  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402

# This file is itself called inequality.py: drop its folder from the import path so
# that `import inequality` below finds PySAL's package, not this script.
_HERE = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or os.getcwd()).resolve() != _HERE]

try:
    from xietong.algorithms import inequality as ineq
except ImportError:  # running from a checkout without installing the package
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    from xietong.algorithms import inequality as ineq

try:
    from inequality.gini import Gini as PysalGini
    from inequality.theil import TheilD as PysalTheilD
except ImportError:  # pragma: no cover
    sys.exit("PySAL's `inequality` package is needed for the comparison: pip install inequality")


def pin_to_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity on this platform)"


def best_of(fn: Callable[[], object], repeats: int) -> tuple[float, object]:
    best = float("inf")
    result = None
    for _ in range(repeats):
        t0 = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - t0)
    return best, result


def make_data(n: int, n_counties: int, k: int, seed: int = 0):
    """Indicators (k, n) C-contiguous, and area > province > city > county codes."""
    rng = np.random.default_rng(seed)
    n_cities = max(2, n_counties // 20)
    county = rng.integers(0, n_counties, n)
    city_of_county = np.sort(rng.integers(0, n_cities, n_counties))
    province_of_city = (np.arange(n_cities) * 7) // n_cities
    city = city_of_county[county]
    province = province_of_city[city]
    area = (province >= 4).astype(np.int64)
    effects = (
        0.30 * rng.standard_normal((k, 2))[:, area]
        + 0.20 * rng.standard_normal((k, 7))[:, province]
        + 0.15 * rng.standard_normal((k, n_cities))[:, city]
        + 0.10 * rng.standard_normal((k, n_counties))[:, county]
    )
    values = np.exp(8.0 + effects + 0.5 * rng.standard_normal((k, n)))
    students = rng.integers(50, 3000, n).astype(float)
    return np.ascontiguousarray(values), [area, province, city, county], students


def verdict(ok: bool) -> str:
    return "MET" if ok else "NOT MET"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()

    if args.quick:
        n, n_counties, k, repeats = 100_000, 200, 10, 3
        n_theild, counties_theild = 20_000, 50
    else:
        n, n_counties, k, repeats = 1_000_000, 2000, 10, 5
        n_theild, counties_theild = 200_000, 500

    print(
        f"xietong inequality benchmark ({'quick' if args.quick else 'full'}); {pin_to_one_core()}"
    )
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    values, levels, students = make_data(n, n_counties, k)
    gc = ineq.encode_groups(levels)
    print(
        f"data: {n:,} schools x {k} indicators; levels area > province > city > county "
        f"with {' > '.join(str(g) for g in gc.n_groups)} groups\n"
    )

    # 1. Encoding the four label levels (done once, reused by all indicators)
    t_encode, _ = best_of(lambda: ineq.encode_groups(levels), repeats)
    print(f"[encode]   encode_groups, 4 levels:                {t_encode * 1e3:9.1f} ms")

    ratios, t_log, t_pass = section_nested(values, gc, students, repeats)
    t_gini, t_pgini = section_gini_cv(values, students, repeats)
    t_whole, t_whole_all = section_whole(values, levels, repeats)
    speedup_d = section_theild(values, n_theild, counties_theild, repeats)
    section_pysal_nested(values, levels, repeats)
    print_targets(
        n=n,
        k=k,
        n_theild=n_theild,
        counties_theild=counties_theild,
        speedup_d=speedup_d,
        ratios=ratios,
        t_log=t_log,
        t_pass=t_pass,
        t_gini=t_gini,
        t_pgini=t_pgini,
        t_whole=t_whole,
        t_whole_all=t_whole_all,
    )


def section_nested(values, gc, students, repeats):
    """2 and 3: nested decompositions of every indicator against one bincount pass."""
    k = values.shape[0]

    # 2. Nested decomposition of all indicators, reusing the codes
    def nested(measure: str, weights=None):
        return [ineq.decompose(values[j], gc, weights, measure=measure) for j in range(k)]

    t_tt, res_tt = best_of(lambda: nested("theil_t"), repeats)
    t_tl, _ = best_of(lambda: nested("theil_l"), repeats)
    t_ge2, _ = best_of(lambda: nested("ge(2)"), repeats)
    t_ttw, _ = best_of(lambda: nested("theil_t", students), repeats)
    d0 = res_tt[0]
    assert abs(d0.total - sum(d0.between_by_level) - d0.within) < 1e-12
    print(f"[nested]   {k} x decompose theil_t (4 levels):      {t_tt * 1e3:9.1f} ms")
    print(f"[nested]   {k} x decompose theil_l:                 {t_tl * 1e3:9.1f} ms")
    print(f"[nested]   {k} x decompose ge(2):                   {t_ge2 * 1e3:9.1f} ms")
    print(f"[nested]   {k} x decompose theil_t, weighted:       {t_ttw * 1e3:9.1f} ms")
    shares = ", ".join(f"{b / d0.total:.1%}" for b in d0.between_by_level)
    print(f"           indicator 0: T = {d0.total:.6f}; between shares by level {shares}")

    # 3. Against one numpy pass over the data: a bincount of the values by group
    codes = gc.codes
    t_pass, _ = best_of(
        lambda: [
            np.bincount(codes, weights=values[j], minlength=gc.n_groups[-1]) for j in range(k)
        ],
        repeats,
    )
    t_log, _ = best_of(lambda: [np.log(values[j]) for j in range(k)], repeats)
    print(f"[pass]     {k} x np.bincount(codes, values):        {t_pass * 1e3:9.1f} ms")
    print(f"           ({k} x np.log(values) alone:             {t_log * 1e3:9.1f} ms)")
    ratios = {"theil_t": t_tt / t_pass, "theil_l": t_tl / t_pass, "ge(2)": t_ge2 / t_pass}
    for name, r in ratios.items():
        print(f"           decompose {name:8s} = {r:4.1f}x one bincount pass")

    return ratios, t_log, t_pass


def section_gini_cv(values, students, repeats):
    """4 and 5: Gini against PySAL, and the CV."""
    k = values.shape[0]
    # 4. Gini: ours against PySAL on the same data
    t_gini, g_ours = best_of(lambda: [ineq.gini(values[j]) for j in range(k)], repeats)
    t_pgini, g_pysal = best_of(lambda: [PysalGini(values[j]).g for j in range(k)], 1)
    assert max(abs(a - b) for a, b in zip(g_ours, g_pysal, strict=True)) < 1e-10
    t_ginw, _ = best_of(lambda: [ineq.gini(values[j], students) for j in range(k)], repeats)
    print(f"[gini]     {k} x gini:                              {t_gini * 1e3:9.1f} ms")
    print(f"[gini]     {k} x PySAL Gini:                        {t_pgini * 1e3:9.1f} ms")
    print(
        f"           ours is {t_pgini / t_gini:.1f}x faster (weighted gini: {t_ginw * 1e3:.1f} ms)"
    )

    # 5. CV
    t_cv, _ = best_of(lambda: [ineq.cv(values[j]) for j in range(k)], repeats)
    t_cvw, _ = best_of(lambda: [ineq.cv(values[j], students) for j in range(k)], repeats)
    t_np, _ = best_of(lambda: [values[j].std() / values[j].mean() for j in range(k)], repeats)
    print(
        f"[cv]       {k} x cv: {t_cv * 1e3:.1f} ms (weighted {t_cvw * 1e3:.1f} ms); "
        f"numpy std/mean {t_np * 1e3:.1f} ms"
    )

    return t_gini, t_pgini


def section_whole(values, levels, repeats):
    """6: the whole run on one core."""
    k = values.shape[0]

    # 6. The whole run on one core
    def whole(with_gini_cv: bool) -> None:
        codes_obj = ineq.encode_groups(levels)
        for j in range(k):
            ineq.decompose(values[j], codes_obj)
            if with_gini_cv:
                ineq.gini(values[j])
                ineq.cv(values[j])

    t_whole, _ = best_of(lambda: whole(False), repeats)
    t_whole_all, _ = best_of(lambda: whole(True), repeats)
    print(f"[whole]    encode + {k} nested decompositions:      {t_whole * 1e3:9.1f} ms")
    print(f"[whole]    ... plus gini and cv of every indicator:  {t_whole_all * 1e3:9.1f} ms")

    return t_whole, t_whole_all


def section_theild(values, n_theild, counties_theild, repeats):
    """7: PySAL's TheilD on one level."""
    # 7. PySAL TheilD on n_theild schools in counties_theild counties
    rng = np.random.default_rng(1)
    y_small = values[0, :n_theild].copy()
    county_small = rng.integers(0, counties_theild, n_theild)
    t_ours_d, d_small = best_of(lambda: ineq.decompose(y_small, county_small), repeats)
    t0 = time.perf_counter()
    ref = PysalTheilD(y_small, county_small)
    t_pysal_d = time.perf_counter() - t0
    assert abs(d_small.between - ref.bg[0]) < 1e-10
    assert abs(d_small.total - float(np.ravel(ref.T)[0])) < 1e-10
    speedup_d = t_pysal_d / t_ours_d
    print(
        f"[theild]   {n_theild:,} schools / {counties_theild} counties (labels encoded inside):\n"
        f"           ours {t_ours_d * 1e3:.2f} ms, PySAL TheilD {t_pysal_d * 1e3:.1f} ms "
        f"(one run) -> {speedup_d:.0f}x"
    )

    return speedup_d


def section_pysal_nested(values, levels, repeats):
    """8: PySAL on the nested problem, on a subsample."""
    k, n = values.shape
    # 8. PySAL on the nested problem: TheilD once per level on the combined labels
    #    (PySAL has no nested decomposition; level k's part is bg_k - bg_(k-1)).
    #    PySAL needs minutes on 1,000,000 schools (its group loop is O(n x groups)), so
    #    both sides run on a subsample of the first n_sub schools.
    n_sub = min(n, 100_000)
    sub_levels = [lab[:n_sub] for lab in levels]
    sub_values = np.ascontiguousarray(values[:, :n_sub])

    def ours_nested_sub():
        codes_obj = ineq.encode_groups(sub_levels)
        return [ineq.decompose(sub_values[j], codes_obj) for j in range(k)]

    t_ours_sub, res_sub = best_of(ours_nested_sub, repeats)
    combined = []
    key = np.zeros(n_sub, dtype=np.int64)
    for lab in sub_levels:
        key = key * (int(lab.max()) + 1) + lab
        combined.append(key.copy())
    y_nk = np.ascontiguousarray(sub_values.T)
    t0 = time.perf_counter()
    bgs = [PysalTheilD(y_nk, part).bg for part in combined]
    t_pysal_nested = time.perf_counter() - t0
    ours_levels = np.array([d.between_by_level for d in res_sub])  # (k, 4)
    pysal_levels = np.diff(np.vstack([np.zeros(k)] + bgs), axis=0).T
    assert np.max(np.abs(ours_levels - pysal_levels)) < 1e-10
    print(
        f"[nested]   subsample of {n_sub:,} schools x {k}, 4 levels: ours (encode + decompose) "
        f"{t_ours_sub * 1e3:.1f} ms,\n           PySAL TheilD once per level {t_pysal_nested:.2f} s "
        f"(one run) -> {t_pysal_nested / t_ours_sub:.0f}x"
    )


def print_targets(
    *,
    n,
    k,
    n_theild,
    counties_theild,
    speedup_d,
    ratios,
    t_log,
    t_pass,
    t_gini,
    t_pgini,
    t_whole,
    t_whole_all,
):
    # Targets
    print("\nTargets")
    print(
        f"  >= 100x faster than PySAL TheilD on {n_theild:,}/{counties_theild}: "
        f"{speedup_d:.0f}x  {verdict(speedup_d >= 100)}"
    )
    print(
        f"  nested decomposition within 3x of one bincount pass (theil_t): "
        f"{ratios['theil_t']:.1f}x  {verdict(ratios['theil_t'] <= 3)}"
        f"   [ge(2): {ratios['ge(2)']:.1f}x {verdict(ratios['ge(2)'] <= 3)}; "
        f"np.log alone is {t_log / t_pass:.1f}x]"
    )
    print(
        f"  gini no slower than PySAL Gini: {t_pgini / t_gini:.1f}x faster  "
        f"{verdict(t_gini <= t_pgini)}"
    )
    print(
        f"  {n:,} x {k} nested run under 1 s on one core: {t_whole:.3f} s  "
        f"{verdict(t_whole < 1.0)} (with gini + cv: {t_whole_all:.3f} s "
        f"{verdict(t_whole_all < 1.0)})"
    )


if __name__ == "__main__":
    main()
