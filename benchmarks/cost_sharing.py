"""Benchmark of the cost-sharing and netting engines.

Plain script (no pytest):

    python benchmarks/cost_sharing.py           # full run
    python benchmarks/cost_sharing.py --quick   # smoke run, a second or two

Measures

* exact Shapley value of a 20-member game (``2**20`` coalitions), plain and
  with the per-member explanation;
* multilateral netting of 1,000,000 obligations among 50 members: net
  positions (from an integer array and from a list of tuples) and the
  settlement (auto, greedy and through the fund);
* the exact fewest-transfers dynamic programme on 20 members without
  cancelling pairs.

For each step it prints the wall time and the peak memory allocated during
the step (tracemalloc, which sees numpy buffers; measured in a second,
untimed run), and at the end the peak resident set size of the process.
"""

from __future__ import annotations

import argparse
import resource
import sys
import time
import tracemalloc
from collections.abc import Callable
from typing import TypeVar

import numpy as np

from xietong.algorithms.cost_sharing import shapley, shapley_detailed
from xietong.algorithms.netting import net_positions, settle_detailed

T = TypeVar("T")


def measure(label: str, fn: Callable[[], T]) -> T:
    """Run ``fn`` twice: once timed, once under tracemalloc for its peak allocation.

    The runs are separate because tracing slows down code that creates many
    Python objects (such as a list of a million tuples) several-fold.
    """
    start = time.perf_counter()
    result = fn()
    elapsed = time.perf_counter() - start
    tracemalloc.start()
    tracemalloc.reset_peak()
    fn()
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    print(f"  {label:<52} {elapsed:9.3f} s   peak {peak / 2**20:9.1f} MiB")
    return result


def weighted_majority_game(weights: np.ndarray) -> np.ndarray:
    """v(S) = 1 if the weights in S exceed half of the total, else 0 (all 2**n coalitions)."""
    n = weights.shape[0]
    total = np.zeros(1 << n)
    for i in range(n):
        total[1 << i : 2 << i] = total[: 1 << i] + weights[i]
    return (2 * total > weights.sum()).astype(np.float64)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, for a smoke run")
    parser.add_argument("--members", type=int, default=None, help="members of the Shapley game")
    args = parser.parse_args(argv)

    n_shapley = args.members or (12 if args.quick else 20)
    n_obligations = 10_000 if args.quick else 1_000_000
    n_members = 50
    n_exact = 12 if args.quick else 20
    rng = np.random.default_rng(20240601)

    print(f"numpy {np.__version__}, python {sys.version.split()[0]}")
    print(f"Shapley value, {n_shapley} members ({1 << n_shapley:,} coalitions)")
    weights = rng.integers(1, 100, size=n_shapley).astype(np.float64)
    game = measure("build weighted majority game", lambda: weighted_majority_game(weights))
    phi = measure("shapley (exact)", lambda: shapley(game))
    detail = measure("shapley_detailed (with explanation)", lambda: shapley_detailed(game))
    assert abs(phi.sum() - game[-1]) < 1e-9 and np.allclose(detail.values, phi)
    print(f"  efficiency check: sum of values {phi.sum():.12f} = v(N) {game[-1]:.1f}")

    print(f"Netting, {n_obligations:,} obligations among {n_members} members")
    debtor = rng.integers(0, n_members, size=n_obligations)
    creditor = (debtor + rng.integers(1, n_members, size=n_obligations)) % n_members
    amount = rng.integers(1, 10_000_000, size=n_obligations)  # up to 100,000 yuan, in fen
    obligations = np.column_stack([debtor, creditor, amount])
    net = measure("net_positions (int64 array)", lambda: net_positions(obligations, n_members))
    as_tuples = [tuple(row) for row in obligations.tolist()]
    net2 = measure("net_positions (list of tuples)", lambda: net_positions(as_tuples, n_members))
    assert np.array_equal(net, net2) and int(net.sum()) == 0
    auto = measure("settle_detailed(method='auto')", lambda: settle_detailed(net))
    greedy = measure("settle_detailed(method='greedy')", lambda: settle_detailed(net, "greedy"))
    central = measure("settle_detailed(method='central')", lambda: settle_detailed(net, "central"))
    nonzero = int(np.count_nonzero(net))
    print(
        f"  {nonzero} nonzero positions: auto used {auto.method!r} with {auto.n_transfers} "
        f"transfers (lower bound {auto.lower_bound}); greedy {greedy.n_transfers}; "
        f"central {central.n_transfers}"
    )

    print(f"Fewest transfers, exact dynamic programme on {n_exact} members")
    head = [int(x) for x in rng.integers(1, 10**6, size=n_exact // 2)]
    head += [-int(x) for x in rng.integers(1, 10**6, size=n_exact - n_exact // 2 - 1)]
    balances = head + [-sum(head)]
    exact = measure("settle_detailed(method='exact')", lambda: settle_detailed(balances, "exact"))
    print(f"  {exact.n_transfers} transfers, {len(exact.groups)} zero-sum group(s)")

    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    print(f"peak resident set size of the process: {rss / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
