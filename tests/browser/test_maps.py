"""The maps in chromium: the choropleth of loaded outlines is drawn without a base map and with
no request to any other server; without outlines the tile cartogram is drawn."""

import json

from .helpers import require_chromium

require_chromium()


def test_choropleth_and_cartogram_are_drawn_from_this_server_only(
    browser, live_server, transactional_db
):
    from xietong.regions.models import Jurisdiction
    from xietong.regions.services import boundaries_load, jurisdictions_load

    jurisdictions_load()
    counties = list(
        Jurisdiction.objects.filter(
            code__startswith="1310", level="county", is_placeholder=False, valid_until__isnull=True
        )
    )
    features = []
    for j in counties:
        x, y = j.longitude - 0.05, j.latitude - 0.05
        ring = [[x, y], [x + 0.1, y], [x + 0.1, y + 0.1], [x, y + 0.1], [x, y]]
        features.append(
            {
                "type": "Feature",
                "properties": {"code": j.code},
                "geometry": {"type": "Polygon", "coordinates": [ring]},
            }
        )
    data = json.dumps({"type": "FeatureCollection", "features": features}).encode()
    boundaries_load(data=data, filename="langfang.geojson", approval_number="TEST")

    page = browser.new_page(locale="zh-CN")
    requests = []
    page.on("request", lambda r: requests.append(r.url))
    page.goto(live_server.url + "/jurisdictions/131000000000/")
    page.wait_for_selector(".choroplethlocation", timeout=20000)
    assert page.locator(".choroplethlocation").count() == len(counties)
    assert "审图号" in page.inner_text(".plotly")
    page.goto(live_server.url + "/jurisdictions/110000000000/")  # Beijing: no outline loaded
    page.wait_for_selector(".plotly .scatterlayer .trace", timeout=20000)
    assert page.locator(".choroplethlocation").count() == 0
    assert "东城" in page.inner_text(".plotly")  # a tile's label
    assert requests and all(u.startswith(live_server.url) for u in requests), requests
    page.close()
