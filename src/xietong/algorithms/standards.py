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

See ``docs/measures/standards.md`` for the formulas, a worked example and how to add a
provincial variant.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

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

#: Raw indicator codes of the school statistics catalogue (see ``docs/indicators.md``).
RAW_INDICATOR_CODES: tuple[str, ...] = (
    "students",
    "students_primary",
    "students_junior",
    "students_senior",
    "classes",
    "teachers",
    "teachers_qualified",
    "teachers_backbone",
    "teachers_pe_arts",
    "teachers_mid_senior_title",
    "building_area",
    "sports_area",
    "instrument_value",
    "multimedia_classrooms",
    "computers",
    "library_books",
    "expenditure",
)

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

_EVAL_STAGES = ("primary", "junior", "senior")
_STAGE_ENROLMENT = {s: f"students_{s}" for s in _EVAL_STAGES}
_BREAKDOWN_CODES = frozenset(_STAGE_ENROLMENT.values())
_CV_MODES = ("composite_mean", "each_indicator")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
_TOL = 1e-9  # relative tolerance when comparing a value with a minimum or a threshold
_TOP_KEYS = frozenset(
    {
        "schema",
        "id",
        "version",
        "title",
        "title_en",
        "document",
        "effective_date",
        "stages",
        "indicators",
        "cv",
        "school_rule",
        "exclusions",
        "split_weights",
        "combined_schools",
        "notes",
        "derived_from",
    }
)
_VARIANT_KEYS = frozenset({"extends", "remove_indicators"})
_INDICATOR_KEYS = frozenset(
    {
        "code",
        "name_zh",
        "name_en",
        "numerator",
        "denominator",
        "scale",
        "unit",
        "minimum",
        "cv_threshold",
        "note",
    }
)
_DOCUMENT_KEYS = frozenset({"number", "title", "issuer", "issued", "section", "url"})


# --------------------------------------------------------------------------------------------
# The standard as data
# --------------------------------------------------------------------------------------------


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
        >>> base = load_standard("basic-balance-2012").to_dict()
        >>> base["cv"]["thresholds"]["junior"] = 0.5
        >>> base["id"] = "strict-basic"
        >>> Standard.from_dict(base).cv.thresholds["junior"]
        0.5
        """
        if not isinstance(spec, Mapping):
            raise ValueError(f"a standard specification must be a mapping, got {type(spec)!r}")
        origin = repr(spec.get("id", "<unnamed>"))
        resolved = _resolve(dict(spec), Path(base_dir) if base_dir else None, origin, ())
        return _parse_standard(resolved, origin)

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
        >>> std = load_standard("quality-balance-2017")
        >>> v = std.derive(
        ...     "prov-2020",
        ...     indicators=[{"code": "sports_area_per_student", "minimum": {"primary": 8.0}}],
        ...     school_rule={"min_met": 7},
        ... )
        >>> v.indicator("sports_area_per_student").minimum_for("primary"), v.school_rule.min_met
        (8.0, 7)
        """
        if "extends" in changes:
            raise ValueError("derive() already extends this standard; drop the 'extends' argument")
        override = dict(changes)
        override["id"] = new_id
        override["version"] = version
        origin = repr(new_id)
        merged = _merge_spec(self.to_dict(), override, origin)
        merged["derived_from"] = {"id": self.id, "version": self.version}
        return _parse_standard(merged, origin)


# --------------------------------------------------------------------------------------------
# Loading and validating standard files
# --------------------------------------------------------------------------------------------


def _standards_dir() -> Any:
    return resources.files("xietong.algorithms").joinpath("data", "standards")


def list_standards() -> tuple[str, ...]:
    """Return the ids of the standards shipped with Xietong, sorted.

    Returns
    -------
    tuple of str

    Examples
    --------
    >>> list_standards()
    ('basic-balance-2012', 'quality-balance-2017')
    """
    names = [p.name for p in _standards_dir().iterdir() if p.name.endswith(".json")]
    return tuple(sorted(n[: -len(".json")] for n in names))


@lru_cache(maxsize=32)
def _load_builtin(standard_id: str) -> Standard:
    spec = _read_builtin_spec(standard_id)
    return _parse_standard(_resolve(spec, None, repr(standard_id), ()), repr(standard_id))


def _read_builtin_spec(standard_id: str) -> dict[str, Any]:
    known = list_standards()
    if standard_id not in known:
        raise ValueError(
            f"unknown standard {standard_id!r}; built-in standards are: {', '.join(known)} "
            "(or pass the path of a .json file)"
        )
    text = _standards_dir().joinpath(f"{standard_id}.json").read_text(encoding="utf-8")
    spec = _json_loads(text, f"built-in standard {standard_id!r}")
    if spec.get("id") != standard_id:
        raise ValueError(
            f"built-in standard file {standard_id}.json declares id {spec.get('id')!r}; "
            "the id must equal the file name"
        )
    return spec


def _json_loads(text: str, where: str) -> dict[str, Any]:
    try:
        spec = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{where} is not valid JSON: {exc}") from None
    if not isinstance(spec, dict):
        raise ValueError(f"{where} must contain a JSON object at the top level")
    return spec


def _looks_like_path(ref: str | Path) -> bool:
    if isinstance(ref, Path):
        return True
    return ref.endswith(".json") or "/" in ref or "\\" in ref


def load_standard(id_or_path: str | Path) -> Standard:
    """Load a built-in standard by id, or a standard (or variant) JSON file by path.

    Built-in standards are cached (they are immutable); files are read on every call.

    Parameters
    ----------
    id_or_path : str or Path
        A built-in id such as ``"quality-balance-2017"`` (see :func:`list_standards`), or the
        path of a ``.json`` file. A file may ``"extends"`` a built-in id or another file
        (relative paths are resolved against the file's directory).

    Returns
    -------
    Standard

    Raises
    ------
    ValueError
        If the id is unknown, the file is missing or not JSON, or the standard is invalid
        (unknown indicator codes, bad thresholds or minimums, unknown fields, ...).

    References
    ----------
    .. [1] 教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》.
    .. [2] 教督〔2017〕6号 《县域义务教育优质均衡发展督导评估办法》.

    Examples
    --------
    >>> std = load_standard("basic-balance-2012")
    >>> std.cv.apply_to, dict(std.cv.thresholds)
    ('composite_mean', {'primary': 0.65, 'junior': 0.55})
    >>> len(std.indicators)
    8
    """
    if isinstance(id_or_path, str) and not _looks_like_path(id_or_path):
        return _load_builtin(id_or_path)
    if not isinstance(id_or_path, str | Path):
        raise ValueError(f"load_standard needs an id or a path, got {type(id_or_path)!r}")
    path = Path(id_or_path)
    if not path.is_file():
        raise ValueError(f"standard file {str(path)!r} does not exist")
    spec = _json_loads(path.read_text(encoding="utf-8"), f"standard file {str(path)!r}")
    origin = f"{str(path)!r}"
    resolved = _resolve(spec, path.parent, origin, (str(path.resolve()),))
    return _parse_standard(resolved, origin)


def _resolve(
    spec: dict[str, Any], base_dir: Path | None, origin: str, seen: tuple[str, ...]
) -> dict[str, Any]:
    """Apply ``extends`` recursively; return a self-contained specification."""
    if "extends" not in spec:
        if "remove_indicators" in spec:
            raise ValueError(f"standard {origin}: 'remove_indicators' needs 'extends'")
        return copy.deepcopy(spec)
    ref = spec["extends"]
    if not isinstance(ref, str) or not ref:
        raise ValueError(f"standard {origin}: 'extends' must be a standard id or a .json path")
    if _looks_like_path(ref):
        path = Path(ref)
        if not path.is_absolute():
            if base_dir is None:
                raise ValueError(
                    f"standard {origin}: 'extends' path {ref!r} is relative but no base "
                    "directory is known; use an absolute path or a built-in id"
                )
            path = base_dir / path
        key = str(path.resolve())
        if key in seen:
            raise ValueError(f"standard {origin}: 'extends' cycle through {str(path)!r}")
        if not path.is_file():
            raise ValueError(f"standard {origin}: 'extends' file {str(path)!r} does not exist")
        base_spec = _json_loads(path.read_text(encoding="utf-8"), f"standard file {str(path)!r}")
        base = _resolve(base_spec, path.parent, repr(str(path)), (*seen, key))
    else:
        if ref in seen:
            raise ValueError(f"standard {origin}: 'extends' cycle through {ref!r}")
        base = _resolve(_read_builtin_spec(ref), None, repr(ref), (*seen, ref))
    base_std = _parse_standard(base, f"{ref!r} (extended by {origin})")
    for key in ("id", "version"):
        if key not in spec:
            raise ValueError(f"standard {origin}: a variant must set its own {key!r}")
    if spec["id"] == base_std.id:
        raise ValueError(
            f"standard {origin}: a variant must not reuse the id {base_std.id!r} of the "
            "standard it extends"
        )
    merged = _merge_spec(base, spec, origin)
    merged["derived_from"] = {"id": base_std.id, "version": base_std.version}
    return merged


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def _merge_spec(base: dict[str, Any], over: Mapping[str, Any], origin: str) -> dict[str, Any]:
    unknown = sorted(set(over) - _TOP_KEYS - _VARIANT_KEYS)
    if unknown:
        raise ValueError(
            f"standard {origin}: unknown field(s) {', '.join(map(repr, unknown))}; allowed: "
            + ", ".join(sorted(_TOP_KEYS | _VARIANT_KEYS))
        )
    out = copy.deepcopy(base)
    out.pop("derived_from", None)
    for key, value in over.items():
        if key in _VARIANT_KEYS or key == "derived_from":
            continue
        if key == "indicators":
            out["indicators"] = _merge_indicators(out.get("indicators", []), value, origin)
        elif isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    remove = over.get("remove_indicators", [])
    if not isinstance(remove, list) or not all(isinstance(c, str) for c in remove):
        raise ValueError(f"standard {origin}: 'remove_indicators' must be a list of codes")
    present = {ind.get("code") for ind in out.get("indicators", []) if isinstance(ind, Mapping)}
    missing = [c for c in remove if c not in present]
    if missing:
        raise ValueError(
            f"standard {origin}: 'remove_indicators' names unknown indicator(s) "
            + ", ".join(map(repr, missing))
        )
    out["indicators"] = [
        ind
        for ind in out.get("indicators", [])
        if not (isinstance(ind, Mapping) and ind.get("code") in remove)
    ]
    return out


def _merge_indicators(base: Any, over: Any, origin: str) -> list[Any]:
    if not isinstance(over, list):
        raise ValueError(f"standard {origin}: 'indicators' must be a list")
    out = [copy.deepcopy(ind) for ind in base]
    index = {ind.get("code"): i for i, ind in enumerate(out) if isinstance(ind, Mapping)}
    for j, ind in enumerate(over):
        if not isinstance(ind, Mapping) or not isinstance(ind.get("code"), str):
            raise ValueError(f"standard {origin}: indicators[{j}] must be an object with a 'code'")
        if ind["code"] in index:
            i = index[ind["code"]]
            out[i] = _deep_merge(out[i], ind)
        else:
            index[ind["code"]] = len(out)
            out.append(copy.deepcopy(dict(ind)))
    return out


def _number(value: Any, where: str, *, positive: bool = False, upper: float | None = None) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{where} must be a number, got {value!r}")
    x = float(value)
    if not math.isfinite(x):
        raise ValueError(f"{where} must be finite, got {value!r}")
    if positive and x <= 0:
        raise ValueError(f"{where} must be > 0, got {value!r}")
    if not positive and x < 0:
        raise ValueError(f"{where} must be >= 0, got {value!r}")
    if upper is not None and x > upper:
        raise ValueError(f"{where} must be <= {upper}, got {value!r}")
    return x


def _stage_map(
    value: Any, where: str, stages: Sequence[str], *, upper: float | None = None
) -> Mapping[str, float]:
    if value is None:
        return MappingProxyType({})
    if not isinstance(value, Mapping):
        raise ValueError(f"{where} must map stages to numbers, e.g. {{'primary': 1.0}}")
    out: dict[str, float] = {}
    for stage, x in value.items():
        if stage not in stages:
            raise ValueError(
                f"{where}: stage {stage!r} is not one of the standard's stages "
                + ", ".join(map(repr, stages))
            )
        if x is None:
            continue
        out[stage] = _number(x, f"{where}[{stage!r}]", positive=True, upper=upper)
    return MappingProxyType(out)


def _text(spec: Mapping[str, Any], key: str, where: str, *, required: bool = False) -> str:
    value = spec.get(key, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        raise ValueError(f"{where}: {key!r} must be a string, got {value!r}")
    if required and not value:
        raise ValueError(f"{where}: {key!r} is required")
    return value


def _iso_date(value: Any, where: str) -> date:
    if not isinstance(value, str):
        raise ValueError(f"{where} must be an ISO date string 'YYYY-MM-DD', got {value!r}")
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"{where} must be an ISO date 'YYYY-MM-DD', got {value!r}") from None


def _parse_standard(spec: Mapping[str, Any], origin: str) -> Standard:
    where = f"standard {origin}"
    unknown = sorted(set(spec) - _TOP_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; allowed: "
            + ", ".join(sorted(_TOP_KEYS))
        )
    schema = spec.get("schema", 1)
    if schema != 1:
        raise ValueError(f"{where}: unsupported 'schema' {schema!r} (this version reads 1)")
    sid = spec.get("id")
    if not isinstance(sid, str) or not _ID_RE.match(sid):
        raise ValueError(
            f"{where}: 'id' must be lower case letters, digits, '-', '_' or '.', got {sid!r}"
        )
    where = f"standard {sid!r}"
    version = spec.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"{where}: 'version' must be a positive integer, got {version!r}")

    doc = spec.get("document")
    if not isinstance(doc, Mapping):
        raise ValueError(f"{where}: 'document' (the source document) is required")
    bad = sorted(set(doc) - _DOCUMENT_KEYS)
    if bad:
        raise ValueError(f"{where}: unknown document field(s) {', '.join(map(repr, bad))}")
    document = SourceDocument(
        number=_text(doc, "number", f"{where} document", required=True),
        title=_text(doc, "title", f"{where} document", required=True),
        issuer=_text(doc, "issuer", f"{where} document"),
        issued=_iso_date(doc["issued"], f"{where}: document 'issued'")
        if doc.get("issued")
        else None,
        section=_text(doc, "section", f"{where} document"),
        url=_text(doc, "url", f"{where} document"),
    )
    effective = _iso_date(spec.get("effective_date"), f"{where}: 'effective_date'")

    stages = spec.get("stages")
    if (
        not isinstance(stages, list)
        or not stages
        or any(s not in _EVAL_STAGES for s in stages)
        or len(set(stages)) != len(stages)
    ):
        raise ValueError(
            f"{where}: 'stages' must be a non-empty list of distinct stages among "
            f"{', '.join(_EVAL_STAGES)}, got {stages!r}"
        )
    stages_t = tuple(stages)

    cv_spec = spec.get("cv")
    if not isinstance(cv_spec, Mapping):
        raise ValueError(f"{where}: 'cv' (the CV rule) is required")
    bad = sorted(set(cv_spec) - {"apply_to", "thresholds", "round_decimals"})
    if bad:
        raise ValueError(f"{where}: unknown cv field(s) {', '.join(map(repr, bad))}")
    apply_to = cv_spec.get("apply_to")
    if apply_to not in _CV_MODES:
        raise ValueError(
            f"{where}: cv 'apply_to' must be one of {', '.join(_CV_MODES)}, got {apply_to!r}"
        )
    thresholds = _stage_map(cv_spec.get("thresholds"), f"{where}: cv thresholds", stages_t)
    missing = [s for s in stages_t if s not in thresholds]
    if missing:
        raise ValueError(f"{where}: cv thresholds missing for stage(s) {', '.join(missing)}")
    rnd = cv_spec.get("round_decimals")
    if rnd is not None and (
        isinstance(rnd, bool) or not isinstance(rnd, int) or not 0 <= rnd <= 12
    ):
        raise ValueError(f"{where}: cv 'round_decimals' must be null or 0..12, got {rnd!r}")
    cv_rule = CVRule(apply_to=apply_to, thresholds=thresholds, round_decimals=rnd)

    raw_inds = spec.get("indicators")
    if not isinstance(raw_inds, list) or not raw_inds:
        raise ValueError(f"{where}: 'indicators' must be a non-empty list")
    indicators: list[Indicator] = []
    seen_codes: set[str] = set()
    for i, ind in enumerate(raw_inds):
        indicators.append(_parse_indicator(ind, i, where, stages_t, apply_to))
        if indicators[-1].code in seen_codes:
            raise ValueError(f"{where}: indicator code {indicators[-1].code!r} appears twice")
        seen_codes.add(indicators[-1].code)

    rule_spec = spec.get("school_rule")
    school_rule: SchoolRule | None = None
    if rule_spec is not None:
        if not isinstance(rule_spec, Mapping):
            raise ValueError(f"{where}: 'school_rule' must be an object or null")
        bad = sorted(set(rule_spec) - {"min_met", "floor_ratio", "required_pass_rate"})
        if bad:
            raise ValueError(f"{where}: unknown school_rule field(s) {', '.join(map(repr, bad))}")
        min_met = rule_spec.get("min_met")
        if isinstance(min_met, bool) or not isinstance(min_met, int) or min_met < 0:
            raise ValueError(
                f"{where}: school_rule 'min_met' must be a non-negative integer, got {min_met!r}"
            )
        for stage in stages_t:
            n_min = sum(1 for ind in indicators if ind.minimum_for(stage) is not None)
            if n_min == 0:
                raise ValueError(
                    f"{where}: school_rule is set but no indicator has a minimum for {stage!r}"
                )
            if min_met > n_min:
                raise ValueError(
                    f"{where}: school_rule 'min_met' = {min_met} but only {n_min} indicator(s) "
                    f"have a minimum for stage {stage!r}"
                )
        floor = rule_spec.get("floor_ratio")
        floor_f = (
            None
            if floor is None
            else _number(floor, f"{where}: school_rule 'floor_ratio'", positive=True, upper=1.0)
        )
        rate = rule_spec.get("required_pass_rate", 1.0)
        rate_f = _number(rate, f"{where}: school_rule 'required_pass_rate'", upper=1.0)
        school_rule = SchoolRule(min_met=min_met, floor_ratio=floor_f, required_pass_rate=rate_f)

    ex_spec = spec.get("exclusions") or {}
    if not isinstance(ex_spec, Mapping):
        raise ValueError(f"{where}: 'exclusions' must be an object")
    bad = sorted(set(ex_spec) - {"school_stages", "teaching_point_min_students"})
    if bad:
        raise ValueError(f"{where}: unknown exclusions field(s) {', '.join(map(repr, bad))}")
    ex_stages = ex_spec.get("school_stages") or []
    if not isinstance(ex_stages, list) or any(s not in SCHOOL_STAGES for s in ex_stages):
        raise ValueError(
            f"{where}: exclusions 'school_stages' must list school stages among "
            f"{', '.join(SCHOOL_STAGES)}, got {ex_stages!r}"
        )
    tp = ex_spec.get("teaching_point_min_students")
    if tp is not None and (isinstance(tp, bool) or not isinstance(tp, int) or tp < 1):
        raise ValueError(
            f"{where}: exclusions 'teaching_point_min_students' must be null or a positive "
            f"integer, got {tp!r}"
        )
    exclusions = Exclusions(school_stages=tuple(ex_stages), teaching_point_min_students=tp)

    sw = spec.get("split_weights") or {}
    if not isinstance(sw, Mapping):
        raise ValueError(f"{where}: 'split_weights' must map stages to positive numbers")
    weights = {s: 1.0 for s in _EVAL_STAGES}
    for stage, w in sw.items():
        if stage not in _EVAL_STAGES:
            raise ValueError(
                f"{where}: split_weights stage {stage!r} is not one of {', '.join(_EVAL_STAGES)}"
            )
        weights[stage] = _number(w, f"{where}: split_weights[{stage!r}]", positive=True)

    combined = _parse_combined(spec.get("combined_schools"), where)

    notes = spec.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ValueError(f"{where}: 'notes' must be a list of strings")

    derived = spec.get("derived_from")
    derived_t: tuple[str, int] | None = None
    if derived is not None:
        if (
            not isinstance(derived, Mapping)
            or not isinstance(derived.get("id"), str)
            or not isinstance(derived.get("version"), int)
        ):
            raise ValueError(f"{where}: 'derived_from' must be {{'id': str, 'version': int}}")
        derived_t = (derived["id"], derived["version"])

    return Standard(
        id=sid,
        version=version,
        title=_text(spec, "title", where, required=True),
        title_en=_text(spec, "title_en", where),
        document=document,
        effective_date=effective,
        stages=stages_t,
        indicators=tuple(indicators),
        cv=cv_rule,
        school_rule=school_rule,
        exclusions=exclusions,
        split_weights=MappingProxyType(weights),
        combined=combined,
        derived_from=derived_t,
        notes=tuple(notes),
        spec_json=json.dumps(spec, ensure_ascii=False, sort_keys=True),
    )


def _parse_combined(spec: Any, where: str) -> CombinedSchools:
    if spec is None:
        return CombinedSchools()
    if not isinstance(spec, Mapping):
        raise ValueError(f"{where}: 'combined_schools' must be an object")
    bad = sorted(set(spec) - {"rule", "physical_items", "source"})
    if bad:
        raise ValueError(f"{where}: unknown combined_schools field(s) {', '.join(map(repr, bad))}")
    rule = spec.get("rule", "proportional")
    if rule not in SPLIT_RULES:
        raise ValueError(
            f"{where}: combined_schools 'rule' must be one of {', '.join(SPLIT_RULES)}, "
            f"got {rule!r}"
        )
    items = spec.get("physical_items", list(PHYSICAL_ITEMS))
    if not isinstance(items, list) or any(i not in RAW_INDICATOR_CODES for i in items):
        raise ValueError(
            f"{where}: combined_schools 'physical_items' must list raw indicator codes, "
            f"got {items!r}"
        )
    source = spec.get("source", "")
    if not isinstance(source, str):
        raise ValueError(f"{where}: combined_schools 'source' must be a string")
    return CombinedSchools(rule=rule, physical_items=tuple(items), source=source)


def _parse_indicator(
    ind: Any, i: int, where: str, stages: tuple[str, ...], apply_to: str
) -> Indicator:
    if not isinstance(ind, Mapping):
        raise ValueError(f"{where}: indicators[{i}] must be an object")
    code = ind.get("code")
    if not isinstance(code, str) or not _ID_RE.match(code):
        raise ValueError(
            f"{where}: indicators[{i}] 'code' must be lower case letters, digits, '_', got {code!r}"
        )
    w = f"{where}: indicator {code!r}"
    bad = sorted(set(ind) - _INDICATOR_KEYS)
    if bad:
        raise ValueError(
            f"{w}: unknown field(s) {', '.join(map(repr, bad))}; allowed: "
            + ", ".join(sorted(_INDICATOR_KEYS))
        )
    for role in ("numerator", "denominator"):
        raw = ind.get(role)
        if raw not in RAW_INDICATOR_CODES:
            raise ValueError(
                f"{w}: {role} {raw!r} is not a raw indicator code; known codes: "
                + ", ".join(RAW_INDICATOR_CODES)
            )
        if raw in _BREAKDOWN_CODES:
            raise ValueError(
                f"{w}: {role} {raw!r} is a stage breakdown column; use 'students' (it is "
                "taken for the evaluated stage automatically)"
            )
    if ind["numerator"] == ind["denominator"]:
        raise ValueError(f"{w}: numerator and denominator are both {ind['numerator']!r}")
    scale = _number(ind.get("scale", 1), f"{w}: 'scale'", positive=True)
    cv_thr = _stage_map(ind.get("cv_threshold"), f"{w}: 'cv_threshold'", stages)
    if cv_thr and apply_to != "each_indicator":
        raise ValueError(f"{w}: 'cv_threshold' only applies when cv 'apply_to' is 'each_indicator'")
    return Indicator(
        code=code,
        numerator=ind["numerator"],
        denominator=ind["denominator"],
        scale=scale,
        name_zh=_text(ind, "name_zh", w),
        name_en=_text(ind, "name_en", w),
        unit=_text(ind, "unit", w),
        minimum=_stage_map(ind.get("minimum"), f"{w}: 'minimum'", stages),
        cv_threshold=cv_thr,
        note=_text(ind, "note", w),
    )


# --------------------------------------------------------------------------------------------
# Weighted CV
# --------------------------------------------------------------------------------------------


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


def _weighted_stats(
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
    _, sum_p, mean, sd, cv = _weighted_stats(r2, p2, codes, ng)
    n = np.bincount(codes, minlength=ng)
    if r.ndim == 1:
        mean, sd, cv = mean[:, 0], sd[:, 0], cv[:, 0]
    arrays = (labels, n, sum_p[:, 0].copy(), mean, sd, cv)
    for a in arrays:
        a.flags.writeable = False
    return GroupedCV(*arrays)


# --------------------------------------------------------------------------------------------
# Results
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reason:
    """A machine-readable reason (``code``) with its parameters, for the UI to translate.

    Examples
    --------
    >>> Reason.of("cv_above_threshold", indicator="x", cv=0.61, threshold=0.5).as_dict()
    {'code': 'cv_above_threshold', 'indicator': 'x', 'cv': 0.61, 'threshold': 0.5}
    """

    code: str
    params: Mapping[str, Any]

    @classmethod
    def of(cls, code: str, **params: Any) -> Reason:
        """Build a reason with read-only parameters."""
        return cls(code, MappingProxyType(params))

    def as_dict(self) -> dict[str, Any]:
        """Return ``{"code": ..., **params}``."""
        return {"code": self.code, **self.params}


@dataclass(frozen=True)
class SchoolShortfall:
    """A school that misses an indicator's minimum, and by how much."""

    school_id: str
    county: str
    indicator: str
    value: float
    minimum: float
    shortfall: float  # minimum - value
    ratio: float  # value / minimum
    below_floor: bool  # value is also below floor_ratio * minimum (always True without floor)


@dataclass(frozen=True)
class SchoolFailure:
    """A school that fails the standard's "k of m with a floor" rule."""

    school_id: str
    county: str
    n_met: int
    n_required: int
    below_floor: tuple[str, ...]  # indicators under floor_ratio * minimum

    def reasons(self) -> tuple[Reason, ...]:
        """Human-readable reasons (``too_few_minimums_met``, ``indicator_below_floor``)."""
        out = []
        if self.n_met < self.n_required:
            out.append(
                Reason.of(
                    "too_few_minimums_met",
                    school_id=self.school_id,
                    met=self.n_met,
                    required=self.n_required,
                )
            )
        out.extend(
            Reason.of("indicator_below_floor", school_id=self.school_id, indicator=code)
            for code in self.below_floor
        )
        return tuple(out)


@dataclass(frozen=True)
class IndicatorResult:
    """One indicator in one county: county value, CV and the CV judgement."""

    code: str
    value: float  # sum(numerator) / sum(denominator) * scale over the county's schools
    cv: float
    cv_threshold: float | None  # None when the standard judges the composite CV
    cv_passed: bool | None
    minimum: float | None
    n_below_minimum: int


@dataclass(frozen=True)
class _SchoolDetails:
    """Per-school arrays of one evaluation, grouped by county (read-only, internal)."""

    labels: tuple[str, ...]
    offsets: np.ndarray  # (g + 1,) row offsets of each county in the arrays below
    indicator_codes: tuple[str, ...]
    school_id: np.ndarray  # (m,) str
    enrolment: np.ndarray  # (m,)
    values: np.ndarray  # (m, k) indicator values, scaled
    minimums: np.ndarray  # (k,) nan where the indicator has no minimum
    below: np.ndarray  # (m, k) value < minimum
    below_floor: np.ndarray  # (m, k) value < floor_ratio * minimum (== below without a floor)
    n_met: np.ndarray | None  # (m,) minimums met, when the standard has a school rule
    passed: np.ndarray | None  # (m,) school passes the school rule
    min_met: int | None

    def shortfalls(self, g: int) -> tuple[SchoolShortfall, ...]:
        a, b = int(self.offsets[g]), int(self.offsets[g + 1])
        sr, sc = np.nonzero(self.below[a:b])
        if sr.size == 0:
            return ()
        ids = self.school_id[a:b][sr].tolist()
        vals = self.values[a:b][sr, sc].tolist()
        mins = self.minimums[sc].tolist()
        flo = self.below_floor[a:b][sr, sc].tolist()
        county = self.labels[g]
        codes = self.indicator_codes
        return tuple(
            SchoolShortfall(
                school_id=i,
                county=county,
                indicator=codes[c],
                value=v,
                minimum=mn,
                shortfall=mn - v,
                ratio=v / mn,
                below_floor=fl,
            )
            for i, c, v, mn, fl in zip(ids, sc.tolist(), vals, mins, flo, strict=True)
        )

    def failures(self, g: int) -> tuple[SchoolFailure, ...]:
        if self.passed is None or self.n_met is None or self.min_met is None:
            return ()
        a, b = int(self.offsets[g]), int(self.offsets[g + 1])
        fr = np.flatnonzero(~self.passed[a:b])
        codes = self.indicator_codes
        uf = self.below_floor[a:b] & self.below[a:b]
        return tuple(
            SchoolFailure(
                school_id=str(self.school_id[a + r]),
                county=self.labels[g],
                n_met=int(self.n_met[a + r]),
                n_required=self.min_met,
                below_floor=tuple(codes[j] for j in np.flatnonzero(uf[r]).tolist()),
            )
            for r in fr.tolist()
        )


@dataclass(frozen=True)
class CountyResult:
    """The evaluation of one county for one stage.

    ``status`` is ``"pass"``, ``"fail"``, ``"incomplete"`` (``missing="incomplete"`` and at
    least one of the county's schools lacks a value the standard needs: the county cannot be
    judged, ``n_missing`` counts those schools and :attr:`Evaluation.missing` lists what each
    lacks) or ``"no_schools"`` (no school left to evaluate). ``reasons`` explain a failure; ``notes`` flag things worth knowing that are not failures
    (``single_school``: one school has no dispersion, so every CV is 0). ``shortfalls``
    (every school below a minimum, per indicator) and ``failing_schools`` are built on first
    access from the evaluation's arrays, so a million-row evaluation stays cheap.
    """

    county: str
    stage: str
    status: str
    n_schools: int
    n_excluded: int
    enrolment: float
    indicators: tuple[IndicatorResult, ...]
    composite_cv: float | None
    composite_threshold: float | None
    n_schools_passing: int | None
    school_pass_rate: float | None
    reasons: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    n_missing: int = 0
    _details: _SchoolDetails | None = field(default=None, repr=False, compare=False)
    _group: int = field(default=-1, repr=False, compare=False)

    @property
    def passed(self) -> bool:
        """``True`` when ``status == "pass"``."""
        return self.status == "pass"

    @cached_property
    def shortfalls(self) -> tuple[SchoolShortfall, ...]:
        """Every (school, indicator) below its minimum, in input order then indicator order."""
        return () if self._details is None else self._details.shortfalls(self._group)

    @cached_property
    def failing_schools(self) -> tuple[SchoolFailure, ...]:
        """Schools failing the "k of m with a floor" rule (empty without a school rule)."""
        return () if self._details is None else self._details.failures(self._group)

    def indicator(self, code: str) -> IndicatorResult:
        """Return the result of indicator ``code``.

        Raises
        ------
        ValueError
            If there is no such indicator.
        """
        for ind in self.indicators:
            if ind.code == code:
                return ind
        raise ValueError(f"county {self.county!r} has no indicator {code!r}")


@dataclass(frozen=True)
class Evaluation:
    """Result of :func:`evaluate`: one :class:`CountyResult` per county (sorted by code).

    ``excluded`` lists every school row left out by a rule of the standard, with a reason;
    ``missing`` every school that could not be evaluated for lack of data (``missing_values``
    with the columns it lacks; only with ``missing="incomplete"``); ``notes`` holds remarks
    about the whole run (e.g. a rule that could not be applied for lack of a column).
    """

    standard_id: str
    standard_version: int
    stage: str
    split_rule: str
    counties: tuple[CountyResult, ...]
    excluded: tuple[Reason, ...]
    notes: tuple[Reason, ...]
    missing: tuple[Reason, ...] = ()
    _details: _SchoolDetails | None = field(default=None, repr=False, compare=False)

    @cached_property
    def _by_county(self) -> Mapping[str, CountyResult]:
        return MappingProxyType({c.county: c for c in self.counties})

    def county(self, code: str) -> CountyResult:
        """Return the result of county ``code`` (compared as a string).

        Raises
        ------
        ValueError
            If the county is not in the evaluation.
        """
        try:
            return self._by_county[str(code)]
        except KeyError:
            raise ValueError(f"county {code!r} is not in this evaluation") from None

    @property
    def n_passing(self) -> int:
        """Number of counties whose status is ``"pass"``."""
        return sum(1 for c in self.counties if c.passed)

    def to_rows(self) -> list[dict[str, Any]]:
        """One flat ``dict`` per county, ready for a table or ``csv.DictWriter``.

        Columns: ``standard_id``, ``standard_version``, ``stage``, ``county``, ``status``,
        ``n_schools``, ``n_excluded``, ``n_missing``, ``enrolment``, ``composite_cv``,
        ``composite_threshold``, ``n_schools_passing``, ``school_pass_rate``, then for every
        indicator ``<code>_value``, ``<code>_cv``, ``<code>_cv_passed``,
        ``<code>_n_below_minimum``, and finally ``reason_codes`` (``;``-separated).
        """
        rows = []
        for c in self.counties:
            row: dict[str, Any] = {
                "standard_id": self.standard_id,
                "standard_version": self.standard_version,
                "stage": self.stage,
                "county": c.county,
                "status": c.status,
                "n_schools": c.n_schools,
                "n_excluded": c.n_excluded,
                "n_missing": c.n_missing,
                "enrolment": c.enrolment,
                "composite_cv": c.composite_cv,
                "composite_threshold": c.composite_threshold,
                "n_schools_passing": c.n_schools_passing,
                "school_pass_rate": c.school_pass_rate,
            }
            for ind in c.indicators:
                row[f"{ind.code}_value"] = ind.value
                row[f"{ind.code}_cv"] = ind.cv
                row[f"{ind.code}_cv_passed"] = ind.cv_passed
                row[f"{ind.code}_n_below_minimum"] = ind.n_below_minimum
            row["reason_codes"] = ";".join(r.code for r in c.reasons)
            rows.append(row)
        return rows

    def school_table(self) -> dict[str, np.ndarray]:
        """Columnar per-school results (schools grouped by county, input order within).

        Columns: ``county``, ``school_id``, ``enrolment`` (for the evaluated stage), one
        column per indicator code with the school's value, and, when the standard has a
        school rule, ``n_met`` and ``passed``.
        """
        d = self._details
        if d is None:
            return {}
        counts = np.diff(d.offsets)
        out: dict[str, np.ndarray] = {
            "county": np.repeat(np.asarray(d.labels, dtype=str), counts),
            "school_id": d.school_id.copy(),
            "enrolment": d.enrolment.copy(),
        }
        for j, code in enumerate(d.indicator_codes):
            out[code] = d.values[:, j].copy()
        if d.n_met is not None and d.passed is not None:
            out["n_met"] = d.n_met.copy()
            out["passed"] = d.passed.copy()
        return out

    def shortfall_table(self) -> dict[str, np.ndarray]:
        """Columnar list of every (school, indicator) below its minimum.

        Columns: ``county``, ``school_id``, ``indicator``, ``value``, ``minimum``,
        ``shortfall`` (minimum - value), ``ratio`` (value / minimum), ``below_floor``.
        Cheap even for a million schools (no Python object per row).
        """
        d = self._details
        names = ("county", "school_id", "indicator", "value", "minimum", "shortfall", "ratio")
        if d is None:
            return {name: np.array([]) for name in (*names, "below_floor")}
        sr, sc = np.nonzero(d.below)
        county_of_row = np.repeat(np.arange(len(d.labels)), np.diff(d.offsets))
        vals = d.values[sr, sc]
        mins = d.minimums[sc]
        return {
            "county": np.asarray(d.labels, dtype=str)[county_of_row[sr]]
            if len(d.labels)
            else np.array([], dtype=str),
            "school_id": d.school_id[sr],
            "indicator": np.asarray(d.indicator_codes, dtype=str)[sc],
            "value": vals,
            "minimum": mins,
            "shortfall": mins - vals,
            "ratio": vals / mins,
            "below_floor": d.below_floor[sr, sc],
        }

    def shortfall_rows(self) -> list[dict[str, Any]]:
        """:meth:`shortfall_table` as one ``dict`` per row (plus ``standard_id``, ``stage``)."""
        t = self.shortfall_table()
        cols = {k: v.tolist() for k, v in t.items()}
        n = len(cols["value"])
        return [
            {"standard_id": self.standard_id, "stage": self.stage} | {k: cols[k][i] for k in cols}
            for i in range(n)
        ]


# --------------------------------------------------------------------------------------------
# Input handling
# --------------------------------------------------------------------------------------------


class _Table:
    """Columnar view of the ``schools`` argument with row-aware error messages."""

    def __init__(self, schools: Any) -> None:
        if isinstance(schools, Mapping) or hasattr(schools, "columns"):
            self.columns: Mapping[str, Any] = schools
            keys = list(schools.keys())
        elif isinstance(schools, Sequence) and not isinstance(schools, str | bytes):
            rows = list(schools)
            for i, row in enumerate(rows):
                if not isinstance(row, Mapping):
                    raise ValueError(f"schools row {i} must be a mapping, got {type(row)!r}")
            keys = list(dict.fromkeys(k for row in rows for k in row))
            self.columns = {k: [row.get(k) for row in rows] for k in keys}
        else:
            raise ValueError(
                "schools must be a mapping of column name -> array-like, a DataFrame, or a "
                f"sequence of dicts, got {type(schools)!r}"
            )
        self.keys = frozenset(keys)
        for required in ("school_id", "county", "stage"):
            if required not in self.keys:
                raise ValueError(f"schools has no {required!r} column")
        self.n = len(self.columns["school_id"])
        for k in keys:
            try:
                length = len(self.columns[k])
            except TypeError:
                raise ValueError(f"schools column {k!r} is not array-like") from None
            if length != self.n:
                raise ValueError(
                    f"schools column {k!r} has {length} rows but 'school_id' has {self.n}"
                )
        self.school_id = self._labels("school_id")
        self._ids_list: list[str] | None = None
        self.county = self._labels("county")

    def row_name(self, i: int) -> str:
        return f"row {i} (school_id {str(self.school_id[i])!r})"

    def ids(self) -> list[str]:
        if self._ids_list is None:
            self._ids_list = self.school_id.tolist()
        return self._ids_list

    def _labels(self, name: str) -> np.ndarray:
        arr = np.asarray(self.columns[name])
        if arr.ndim != 1:
            raise ValueError(f"schools column {name!r} must be 1-D")
        if arr.dtype.kind == "f":
            missing = np.isnan(arr)
            if missing.any():
                i = int(np.flatnonzero(missing)[0])
                raise ValueError(f"schools row {i}: {name!r} is missing")
            integral = np.all(arr == np.floor(arr)) and np.all(np.abs(arr) < 2**62)
            arr = arr.astype(np.int64).astype(str) if integral else arr.astype(str)
        elif arr.dtype.kind == "O":
            for i, v in enumerate(arr.tolist()):
                if v is None or (isinstance(v, float) and math.isnan(v)):
                    raise ValueError(f"schools row {i}: {name!r} is missing")
            arr = arr.astype(str)
        else:
            arr = arr.astype(str)
        empty = np.char.str_len(arr) == 0
        if empty.any():
            i = int(np.flatnonzero(empty)[0])
            raise ValueError(f"schools row {i}: {name!r} is empty")
        return arr

    def stage(self) -> np.ndarray:
        arr = np.asarray(self.columns["stage"]).astype(str)
        bad = ~np.isin(arr, SCHOOL_STAGES)
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ValueError(
                f"schools {self.row_name(i)}: stage {str(arr[i])!r} is not one of "
                + ", ".join(SCHOOL_STAGES)
            )
        return arr

    def numeric(self, name: str) -> np.ndarray:
        col = self.columns[name]
        arr = None
        if hasattr(col, "to_numpy"):
            try:
                arr = col.to_numpy(dtype=float, na_value=np.nan)
            except (TypeError, ValueError):
                arr = None
        if arr is None:
            try:
                arr = np.asarray(col, dtype=float)
            except (TypeError, ValueError):
                for i, v in enumerate(list(col)):
                    try:
                        float(v if v is not None else "nan")
                    except (TypeError, ValueError):
                        raise ValueError(
                            f"schools {self.row_name(i)}: column {name!r} value {v!r} is not "
                            "a number"
                        ) from None
                raise
        arr = np.asarray(arr, dtype=float)
        if arr.ndim != 1:
            raise ValueError(f"schools column {name!r} must be 1-D, got shape {arr.shape}")
        return arr

    def flag(self, name: str) -> np.ndarray:
        arr = np.asarray(self.columns[name])
        if arr.dtype.kind == "b":
            return arr.astype(bool)
        if arr.dtype.kind in "iuf":
            return np.nan_to_num(arr.astype(float), nan=0.0) != 0
        truthy = {"1", "true", "t", "yes", "y", "是"}
        falsy = {"0", "false", "f", "no", "n", "否", "", "none", "nan"}
        out = np.zeros(arr.shape[0], dtype=bool)
        for i, v in enumerate(arr.tolist()):
            if v is None or isinstance(v, bool | int | float):
                out[i] = bool(v) and not (isinstance(v, float) and math.isnan(v))
                continue
            s = str(v).strip().lower()
            if s in truthy:
                out[i] = True
            elif s not in falsy:
                raise ValueError(
                    f"schools {self.row_name(i)}: column {name!r} value {v!r} is not a yes/no flag"
                )
        return out

    def check_values(self, values: np.ndarray, rows: np.ndarray, name: str) -> None:
        """Raise if ``values`` (aligned with table ``rows``) has missing/negative/inf."""
        bad = ~np.isfinite(values) | (values < 0)
        if bad.any():
            k = np.flatnonzero(bad)
            i = int(rows[k[0]])
            v = values[k[0]]
            what = "missing" if np.isnan(v) else f"invalid ({v!r}; must be finite and >= 0)"
            more = f"; {k.size} rows affected in all" if k.size > 1 else ""
            raise ValueError(f"schools {self.row_name(i)}: column {name!r} is {what}{more}")


# --------------------------------------------------------------------------------------------
# Evaluation
# --------------------------------------------------------------------------------------------


def _le(value: Any, limit: Any) -> Any:
    """``value <= limit`` with a tiny relative tolerance for floating-point noise."""
    return value <= limit + _TOL * np.maximum(1.0, np.abs(limit))


def _ge(value: Any, limit: Any) -> Any:
    """``value >= limit`` with a tiny relative tolerance for floating-point noise."""
    return value >= limit - _TOL * np.maximum(1.0, np.abs(limit))


@dataclass
class _Selection:
    """Working state of :func:`evaluate`: which rows take part, and why others do not."""

    table: _Table
    teaches: np.ndarray  # (n,) row takes part in the evaluated stage
    combined: np.ndarray  # (n,) ... and is a combined school
    enrol: np.ndarray  # (n,) enrolment of the evaluated stage
    share: np.ndarray  # (n,) proportional share of a combined school's counts
    ex_mask: np.ndarray  # (n,) row excluded with a reason
    miss_mask: np.ndarray  # (n,) row lacks data the standard needs (missing="incomplete")
    excluded: list[Reason] = field(default_factory=list)
    notes: list[Reason] = field(default_factory=list)
    missing: list[Reason] = field(default_factory=list)

    def withdraw_missing(self, columns: Mapping[int, list[str]]) -> None:
        """Take rows that lack values out of the evaluation, recording what each lacks."""
        ids = self.table.ids()
        for i in sorted(columns):
            self.missing.append(
                Reason.of(
                    "missing_values",
                    school_id=ids[i],
                    county=str(self.table.county[i]),
                    columns=sorted(set(columns[i])),
                )
            )
            self.miss_mask[i] = True
        self.teaches &= ~self.miss_mask
        self.combined &= self.teaches

    def exclude(
        self,
        mask: np.ndarray,
        code: str,
        per_row: Mapping[str, np.ndarray] | None = None,
        **kw: Any,
    ) -> None:
        rows = np.flatnonzero(mask & ~self.ex_mask)
        ids = self.table.ids()
        counties = self.table.county[rows].tolist()
        extra = {key: arr[rows].tolist() for key, arr in (per_row or {}).items()}
        for t, (i, c) in enumerate(zip(rows.tolist(), counties, strict=True)):
            row_params = {key: vals[t] for key, vals in extra.items()}
            self.excluded.append(Reason.of(code, school_id=ids[i], county=c, **kw, **row_params))
        self.ex_mask[rows] = True
        self.teaches &= ~self.ex_mask
        self.combined &= self.teaches


def _row_columns(std: Standard, stage: str, split_rule: str, kind: str) -> list[str]:
    """The columns a row of school kind ``kind`` needs to be evaluated for ``stage``."""
    parts = STAGE_PARTS[kind]
    codes = sorted(
        {c for ind in std.indicators for c in (ind.numerator, ind.denominator)} - {"students"}
    )
    if len(parts) <= 1:
        return ["students", *codes]
    cols = [_STAGE_ENROLMENT[stage]]
    if split_rule in ("proportional", "physical_weighted"):
        cols += [_STAGE_ENROLMENT[p] for p in parts if p != stage]
    for code in codes:
        split = split_rule == "proportional" or (
            split_rule == "physical_weighted" and code in std.combined.physical_items
        )
        cols.append(code if split else f"{code}_{stage}")
    return cols


def _missing_values(
    std: Standard, table: _Table, sel: _Selection, stage: str, split_rule: str
) -> dict[int, list[str]]:
    """Rows taking part in ``stage`` whose needed values are NaN, with those columns. A column
    absent from the table altogether is left to the checks that raise (a malformed table)."""
    stage_of = table.stage()
    found: dict[int, list[str]] = {}
    for kind, parts in STAGE_PARTS.items():
        rows = sel.teaches & (stage_of == kind)
        if stage not in parts or not rows.any():
            continue
        for col in _row_columns(std, stage, split_rule, kind):
            if col not in table.keys:
                continue
            for i in np.flatnonzero(rows & np.isnan(table.numeric(col))).tolist():
                found.setdefault(i, []).append(col)
    return found


def _select(
    std: Standard, table: _Table, stage: str, split_rule: str, missing: str = "raise"
) -> _Selection:
    """Decide which rows take part in ``stage``, their enrolment and split share."""
    n = table.n
    stage_of = table.stage()
    teaches = np.zeros(n, dtype=bool)
    combined = np.zeros(n, dtype=bool)
    for kind, parts in STAGE_PARTS.items():
        if stage in parts:
            m = stage_of == kind
            teaches |= m
            if len(parts) > 1:
                combined |= m
    sel = _Selection(
        table=table,
        teaches=teaches,
        combined=combined,
        enrol=np.full(n, np.nan),
        share=np.ones(n),
        ex_mask=np.zeros(n, dtype=bool),
        miss_mask=np.zeros(n, dtype=bool),
    )
    for kind in std.exclusions.school_stages:
        m = stage_of == kind
        if m.any():
            sel.exclude(m, "excluded_school_stage", school_stage=kind)
    if split_rule == "exclude" and sel.combined.any():
        sel.exclude(sel.combined, "combined_school_excluded", stage=stage)

    students = table.numeric("students")
    single = sel.teaches & ~sel.combined
    sel.enrol[single] = students[single]
    if sel.combined.any():
        col = _STAGE_ENROLMENT[stage]
        if col not in table.keys:
            i = int(np.flatnonzero(sel.combined)[0])
            raise ValueError(
                f"schools {table.row_name(i)} is a {str(stage_of[i])} school but there is no "
                f"{col!r} column to take its {stage} enrolment from"
            )
        sel.enrol[sel.combined] = table.numeric(col)[sel.combined]
    if missing == "incomplete":
        # An unknown enrolment is missing data, not "no enrolment": the school still counts.
        unknown = sel.teaches & np.isnan(sel.enrol)
        if unknown.any():
            cols = np.where(sel.combined, _STAGE_ENROLMENT[stage], "students")
            sel.withdraw_missing({i: [str(cols[i])] for i in np.flatnonzero(unknown).tolist()})
    no_enrol = sel.teaches & ~(np.isfinite(sel.enrol) & (sel.enrol > 0))
    if no_enrol.any():
        sel.exclude(no_enrol, "no_enrolment", stage=stage)

    tp_min = std.exclusions.teaching_point_min_students
    if tp_min is not None:
        if "teaching_point" in table.keys:
            small = table.flag("teaching_point") & sel.teaches & ~(students >= tp_min)
            if small.any():
                sel.exclude(
                    small,
                    "small_teaching_point",
                    per_row={"students": students},
                    min_students=tp_min,
                )
        else:
            sel.notes.append(
                Reason.of(
                    "teaching_point_rule_not_applied",
                    min_students=tp_min,
                    missing_column="teaching_point",
                )
            )

    if missing == "incomplete":
        found = _missing_values(std, table, sel, stage, split_rule)
        if found:
            sel.withdraw_missing(found)

    if split_rule in ("proportional", "physical_weighted") and sel.combined.any():
        denom = np.zeros(n)
        for kind, parts in STAGE_PARTS.items():
            m = sel.combined & (stage_of == kind)
            if not m.any():
                continue
            for part in parts:
                col = _STAGE_ENROLMENT[part]
                if col not in table.keys:
                    i = int(np.flatnonzero(m)[0])
                    raise ValueError(
                        f"schools {table.row_name(i)} is a {kind} school; splitting it "
                        f"proportionally needs the {col!r} column"
                    )
                vals = table.numeric(col)
                table.check_values(vals[m], np.flatnonzero(m), col)
                denom[m] += std.split_weights[part] * vals[m]
        c = sel.combined
        sel.share[c] = std.split_weights[stage] * sel.enrol[c] / denom[c]
    return sel


def _stage_counts(
    std: Standard, table: _Table, sel: _Selection, stage: str, split_rule: str
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Numerator and denominator matrices ``(m, k)`` for the participating rows."""
    rows = np.flatnonzero(sel.teaches)
    comb = sel.combined[rows]
    enrol = sel.enrol[rows]
    share = sel.share[rows]
    cache: dict[str, np.ndarray] = {}

    def counts(code: str) -> np.ndarray:
        if code == "students":
            return enrol
        if code in cache:
            return cache[code]
        if code not in table.keys:
            raise ValueError(f"schools has no {code!r} column, which standard {std.id!r} needs")
        raw = table.numeric(code)[rows]
        if split_rule == "proportional" or (
            split_rule == "physical_weighted" and code in std.combined.physical_items
        ):
            table.check_values(raw, rows, code)
            out = raw * share
        else:  # per-stage columns ("exclude" has no combined rows left)
            out = raw.copy()
            table.check_values(raw[~comb], rows[~comb], code)
            if comb.any():
                col = f"{code}_{stage}"
                if col not in table.keys:
                    i = int(rows[np.flatnonzero(comb)[0]])
                    raise ValueError(
                        f"split_rule={split_rule!r} needs a {col!r} column for combined "
                        f"schools (first: {table.row_name(i)})"
                    )
                staged = table.numeric(col)[rows[comb]]
                table.check_values(staged, rows[comb], col)
                out[comb] = staged
        cache[code] = out
        return out

    k = len(std.indicators)
    num = np.empty((rows.size, k))
    den = np.empty((rows.size, k))
    for j, ind in enumerate(std.indicators):
        num[:, j] = counts(ind.numerator)
        den[:, j] = counts(ind.denominator)
        zero = den[:, j] <= 0
        if zero.any():
            i = int(rows[np.flatnonzero(zero)[0]])
            raise ValueError(
                f"schools {table.row_name(i)}: indicator {ind.code!r} has a zero denominator "
                f"({ind.denominator!r})"
            )
    return rows, num, den


def evaluate(
    standard: Standard | str | Path,
    schools: Mapping[str, Any] | Sequence[Mapping[str, Any]] | Any,
    *,
    stage: str,
    split_rule: str | None = None,
    missing: str = "raise",
) -> Evaluation:
    """Evaluate every county's schools of one stage against a balance standard.

    Parameters
    ----------
    standard : Standard, str or Path
        A :class:`Standard`, a built-in id (``"quality-balance-2017"``) or a JSON file path.
    schools : mapping, DataFrame or sequence of dicts
        One row per school. Columns: ``school_id``, ``county``, ``stage`` (one of
        :data:`SCHOOL_STAGES`), ``students``, the raw indicator columns the standard uses,
        and for combined schools the enrolment breakdown ``students_primary`` /
        ``students_junior`` / ``students_senior``. Optional ``teaching_point`` (yes/no flag)
        marks teaching points. ``school_id`` and ``county`` are compared as strings.
    stage : str
        The stage to evaluate; one of ``standard.stages`` (``"primary"``, ``"junior"``).
    split_rule : {"proportional", "physical_weighted", "by_stage_columns", "exclude"}, optional
        How a combined school (``nine_year``, ``complete_secondary``, ``twelve_year``) enters
        the evaluation of ``stage``; default: the standard's ``combined.rule``.
        ``"proportional"``: its stage part has enrolment ``students_<stage>`` and a share
        ``w_s * students_<stage> / sum_t(w_t * students_t)`` (weights
        ``standard.split_weights``) of every other raw count. ``"physical_weighted"``: that
        share of the physical items only (``standard.combined.physical_items``: buildings,
        grounds, equipment, books); teacher counts come from ``<code>_<stage>`` columns
        (e.g. ``teachers_backbone_primary``), the teachers of that stage.
        ``"by_stage_columns"``: the caller supplies ``<code>_<stage>`` columns for every raw
        count used. ``"exclude"``: combined schools are left out (recorded in ``excluded``).
    missing : {"raise", "incomplete"}, default "raise"
        A school that takes part but has no value (NaN/None) in a column it needs:
        ``"raise"`` stops with a ValueError naming the row and column; ``"incomplete"``
        takes the school out of the computation, lists it in ``Evaluation.missing`` with
        the columns it lacks and gives its county the status ``"incomplete"`` (reason
        ``incomplete_data``): a county is never judged on part of its schools.

    Returns
    -------
    Evaluation
        One :class:`CountyResult` per county present in ``schools`` (sorted by code).

    Raises
    ------
    ValueError
        If the stage, split rule or missing mode is unknown, a required column is absent, a
        school id repeats, or a school that takes part has a negative or non-numeric value
        (or, with ``missing="raise"``, a missing one) in a column the standard needs (the
        message names the school row and the column).

    Notes
    -----
    * A school whose enrolment for ``stage`` is zero or missing is excluded with reason
      ``no_enrolment``; schools of the standard's excluded stages with
      ``excluded_school_stage``; small teaching points with ``small_teaching_point`` (only
      when a ``teaching_point`` column is given, otherwise a note
      ``teaching_point_rule_not_applied`` is added); combined schools under
      ``split_rule="exclude"`` with ``combined_school_excluded``.
    * A county with a single school has CV 0 by the formula (no dispersion); it is judged
      normally and carries the note ``single_school``. A county with no school left has
      status ``no_schools``.
    * A CV is ``nan`` when the county value is 0 (0 / 0); that fails with ``cv_undefined``.
    * Values within a relative 1e-9 of a minimum or threshold count as meeting it.

    References
    ----------
    .. [1] 教督〔2012〕3号 《县域义务教育均衡发展督导评估暂行办法》.
    .. [2] 教督〔2017〕6号 《县域义务教育优质均衡发展督导评估办法》.

    Examples
    --------
    >>> schools = {
    ...     "school_id": ["A1", "A2", "B1"],
    ...     "county": ["A", "A", "B"],
    ...     "stage": ["primary", "primary", "primary"],
    ...     "students": [500, 300, 400],
    ...     "teachers_qualified": [25, 12, 20],
    ...     "teachers_backbone": [6, 2, 5],
    ...     "teachers_pe_arts": [5, 3, 4],
    ...     "building_area": [2500, 1200, 2000],
    ...     "sports_area": [4000, 2400, 3200],
    ...     "instrument_value": [1.1e6, 6.3e5, 9e5],
    ...     "multimedia_classrooms": [12, 7, 10],
    ... }
    >>> ev = evaluate("quality-balance-2017", schools, stage="primary")
    >>> [(c.county, c.status) for c in ev.counties]
    [('A', 'fail'), ('B', 'pass')]
    >>> a = ev.county("A")
    >>> a.school_pass_rate, [r.code for r in a.reasons]
    (0.5, ['schools_below_standard'])
    >>> s = a.shortfalls[0]
    >>> s.school_id, s.indicator, round(s.value, 2), s.minimum, round(s.ratio, 3)
    ('A2', 'teachers_qualified_per_100_students', 4.0, 4.2, 0.952)
    >>> [r.as_dict() for r in a.failing_schools[0].reasons()]  # doctest: +NORMALIZE_WHITESPACE
    [{'code': 'too_few_minimums_met', 'school_id': 'A2', 'met': 4, 'required': 6},
     {'code': 'indicator_below_floor', 'school_id': 'A2',
      'indicator': 'teachers_backbone_per_100_students'}]
    >>> round(a.indicator("building_area_per_student").cv, 4)
    0.1047
    >>> ev.county("B").notes[0].code
    'single_school'
    """
    std = standard if isinstance(standard, Standard) else load_standard(standard)
    if stage not in std.stages:
        raise ValueError(
            f"stage {stage!r} is not evaluated by standard {std.id!r}; its stages are "
            + ", ".join(std.stages)
        )
    if split_rule is None:
        split_rule = std.combined.rule
    if split_rule not in SPLIT_RULES:
        raise ValueError(f"split_rule must be one of {', '.join(SPLIT_RULES)}, got {split_rule!r}")
    if missing not in MISSING_MODES:
        raise ValueError(f"missing must be one of {', '.join(MISSING_MODES)}, got {missing!r}")
    table = _Table(schools)
    if "students" not in table.keys:
        raise ValueError("schools has no 'students' column")
    uniq, first, counts = np.unique(table.school_id, return_index=True, return_counts=True)
    if (counts > 1).any():
        d = int(np.flatnonzero(counts > 1)[0])
        raise ValueError(
            f"schools: school_id {str(uniq[d])!r} appears {int(counts[d])} times "
            f"(first at row {int(first[d])}); school ids must be unique"
        )
    labels_arr, ccode = np.unique(table.county, return_inverse=True)
    ccode = ccode.reshape(-1)
    labels = tuple(labels_arr.tolist())
    ng = len(labels)

    sel = _select(std, table, stage, split_rule, missing)
    rows, num, den = _stage_counts(std, table, sel, stage, split_rule)
    # group the participating rows by county (stable: input order within a county)
    order = np.argsort(ccode[rows], kind="stable")
    rows, num, den = rows[order], num[order], den[order]
    codes = ccode[rows]
    k = len(std.indicators)
    scale = np.array([ind.scale for ind in std.indicators])
    with np.errstate(divide="ignore", invalid="ignore"):
        values = num * scale / den  # R * scale first: 21 * 100 / 500 == 4.2 exactly
    _, _, mean, _, cv = _weighted_stats(num, den, codes, ng)
    county_value = mean * scale
    n_sch = np.bincount(codes, minlength=ng)
    enrol_sum = np.bincount(codes, weights=sel.enrol[rows], minlength=ng)
    n_excl = np.bincount(ccode[sel.ex_mask], minlength=ng)
    n_miss = np.bincount(ccode[sel.miss_mask], minlength=ng)

    # ---- minimums and the school rule ------------------------------------------------
    mins = np.array([np.nan if (x := i.minimum_for(stage)) is None else x for i in std.indicators])
    min_idx = np.flatnonzero(~np.isnan(mins))
    below = np.zeros((rows.size, k), dtype=bool)
    below[:, min_idx] = ~_ge(values[:, min_idx], mins[min_idx])
    rule = std.school_rule
    floor = None if rule is None else rule.floor_ratio
    below_floor = below.copy()
    if floor is not None:
        below_floor[:, min_idx] = ~_ge(values[:, min_idx], floor * mins[min_idx])
    n_below = np.stack(
        [np.bincount(codes, weights=below[:, j], minlength=ng) for j in range(k)], axis=1
    ).astype(np.int64)
    n_met = passed = n_pass = None
    if rule is not None:
        n_met = min_idx.size - below.sum(axis=1)
        passed = n_met >= rule.min_met
        if floor is not None:
            passed &= ~below_floor.any(axis=1)
        n_pass = np.bincount(codes, weights=passed, minlength=ng).astype(np.int64)

    details = _SchoolDetails(
        labels=labels,
        offsets=np.concatenate([[0], np.cumsum(n_sch)]),
        indicator_codes=std.indicator_codes,
        school_id=table.school_id[rows],
        enrolment=sel.enrol[rows],
        values=values,
        minimums=mins,
        below=below,
        below_floor=below_floor,
        n_met=n_met,
        passed=passed,
        min_met=None if rule is None else rule.min_met,
    )
    for arr in (details.offsets, details.school_id, details.enrolment, values, mins, below):
        arr.flags.writeable = False
    below_floor.flags.writeable = False
    for arr in (n_met, passed):
        if arr is not None:
            arr.flags.writeable = False

    # ---- CV judgement ----------------------------------------------------------------
    base_thr = std.cv.thresholds[stage]
    cmp_cv = cv if std.cv.round_decimals is None else np.round(cv, std.cv.round_decimals)
    each = std.cv.apply_to == "each_indicator"
    ind_thr = np.array([ind.cv_threshold.get(stage, base_thr) for ind in std.indicators])
    cv_ok = _le(cmp_cv, ind_thr)  # nan compares False
    with np.errstate(invalid="ignore"):
        composite = cv.mean(axis=1)
    cmp_comp = (
        composite if std.cv.round_decimals is None else np.round(composite, std.cv.round_decimals)
    )
    comp_ok = _le(cmp_comp, base_thr)

    counties = []
    for g, label in enumerate(labels):
        ns = int(n_sch[g])
        reasons: list[Reason] = []
        notes: list[Reason] = []
        ind_results = tuple(
            IndicatorResult(
                code=ind.code,
                value=float(county_value[g, j]),
                cv=float(cv[g, j]),
                cv_threshold=float(ind_thr[j]) if each else None,
                cv_passed=bool(cv_ok[g, j]) if each and ns else None,
                minimum=None if np.isnan(mins[j]) else float(mins[j]),
                n_below_minimum=int(n_below[g, j]),
            )
            for j, ind in enumerate(std.indicators)
        )
        n_ok = None if n_pass is None or ns == 0 else int(n_pass[g])
        pass_rate = None if n_ok is None else n_ok / ns
        nm = int(n_miss[g])
        if ns == 0 and nm:
            status = "incomplete"
            reasons.append(Reason.of("incomplete_data", n_missing=nm, n_schools=nm))
        elif ns == 0:
            status = "no_schools"
            reasons.append(Reason.of("no_schools", county=label, stage=stage))
        else:
            for j, ind in enumerate(std.indicators):
                if np.isnan(cv[g, j]):
                    reasons.append(
                        Reason.of(
                            "cv_undefined",
                            indicator=ind.code,
                            county_value=float(county_value[g, j]),
                        )
                    )
                elif each and not cv_ok[g, j]:
                    reasons.append(
                        Reason.of(
                            "cv_above_threshold",
                            indicator=ind.code,
                            cv=float(cv[g, j]),
                            threshold=float(ind_thr[j]),
                        )
                    )
            if not each and not np.isnan(composite[g]) and not comp_ok[g]:
                reasons.append(
                    Reason.of(
                        "composite_cv_above_threshold",
                        cv=float(composite[g]),
                        threshold=float(base_thr),
                    )
                )
            if rule is not None and pass_rate is not None and n_ok is not None:
                if pass_rate < rule.required_pass_rate - _TOL:
                    reasons.append(
                        Reason.of(
                            "schools_below_standard",
                            n_failing=ns - n_ok,
                            n_schools=ns,
                            pass_rate=pass_rate,
                            required_pass_rate=rule.required_pass_rate,
                        )
                    )
            if ns == 1:
                notes.append(Reason.of("single_school", n_schools=1))
            status = "fail" if reasons else "pass"
            if nm:
                # What is known is reported, but the county is not judged on part of its schools.
                reasons.insert(0, Reason.of("incomplete_data", n_missing=nm, n_schools=ns + nm))
                status = "incomplete"
        counties.append(
            CountyResult(
                county=label,
                stage=stage,
                status=status,
                n_schools=ns,
                n_excluded=int(n_excl[g]),
                enrolment=float(enrol_sum[g]),
                indicators=ind_results,
                composite_cv=None if each else float(composite[g]),
                composite_threshold=None if each else float(base_thr),
                n_schools_passing=n_ok,
                school_pass_rate=pass_rate,
                reasons=tuple(reasons),
                notes=tuple(notes),
                n_missing=nm,
                _details=details,
                _group=g,
            )
        )
    return Evaluation(
        standard_id=std.id,
        standard_version=std.version,
        stage=stage,
        split_rule=split_rule,
        counties=tuple(counties),
        excluded=tuple(sel.excluded),
        notes=tuple(sel.notes),
        missing=tuple(sel.missing),
        _details=details,
    )
