"""Loading division outlines: a good file loads every feature, simplified with shared borders
kept; each kind of bad file is refused with its feature and property named; hostile files are
refused before they cost much; nothing is half-written."""

from __future__ import annotations

import json

import pytest
import shapely
from django.utils import translation
from shapely.geometry import shape

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.regions import boundaries as boundaries_module
from xietong.regions.boundaries import BoundaryFileError, BoundaryLimits
from xietong.regions.models import Boundary
from xietong.regions.selectors import boundaries_for, boundary_credits
from xietong.regions.services import boundaries_load

# Three Hangzhou districts as three squares side by side (0.1 degree wide), each edge drawn
# with 21 positions on a straight line, so that simplification has points to remove.
HANGZHOU = ["330102", "330105", "330106"]


def _edge(a, b, n=20):
    return [[a[0] + (b[0] - a[0]) * i / n, a[1] + (b[1] - a[1]) * i / n] for i in range(n)]


def square(x0, y0, size=0.1):
    corners = [(x0, y0), (x0 + size, y0), (x0 + size, y0 + size), (x0, y0 + size)]
    ring = []
    for a, b in zip(corners, corners[1:] + corners[:1], strict=True):
        ring += _edge(a, b)
    return {"type": "Polygon", "coordinates": [ring + [ring[0]]]}


def feature(code, geometry, **properties):
    return {"type": "Feature", "properties": {"adcode": code, **properties}, "geometry": geometry}


def collection(*features):
    return json.dumps({"type": "FeatureCollection", "features": list(features)}).encode()


def good_file():
    return collection(
        *(feature(int(c), square(120.0 + 0.1 * i, 30.2)) for i, c in enumerate(HANGZHOU))
    )


def load(data, **kw):
    with translation.override("en"):
        return boundaries_load(data=data, filename="counties.geojson", **kw)


def problems(data, **kw) -> list[str]:
    with pytest.raises(BoundaryFileError) as info, translation.override("en"):
        boundaries_load(data=data, filename="counties.geojson", **kw)
    with translation.override("en"):
        return [str(p) for p in info.value.problems]


def test_a_good_file_loads_every_feature_with_its_source(regions):
    result = load(
        good_file(),
        source="Zhejiang standard map service",
        licence="licensed to the bureau",
        approval_number="浙S(2024)001号",
        simplify=0.001,
    )
    assert (result.features, result.created, result.replaced) == (3, 3, 0)
    assert result.by_level == {"county": 3}
    # 3 squares x (4 edges x 20 + 1 closing) positions read; the straight edges lose their
    # intermediate positions: each square keeps its corners (5 positions with the closing one)
    # plus the two positions where its neighbours' corners meet its shared edges
    assert result.points_read == 3 * 81
    assert result.points_kept < 3 * 10
    stored = Boundary.objects.order_by("jurisdiction_id")
    assert [b.jurisdiction_id for b in stored] == [c + "000000" for c in HANGZHOU]
    assert {b.approval_number for b in stored} == {"浙S(2024)001号"}
    assert boundary_credits([b.jurisdiction_id for b in stored]) == [
        {
            "source": "Zhejiang standard map service",
            "licence": "licensed to the bureau",
            "approval_number": "浙S(2024)001号",
        }
    ]
    entry = AuditEntry.objects.filter(action="boundaries.load").get()
    assert entry.after["features"] == 3 and entry.after["approval_number"] == "浙S(2024)001号"


def test_shared_borders_stay_shared_after_simplification(regions):
    load(good_file(), simplify=0.01)
    geoms = [shape(g) for g in boundaries_for([c + "000000" for c in HANGZHOU]).values()]
    # no overlaps: the parts' areas add up to the area of their union; no gaps: the union is
    # the 0.3 x 0.1 degree rectangle the three squares tile
    union = shapely.union_all(geoms)
    assert sum(g.area for g in geoms) == pytest.approx(union.area, rel=1e-9)
    assert union.area == pytest.approx(0.03, rel=1e-6)
    assert union.geom_type == "Polygon"


def test_loading_again_replaces_the_outlines(regions):
    load(good_file())
    again = load(good_file(), source="second edition")
    assert (again.created, again.replaced) == (0, 3)
    assert set(Boundary.objects.values_list("source", flat=True)) == {"second edition"}


def test_a_chosen_property_and_twelve_digit_codes(regions):
    data = collection(
        {
            "type": "Feature",
            "properties": {"GB": "330106000000", "adcode": "bad"},
            "geometry": square(120.1, 30.2),
        }
    )
    assert load(data, code_property="GB").features == 1
    assert Boundary.objects.get().jurisdiction_id == "330106000000"


@pytest.mark.parametrize(
    ("features", "expected"),
    [
        (
            [feature(330102, square(120, 30)), feature(330199, square(121, 30))],
            "counties.geojson: feature 2, code: 330199000000 is not a division in the registry",
        ),
        (
            [{"type": "Feature", "properties": {"name": "上城区"}, "geometry": square(120, 30)}],
            "feature 1, code / adcode: no property holds the division code",
        ),
        (
            [feature("3301", square(120, 30))],
            "feature 1, adcode: '3301' is not a 6-digit or 12-digit administrative division code",
        ),
        (
            [feature(330102, {"type": "Point", "coordinates": [120.1, 30.2]})],
            "feature 1, geometry.type: 'Point' cannot outline a division",
        ),
        (
            [
                feature(
                    330102,
                    {
                        "type": "Polygon",
                        "coordinates": [
                            [[13358338, 3503549], [13369470, 3503549], [13369470, 3517000]]
                            + [[13358338, 3503549]]
                        ],
                    },
                )
            ],
            "feature 1, geometry.coordinates: (13358338, 3503549) is out of range",
        ),
        (
            [
                feature(
                    330102,
                    {
                        "type": "Polygon",
                        "coordinates": [[[120, 30], [120.1, 30], [120.1, 30.1], [120, 30.1]]],
                    },
                )
            ],
            "feature 1, geometry.coordinates: a ring does not end where it starts",
        ),
        (
            [feature(330102, {"type": "Polygon", "coordinates": [[[120, 30], ["x", 30]]]})],
            "feature 1, geometry.coordinates: a ring needs at least 4 positions",
        ),
        (
            [feature(330102, square(120, 30)), feature("330102", square(121, 30))],
            "feature 2, code: division 330102000000 already has an outline in feature 1",
        ),
        ([{"type": "Point"}], "feature 1, type: the entry is not a GeoJSON Feature"),
    ],
)
def test_each_bad_file_says_which_feature_and_property(regions, features, expected):
    found = problems(collection(*features))
    assert any(expected in p for p in found), found
    assert not Boundary.objects.exists()


def test_one_bad_feature_leaves_nothing_written(regions):
    load(good_file(), source="first")
    bad = collection(feature(330102, square(120, 30)), feature(330199, square(121, 30)))
    problems(bad, source="second")
    assert set(Boundary.objects.values_list("source", flat=True)) == {"first"}
    assert AuditEntry.objects.filter(action="boundaries.load").count() == 1


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"{not json", "the file is not JSON (line 1, column 2"),
        (b"\xff\xfe{}", "the file is not UTF-8 text"),
        (b'{"type": "Feature"}', "the file is not a GeoJSON FeatureCollection"),
        (b'{"type": "FeatureCollection", "features": []}', "the FeatureCollection has no features"),
    ],
)
def test_files_that_are_not_feature_collections(regions, data, expected):
    assert any(expected in p for p in problems(data))


def test_a_file_past_the_size_bound_is_refused_unparsed(regions, monkeypatch):
    def no_parsing(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(boundaries_module.json, "loads", no_parsing)
    data = good_file()
    found = problems(data, limits=BoundaryLimits(max_bytes=len(data) - 1))
    assert f"the file is {len(data)} bytes; files up to {len(data) - 1} bytes" in found[0]


def test_a_nesting_bomb_is_refused(regions):
    # the parser gives up at Python's recursion limit (about 1,000 levels), whatever the size
    bomb = b'{"type": "FeatureCollection", "features": ' + b"[" * 2_000_000
    found = problems(bomb)
    assert "nests arrays or objects too deeply" in found[0]


def test_too_many_positions_are_refused_while_reading(regions):
    # 3 squares of 81 positions: a bound of 100 is passed in the second feature
    found = problems(good_file(), limits=BoundaryLimits(max_points=100))
    assert "more than 100 positions (XIETONG_BOUNDARY_MAX_POINTS)" in found[0]


def test_too_many_features_are_refused(regions):
    found = problems(good_file(), limits=BoundaryLimits(max_features=2))
    assert "the file holds 3 features; at most 2 can be loaded at once" in found[0]


def test_a_negative_tolerance_is_refused(regions):
    with pytest.raises(ValueError, match="zero or more degrees"):
        load(good_file(), simplify=-1)


def test_only_administrators_load_boundaries(world):
    with pytest.raises(OutOfScope):
        load(good_file(), actor=world["users"]["jiangsu"])
    assert load(good_file(), actor=world["users"]["admin"]).features == 3


def test_problems_speak_the_readers_language(regions):
    with pytest.raises(BoundaryFileError) as info, translation.override("zh-hans"):
        boundaries_load(data=collection(feature(330199, square(120, 30))), filename="a.geojson")
    with translation.override("zh-hans"):
        text = str(info.value.problems[0])
    assert "要素 1" in text and "330199000000" in text
