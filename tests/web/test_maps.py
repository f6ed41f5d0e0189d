"""The maps of the area, jurisdiction and evaluation pages: a choropleth of the loaded outlines
with the schools the reader may see on top, a choropleth of cities when only city outlines are
loaded, and a tile cartogram of the counties when none is; read from the chart JSON of the
page as plotly.js receives it."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.utils import translation

from xietong.evaluation.services import evaluation_run
from xietong.regions.models import Jurisdiction
from xietong.regions.services import boundaries_load
from xietong.web.charts import Colouring, MapUnit, map_classes, quantile_breaks

from ..evaluation.test_evaluation_run import worked_example  # noqa: F401 - a fixture

FIGURE = re.compile(r'<script type="application/json" id="figure-[0-9a-f]+">(.*?)</script>', re.S)
LANGFANG = "131000000000"
ANCI = "131002000000"


def figures(page: str) -> list[dict]:
    return [json.loads(m) for m in FIGURE.findall(page)]


def the_map(client: Client, url: str) -> dict:
    maps = [
        f for f in figures(client.get(url).content.decode()) if "map" in f["layout"].get("meta", {})
    ]
    assert len(maps) == 1
    return maps[0]


def square(lon, lat, size=0.1):
    x, y = lon - size / 2, lat - size / 2
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def load_squares(codes, **kw):
    features = []
    for code in codes:
        j = Jurisdiction.objects.get(code=code)
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code},
                "geometry": square(j.longitude, j.latitude),
            }
        )
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    return boundaries_load(data=data, filename="test.geojson", simplify=0, **kw)


def langfang_counties() -> list[str]:
    return list(
        Jurisdiction.objects.filter(
            code__startswith="1310", level="county", is_placeholder=False, valid_until__isnull=True
        ).values_list("code", flat=True)
    )


def admin(world) -> Client:
    c = Client()
    c.force_login(world["users"]["admin"])
    return c


def test_without_boundaries_the_page_draws_a_tile_cartogram(world):
    fig = the_map(admin(world), f"/jurisdictions/{LANGFANG}/")
    assert fig["layout"]["meta"] == {"map": "cartogram"}
    assert not [t for t in fig["data"] if t["type"] in ("choropleth", "scattergeo")]
    tiles = [t for t in fig["data"] if t.get("fill") == "toself"]
    labels = next(t for t in fig["data"] if "hovertext" in t)
    counties = langfang_counties()
    # one tile (five corners and a break) per county, over all the classes
    assert sum(len(t["x"]) for t in tiles) == 6 * len(counties)
    assert len(labels["hovertext"]) == len(counties)
    # Anci: 500 students / 30 teachers (the world fixture) = 16.67, the only county with data
    anci = next(h for h in labels["hovertext"] if h.startswith("河北省廊坊市安次区"))
    assert anci == "河北省廊坊市安次区 · 生师比: 16.67"
    assert "安次" in labels["text"]
    assert [t["name"] for t in tiles] == ["16.67", "无数据"]
    assert "xietong load-boundaries" in fig["layout"]["annotations"][0]["text"]


def test_the_cartogram_speaks_the_readers_language(world):
    c = admin(world)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    fig = the_map(c, f"/jurisdictions/{LANGFANG}/")
    labels = next(t for t in fig["data"] if "hovertext" in t)
    assert "Anci District · Student-teacher ratio: 16.67" in labels["hovertext"]
    assert [t["name"] for t in fig["data"] if t.get("fill")] == ["16.67", "no data"]
    assert fig["layout"]["title"]["text"] == "Student-teacher ratio by county, 2024"


def test_with_county_boundaries_a_choropleth_with_the_schools_on_top(world):
    counties = langfang_counties()
    load_squares(counties, source="Hebei standard map", approval_number="冀S(2024)012号")
    fig = the_map(admin(world), f"/jurisdictions/{LANGFANG}/")
    assert fig["layout"]["meta"] == {"map": "choropleth"}
    shapes = [t for t in fig["data"] if t["type"] == "choropleth"]
    assert sorted(code for t in shapes for code in t["locations"]) == sorted(counties)
    assert {f["properties"]["code"] for f in shapes[0]["geojson"]["features"]} == set(counties)
    assert shapes[0]["featureidkey"] == "properties.code"
    anci = next(t for t in shapes if ANCI in t["locations"])
    assert anci["name"] == "16.67"
    # no base map: nothing but the loaded outlines is drawn, and nothing is fetched elsewhere
    assert fig["layout"]["geo"]["visible"] is False
    assert fig["layout"]["geo"]["fitbounds"] == "locations"
    assert fig["config"]["topojsonURL"] == "/static/xietong/maps/"
    dots = [t for t in fig["data"] if t["type"] == "scattergeo"]
    assert len(dots) == 1 and world["schools"]["A"].name_zh in dots[0]["text"]
    assert "冀S(2024)012号" in fig["layout"]["annotations"][0]["text"]


def test_the_public_sees_the_outlines_but_no_school(world):
    load_squares(langfang_counties())
    fig = the_map(Client(), f"/jurisdictions/{LANGFANG}/")
    assert fig["layout"]["meta"] == {"map": "choropleth"}
    assert not [t for t in fig["data"] if t["type"] == "scattergeo"]
    # a bureau of another city does not see Langfang's school either
    c = Client()
    c.force_login(world["users"]["jiangsu"])
    fig = the_map(c, f"/jurisdictions/{LANGFANG}/")
    assert not [t for t in fig["data"] if t["type"] == "scattergeo"]


def test_partial_boundaries_say_what_is_missing(world):
    counties = langfang_counties()
    load_squares(counties[:3], approval_number="GS(2024)0001号")
    fig = the_map(admin(world), f"/jurisdictions/{LANGFANG}/")
    text = fig["layout"]["annotations"][0]["text"]
    assert f"{len(counties) - 3} of the {len(counties)} counties" in text or (
        f"{len(counties)} 个区县中有 {len(counties) - 3} 个" in text
    )


def test_city_boundaries_draw_the_cities_when_counties_have_none(world):
    load_squares([LANGFANG, "130100000000"], approval_number="GS(2024)0002号")
    c = admin(world)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    fig = the_map(c, "/jurisdictions/130000000000/")
    assert fig["layout"]["meta"] == {"map": "choropleth"}
    shapes = [t for t in fig["data"] if t["type"] == "choropleth"]
    assert sorted(code for t in shapes for code in t["locations"]) == [
        "130100000000",
        LANGFANG,
    ]
    assert fig["layout"]["title"]["text"] == "Student-teacher ratio by city, 2024"
    assert "11 cities shown" in fig["layout"]["annotations"][0]["text"]


def test_area_page_map(world):
    fig = the_map(admin(world), "/areas/tongwulang/")
    assert fig["layout"]["meta"] == {"map": "cartogram"}
    labels = next(t for t in fig["data"] if "hovertext" in t)
    # Tongzhou, Wuqing and the counties of Langfang
    assert len(labels["hovertext"]) == 2 + len(langfang_counties())


@pytest.mark.usefixtures("worked_example")
def test_evaluation_run_page_colours_counties_by_status(world):
    run = evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code=LANGFANG),
        actor=world["users"]["langfang"],
    )
    c = Client()
    c.force_login(world["users"]["langfang"])
    fig = the_map(c, f"/evaluation/runs/{run.pk}/")
    assert fig["layout"]["meta"] == {"map": "cartogram"}
    statuses = dict(run.counties.values_list("county_id", "status"))
    assert statuses[ANCI] == "incomplete"  # one of its six schools lacks data
    tiles = [t for t in fig["data"] if t.get("fill")]
    assert tiles[0]["name"] == "数据不全"
    assert sum(len(t["x"]) for t in tiles) == 6 * len(statuses)
    load_squares(langfang_counties())
    fig = the_map(c, f"/evaluation/runs/{run.pk}/")
    assert fig["layout"]["meta"] == {"map": "choropleth"}
    incomplete = next(t for t in fig["data"] if t.get("name") == "数据不全")
    assert incomplete["locations"] == [ANCI]
    assert next(t for t in fig["data"] if t["type"] == "scattergeo")


def test_quantile_classes_worked_example():
    # values 1..10, five classes: numpy's linear quantiles at 0.2, 0.4, 0.6, 0.8, 1 are
    # 1 + 9 * q = 2.8, 4.6, 6.4, 8.2, 10, so each class holds two values
    assert quantile_breaks([float(v) for v in range(1, 11)]) == pytest.approx(
        [2.8, 4.6, 6.4, 8.2, 10.0]
    )
    units = [MapUnit(code=str(v), name=str(v), short=str(v), value=float(v)) for v in range(1, 11)]
    units.append(MapUnit(code="x", name="x", short="x"))
    with translation.override("en"):
        classes = map_classes(units, Colouring(title="ratio"))
    assert [c.label for c in classes] == [
        "1.00 – 2.80",
        "2.80 – 4.60",
        "4.60 – 6.40",
        "6.40 – 8.20",
        "8.20 – 10.00",
        "no data",
    ]
    assert [[u.code for u in c.units] for c in classes] == [
        ["1", "2"],
        ["3", "4"],
        ["5", "6"],
        ["7", "8"],
        ["9", "10"],
        ["x"],
    ]
