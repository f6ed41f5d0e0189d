"""A supported school's own capacity (造血): obligations, capacity index, DiD and dependence.

Every published cooperation scheme counts inputs (lessons given, visits, teachers sent). This
module adds what none of them measures: whether the supported school stands on its own feet.

1. :func:`obligation_compliance` -- each obligation of a cooperation (a quota of lessons,
   sessions, teachers or hours per period, with a verification standard) against the recorded
   activities. An activity is ``self_reported``, ``partner_confirmed`` or
   ``authority_verified``; totals keep the three apart and only the levels at or above the
   obligation's standard count towards it.
2. :func:`capacity_index` -- per year, a weighted mean of components each normalised to
   ``[0, 1]`` by a stated rule; a component without data does not count and the weights of the
   others are re-normalised over the components present.
3. :func:`did_estimate` -- difference-in-differences of an indicator for the supported
   school(s) against comparable schools without a partner, with a standard error and a
   confidence interval.
4. :func:`dependence_trend` and :func:`exit_ready` -- the least-squares slope of the share of
   lessons delivered by the partner over the years, and the exit rule.

The parts are the modules ``compliance``, ``index``, ``did`` and ``dependence``; import from
the package. Rules and worked examples: ``docs/mechanisms/capacity.md``.

Results carry codes and numbers only, so the page renders them in any language. Quotas, shares
and the index are exact (:class:`fractions.Fraction`), so a school with exactly 1 backbone
teacher per 100 students, or exactly 85 % satisfaction, meets the line.

>>> r = capacity_index([CapacityInputs(2025, own_lessons=900, partner_lessons=100,
...                                    students=400, backbone_teachers=4)])[0]
>>> r.component("own_teaching").value, r.component("backbone").value, r.index
(Fraction(9, 10), Fraction(1, 1), Fraction(47, 50))

References
----------
.. [1] 教育部《县域义务教育优质均衡发展督导评估办法》(教督〔2017〕6号), 资源配置, indicator
   (二): 每百名学生拥有县级以上 (county level and above) 骨干教师数, 小学、初中均达到1人以上;
   社会认可度: 社会认可度达到85%以上.
.. [2] Angrist, J. D. and Pischke, J.-S., *Mostly Harmless Econometrics* (2009), ch. 5:
   differences-in-differences.
.. [3] Welch, B. L., "The generalization of 'Student's' problem when several different
   population variances are involved", *Biometrika* 34 (1947): the Welch-Satterthwaite df.
"""

from __future__ import annotations

from .compliance import (
    LEVELS,
    MEASURES,
    Activity,
    ComplianceResult,
    Obligation,
    obligation_compliance,
)
from .dependence import DependenceTrend, ExitDecision, ExitRule, dependence_trend, exit_ready
from .did import DidResult, did_estimate
from .index import (
    COMPONENTS,
    DEFAULT_WEIGHTS,
    FORMULAS,
    INPUT_FIELDS,
    CapacityInputs,
    CapacityParams,
    CapacityResult,
    ComponentResult,
    capacity_index,
)

__all__ = [
    "COMPONENTS",
    "DEFAULT_WEIGHTS",
    "LEVELS",
    "MEASURES",
    "Activity",
    "CapacityInputs",
    "CapacityParams",
    "CapacityResult",
    "ComponentResult",
    "ComplianceResult",
    "DependenceTrend",
    "DidResult",
    "ExitDecision",
    "ExitRule",
    "FORMULAS",
    "INPUT_FIELDS",
    "Obligation",
    "capacity_index",
    "dependence_trend",
    "did_estimate",
    "exit_ready",
    "obligation_compliance",
]
