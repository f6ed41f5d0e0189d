"""County balance standards for compulsory education, as versioned data.

The Ministry of Education assesses each county's compulsory-education schools against two
standards, shipped here as JSON files under ``data/standards/``:

* ``basic-balance-2012`` -- 教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》: the
  enrolment-weighted coefficient of variation (CV, 差异系数) across a county's schools of eight
  indicators; the composite CV (plain mean of the eight) must be <= 0.65 for primary schools and
  <= 0.55 for junior-secondary schools.
* ``quality-balance-2017`` -- 教督〔2017〕6号 《县域义务教育优质均衡发展督导评估办法》: seven
  resource indicators with per-school minimums (a school passes when it meets at least 6 of
  them and reaches 85% of the minimum on the rest), and a CV limit of 0.50 / 0.45 on every
  indicator.

A standard is data (:class:`Standard`): a province adds a stricter variant with a JSON file that
``"extends"`` a published one, or with :meth:`Standard.derive`, without code. :func:`evaluate`
runs a standard over a columnar table of school rows, vectorised with ``numpy.bincount`` over
county codes so that a million rows take seconds.

The CV is weighted by enrolment and uses the population standard deviation::

    mean = sum(R_i) / sum(P_i)                       (the county value)
    SD   = sqrt(sum((P_i / P) * (x_i - mean) ** 2))  with x_i = R_i / P_i, P = sum(P_i)
    CV   = SD / mean

References
----------
.. [1] 教育部. 《县域义务教育均衡发展督导评估暂行办法》, 教督〔2012〕3号, 2012-01-20.
.. [2] 教育部. 《县域义务教育优质均衡发展督导评估办法》, 教督〔2017〕6号, 2017.

The package's parts follow the path of a standard from file to verdict: ``model`` (the
standard as data and the school vocabularies), ``loading`` (reading, merging and validating
standard files), ``cv`` (the weighted CV), ``results`` (what an evaluation returns), ``table``
(the schools argument), ``selection`` (which rows take part, with what enrolment and share) and
``evaluation`` (:func:`evaluate`). Import from the package; the parts are an implementation
detail.

See ``docs/measures/standards.md`` for the formulas, a worked example and how to add a
provincial variant.
"""

from __future__ import annotations

from .cv import GroupedCV, grouped_cv
from .evaluation import evaluate
from .loading import list_standards, load_standard
from .model import (
    MISSING_MODES,
    PHYSICAL_ITEMS,
    RAW_INDICATOR_CODES,
    SCHOOL_STAGES,
    SCHOOL_TYPE_STAGE,
    SPLIT_RULES,
    STAGE_PARTS,
    TEACHING_POINT,
    CombinedSchools,
    CVRule,
    Exclusions,
    Indicator,
    SchoolRule,
    SourceDocument,
    Standard,
)
from .results import (
    CountyResult,
    Evaluation,
    IndicatorResult,
    Reason,
    SchoolFailure,
    SchoolShortfall,
)

__all__ = [
    "RAW_INDICATOR_CODES",
    "SCHOOL_STAGES",
    "SCHOOL_TYPE_STAGE",
    "TEACHING_POINT",
    "MISSING_MODES",
    "PHYSICAL_ITEMS",
    "SPLIT_RULES",
    "STAGE_PARTS",
    "CVRule",
    "CombinedSchools",
    "CountyResult",
    "Evaluation",
    "Exclusions",
    "GroupedCV",
    "Indicator",
    "IndicatorResult",
    "Reason",
    "SchoolFailure",
    "SchoolRule",
    "SchoolShortfall",
    "SourceDocument",
    "Standard",
    "evaluate",
    "grouped_cv",
    "list_standards",
    "load_standard",
]
