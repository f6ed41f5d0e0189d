"""Loading and validating standard files: built-in ids, JSON files, ``extends`` variants.

A standard file is checked field by field (unknown fields, types, stages, thresholds, raw
indicator codes) and every error names the file and the field; ``extends`` chains are
resolved recursively with cycle detection.
"""

from __future__ import annotations

import copy
import json
import math
import re
from collections.abc import Mapping, Sequence
from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from .model import (
    EVAL_STAGES,
    PHYSICAL_ITEMS,
    RAW_INDICATOR_CODES,
    SCHOOL_STAGES,
    SPLIT_RULES,
    STAGE_ENROLMENT,
    CombinedSchools,
    CVRule,
    Exclusions,
    Indicator,
    SchoolRule,
    SourceDocument,
    Standard,
)

__all__ = ["list_standards", "load_standard", "merge_spec", "parse_standard", "resolve_spec"]

_BREAKDOWN_CODES = frozenset(STAGE_ENROLMENT.values())
_CV_MODES = ("composite_mean", "each_indicator")
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
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
    return parse_standard(resolve_spec(spec, None, repr(standard_id), ()), repr(standard_id))


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
    resolved = resolve_spec(spec, path.parent, origin, (str(path.resolve()),))
    return parse_standard(resolved, origin)


def resolve_spec(
    spec: dict[str, Any], base_dir: Path | None, origin: str, seen: tuple[str, ...]
) -> dict[str, Any]:
    """Apply ``extends`` recursively; return a self-contained specification.

    ``origin`` names the specification in error messages; ``seen`` holds the files and ids
    already on the ``extends`` chain (a cycle is an error).
    """
    if "extends" not in spec:
        if "remove_indicators" in spec:
            raise ValueError(f"standard {origin}: 'remove_indicators' needs 'extends'")
        return copy.deepcopy(spec)
    ref = spec["extends"]
    if not isinstance(ref, str) or not ref:
        raise ValueError(f"standard {origin}: 'extends' must be a standard id or a .json path")
    if _looks_like_path(ref):
        base = _resolve_file(ref, base_dir, origin, seen)
    else:
        if ref in seen:
            raise ValueError(f"standard {origin}: 'extends' cycle through {ref!r}")
        base = resolve_spec(_read_builtin_spec(ref), None, repr(ref), (*seen, ref))
    base_std = parse_standard(base, f"{ref!r} (extended by {origin})")
    for key in ("id", "version"):
        if key not in spec:
            raise ValueError(f"standard {origin}: a variant must set its own {key!r}")
    if spec["id"] == base_std.id:
        raise ValueError(
            f"standard {origin}: a variant must not reuse the id {base_std.id!r} of the "
            "standard it extends"
        )
    merged = merge_spec(base, spec, origin)
    merged["derived_from"] = {"id": base_std.id, "version": base_std.version}
    return merged


def _resolve_file(
    ref: str, base_dir: Path | None, origin: str, seen: tuple[str, ...]
) -> dict[str, Any]:
    """The resolved specification of the file that ``extends`` names."""
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
    return resolve_spec(base_spec, path.parent, repr(str(path)), (*seen, key))


def _deep_merge(base: Mapping[str, Any], over: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(dict(base))
    for key, value in over.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), Mapping):
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def merge_spec(base: dict[str, Any], over: Mapping[str, Any], origin: str) -> dict[str, Any]:
    """Override ``base`` with the fields of the variant ``over`` (the rules of ``extends``)."""
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


def parse_standard(spec: Mapping[str, Any], origin: str) -> Standard:
    """Validate a resolved specification (no ``extends``) and build the :class:`Standard`.

    Each part is checked in the order of the file format; the first error raises a
    ValueError naming the standard and the field.
    """
    where = f"standard {origin}"
    unknown = sorted(set(spec) - _TOP_KEYS)
    if unknown:
        raise ValueError(
            f"{where}: unknown field(s) {', '.join(map(repr, unknown))}; allowed: "
            + ", ".join(sorted(_TOP_KEYS))
        )
    sid, version = _parse_identity(spec, where)
    where = f"standard {sid!r}"
    document = _parse_document(spec.get("document"), where)
    effective = _iso_date(spec.get("effective_date"), f"{where}: 'effective_date'")
    stages = _parse_stages(spec.get("stages"), where)
    cv_rule = _parse_cv(spec.get("cv"), where, stages)
    indicators = _parse_indicators(spec.get("indicators"), where, stages, cv_rule.apply_to)
    school_rule = _parse_school_rule(spec.get("school_rule"), where, stages, indicators)
    exclusions = _parse_exclusions(spec.get("exclusions") or {}, where)
    weights = _parse_split_weights(spec.get("split_weights") or {}, where)
    combined = _parse_combined(spec.get("combined_schools"), where)
    notes = spec.get("notes") or []
    if not isinstance(notes, list) or not all(isinstance(n, str) for n in notes):
        raise ValueError(f"{where}: 'notes' must be a list of strings")
    derived = _parse_derived(spec.get("derived_from"), where)
    return Standard(
        id=sid,
        version=version,
        title=_text(spec, "title", where, required=True),
        title_en=_text(spec, "title_en", where),
        document=document,
        effective_date=effective,
        stages=stages,
        indicators=indicators,
        cv=cv_rule,
        school_rule=school_rule,
        exclusions=exclusions,
        split_weights=MappingProxyType(weights),
        combined=combined,
        derived_from=derived,
        notes=tuple(notes),
        spec_json=json.dumps(spec, ensure_ascii=False, sort_keys=True),
    )


def _unknown_fields(
    spec: Mapping[str, Any], allowed: frozenset[str] | set[str], where: str, what: str
) -> None:
    bad = sorted(set(spec) - allowed)
    if bad:
        raise ValueError(f"{where}: unknown {what} field(s) {', '.join(map(repr, bad))}")


def _parse_identity(spec: Mapping[str, Any], where: str) -> tuple[str, int]:
    schema = spec.get("schema", 1)
    if schema != 1:
        raise ValueError(f"{where}: unsupported 'schema' {schema!r} (this version reads 1)")
    sid = spec.get("id")
    if not isinstance(sid, str) or not _ID_RE.match(sid):
        raise ValueError(
            f"{where}: 'id' must be lower case letters, digits, '-', '_' or '.', got {sid!r}"
        )
    version = spec.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"standard {sid!r}: 'version' must be a positive integer, got {version!r}")
    return sid, version


def _parse_document(doc: Any, where: str) -> SourceDocument:
    if not isinstance(doc, Mapping):
        raise ValueError(f"{where}: 'document' (the source document) is required")
    _unknown_fields(doc, _DOCUMENT_KEYS, where, "document")
    return SourceDocument(
        number=_text(doc, "number", f"{where} document", required=True),
        title=_text(doc, "title", f"{where} document", required=True),
        issuer=_text(doc, "issuer", f"{where} document"),
        issued=_iso_date(doc["issued"], f"{where}: document 'issued'")
        if doc.get("issued")
        else None,
        section=_text(doc, "section", f"{where} document"),
        url=_text(doc, "url", f"{where} document"),
    )


def _parse_stages(stages: Any, where: str) -> tuple[str, ...]:
    if (
        not isinstance(stages, list)
        or not stages
        or any(s not in EVAL_STAGES for s in stages)
        or len(set(stages)) != len(stages)
    ):
        raise ValueError(
            f"{where}: 'stages' must be a non-empty list of distinct stages among "
            f"{', '.join(EVAL_STAGES)}, got {stages!r}"
        )
    return tuple(stages)


def _parse_cv(cv_spec: Any, where: str, stages: tuple[str, ...]) -> CVRule:
    if not isinstance(cv_spec, Mapping):
        raise ValueError(f"{where}: 'cv' (the CV rule) is required")
    _unknown_fields(cv_spec, {"apply_to", "thresholds", "round_decimals"}, where, "cv")
    apply_to = cv_spec.get("apply_to")
    if apply_to not in _CV_MODES:
        raise ValueError(
            f"{where}: cv 'apply_to' must be one of {', '.join(_CV_MODES)}, got {apply_to!r}"
        )
    thresholds = _stage_map(cv_spec.get("thresholds"), f"{where}: cv thresholds", stages)
    missing = [s for s in stages if s not in thresholds]
    if missing:
        raise ValueError(f"{where}: cv thresholds missing for stage(s) {', '.join(missing)}")
    rnd = cv_spec.get("round_decimals")
    if rnd is not None and (
        isinstance(rnd, bool) or not isinstance(rnd, int) or not 0 <= rnd <= 12
    ):
        raise ValueError(f"{where}: cv 'round_decimals' must be null or 0..12, got {rnd!r}")
    return CVRule(apply_to=apply_to, thresholds=thresholds, round_decimals=rnd)


def _parse_indicators(
    raw_inds: Any, where: str, stages: tuple[str, ...], apply_to: str
) -> tuple[Indicator, ...]:
    if not isinstance(raw_inds, list) or not raw_inds:
        raise ValueError(f"{where}: 'indicators' must be a non-empty list")
    indicators: list[Indicator] = []
    seen_codes: set[str] = set()
    for i, ind in enumerate(raw_inds):
        indicators.append(_parse_indicator(ind, i, where, stages, apply_to))
        if indicators[-1].code in seen_codes:
            raise ValueError(f"{where}: indicator code {indicators[-1].code!r} appears twice")
        seen_codes.add(indicators[-1].code)
    return tuple(indicators)


def _parse_school_rule(
    rule_spec: Any, where: str, stages: tuple[str, ...], indicators: Sequence[Indicator]
) -> SchoolRule | None:
    if rule_spec is None:
        return None
    if not isinstance(rule_spec, Mapping):
        raise ValueError(f"{where}: 'school_rule' must be an object or null")
    _unknown_fields(
        rule_spec, {"min_met", "floor_ratio", "required_pass_rate"}, where, "school_rule"
    )
    min_met = rule_spec.get("min_met")
    if isinstance(min_met, bool) or not isinstance(min_met, int) or min_met < 0:
        raise ValueError(
            f"{where}: school_rule 'min_met' must be a non-negative integer, got {min_met!r}"
        )
    for stage in stages:
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
    return SchoolRule(min_met=min_met, floor_ratio=floor_f, required_pass_rate=rate_f)


def _parse_exclusions(ex_spec: Any, where: str) -> Exclusions:
    if not isinstance(ex_spec, Mapping):
        raise ValueError(f"{where}: 'exclusions' must be an object")
    _unknown_fields(ex_spec, {"school_stages", "teaching_point_min_students"}, where, "exclusions")
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
    return Exclusions(school_stages=tuple(ex_stages), teaching_point_min_students=tp)


def _parse_split_weights(sw: Any, where: str) -> dict[str, float]:
    if not isinstance(sw, Mapping):
        raise ValueError(f"{where}: 'split_weights' must map stages to positive numbers")
    weights = {s: 1.0 for s in EVAL_STAGES}
    for stage, w in sw.items():
        if stage not in EVAL_STAGES:
            raise ValueError(
                f"{where}: split_weights stage {stage!r} is not one of {', '.join(EVAL_STAGES)}"
            )
        weights[stage] = _number(w, f"{where}: split_weights[{stage!r}]", positive=True)
    return weights


def _parse_derived(derived: Any, where: str) -> tuple[str, int] | None:
    if derived is None:
        return None
    if (
        not isinstance(derived, Mapping)
        or not isinstance(derived.get("id"), str)
        or not isinstance(derived.get("version"), int)
    ):
        raise ValueError(f"{where}: 'derived_from' must be {{'id': str, 'version': int}}")
    return (derived["id"], derived["version"])


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
