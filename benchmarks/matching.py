"""Benchmark of xietong.algorithms.matching (teacher-post matching).

Run from the project root::

    .venv/bin/python benchmarks/matching.py          # full run (about a minute)
    .venv/bin/python benchmarks/matching.py --quick  # smoke run (a few seconds)
    .venv/bin/python benchmarks/matching.py --lists  # only the list entry point (section 4)

Prints

1. times against the PyPI package ``matching`` (HospitalResident,
   resident-optimal), measured in the same run on the same instances, with a
   check that both give the same matching;
2. end-to-end times (validate the flat input, solve, build and check the
   certificate with all "why not" explanations) for 100,000 teachers x 5,000
   posts x 20 choices and 1,000,000 x 50,000 x 20 on one core, with peak
   memory, and whether the targets (1 s and 5 s) were met -- with per-entry
   ranks, and again with integer point scores and lottery tie-breaking;
3. times of the richer modes (regional caps, departure caps, balance,
   individually rational modes) on moderate sizes;
4. the list entry point ``deferred_acceptance(prefs, priorities, capacities)`` end to end from
   Python lists, against a plain heap-based Python implementation of deferred acceptance
   (``plain_da`` below) and the ``matching`` package, on 5,000 x 250 and 100,000 x 5,000 x 20
   (targets, issue 11: 3x the plain implementation on 100,000 x 5,000 x 20, 100x the package
   on 5,000 x 250; the other ratio of each case is printed too).

Instances: post popularity is log-normal (sigma 1; one extra run with sigma 2,
where a few posts draw most applications), each teacher lists 20
distinct posts drawn with probability proportional to popularity; a post
ranks its applicants by a teacher-wide score plus post-specific noise (ranks
need not be dense; ties are broken by teacher index); seats total about 90 % of
the teachers.  Instance generation is not timed.
"""

from __future__ import annotations

import os
import sys

# This file is called ``matching.py``: keep its folder off the import path so that
# ``import matching`` finds the PyPI package, not this script.
_HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:] = [p for p in sys.path if os.path.abspath(p or os.curdir) != _HERE]

os.environ.setdefault("OMP_NUM_THREADS", "1")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse  # noqa: E402
import resource  # noqa: E402
import statistics  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
import tracemalloc  # noqa: E402
import warnings  # noqa: E402

import numpy as np  # noqa: E402

from xietong.algorithms.matching import (  # noqa: E402
    Balance,
    Departure,
    Market,
    Regions,
    certify,
    deferred_acceptance,
    solve,
)


def make_csr(n_t: int, n_p: int, length: int, seed: int, skew: float = 1.0):
    """Random flat market: CSR lists, per-entry ranks, capacities."""
    rng = np.random.default_rng(seed)
    weight = rng.lognormal(0.0, skew, n_p)
    weight /= weight.sum()
    choice = rng.choice(n_p, size=(n_t, length), p=weight)
    for _ in range(100):  # redraw repeated posts within a list
        srt = np.sort(choice, axis=1)
        dup_rows = np.flatnonzero((srt[:, 1:] == srt[:, :-1]).any(axis=1))
        if dup_rows.size == 0:
            break
        block = choice[dup_rows]
        for j in range(1, length):
            bad = (block[:, :j] == block[:, j : j + 1]).any(axis=1)
            block[bad, j] = rng.choice(n_p, size=int(bad.sum()), p=weight)
        choice[dup_rows] = block
    indptr = np.arange(0, n_t * length + 1, length, dtype=np.int64)
    posts = choice.ravel().astype(np.int32)
    score = np.repeat(rng.normal(0.0, 1.0, n_t), length) + rng.normal(0.0, 0.3, n_t * length)
    ranks = ((score.max() - score) * 1000).astype(np.int64)
    caps = rng.integers(1, max(int(1.8 * n_t / n_p), 2), n_p).astype(np.int64)
    return indptr, posts, ranks, caps


def make_lists(n_t: int, n_p: int, length: int, seed: int):
    """Reciprocal list-of-lists instance (what ``matching`` accepts)."""
    rng = np.random.default_rng(seed)
    prefs = [rng.permutation(n_p)[:length].tolist() for _ in range(n_t)]
    applicants = [[] for _ in range(n_p)]
    for t, pref in enumerate(prefs):
        for p in pref:
            applicants[p].append(t)
    pri = [[int(t) for t in rng.permutation(a)] for a in applicants]
    caps = rng.integers(1, max(2 * n_t // n_p, 2), n_p).tolist()
    return prefs, pri, [int(c) for c in caps]


def run_matching_package(prefs, pri, caps):
    """Resident-optimal HospitalResident; returns (post per teacher, seconds)."""
    from matching.games import HospitalResident

    residents = {t: p for t, p in enumerate(prefs) if p}
    hospitals = {h: r for h, r in enumerate(pri) if r}
    capacity = {h: caps[h] for h in hospitals}
    box: dict[str, object] = {}

    def work() -> None:
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            game = HospitalResident.create_from_dictionaries(residents, hospitals, capacity)
            solution = game.solve(optimal="resident")
        box["seconds"] = time.perf_counter() - start
        out = [-1] * len(prefs)
        for hospital, matched in solution.items():
            for resident in matched:
                out[resident.name] = hospital.name
        box["out"] = out

    # ``matching`` deep-copies its player graph recursively: give it a deep stack.
    old_limit = sys.getrecursionlimit()
    sys.setrecursionlimit(1_000_000)
    old_stack = threading.stack_size(1024 * 1024 * 1024)
    try:
        worker = threading.Thread(target=work)
        worker.start()
        worker.join()
    finally:
        threading.stack_size(old_stack)
        sys.setrecursionlimit(old_limit)
    return box["out"], box["seconds"]


def plain_da(prefs, pri, caps):
    """A plain heap-based Python implementation of teacher-proposing deferred acceptance, the
    peer the list entry point is measured against: a rank dictionary per post, a min-heap of
    held teachers keyed by (negative) rank so the worst held one is rejected first."""
    import heapq

    rank = [{t: r for r, t in enumerate(p)} for p in pri]
    held: list[list[tuple[int, int]]] = [[] for _ in pri]
    nxt = [0] * len(prefs)
    free = list(range(len(prefs)))[::-1]
    out = [-1] * len(prefs)
    while free:
        t = free.pop()
        lst = prefs[t]
        while nxt[t] < len(lst):
            p = lst[nxt[t]]
            nxt[t] += 1
            r = rank[p].get(t)
            if r is None or caps[p] == 0:
                continue
            h = held[p]
            if len(h) < caps[p]:
                heapq.heappush(h, (-r, t))
                out[t] = p
                break
            if -h[0][0] > r:
                _, loser = heapq.heapreplace(h, (-r, t))
                out[t], out[loser] = p, -1
                free.append(loser)
                break
    return out


def section_lists(cases: dict[str, tuple[int, int, int]], with_package: bool) -> dict:
    """The list entry point ``deferred_acceptance(prefs, priorities, capacities)`` end to end
    (bulk ingest, solve, certificate) against the plain Python implementation above and, where
    it finishes in reasonable time, the ``matching`` package, on the same list inputs."""
    print("\n== list entry point: deferred_acceptance(lists) vs plain Python vs matching ==")
    ratios = {}
    for name, (n_t, n_p, length) in cases.items():
        prefs, pri, caps = make_lists(n_t, n_p, length, seed=n_t + 7)
        ours, ours_s = _best(deferred_acceptance, prefs, pri, caps)
        plain, plain_s = _best(plain_da, prefs, pri, caps)
        assert ours == plain, "the plain implementation disagrees"
        row = f"{name}: ours {ours_s:.3f} s, plain Python {plain_s:.3f} s ({plain_s / ours_s:.1f}x)"
        pkg_ratio = None
        if with_package and n_t <= 10_000:
            pkg, pkg_s = run_matching_package(prefs, pri, caps)
            assert pkg == ours, "the matching package disagrees"
            pkg_ratio = pkg_s / ours_s
            row += f", matching {pkg_s:.3f} s ({pkg_ratio:.0f}x)"
        print(row)
        ratios[name] = (plain_s / ours_s, pkg_ratio)
    return ratios


def _best(fn, *args, repeats: int = 3):
    best, out = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn(*args)
        best = min(best, time.perf_counter() - start)
    return out, best


def pin_one_core() -> str:
    if hasattr(os, "sched_setaffinity"):
        cpu = min(os.sched_getaffinity(0))
        os.sched_setaffinity(0, {cpu})
        return f"pinned to CPU {cpu}"
    return "not pinned (no sched_setaffinity)"


def section_parity(sizes: list[int]) -> None:
    print("\n== 1. against the PyPI package `matching` (same instances, same run) ==")
    print(f"{'teachers':>9} {'posts':>6} {'matching s':>11} {'xietong s':>10} {'ratio':>7}  same")
    for n_t in sizes:
        prefs, pri, caps = make_lists(n_t, max(n_t // 20, 2), 10, seed=n_t)
        theirs, t_theirs = run_matching_package(prefs, pri, caps)
        start = time.perf_counter()
        ours = deferred_acceptance(prefs, pri, caps)  # includes validation + certificate
        t_ours = time.perf_counter() - start
        print(
            f"{n_t:>9} {len(caps):>6} {t_theirs:>11.3f} {t_ours:>10.4f} "
            f"{t_theirs / t_ours:>6.1f}x  {ours == theirs}"
        )


def end_to_end(indptr, posts, ranks, caps):
    t0 = time.perf_counter()
    market = Market.from_csr(indptr, posts, caps, ranks=ranks)
    t1 = time.perf_counter()
    result = solve(market)  # deferred acceptance + independent certificate (raises if bad)
    t2 = time.perf_counter()
    return t1 - t0, t2 - t1, t2 - t0, result, market


def section_scale(cases, repeats: int) -> dict[str, tuple[float, float, float, float]]:
    print("\n== 2. end to end on one core: validate + solve + certificate (with why-not) ==")
    outcome = {}
    for name, (n_t, n_p, length, limit, skew) in cases.items():
        data = make_csr(n_t, n_p, length, seed=7, skew=skew)
        totals = []
        for _ in range(repeats):
            t_val, t_solve, total, result, market = end_to_end(*data)
            totals.append(total)
            t_cert0 = time.perf_counter()
            cert = certify(market, result.assignment)
            t_cert = time.perf_counter() - t_cert0
            print(
                f"{name}: validate {t_val:.3f} s, solve+certificate {t_solve:.3f} s "
                f"(certificate alone {t_cert:.3f} s), total {total:.3f} s; "
                f"rounds {result.rounds}, placed {(result.assignment >= 0).mean():.1%}, "
                f"certificate ok {cert.ok}, why-not entries {cert.why_not.posts.size:,}"
            )
        tracemalloc.start()
        end_to_end(*data)
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        entries = int(data[1].size)
        input_bytes = sum(int(a.nbytes) for a in data)
        print(
            f"{name}: peak traced memory {peak / 1e6:.0f} MB = {peak / entries:.1f} bytes per "
            f"list entry ({entries:,} entries; the input itself is {input_bytes / 1e6:.0f} MB)"
        )
        worst = max(totals)
        outcome[name] = (worst, limit, peak / entries, skew)
        print(
            f"[target] {name} under {limit:.0f} s: {'MET' if worst < limit else 'NOT MET'} "
            f"(slowest of {repeats}: {worst:.3f} s, median {statistics.median(totals):.3f} s)"
        )
    return outcome


def section_scores(cases) -> dict[str, tuple[float, float, float]]:
    print("\n== 2b. the same, priorities given as point scores with lottery tie-breaking ==")
    outcome = {}
    for name, (n_t, n_p, length, limit, skew) in cases.items():
        if skew != 1.0:
            continue
        indptr, posts, _, caps = make_csr(n_t, n_p, length, seed=7)
        rng = np.random.default_rng(5)
        # integer points (many ties): a teacher-wide score plus a small post bonus
        scores = np.repeat(np.round(rng.normal(60, 10, n_t)), length)
        scores += rng.integers(0, 5, n_t * length)
        for tie_break in ("single", "multiple"):
            t0 = time.perf_counter()
            market = Market.from_csr(
                indptr, posts, caps, scores=scores, tie_break=tie_break, seed=1
            )
            t1 = time.perf_counter()
            result = solve(market)
            t2 = time.perf_counter()
            total = t2 - t0
            label = f"{name}, {tie_break} tie-breaking"
            print(
                f"{label}: build ranks + validate {t1 - t0:.3f} s, solve+certificate "
                f"{t2 - t1:.3f} s, total {total:.3f} s "
                f"({'MET' if total < limit else 'NOT MET'}: target {limit:.0f} s); "
                f"certificate ok {result.certificate.ok}"
            )
            outcome[label] = (total, limit, float("nan"))
            del market, result
    return outcome


def section_modes(n_t: int) -> None:
    print(f"\n== 3. richer modes, {n_t:,} teachers x {n_t // 20:,} posts x 20 choices ==")
    rng = np.random.default_rng(3)
    indptr, posts, ranks, caps = make_csr(n_t, n_t // 20, 20, seed=11)
    market = Market.from_csr(indptr, posts, caps, ranks=ranks)
    n_p = market.n_posts
    n_s = max(n_p // 5, 1)
    post_school = rng.integers(0, n_s, n_p)
    school_caps = (np.bincount(post_school, weights=caps, minlength=n_s) * 0.8).astype(int)
    n_a = max(n_s // 20, 1)
    school_area = rng.integers(0, n_a, n_s)
    area_caps = (np.bincount(school_area, weights=school_caps, minlength=n_a) * 0.8).astype(int)
    regions = Regions.build(
        caps, post_school, school_caps, school_area=school_area, area_caps=area_caps
    )
    groups = rng.integers(0, n_t // 20, n_t)
    departure = Departure.build(groups, rng.integers(3, 12, n_t // 20))
    balance = Balance.build(rng.integers(0, 7, n_t), rng.integers(0, 7, n_p), tolerance=50)
    # current posts for the IR modes: 80 % of teachers hold a seat, listed last
    seats = np.repeat(np.arange(n_p), caps)
    rng.shuffle(seats)
    current = np.full(n_t, -1)
    k = min(seats.size, n_t * 8 // 10)
    current[:k] = seats[:k]
    table = np.asarray(posts).reshape(n_t, 20).copy()
    holds = current >= 0
    listed = (table == current[:, None]).any(axis=1)
    table[holds & ~listed, -1] = current[holds & ~listed]
    ir_market = Market.from_csr(indptr, table.ravel(), caps, ranks=ranks)

    runs = [
        ("deferred acceptance", lambda: solve(market)),
        ("flexible DA, school + area caps", lambda: solve(market, regions=regions)),
        ("DA + departure caps", lambda: solve(market, departure=departure)),
        ("DA + balance (7 members)", lambda: solve(market, balance=balance)),
        (
            "IR: DA with incumbent protection",
            lambda: solve(ir_market, mode="ir_da", current_post=current),
        ),
        ("IR: TO-BE block exchange", lambda: solve(ir_market, mode="tobe", current_post=current)),
    ]
    for label, run in runs:
        start = time.perf_counter()
        res = run()
        took = time.perf_counter() - start
        print(
            f"{label:<36} {took:7.3f} s  (mechanism runs {res.gate_iterations}, "
            f"rounds/cycles {res.rounds}, certificate ok {res.certificate.ok})"
        )


def summarise_lists(lists: dict) -> None:
    """The list entry point's summary lines against issue 11's targets: 3x plain Python on
    the 100,000-teacher case, 100x the package on 5,000 x 250 (where the package is run)."""
    for name, (plain, pkg) in lists.items():
        if pkg is not None:
            verdict = "MET" if pkg >= 100 else "NOT MET"
            print(
                f"list entry point {name}: {pkg:.0f}x the matching package (target 100x) "
                f"{verdict}; {plain:.1f}x plain Python (no target at this size)"
            )
        else:
            verdict = "MET" if plain >= 3 else "NOT MET"
            print(f"list entry point {name}: {plain:.1f}x plain Python (target 3x) {verdict}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small smoke run")
    parser.add_argument(
        "--lists", action="store_true", help="only the list entry point (section 4), both sizes"
    )
    args = parser.parse_args()
    print(f"numpy {np.__version__}, python {sys.version.split()[0]}, {pin_one_core()}")
    list_cases = {"5,000 x 250 x 10": (5_000, 250, 10)}
    if not args.quick:
        list_cases["100,000 x 5,000 x 20"] = (100_000, 5_000, 20)
    lists = section_lists(list_cases, with_package=True)
    if args.lists:
        print("\n== summary ==")
        summarise_lists(lists)
        return
    if args.quick:
        section_parity([300])
        cases = {"10,000 x 500 x 20": (10_000, 500, 20, 1.0, 1.0)}
        outcome = section_scale(cases, repeats=1)
        scored = section_scores(cases)
        section_modes(5_000)
    else:
        section_parity([500, 1000, 2000])
        cases = {
            "100,000 x 5,000 x 20": (100_000, 5_000, 20, 1.0, 1.0),
            "1,000,000 x 50,000 x 20": (1_000_000, 50_000, 20, 5.0, 1.0),
            "1,000,000 x 50,000 x 20, popularity sigma 2": (1_000_000, 50_000, 20, 5.0, 2.0),
        }
        outcome = section_scale(cases, repeats=3)
        scored = section_scores(cases)
        section_modes(20_000)
    print("\n== summary ==")
    summarise_lists(lists)
    for name, (worst, limit, per_entry, _) in outcome.items():
        verdict = "MET" if worst < limit else "NOT MET"
        print(f"{name}: {worst:.3f} s (target {limit:.0f} s) {verdict}; {per_entry:.1f} B/entry")
    for name, (worst, limit, _) in scored.items():
        verdict = "MET" if worst < limit else "NOT MET"
        print(f"{name}: {worst:.3f} s (target {limit:.0f} s) {verdict}")
    if len(outcome) > 1:
        # same distribution, 10x apart in size: bytes per entry should not grow
        per = [v[2] for v in outcome.values() if v[3] == 1.0]
        linear = max(per) / min(per) < 1.25
        print(
            f"memory per list entry at 100k and 1M teachers (same distribution): "
            f"{min(per):.1f}-{max(per):.1f} B: {'linear (MET)' if linear else 'NOT linear'}"
            f" (more unplaced teachers mean more why-not entries, at most one per entry)"
        )
    else:
        print("(--quick: the 100k and 1M targets are not measured)")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process peak RSS (includes instance generation): {rss:.0f} MB")


if __name__ == "__main__":
    main()
