"""The standard as data: the school vocabularies and the frozen classes of a standard.

A :class:`Standard` is what :func:`~xietong.algorithms.standards.load_standard` returns; the
vocabularies name the raw indicator columns, the school stages and how combined schools are
split (see ``docs/measures/standards.md``).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from types import MappingProxyType
from typing import Any

from ..indicators import RESOURCE_COUNTS

__all__ = [
    "EVAL_STAGES",
    "MISSING_MODES",
    "PHYSICAL_ITEMS",
    "RAW_INDICATOR_CODES",
    "SCHOOL_STAGES",
    "SCHOOL_TYPE_STAGE",
    "SPLIT_RULES",
    "STAGE_ENROLMENT",
    "STAGE_PARTS",
    "TEACHING_POINT",
    "CVRule",
    "CombinedSchools",
    "Exclusions",
    "Indicator",
    "SchoolRule",
    "SourceDocument",
    "Standard",
]

#: Raw indicator codes a standard may cite (``algorithms.indicators.RESOURCE_COUNTS``, see
#: ``docs/indicators.md``).
RAW_INDICATOR_CODES: tuple[str, ...] = RESOURCE_COUNTS

#: School stage codes (the ``stage`` column of a school row).
SCHOOL_STAGES: tuple[str, ...] = (
    "primary",
    "junior",
    "nine_year",
    "senior",
    "complete_secondary",
    "twelve_year",
    "vocational",
    "special",
)

#: 办学类型 codes of the national education statistics for the schools the standards concern,
#: and the kind of school (:data:`SCHOOL_STAGES`) each is; 218 is a teaching point (教学点).
SCHOOL_TYPE_STAGE: Mapping[str, str] = MappingProxyType(
    {
        "211": "primary",
        "218": "primary",
        "311": "junior",
        "312": "nine_year",
        "341": "complete_secondary",
        "342": "senior",
        "345": "twelve_year",
    }
)
TEACHING_POINT = "218"

#: Which evaluation stages each kind of school teaches.
STAGE_PARTS: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        "primary": ("primary",),
        "junior": ("junior",),
        "senior": ("senior",),
        "nine_year": ("primary", "junior"),
        "complete_secondary": ("junior", "senior"),
        "twelve_year": ("primary", "junior", "senior"),
        "vocational": (),
        "special": (),
    }
)

#: How a combined (multi-stage) school's resources are attributed to one stage.
SPLIT_RULES: tuple[str, ...] = ("proportional", "physical_weighted", "by_stage_columns", "exclude")

#: Raw counts that are shared physical resources of a combined school (buildings, grounds,
#: equipment, books): under ``physical_weighted`` only these are split by weighted enrolment;
#: counts of people (teachers) come from per-stage columns instead.
PHYSICAL_ITEMS: tuple[str, ...] = (
    "building_area",
    "sports_area",
    "instrument_value",
    "multimedia_classrooms",
    "computers",
    "library_books",
)

#: What :func:`evaluate` does with a school that lacks a value the standard needs.
MISSING_MODES: tuple[str, ...] = ("raise", "incomplete")


#: The stages a standard evaluates (a combined school takes part in several).
EVAL_STAGES: tuple[str, ...] = ("primary", "junior", "senior")

#: The enrolment breakdown column of each evaluation stage.
STAGE_ENROLMENT: Mapping[str, str] = MappingProxyType({s: f"students_{s}" for s in EVAL_STAGES})


@dataclass(frozen=True)
class SourceDocument:
    """The official document a standard transcribes."""

    number: str
    title: str
    issuer: str
    issued: date | None
    section: str = ""
    url: str = ""


@dataclass(frozen=True)
class Indicator:
    """One ratio indicator: ``numerator / denominator * scale`` per school.

    ``minimum`` and ``cv_threshold`` map an evaluation stage (``primary``, ``junior``,
    ``senior``) to a number; a stage missing from the mapping has no minimum / uses the
    standard's CV threshold.
    """

    code: str
    numerator: str
    denominator: str
    scale: float
    name_zh: str = ""
    name_en: str = ""
    unit: str = ""
    minimum: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    cv_threshold: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))
    note: str = ""

    def minimum_for(self, stage: str) -> float | None:
        """Return the per-school minimum for ``stage`` or ``None`` when there is none."""
        return self.minimum.get(stage)


@dataclass(frozen=True)
class CVRule:
    """How the county CVs are judged.

    ``apply_to`` is ``"composite_mean"`` (the plain mean of the indicator CVs is compared with
    the threshold, 2012) or ``"each_indicator"`` (every indicator's CV is compared, 2017).
    ``round_decimals``, when set, rounds a CV before the comparison (some provinces compare
    the published, rounded figure); results always report the unrounded CV.
    """

    apply_to: str
    thresholds: Mapping[str, float]
    round_decimals: int | None = None


@dataclass(frozen=True)
class SchoolRule:
    """ "k of m with a floor": a school passes when it meets at least ``min_met`` minimums and
    every minimum it misses is still at ``floor_ratio`` of the minimum or more; the county
    needs a school pass rate of at least ``required_pass_rate``."""

    min_met: int
    floor_ratio: float | None
    required_pass_rate: float = 1.0


@dataclass(frozen=True)
class CombinedSchools:
    """How a combined school (nine-year, complete secondary, twelve-year) enters the evaluation
    of one stage, unless the caller of :func:`evaluate` names a rule: ``rule`` is one of
    :data:`SPLIT_RULES`, ``physical_items`` the raw counts that ``physical_weighted`` splits by
    weighted enrolment (the weights are the standard's ``split_weights``), ``source`` where the
    rule comes from."""

    rule: str = "proportional"
    physical_items: tuple[str, ...] = PHYSICAL_ITEMS
    source: str = ""


@dataclass(frozen=True)
class Exclusions:
    """Schools left out of the evaluation: whole school stages (e.g. ``special``) and teaching
    points (rows whose optional ``teaching_point`` column is true) with fewer than
    ``teaching_point_min_students`` students in total."""

    school_stages: tuple[str, ...] = ()
    teaching_point_min_students: int | None = None


@dataclass(frozen=True)
class Standard:
    """A versioned, data-defined county balance standard.

    Build one with :func:`load_standard`, :meth:`from_dict` or :meth:`derive`; the
    constructor does not validate. ``spec_json`` is the resolved specification (``extends``
    already applied) that :meth:`to_dict` returns.

    Examples
    --------
    >>> from xietong.algorithms.standards import load_standard
    >>> std = load_standard("quality-balance-2017")
    >>> std.id, std.version, std.document.number
    ('quality-balance-2017', 2, '教督〔2017〕6号')
    >>> std.indicator("sports_area_per_student").minimum_for("junior")
    10.2
    >>> strict = std.derive("zj-quality-2021", cv={"thresholds": {"primary": 0.45}})
    >>> strict.cv.thresholds["primary"], strict.cv.thresholds["junior"], strict.derived_from
    (0.45, 0.45, ('quality-balance-2017', 2))
    """

    id: str
    version: int
    title: str
    title_en: str
    document: SourceDocument
    effective_date: date
    stages: tuple[str, ...]
    indicators: tuple[Indicator, ...]
    cv: CVRule
    school_rule: SchoolRule | None
    exclusions: Exclusions
    split_weights: Mapping[str, float]
    combined: CombinedSchools = CombinedSchools()
    derived_from: tuple[str, int] | None = None
    notes: tuple[str, ...] = ()
    spec_json: str = field(default="{}", repr=False, compare=False)

    def __hash__(self) -> int:
        return hash((self.id, self.version, self.spec_json))

    @property
    def indicator_codes(self) -> tuple[str, ...]:
        """The indicator codes in the standard's order."""
        return tuple(ind.code for ind in self.indicators)

    def indicator(self, code: str) -> Indicator:
        """Return the indicator ``code``.

        Raises
        ------
        ValueError
            If the standard has no such indicator.
        """
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise ValueError(
            f"standard {self.id!r} has no indicator {code!r}; it has: "
            + ", ".join(self.indicator_codes)
        )

    def to_dict(self) -> dict[str, Any]:
        """Return the resolved specification as a fresh JSON-compatible ``dict``."""
        return json.loads(self.spec_json)

    @classmethod
    def from_dict(cls, spec: Mapping[str, Any], *, base_dir: str | Path | None = None) -> Standard:
        """Validate a specification ``dict`` (the JSON file format) and build a standard.

        Parameters
        ----------
        spec : Mapping
            The standard in the JSON file format. It may contain ``"extends"`` (a built-in
            id, or a ``.json`` path resolved against ``base_dir``) and ``"remove_indicators"``.
        base_dir : str or Path, optional
            Directory that relative ``extends`` paths are resolved against.

        Returns
        -------
        Standard

        Raises
        ------
        ValueError
            If the specification is invalid; the message names the field.

        Examples
        --------
        >>> from xietong.algorithms.standards import load_standard
        >>> base = load_standard("basic-balance-2012").to_dict()
        >>> base["cv"]["thresholds"]["junior"] = 0.5
        >>> base["id"] = "strict-basic"
        >>> Standard.from_dict(base).cv.thresholds["junior"]
        0.5
        """
        if not isinstance(spec, Mapping):
            raise ValueError(f"a standard specification must be a mapping, got {type(spec)!r}")
        from .loading import parse_standard, resolve_spec  # loading builds on these classes

        origin = repr(spec.get("id", "<unnamed>"))
        resolved = resolve_spec(dict(spec), Path(base_dir) if base_dir else None, origin, ())
        return parse_standard(resolved, origin)

    def derive(self, new_id: str, *, version: int = 1, **changes: Any) -> Standard:
        """Return a variant of this standard with some fields overridden.

        The overrides follow the same rules as a JSON variant file with ``"extends"``:
        mappings (``cv``, ``school_rule``, ``exclusions``, ``document``, ...) are merged
        key by key, ``indicators`` are merged by ``code`` (fields of an existing indicator
        are overridden, a new code is appended) and ``remove_indicators`` drops codes.

        Parameters
        ----------
        new_id : str
            Identifier of the variant (lower case letters, digits, ``-``, ``_``, ``.``).
        version : int, default 1
            Version number of the variant.
        **changes
            Top-level fields of the specification to override.

        Returns
        -------
        Standard
            The validated variant; ``derived_from`` is ``(self.id, self.version)``.

        Raises
        ------
        ValueError
            If a field is unknown or the resulting standard is invalid.

        Examples
        --------
        >>> from xietong.algorithms.standards import load_standard
        >>> std = load_standard("quality-balance-2017")
        >>> v = std.derive(
        ...     "prov-2020",
        ...     indicators=[{"code": "sports_area_per_student", "minimum": {"primary": 8.0}}],
        ...     school_rule={"min_met": 7},
        ... )
        >>> v.indicator("sports_area_per_student").minimum_for("primary"), v.school_rule.min_met
        (8.0, 7)
        """
        from .loading import merge_spec, parse_standard  # loading builds on these classes

        if "extends" in changes:
            raise ValueError("derive() already extends this standard; drop the 'extends' argument")
        override = dict(changes)
        override["id"] = new_id
        override["version"] = version
        origin = repr(new_id)
        merged = merge_spec(self.to_dict(), override, origin)
        merged["derived_from"] = {"id": self.id, "version": self.version}
        return parse_standard(merged, origin)
