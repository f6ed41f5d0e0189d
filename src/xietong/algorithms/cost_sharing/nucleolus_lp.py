"""The nucleolus by sequential linear programmes (Maschler, Peleg and Shapley)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .games import as_game, kind_sign

#: Largest number of members accepted by :func:`nucleolus` (sequential LPs
#: over all ``2**n - 2`` proper coalitions).
MAX_NUCLEOLUS_MEMBERS = 12


@dataclass(frozen=True, eq=False)
class NucleolusResult:
    """Result of :func:`nucleolus_detailed`.

    Attributes
    ----------
    allocation : numpy.ndarray, shape (n,)
        The nucleolus (what each member receives, or pays for ``kind="cost"``).
    kind : str
        ``"value"`` or ``"cost"``.
    prenucleolus : bool
        True if individual rationality was not imposed.
    levels : tuple of (float, tuple of int)
        For each linear program solved, the smallest achievable largest
        excess among the coalitions not yet settled, and the coalitions
        (bitmasks) settled at that excess.  The first level is the largest
        excess of any coalition at the nucleolus (for cost games: the most any
        coalition pays above its stand-alone cost; negative means every
        coalition saves at least that much).  Players pinned to their
        individual-rationality bound are not listed here.
    n_lps : int
        Number of linear programs solved.
    """

    allocation: np.ndarray
    kind: str
    prenucleolus: bool
    levels: tuple[tuple[float, tuple[int, ...]], ...]
    n_lps: int

    def explain(self, labels: Sequence[str] | None = None) -> str:
        """Plain-language explanation of how the nucleolus was pinned down."""
        n = self.allocation.shape[0]
        names = list(labels) if labels is not None else [f"member {i}" for i in range(n)]
        verb = (
            "excess = what the coalition pays above its stand-alone cost"
            if self.kind == "cost"
            else "excess = what the coalition gets below its value"
        )
        lines = [
            "nucleolus: " + ", ".join(f"{names[i]} {self.allocation[i]:.6g}" for i in range(n)),
        ]
        for level, masks in self.levels:
            groups = "; ".join(
                "{" + ", ".join(names[i] for i in range(n) if m >> i & 1) + "}" for m in masks
            )
            lines.append(f"largest remaining excess {level:.6g} ({verb}): {groups}")
        return "\n".join(lines)


def _rank_basis(rows: np.ndarray) -> np.ndarray:
    """Orthonormal basis (as rows) of the row space of ``rows``."""
    if rows.shape[0] == 0:
        return np.zeros((0, rows.shape[1]))
    _, s, vt = np.linalg.svd(rows, full_matrices=False)
    r = int(np.sum(s > 1e-9 * max(1.0, s[0])))
    return vt[:r]


def nucleolus_detailed(
    coalition_values: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    prenucleolus: bool = False,
) -> NucleolusResult:
    """Nucleolus by sequential linear programs, with the excess levels.

    The nucleolus is the allocation that makes the most dissatisfied
    coalition as little dissatisfied as possible, then the second most, and so
    on (lexicographic minimisation of the sorted excesses; [4]_).  The
    excess of a coalition is ``v(S) - x(S)`` in a value game (what it would
    gain by leaving) and ``x(S) - c(S)`` in a cost game (what it pays above
    its stand-alone cost).  Each step solves

        minimise t  subject to  excess(S) <= t  for coalitions not yet settled,
        excess(S) = t_k for coalitions settled at earlier levels,
        x(N) = v(N), and (unless ``prenucleolus``) individual rationality,

    then settles the coalitions with a positive dual price (their excess is
    ``t`` in *every* optimal solution) — not merely those tight at the
    solution found, a classic mistake ([6]_) — until the allocation is unique.

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game indexed by bitmask (index 0 must be 0), ``n <= 12``.
    kind : {"value", "cost"}, default "value"
        Whether ``coalition_values`` are values (members receive ``x``) or
        costs (members pay ``x``).
    prenucleolus : bool, default False
        If True, drop individual rationality (``x_i >= v(i)``, or
        ``x_i <= c(i)`` for costs): the prenucleolus, which always exists.

    Returns
    -------
    NucleolusResult
        The allocation and the sequence of excess levels.

    Raises
    ------
    ValueError
        On malformed input, ``n > 12``, or an empty imputation set
        (``v(N) < sum v(i)``, or ``c(N) > sum c(i)``) without
        ``prenucleolus=True``.
    RuntimeError
        If the LP solver fails (should not happen for valid input).

    References
    ----------
    Schmeidler (1969); Maschler, Peleg and Shapley (1979); Guajardo and
    Jörnsten (2015); Maschler, Solan and Zamir (2013), ch. 20.

    Examples
    --------
    Bankruptcy of an estate of 200 among claims 100, 200, 300: the nucleolus
    is the Talmud's division (50, 75, 75) (Aumann and Maschler 1985).

    >>> claims, estate = [100, 200, 300], 200
    >>> v = [max(0, estate - sum(c for i, c in enumerate(claims) if not m >> i & 1))
    ...      for m in range(8)]
    >>> r = nucleolus_detailed(v)
    >>> r.allocation.round(9).tolist()
    [50.0, 75.0, 75.0]
    >>> [round(level, 9) for level, _ in r.levels]
    [-50.0, -75.0]
    """
    sign = kind_sign(kind)
    from scipy.optimize import linprog  # local import: scipy is only needed here

    v0, n = as_game(coalition_values, limit=MAX_NUCLEOLUS_MEMBERS)
    v = sign * v0  # solve as a value game; a cost game c becomes v = -c, x -> -x
    if n == 1:
        alloc = np.array([v0[1]])
        alloc.setflags(write=False)
        return NucleolusResult(alloc, kind, prenucleolus, (), 0)
    singles = v[1 << np.arange(n)]
    if not prenucleolus and v[-1] < singles.sum() - 1e-9 * max(1.0, float(np.abs(v).max())):
        raise ValueError(
            "the imputation set is empty: the members together are worth less than apart "
            f"({'c(N) > sum of c(i)' if sign < 0 else 'v(N) < sum of v(i)'}); "
            "pass prenucleolus=True"
        )
    lp = _SequentialLP(v, n, singles, prenucleolus, linprog)
    x = lp.run()
    scale = lp.scale
    a = np.array(lp.eq_rows)
    sol, *_ = np.linalg.lstsq(a, np.array(lp.eq_rhs), rcond=None)
    if x is None or np.max(np.abs(a @ sol - np.array(lp.eq_rhs))) <= 1e-7 * scale:
        x = sol
    alloc = sign * np.asarray(x, dtype=np.float64)
    alloc[np.abs(alloc) < 1e-12 * scale] = 0.0  # float noise (and -0.0) around zero
    alloc.setflags(write=False)
    return NucleolusResult(alloc, kind, prenucleolus, tuple(lp.levels), lp.n_lps)


class _SequentialLP:
    """The sequence of LPs of the nucleolus of a value game ``v``: each minimises the largest
    excess of the coalitions not yet settled, settles those whose excess cannot go lower (by
    their duals, else one small LP each) and fixes their excess as an equality."""

    def __init__(self, v: np.ndarray, n: int, singles: np.ndarray, prenucleolus: bool, linprog):
        full = (1 << n) - 1
        self.v, self.n, self.singles, self.prenucleolus = v, n, singles, prenucleolus
        self.linprog = linprog
        self.masks = np.arange(1, full)
        self.member_matrix = ((self.masks[:, None] >> np.arange(n)) & 1).astype(np.float64)
        self.free = np.ones(self.masks.shape[0], dtype=bool)
        self.eq_rows: list[np.ndarray] = [np.ones(n)]
        self.eq_rhs: list[float] = [float(v[full])]
        lower = [None] * n if prenucleolus else [float(s) for s in singles]
        self.bounds = [(lo, None) for lo in lower] + [(None, None)]
        self.levels: list[tuple[float, tuple[int, ...]]] = []
        self.scale = max(1.0, float(np.abs(v).max()))
        self.tol = 1e-9 * self.scale
        self.n_lps = 0
        self.cost_t = np.zeros(n + 1)
        self.cost_t[-1] = 1.0

    def run(self) -> np.ndarray | None:
        """Settle level after level until the equalities fix the allocation; the last LP's
        allocation (None when no LP was needed)."""
        x = None
        while True:
            basis = _rank_basis(np.array(self.eq_rows))
            if basis.shape[0] >= self.n:
                return x
            idx = self._unsettled(basis)
            if idx.size == 0:
                return x
            t, x, settled, res = self._level(idx)
            self._fix(settled, t, res, basis)

    def _unsettled(self, basis: np.ndarray) -> np.ndarray:
        """Drop coalitions whose excess is already fixed by the equalities; the others."""
        mm = self.member_matrix
        idx = np.flatnonzero(self.free)
        resid = mm[idx] - (mm[idx] @ basis.T) @ basis
        in_span = np.linalg.norm(resid, axis=1) < 1e-9
        self.free[idx[in_span]] = False
        return np.flatnonzero(self.free)

    def _level(self, idx: np.ndarray):
        """Minimise the largest excess over the coalitions ``idx``: the level, the allocation,
        the coalitions it settles and the LP result."""
        n = self.n
        a_ub = np.hstack([-self.member_matrix[idx], -np.ones((idx.size, 1))])
        b_ub = -self.v[self.masks[idx]]
        a_eq = np.hstack([np.array(self.eq_rows), np.zeros((len(self.eq_rows), 1))])
        res = self.linprog(
            self.cost_t,
            A_ub=a_ub,
            b_ub=b_ub,
            A_eq=a_eq,
            b_eq=np.array(self.eq_rhs),
            bounds=self.bounds,
            method="highs",
        )
        self.n_lps += 1
        if res.status != 0:
            raise RuntimeError(f"nucleolus LP failed: {res.message}")
        t = float(res.fun)
        x = res.x[:n]
        duals = -np.asarray(res.ineqlin.marginals)
        settled = idx[duals > 1e-9]
        if settled.size == 0:
            settled = self._settled_by_lp(idx, x, t, a_ub, b_ub, a_eq)
        return t, x, settled, res

    def _settled_by_lp(self, idx, x, t, a_ub, b_ub, a_eq) -> np.ndarray:
        """Fallback: a tight coalition is settled iff its excess cannot go below t."""
        n, v, masks, mm, tol = self.n, self.v, self.masks, self.member_matrix, self.tol
        excess = v[masks[idx]] - mm[idx] @ x
        tight = idx[np.abs(excess - t) <= tol * 10]
        keep = []
        b_ub_t = b_ub + t  # -x(S) <= t - v(S) written without the t column
        for j in tight:
            obj = np.concatenate([-mm[j], [0.0]])  # minimise v(S) - x(S)
            r2 = self.linprog(
                obj,
                A_ub=np.hstack([a_ub[:, :n], np.zeros((idx.size, 1))]),
                b_ub=b_ub_t,
                A_eq=a_eq,
                b_eq=np.array(self.eq_rhs),
                bounds=self.bounds[:n] + [(0, 0)],
                method="highs",
            )
            self.n_lps += 1
            if r2.status == 0 and v[masks[j]] + r2.fun >= t - tol * 10:
                keep.append(j)
        settled = np.array(keep, dtype=np.int64)
        if settled.size == 0:  # pragma: no cover - numerical breakdown
            raise RuntimeError(
                "nucleolus: no coalition could be settled at this level (numerical "
                "trouble); rescale the coalition values"
            )
        return settled

    def _fix(self, settled: np.ndarray, t: float, res, basis: np.ndarray) -> None:
        """Fix the excess of the settled coalitions at ``t`` (and, for the nucleolus, the
        members held at their stand-alone value), keeping only independent equalities:
        dependent ones are implied (up to rounding, which could otherwise make the next LP look
        infeasible)."""
        n, v, masks = self.n, self.v, self.masks
        new_rows = [(self.member_matrix[j], float(v[masks[j]] - t)) for j in settled]
        if not self.prenucleolus:
            bound_duals = np.asarray(res.lower.marginals)[:n]
            for i in np.flatnonzero(bound_duals > 1e-9):
                new_rows.append((np.eye(n)[i], float(self.singles[i])))
        for row, rhs in new_rows:
            if np.linalg.norm(row - (row @ basis.T) @ basis) > 1e-9:
                self.eq_rows.append(row)
                self.eq_rhs.append(rhs)
                basis = _rank_basis(np.array(self.eq_rows))
        self.free[settled] = False
        self.levels.append((t, tuple(int(masks[j]) for j in settled)))


def nucleolus(
    coalition_values: Sequence[float] | np.ndarray,
    *,
    kind: str = "value",
    prenucleolus: bool = False,
) -> np.ndarray:
    """Nucleolus of a small game (``n <= 12``) by sequential linear programs.

    See :func:`nucleolus_detailed` for the method and the excess levels.

    Parameters
    ----------
    coalition_values : array_like, length ``2**n``
        Game indexed by bitmask (index 0 must be 0).
    kind : {"value", "cost"}, default "value"
        Whether ``coalition_values`` are values or costs.
    prenucleolus : bool, default False
        Drop individual rationality.

    Returns
    -------
    numpy.ndarray of float, shape (n,)
        The nucleolus.

    Raises
    ------
    ValueError
        As for :func:`nucleolus_detailed`.

    References
    ----------
    Schmeidler (1969); Maschler, Solan and Zamir (2013), ch. 20.

    Examples
    --------
    Glove game: the nucleolus gives everything to the scarce left glove.

    >>> nucleolus([0, 0, 0, 1, 0, 1, 0, 1]).round(9).tolist()
    [1.0, 0.0, 0.0]

    Airport cost game with costs 8, 11, 13, 18 (one user each):

    >>> from xietong.algorithms.cost_sharing import airport_game
    >>> nucleolus(airport_game([8, 11, 13, 18], [1, 1, 1, 1]), kind="cost").round(9).tolist()
    [3.25, 3.25, 3.25, 8.25]
    """
    return nucleolus_detailed(coalition_values, kind=kind, prenucleolus=prenucleolus).allocation
