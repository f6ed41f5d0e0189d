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
    fixed = _FIXED.get(code)
    if fixed is not None:
        return fixed()
    worded = _WORDED.get(code)
    if worded is None:
        return code
    p["indicator_name"] = names.get(p.get("indicator", ""), p.get("indicator", ""))
    return worded(p, english)


# Reasons without parameters: the sentence alone (translated when the page asks for it).
_FIXED = {
    "no_schools": lambda: _("No school of this stage to evaluate."),
    "single_school": lambda: _("Only one school: every CV is 0 by the formula."),
    "teaching_point_rule_not_applied": lambda: _(
        "The rule on small teaching points could not be applied: no school type data."
    ),
    "no_enrolment": lambda: _("no pupils in this stage: left out"),
    "excluded_school_stage": lambda: _("this kind of school is not evaluated: left out"),
    "combined_school_excluded": lambda: _("combined school left out under the chosen rule"),
}


def _cv_above(p: dict, english: bool) -> str:
    return _("%(indicator)s: CV %(cv).3f is above the limit %(threshold)s.") % {
        "indicator": p["indicator_name"],
        "cv": p["cv"],
        "threshold": p["threshold"],
    }


def _composite_above(p: dict, english: bool) -> str:
    return _("The composite CV %(cv).3f is above the limit %(threshold)s.") % p


def _cv_undefined(p: dict, english: bool) -> str:
    return _("%(indicator)s: no school has any, so the CV is undefined.") % {
        "indicator": p["indicator_name"]
    }


def _below_standard(p: dict, english: bool) -> str:
    return _(
        "%(n_failing)s of %(n_schools)s schools do not meet the school standard "
        "(required pass rate %(rate)s%%)."
    ) % {
        "n_failing": p["n_failing"],
        "n_schools": p["n_schools"],
        "rate": round(100 * p["required_pass_rate"]),
    }


def _incomplete(p: dict, english: bool) -> str:
    return (
        _(
            "%(n_missing)s of %(n_schools)s schools lack data the standard needs: the county "
            "cannot be judged until they report."
        )
        % p
    )


def _missing_values(p: dict, english: bool) -> str:
    sep = ", " if english else "、"
    cols = sep.join(column_name(c, english=english) for c in p.get("columns", []))
    return _("missing: %(columns)s") % {"columns": cols}


def _small_teaching_point(p: dict, english: bool) -> str:
    return _("teaching point with %(students)s students (under %(min)s): left out") % {
        "students": int(p.get("students", 0)),
        "min": p.get("min_students"),
    }


def _school_type_unknown(p: dict, english: bool) -> str:
    return (
        _(
            "%(n_schools)s primary schools have no school type in the registry: any teaching "
            "points among them are not recognised."
        )
        % p
    )


# Reasons with parameters: code -> the function that words them.
_WORDED = {
    "cv_above_threshold": _cv_above,
    "composite_cv_above_threshold": _composite_above,
    "cv_undefined": _cv_undefined,
    "schools_below_standard": _below_standard,
    "incomplete_data": _incomplete,
    "missing_values": _missing_values,
    "small_teaching_point": _small_teaching_point,
    "school_type_unknown": _school_type_unknown,
}
