"""Reading division outlines from a GeoJSON FeatureCollection: bounded, checked, simplified.

A deployment loads the approved standard map data it is licensed for (maps published in China
need a 审图号, an approval number of the map authority); Xietong ships none. The file is
refused before it is parsed when it is larger than XIETONG_BOUNDARY_MAX_BYTES, and while it is
checked when it holds more features (XIETONG_BOUNDARY_MAX_FEATURES) or positions
(XIETONG_BOUNDARY_MAX_POINTS) than a map of every county in China needs. Each problem names the
feature (counted from 1, as a person counts) and the property or member at fault.

Outlines are simplified together as a coverage (``shapely.coverage_simplify``), so two
neighbouring counties keep one shared border after simplification: no gaps, no overlaps.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

CODE_PROPERTIES = ("code", "adcode")  # tried in turn when --code-property is not given
MAX_LISTED = 50
DEFAULT_TOLERANCE = 0.002  # degrees, about 200 m: counties stay recognisable on a region map
COORDINATE_PLACES = 5  # about 1 m: more digits only make the pages heavier


@dataclass(frozen=True)
class BoundaryLimits:
    max_bytes: int = 50 * 1024 * 1024
    max_features: int = 10_000
    max_points: int = 5_000_000

    @classmethod
    def from_settings(cls) -> BoundaryLimits:
        from django.conf import settings

        d = cls()
        return cls(
            max_bytes=getattr(settings, "XIETONG_BOUNDARY_MAX_BYTES", d.max_bytes),
            max_features=getattr(settings, "XIETONG_BOUNDARY_MAX_FEATURES", d.max_features),
            max_points=getattr(settings, "XIETONG_BOUNDARY_MAX_POINTS", d.max_points),
        )


@dataclass(frozen=True)
class BoundaryProblem:
    file: str
    feature: int  # 1-based; 0: the file as a whole
    field: str  # the property or member at fault, "" when none
    message: str

    def __str__(self) -> str:
        where = {"file": self.file, "n": self.feature, "field": self.field, "msg": self.message}
        if self.feature <= 0:
            return _("%(file)s: %(msg)s") % where
        if self.field:
            return _("%(file)s: feature %(n)d, %(field)s: %(msg)s") % where
        return _("%(file)s: feature %(n)d: %(msg)s") % where


class BoundaryFileError(ValueError):
    """The file has problems; no boundary was written."""

    def __init__(self, problems: list[BoundaryProblem], total: int | None = None):
        self.problems = problems[:MAX_LISTED]
        self.total = total if total is not None else len(problems)
        head = ngettext(
            "%(n)d problem; no boundary was loaded:",
            "%(n)d problems; no boundary was loaded:",
            self.total,
        ) % {"n": self.total}
        lines = [str(p) for p in self.problems[:20]]
        if self.total > 20:
            lines.append(_("... and %(n)d more") % {"n": self.total - 20})
        super().__init__("\n".join([head, *lines]))


@dataclass(frozen=True)
class BoundaryFeature:
    feature: int  # 1-based position in the file
    code: str  # the registry's 12-digit form
    geometry: dict  # GeoJSON Polygon or MultiPolygon


class _TooMany(Exception):
    pass


class _Reader:
    def __init__(self, filename: str, code_property: str | None, limits: BoundaryLimits):
        self.filename = filename
        self.code_property = code_property
        self.limits = limits
        self.problems: list[BoundaryProblem] = []
        self.total_problems = 0
        self.points = 0

    def problem(self, feature: int, field: str, message: str) -> None:
        self.total_problems += 1
        if len(self.problems) < MAX_LISTED:
            self.problems.append(BoundaryProblem(self.filename, feature, field, message))

    def fail(self, message: str) -> BoundaryFileError:
        return BoundaryFileError([BoundaryProblem(self.filename, 0, "", message)])

    # codes ---------------------------------------------------------------------------------
    def code(self, n: int, properties) -> str | None:
        if not isinstance(properties, dict):
            self.problem(n, "properties", _("the feature has no properties object"))
            return None
        names = (self.code_property,) if self.code_property else CODE_PROPERTIES
        name = next((p for p in names if p in properties), None)
        if name is None:
            self.problem(
                n,
                " / ".join(names),
                _("no property holds the division code; name it with --code-property"),
            )
            return None
        value = properties[name]
        if isinstance(value, bool) or not isinstance(value, int | str):
            self.problem(n, name, _("the division code must be text or a whole number"))
            return None
        text = str(value).strip()
        if text.isascii() and text.isdigit() and len(text) == 6:
            return text + "000000"  # GB/T 2260 county code: the registry keeps 12 digits
        if text.isascii() and text.isdigit() and len(text) == 12:
            return text
        self.problem(
            n,
            name,
            _("%(value)s is not a 6-digit or 12-digit administrative division code")
            % {"value": repr(text[:40])},
        )
        return None

    # geometry ------------------------------------------------------------------------------
    def geometry(self, n: int, geometry) -> dict | None:
        if not isinstance(geometry, dict):
            self.problem(n, "geometry", _("the feature has no geometry"))
            return None
        kind = geometry.get("type")
        coordinates = geometry.get("coordinates")
        if kind not in ("Polygon", "MultiPolygon"):
            self.problem(
                n,
                "geometry.type",
                _("%(type)s cannot outline a division; only Polygon and MultiPolygon can")
                % {"type": repr(kind)[:40]},
            )
            return None
        polygons = [coordinates] if kind == "Polygon" else coordinates
        if not isinstance(polygons, list) or not polygons:
            self.problem(n, "geometry.coordinates", _("the coordinates are not a list of rings"))
            return None
        for polygon in polygons:
            if not self.polygon(n, polygon):
                return None
        return {"type": kind, "coordinates": coordinates}

    def polygon(self, n: int, rings) -> bool:
        if not isinstance(rings, list) or not rings:
            self.problem(n, "geometry.coordinates", _("the coordinates are not a list of rings"))
            return False
        for ring in rings:
            if not isinstance(ring, list) or len(ring) < 4:
                self.problem(
                    n,
                    "geometry.coordinates",
                    _("a ring needs at least 4 positions (the first repeated at the end)"),
                )
                return False
            self.points += len(ring)
            if self.points > self.limits.max_points:
                raise _TooMany(
                    _("the file holds more than %(n)d positions (XIETONG_BOUNDARY_MAX_POINTS)")
                    % {"n": self.limits.max_points}
                )
            for position in ring:
                if not self.position(n, position):
                    return False
            if ring[0][:2] != ring[-1][:2]:
                self.problem(
                    n,
                    "geometry.coordinates",
                    _("a ring does not end where it starts (%(lon)s, %(lat)s)")
                    % {"lon": ring[0][0], "lat": ring[0][1]},
                )
                return False
        return True

    def position(self, n: int, position) -> bool:
        if (
            not isinstance(position, list)
            or len(position) not in (2, 3)
            or not all(
                isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v)
                for v in position
            )
        ):
            self.problem(
                n,
                "geometry.coordinates",
                _("%(value)s is not a [longitude, latitude] position")
                % {"value": json.dumps(position)[:60]},
            )
            return False
        lon, lat = position[0], position[1]
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            self.problem(
                n,
                "geometry.coordinates",
                _(
                    "(%(lon)s, %(lat)s) is out of range: positions must be longitude and "
                    "latitude in degrees, not projected metres"
                )
                % {"lon": lon, "lat": lat},
            )
            return False
        return True


def file_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_boundaries(
    data: bytes,
    *,
    filename: str,
    code_property: str | None = None,
    limits: BoundaryLimits | None = None,
    progress: Callable[[int], object] | None = None,
) -> list[BoundaryFeature]:
    """The features of a GeoJSON FeatureCollection, each with its 12-digit division code and
    its checked Polygon/MultiPolygon geometry; ``BoundaryFileError`` names every problem."""
    limits = limits or BoundaryLimits.from_settings()
    reader = _Reader(filename, code_property, limits)
    features = _feature_list(data, reader, limits)
    try:
        out = _read_features(features, reader, progress)
    except _TooMany as exc:
        raise reader.fail(str(exc)) from None
    if reader.problems:
        raise BoundaryFileError(reader.problems, reader.total_problems)
    return out


def _feature_list(data: bytes, reader: _Reader, limits: BoundaryLimits) -> list:
    """The file's list of features, or the one problem that stops it being read at all."""
    if len(data) > limits.max_bytes:
        raise reader.fail(
            _(
                "the file is %(size)d bytes; files up to %(limit)d bytes can be loaded "
                "(XIETONG_BOUNDARY_MAX_BYTES)"
            )
            % {"size": len(data), "limit": limits.max_bytes}
        )
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise reader.fail(_("the file is not UTF-8 text")) from None
    except RecursionError:
        raise reader.fail(_("the file nests arrays or objects too deeply")) from None
    except json.JSONDecodeError as exc:
        raise reader.fail(
            _("the file is not JSON (line %(line)d, column %(col)d: %(msg)s)")
            % {"line": exc.lineno, "col": exc.colno, "msg": exc.msg}
        ) from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection":
        raise reader.fail(_("the file is not a GeoJSON FeatureCollection"))
    features = document.get("features")
    if not isinstance(features, list) or not features:
        raise reader.fail(_("the FeatureCollection has no features"))
    if len(features) > limits.max_features:
        raise reader.fail(
            _("the file holds %(n)d features; at most %(limit)d can be loaded at once")
            % {"n": len(features), "limit": limits.max_features}
        )
    return features


def _read_features(
    features: list, reader: _Reader, progress: Callable[[int], object] | None
) -> list[BoundaryFeature]:
    """Each feature's code and geometry; the reader collects the problems of every feature."""
    out: list[BoundaryFeature] = []
    seen: dict[str, int] = {}
    for i, feature in enumerate(features, start=1):
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            reader.problem(i, "type", _("the entry is not a GeoJSON Feature"))
            continue
        code = reader.code(i, feature.get("properties"))
        geometry = reader.geometry(i, feature.get("geometry"))
        if code is not None and code in seen:
            reader.problem(
                i,
                reader.code_property or "code",
                _("division %(code)s already has an outline in feature %(first)d")
                % {"code": code, "first": seen[code]},
            )
        elif code is not None and geometry is not None:
            seen[code] = i
            out.append(BoundaryFeature(i, code, geometry))
        if progress is not None:
            progress(1)
    return out


def _rounded(value):
    if isinstance(value, float | int):
        return round(float(value), COORDINATE_PLACES)
    return [_rounded(v) for v in value]


def count_points(geometry: dict) -> int:
    polygons = (
        [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    )
    return sum(len(ring) for polygon in polygons for ring in polygon)


def simplify_features(
    features: list[BoundaryFeature], tolerance: float
) -> tuple[list[BoundaryFeature], int]:
    """The features with repaired (``make_valid``) and, for ``tolerance`` > 0, simplified
    outlines; shared borders stay shared. Returns the features and how many were repaired."""
    import shapely
    from shapely.geometry import mapping, shape

    if tolerance < 0 or not math.isfinite(tolerance):
        raise ValueError(_("The simplification tolerance must be zero or more degrees."))
    geoms = [shape(f.geometry) for f in features]
    repaired = 0
    for i, g in enumerate(geoms):
        if not g.is_valid:
            fixed = shapely.make_valid(g)
            parts = [p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type.endswith("Polygon")]
            union = shapely.union_all(parts) if parts else None
            if union is not None and union.geom_type in ("Polygon", "MultiPolygon"):
                geoms[i] = union
                repaired += 1
    if tolerance > 0:
        simplified = shapely.coverage_simplify(geoms, tolerance)
        geoms = [s if not s.is_empty else g for s, g in zip(simplified, geoms, strict=True)]
    out = []
    for f, g in zip(features, geoms, strict=True):
        m = mapping(g)
        geometry = {"type": m["type"], "coordinates": _rounded(m["coordinates"])}
        out.append(BoundaryFeature(f.feature, f.code, geometry))
    return out, repaired
