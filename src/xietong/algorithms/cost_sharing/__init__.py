"""Cost sharing for the joint regional education fund.

Members (provinces, municipalities, counties) of a regional cooperation share
the cost of a joint education fund.  This module offers two families of rules:

* **Proportional rules** over declared weights (students, population, GDP,
  fiscal revenue, equal shares, or a mix such as 40/30/30 of several of them),
  with per-member floors and caps, exact to the fen: amounts are integers of
  fen (1 yuan = 100 fen) rounded by the largest-remainder (Hamilton) method, so
  the shares always add up to the total exactly
  (:func:`proportional_shares`, :func:`largest_remainder_round`).
* **Cooperative-game rules** for costs that depend on which members take part:
  the Shapley value, exact (:func:`shapley`, :func:`shapley_detailed`) or
  sampled (:func:`shapley_sampled`); the closed-form Shapley charges of airport
  games (:func:`airport_shares`); the core (:func:`in_core`,
  :func:`core_check`) and the nucleolus (:func:`nucleolus`,
  :func:`nucleolus_detailed`).

Conventions
-----------
A game on ``n`` members is given as an array ``coalition_values`` of length
``2**n`` indexed by coalition bitmask: bit ``i`` of the index is set when
member ``i`` belongs to the coalition, and index ``0`` is the empty coalition,
whose value must be ``0``.  Values may be floats (or integers of fen); the
Shapley value is linear, so it is the same computation for a *value* (surplus)
game and a *cost* game.  The core and the nucleolus are not symmetric in that
respect, so those functions take ``kind="value"`` (the default, textbook
convention: an allocation must give every coalition at least its value) or
``kind="cost"`` (an allocation must charge every coalition at most its
stand-alone cost).

Money amounts are never floats: the proportional rules take and return
integers of fen, and exact rational intermediate results are kept as
:class:`fractions.Fraction`.  Game values (weights, coalition values, Shapley
values) may be floats.

References
----------
.. [1] L. S. Shapley, "A value for n-person games", in *Contributions to the
   Theory of Games II*, Annals of Mathematics Studies 28, Princeton University
   Press, 1953, pp. 307-317.
.. [2] S. C. Littlechild and G. Owen, "A simple expression for the Shapley
   value in a special case", *Management Science* 20(3), 1973, pp. 370-372.
.. [3] S. C. Littlechild and G. F. Thompson, "Aircraft landing fees: a game
   theory approach", *The Bell Journal of Economics* 8(1), 1977, pp. 186-204.
.. [4] D. Schmeidler, "The nucleolus of a characteristic function game",
   *SIAM Journal on Applied Mathematics* 17(6), 1969, pp. 1163-1170.
.. [5] M. Maschler, B. Peleg and L. S. Shapley, "Geometric properties of the
   kernel, nucleolus, and related solution concepts", *Mathematics of
   Operations Research* 4(4), 1979, pp. 303-338.
.. [6] M. Guajardo and K. Jörnsten, "Common mistakes in computing the
   nucleolus", *European Journal of Operational Research* 241(3), 2015,
   pp. 931-935.
.. [7] M. Maschler, E. Solan and S. Zamir, *Game Theory*, Cambridge
   University Press, 2013, chapters 17 (core), 18 (Shapley value) and 20
   (nucleolus).
.. [8] M. J. Osborne and A. Rubinstein, *A Course in Game Theory*, MIT Press,
   1994, chapters 13 and 14.
.. [9] M. L. Balinski and H. P. Young, *Fair Representation: Meeting the Ideal
   of One Man, One Vote*, 2nd ed., Brookings Institution, 2001 (Hamilton's
   largest-remainder method).
.. [10] J. Castro, D. Gómez and J. Tejada, "Polynomial calculation of the
   Shapley value based on sampling", *Computers & Operations Research* 36(5),
   2009, pp. 1726-1730.
.. [11] R. J. Aumann and M. Maschler, "Game theoretic analysis of a bankruptcy
   problem from the Talmud", *Journal of Economic Theory* 36(2), 1985,
   pp. 195-213.

Parts
-----
``money`` (fen amounts, exact numbers, :func:`largest_remainder_round`),
``proportional`` (:func:`proportional_shares`), ``games`` (the check of a game
array that every game rule shares), ``shapley_value`` (exact, explained and
sampled Shapley values), ``airport`` (airport games), ``core``
(:func:`core_check`, :func:`in_core`, :func:`coalition_sums`) and
``nucleolus_lp`` (:func:`nucleolus`, :func:`nucleolus_detailed`).  Import from
the package; the parts are an implementation detail and import each other only
by their public names.
"""

from __future__ import annotations

from .airport import (
    AirportExplanation,
    airport_detailed,
    airport_game,
    airport_shares,
)
from .core import (
    CoreCheck,
    coalition_sums,
    core_check,
    in_core,
)
from .games import (
    MAX_EXACT_SHAPLEY_MEMBERS,
)
from .money import (
    format_fen,
    largest_remainder_round,
    yuan_to_fen,
)
from .nucleolus_lp import (
    MAX_NUCLEOLUS_MEMBERS,
    NucleolusResult,
    nucleolus,
    nucleolus_detailed,
)
from .proportional import (
    EQUAL,
    MemberShare,
    ProportionalAllocation,
    proportional_shares,
)
from .shapley_value import (
    SampledShapley,
    ShapleyExplanation,
    shapley,
    shapley_detailed,
    shapley_sampled,
)

__all__ = [
    "AirportExplanation",
    "CoreCheck",
    "EQUAL",
    "MAX_EXACT_SHAPLEY_MEMBERS",
    "MAX_NUCLEOLUS_MEMBERS",
    "MemberShare",
    "NucleolusResult",
    "ProportionalAllocation",
    "SampledShapley",
    "ShapleyExplanation",
    "airport_detailed",
    "airport_game",
    "airport_shares",
    "coalition_sums",
    "core_check",
    "format_fen",
    "in_core",
    "largest_remainder_round",
    "nucleolus",
    "nucleolus_detailed",
    "proportional_shares",
    "shapley",
    "shapley_detailed",
    "shapley_sampled",
    "yuan_to_fen",
]
