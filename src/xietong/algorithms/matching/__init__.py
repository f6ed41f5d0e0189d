"""Teacher-to-post matching for cross-border exchange (issue 5, section 1).

Teachers rank exchange posts; posts rank teachers (directly, or by point
scores with lottery tie-breaking).  The module offers

* :func:`deferred_acceptance` -- the plain list-of-lists entry point
  (teacher-proposing deferred acceptance, teacher-optimal stable matching);
* :class:`Market` -- the flat CSR form used for large runs, built with
  :meth:`Market.from_lists`, :meth:`Market.from_scores` or
  :meth:`Market.from_csr`;
* :func:`solve` -- the full model: school and area caps (flexible deferred
  acceptance), departure caps per sending school and subject, an
  individually rational mode (deferred acceptance with incumbent protection,
  or the Teacher-Optimal Block Exchange), and balanced exchange between
  member jurisdictions.  Every run is checked by :func:`certify`, which lives
  in :mod:`xietong.algorithms.matching.certify` and shares no code with the
  solvers.

See ``docs/mechanisms/matching.md`` for the guarantees in plain words.

References
----------
.. [GS62] D. Gale and L. S. Shapley, "College admissions and the stability of
   marriage", American Mathematical Monthly 69(1), 1962.
.. [Rot84] A. E. Roth, "The evolution of the labor market for medical interns
   and residents", Journal of Political Economy 92(6), 1984.
.. [KK15] Y. Kamada and F. Kojima, "Efficient matching under distributional
   constraints: theory and applications", American Economic Review 105(1),
   2015.
.. [HM05] J. W. Hatfield and P. R. Milgrom, "Matching with contracts",
   American Economic Review 95(4), 2005.
.. [CTT22] J. Combe, O. Tercieux and C. Terrier, "The design of teacher
   assignment: theory and evidence", Review of Economic Studies 89(6), 2022.
.. [AS03] A. Abdulkadiroglu and T. Sonmez, "School choice: a mechanism design
   approach", American Economic Review 93(3), 2003.


The package's parts, each importing the others only by their public names:

* ``model`` -- :class:`Market` (validated flat input) and shared array helpers;
* ``core`` -- the deferred-acceptance loops on flat arrays;
* ``caps`` -- regional caps, departure caps and balanced exchange (:class:`Regions`,
  :class:`Departure`, :class:`Balance`);
* ``exchange`` -- individually rational modes (incumbent protection, TO-BE);
* ``certificate`` -- what a check returns (:class:`Certificate`, :class:`WhyNot`, reason codes);
* ``certify`` -- the independent check (:func:`certify`);
* ``solve`` -- the entry points above.
"""

from .caps import Balance, Departure, Regions
from .certificate import REASONS, Certificate, WhyNot
from .certify import certify
from .model import Market
from .solve import (
    CertificateError,
    MatchResult,
    deferred_acceptance,
    deferred_acceptance_csr,
    solve,
)

__all__ = [
    "REASONS",
    "Balance",
    "Certificate",
    "CertificateError",
    "Departure",
    "Market",
    "MatchResult",
    "Regions",
    "WhyNot",
    "certify",
    "deferred_acceptance",
    "deferred_acceptance_csr",
    "solve",
]
