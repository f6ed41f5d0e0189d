"""Inequality, decomposition and convergence measures (numpy only).

This package measures how evenly a quantity (spending per pupil, teachers per
class, building area, ...) is spread over units (schools, counties, ...), how
much of the unevenness lies *between* regions versus *within* them, and
whether regions are converging over time.

Conventions shared by every function
------------------------------------
* ``values`` is a one-dimensional array-like of non-negative, finite numbers,
  one per unit.  NaN, infinite or negative values raise :class:`ValueError`.
  All-zero data raise :class:`ValueError` (the mean is zero, so relative
  inequality is undefined).
* ``weights`` (optional) are non-negative, finite numbers of the same length,
  for example student counts.  ``None`` means every unit counts once.  Weights
  behave exactly like replication counts: integer weight ``k`` gives the same
  result as repeating the unit ``k`` times.  Units with weight 0 are ignored;
  a zero total weight raises :class:`ValueError`.
* Every inequality index is *relative*: multiplying all values by the same
  positive number does not change it.
* Measures built on ``log(x)`` at ``x = 0`` (Theil L, generalised entropy with
  ``alpha <= 0``, Atkinson with ``epsilon >= 1``) need strictly positive values
  and raise :class:`ValueError` otherwise.  Theil T accepts zeros because its
  ``x * log(x)`` term tends to 0 as ``x -> 0`` and is taken to be exactly 0.

Performance
-----------
:func:`decompose` does one pass over the units per indicator, whatever the
number of levels: group sums are taken at the finest level with
:func:`numpy.bincount` and aggregated upwards on the (small) group arrays.
Encode the group labels once with :func:`encode_groups` and pass the resulting
:class:`GroupCodes` to :func:`decompose` for every indicator to avoid
re-encoding them.  Non-negative integer labels use a sort-free dense path.
See ``docs/measures/inequality.md`` for formulas and worked examples.

Parts
-----
``measures`` (single-number indices and measures named by a string),
``decomposition`` (:func:`encode_groups`, :func:`decompose`), ``convergence``
(σ and β), ``bootstrap`` (:func:`bootstrap_ci`), ``results`` (the frozen result
types) and ``common`` (input checks and kernels the parts share).  Import from
the package; the parts are an implementation detail.
"""

from __future__ import annotations

from .bootstrap import bootstrap_ci
from .convergence import beta_convergence, sigma_convergence
from .decomposition import decompose, encode_groups
from .measures import (
    atkinson,
    cv,
    generalized_entropy,
    gini,
    max_min_ratio,
    percentile_ratio,
    theil_l,
    theil_t,
)
from .results import (
    BetaConvergence,
    BootstrapCI,
    Decomposition,
    GroupCodes,
    LevelComponent,
    SigmaConvergence,
)

__all__ = [
    "BetaConvergence",
    "BootstrapCI",
    "Decomposition",
    "GroupCodes",
    "LevelComponent",
    "SigmaConvergence",
    "atkinson",
    "beta_convergence",
    "bootstrap_ci",
    "cv",
    "decompose",
    "encode_groups",
    "generalized_entropy",
    "gini",
    "max_min_ratio",
    "percentile_ratio",
    "sigma_convergence",
    "theil_l",
    "theil_t",
]
