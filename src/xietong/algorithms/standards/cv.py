"""The enrolment-weighted coefficient of variation (差异系数) per group, vectorised."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

__all__ = ["GroupedCV", "grouped_cv", "weighted_stats"]


@dataclass(frozen=True)
class GroupedCV:
    """Enrolment-weighted CV per group (read-only arrays aligned with ``groups``).

    ``mean`` is ``sum(R) / sum(P)`` per group, ``sd`` the weighted population standard
    deviation of ``R_i / P_i``, ``cv = sd / mean`` (``nan`` when the mean is 0).
    """

    groups: np.ndarray
    n: np.ndarray
    enrolment: np.ndarray
    mean: np.ndarray
    sd: np.ndarray
    cv: np.ndarray


def weighted_stats(
    resources_: np.ndarray, enrol: np.ndarray, codes: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Column-wise grouped sums, weighted mean, SD and CV.

    ``resources_`` and ``enrol`` are ``(n, k)`` (enrolment may differ per column); returns
    ``(sum_r, sum_p, mean, sd, cv)`` each ``(n_groups, k)``. Empty groups give ``nan``.
    """
    k = resources_.shape[1]
    sum_r = np.empty((n_groups, k))
    sum_p = np.empty((n_groups, k))
    var = np.empty((n_groups, k))
    with np.errstate(divide="ignore", invalid="ignore"):
        for j in range(k):
            r = resources_[:, j]
            p = enrol[:, j]
            sum_r[:, j] = np.bincount(codes, weights=r, minlength=n_groups)
            sum_p[:, j] = np.bincount(codes, weights=p, minlength=n_groups)
            m = sum_r[:, j] / sum_p[:, j]
            dev = r / p - m[codes]
            var[:, j] = np.bincount(codes, weights=p * dev * dev, minlength=n_groups) / sum_p[:, j]
        mean = sum_r / sum_p
        sd = np.sqrt(np.maximum(var, 0.0))
        cv = np.where(mean > 0, sd / mean, np.nan)
    return sum_r, sum_p, mean, sd, cv


def grouped_cv(
    resources: Sequence[float] | np.ndarray,
    enrolments: Sequence[float] | np.ndarray,
    groups: Sequence[Any] | np.ndarray | None = None,
) -> GroupedCV:
    """Enrolment-weighted coefficient of variation per group, in one vectorised pass.

    For the schools ``i`` of a group with resource totals ``R_i`` and enrolments ``P_i``::

        mean = sum(R_i) / sum(P_i)
        SD   = sqrt(sum((P_i / P) * (R_i / P_i - mean) ** 2)),  P = sum(P_i)
        CV   = SD / mean

    This is the 差异系数 of [1]_ and [2]_ (population SD, weighted by enrolment).

    Parameters
    ----------
    resources : array_like, shape (n,) or (n, k)
        Resource totals per school (books, m2, yuan, teachers, ...); ``k`` indicators at once
        when 2-D. Must be finite and >= 0.
    enrolments : array_like, shape (n,)
        Enrolment per school; must be finite and > 0.
    groups : array_like, shape (n,), optional
        Group label per school (e.g. county code). ``None`` puts all schools in one group.

    Returns
    -------
    GroupedCV
        ``groups`` holds the sorted distinct labels; ``n``, ``enrolment`` are ``(g,)`` and
        ``mean``, ``sd``, ``cv`` are ``(g,)`` (or ``(g, k)`` for 2-D ``resources``). A group
        whose mean is 0 (no resources at all) has ``cv = nan`` (0 / 0 is undefined).

    Raises
    ------
    ValueError
        If the lengths differ, a value is missing, negative or infinite, or an enrolment is
        not positive; the message names the row.

    References
    ----------
    .. [1] 教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》, 差异系数.
    .. [2] 教督〔2017〕6号 《县域义务教育优质均衡发展督导评估办法》, 校际差异系数.

    Examples
    --------
    The published example: five primary schools and their library books.

    >>> res = grouped_cv([279, 137, 935, 160, 402], [45, 37, 89, 76, 55])
    >>> round(float(res.mean[0]), 2), round(float(res.cv[0]), 4)
    (6.33, 0.5153)
    >>> res = grouped_cv([10, 30, 5, 5], [10, 10, 5, 5], ["a", "a", "b", "b"])
    >>> res.groups.tolist(), res.cv.round(3).tolist()
    (['a', 'b'], [0.5, 0.0])
    """
    r = np.asarray(resources, dtype=float)
    p = np.asarray(enrolments, dtype=float)
    if p.ndim != 1:
        raise ValueError(f"enrolments must be 1-D, got shape {p.shape}")
    if r.ndim not in (1, 2) or r.shape[0] != p.shape[0]:
        raise ValueError(
            f"resources must have shape (n,) or (n, k) with n = len(enrolments) = {p.shape[0]}, "
            f"got {r.shape}"
        )
    if p.shape[0] == 0:
        raise ValueError("grouped_cv needs at least one school")
    r2 = r.reshape(r.shape[0], -1)
    bad = ~np.isfinite(r2) | (r2 < 0)
    if bad.any():
        i, j = np.argwhere(bad)[0]
        raise ValueError(
            f"resources row {i}" + (f" column {j}" if r.ndim == 2 else "") + f": {r2[i, j]!r} "
            "is missing, negative or infinite"
        )
    bad_p = ~np.isfinite(p) | (p <= 0)
    if bad_p.any():
        i = int(np.flatnonzero(bad_p)[0])
        raise ValueError(f"enrolments row {i}: {p[i]!r} must be a finite number > 0")
    if groups is None:
        labels = np.array([0])
        codes = np.zeros(p.shape[0], dtype=np.intp)
    else:
        g = np.asarray(groups)
        if g.shape != p.shape:
            raise ValueError(f"groups must have shape {p.shape}, got {g.shape}")
        labels, codes = np.unique(g, return_inverse=True)
        codes = codes.reshape(-1)
    ng = labels.shape[0]
    p2 = np.broadcast_to(p[:, None], r2.shape)
    _, sum_p, mean, sd, cv = weighted_stats(r2, p2, codes, ng)
    n = np.bincount(codes, minlength=ng)
    if r.ndim == 1:
        mean, sd, cv = mean[:, 0], sd[:, 0], cv[:, 0]
    arrays = (labels, n, sum_p[:, 0].copy(), mean, sd, cv)
    for a in arrays:
        a.flags.writeable = False
    return GroupedCV(*arrays)
