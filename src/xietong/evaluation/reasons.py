"""Reasons of an evaluation in the reader's language.

The engine returns structured reasons (``{"code": ..., **params}``, stored as JSON); pages render
them here, so nothing a person reads is frozen in English in the database.
"""

from __future__ import annotations

from collections.abc import Mapping

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xietong.schools.catalogue import BY_CODE

STAGE_WORDS = {
    "primary": gettext_lazy("primary"),
    "junior": gettext_lazy("junior secondary"),
    "senior": gettext_lazy("senior secondary"),
}


def column_name(code: str, *, english: bool) -> str:
    """A catalogue column (raw count) by its name in the reader's language."""
    d = BY_CODE.get(code)
    if d is None:
        return code
    return d.name_en if english else d.name_zh


def describe(reason: Mapping, names: Mapping[str, str], *, english: bool = False) -> str:
    """One sentence for a reason; ``names`` maps the standard's indicator codes to their names."""
    code = reason.get("code", "")
    p = dict(reason)
    ind = names.get(p.get("indicator", ""), p.get("indicator", ""))
    if code == "cv_above_threshold":
        return _("%(indicator)s: CV %(cv).3f is above the limit %(threshold)s.") % {
            "indicator": ind,
            "cv": p["cv"],
            "threshold": p["threshold"],
        }
    if code == "composite_cv_above_threshold":
        return _("The composite CV %(cv).3f is above the limit %(threshold)s.") % p
    if code == "cv_undefined":
        return _("%(indicator)s: no school has any, so the CV is undefined.") % {"indicator": ind}
    if code == "schools_below_standard":
        return _(
            "%(n_failing)s of %(n_schools)s schools do not meet the school standard "
            "(required pass rate %(rate)s%%)."
        ) % {
            "n_failing": p["n_failing"],
            "n_schools": p["n_schools"],
            "rate": round(100 * p["required_pass_rate"]),
        }
    if code == "no_schools":
        return _("No school of this stage to evaluate.")
    if code == "single_school":
        return _("Only one school: every CV is 0 by the formula.")
    if code == "incomplete_data":
        return (
            _(
                "%(n_missing)s of %(n_schools)s schools lack data the standard needs: the county "
                "cannot be judged until they report."
            )
            % p
        )
    if code == "missing_values":
        sep = ", " if english else "、"
        cols = sep.join(column_name(c, english=english) for c in p.get("columns", []))
        return _("missing: %(columns)s") % {"columns": cols}
    if code == "small_teaching_point":
        return _("teaching point with %(students)s students (under %(min)s): left out") % {
            "students": int(p.get("students", 0)),
            "min": p.get("min_students"),
        }
    if code == "teaching_point_rule_not_applied":
        return _("The rule on small teaching points could not be applied: no school type data.")
    if code == "school_type_unknown":
        return (
            _(
                "%(n_schools)s primary schools have no school type in the registry: any teaching "
                "points among them are not recognised."
            )
            % p
        )
    if code == "no_enrolment":
        return _("no pupils in this stage: left out")
    if code == "excluded_school_stage":
        return _("this kind of school is not evaluated: left out")
    if code == "combined_school_excluded":
        return _("combined school left out under the chosen rule")
    return code
