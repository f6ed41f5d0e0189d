"""Resource imports and exports per 100 teachers: the resources app's one GROUP BY per county and
year, its scope (the flows page's k=5 rule outside the caller's scope), and the gap dashboard
decomposing them over the counties of a cooperation area, weighted by teachers."""

import datetime as dt
import math

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.resources.conftest import make
from xietong.evaluation.gap import gap_report
from xietong.regions.models import CooperationArea
from xietong.resources.models import UsageEvent
from xietong.resources.selectors import county_import_flows

A, B, D, E = "131002", "110112", "120114", "130102"  # Anci, Tongzhou, Wuqing, Chang'an
COUNTIES = [A, B, D, E]


@pytest.fixture
def flows(resworld):
    """The worked example, 2024 (30 teachers in each of the four jjj counties, ``world``):

    ========  =======  =======
    county    imports  exports
    ========  =======  =======
    Anci       3       10 (6 to Tongzhou, 2 to Wuqing, 1 to Chang'an, 1 to the Hebei bureau)
    Tongzhou   6        3
    Wuqing     2        0
    Chang'an   1        0
    ========  =======  =======

    Not counted: imports inside Anci, views, and a 2023 import."""
    resource = make(resworld, visibility="public")
    day = dt.date(2024, 5, 6)
    at = dt.datetime(2024, 5, 6, 9, tzinfo=dt.UTC)

    def events(n, source, consumer, *, kind="import", period="2024-05"):
        for _ in range(n):
            UsageEvent.objects.create(
                kind=kind,
                resource=resource,
                source_province=source[:2],
                source_county=source,
                consumer_province=consumer[:2],
                consumer_county=consumer,
                day=day,
                period=period,
                at=at,
            )

    events(6, A, B)
    events(2, A, D)
    events(1, A, E)
    events(1, A, "130000")  # a user of the Hebei bureau: an export of Anci, no county's import
    events(3, B, A)
    events(3, A, A)  # inside the county: neither
    events(4, A, B, kind="view")
    events(2, A, B, period="2023-11")
    return resworld


def _flows(actor):
    return county_import_flows(actor=actor, counties=COUNTIES, years=[2024])


def test_counts_per_county_in_one_group_by(flows):
    with CaptureQueriesContext(connection) as ctx:
        got = _flows(flows["users"]["admin"])
    usage = [q["sql"] for q in ctx.captured_queries if "resources_usageevent" in q["sql"]]
    assert len(usage) == 1 and "GROUP BY" in usage[0]
    assert {c: (got[(c, 2024)]["imports"], got[(c, 2024)]["exports"]) for c in COUNTIES} == {
        A: (3, 10),
        B: (6, 3),
        D: (2, 0),
        E: (1, 0),
    }


def test_outside_the_scope_1_to_4_events_are_withheld(flows):
    public = _flows(AnonymousUser())
    assert public[(A, 2024)] == {"imports": None, "exports": 10}
    assert public[(B, 2024)] == {"imports": 6, "exports": None}
    assert public[(D, 2024)] == {"imports": None, "exports": 0}  # 0 says nothing of anyone
    assert public[(E, 2024)] == {"imports": None, "exports": 0}
    langfang = _flows(flows["users"]["langfang"])  # Anci is in Langfang
    assert langfang[(A, 2024)] == {"imports": 3, "exports": 10}
    assert langfang[(E, 2024)]["imports"] is None and langfang[(B, 2024)]["exports"] is None
    shijiazhuang = _flows(flows["users"]["shijiazhuang"])  # Chang'an is in Shijiazhuang
    assert shijiazhuang[(E, 2024)]["imports"] == 1 and shijiazhuang[(A, 2024)]["imports"] is None


def test_gap_report_per_100_teachers_worked_example(flows):
    area = CooperationArea.objects.get(slug="jjj")
    admin = flows["users"]["admin"]
    imports = gap_report(
        area=area, indicator="resource_imports_per_100_teachers", years=[2024], actor=admin
    )
    (y,) = imports.years
    assert imports.unit == "counties" and y.schools == 4 and imports.withheld == 0
    # 12 imports over 120 teachers; Beijing 6/30, Tianjin 2/30, Hebei (3 + 1)/60
    assert y.mean == pytest.approx(10.0)
    assert y.member_means == pytest.approx(
        {"110000000000": 20.0, "120000000000": 20 / 3, "130000000000": 20 / 3}
    )
    between = 0.25 * 2 * math.log(2) + 0.75 * (2 / 3) * math.log(2 / 3)
    assert y.between_members == pytest.approx(between)
    assert y.within_counties == pytest.approx(0.0, abs=1e-12)  # one county, one unit
    assert y.between_members + y.between_counties + y.within_counties == pytest.approx(y.total)
    exports = gap_report(
        area=area, indicator="resource_exports_per_100_teachers", years=[2024], actor=admin
    )
    assert exports.years[0].member_means == pytest.approx(
        {"110000000000": 10.0, "120000000000": 0.0, "130000000000": 100 / 6}
    )


def test_gap_report_for_the_public_leaves_withheld_counties_out(flows):
    area = CooperationArea.objects.get(slug="jjj")
    imports = gap_report(area=area, indicator="resource_imports_per_100_teachers", years=[2024])
    # only Tongzhou's 6 are shown: one county is not a distribution, the year is left out
    assert imports.withheld == 3 and imports.years == ()
    exports = gap_report(area=area, indicator="resource_exports_per_100_teachers", years=[2024])
    assert exports.withheld == 1  # Tongzhou's 3
    assert exports.years[0].member_means == pytest.approx(
        {"120000000000": 0.0, "130000000000": 100 / 6}
    )


def test_gap_page_and_api_offer_the_flow_indicators(flows, client):
    client.force_login(flows["users"]["admin"])
    page = client.get("/evaluation/gap/jjj/?indicator=resource_imports_per_100_teachers")
    html = page.content.decode()
    assert page.status_code == 200
    assert 'value="resource_exports_per_100_teachers"' in html
    assert 'id="decomposition"' in html and 'id="gap-members"' in html
    csv = client.get(
        "/evaluation/gap/jjj/?indicator=resource_imports_per_100_teachers&format=csv"
    ).content.decode()
    assert csv.splitlines()[1].startswith("2024,4,10.0,")
    # the rows are counties, and the header says so (a school indicator's says schools:
    # tests/evaluation/test_gap.py)
    assert csv.splitlines()[0].startswith("year,counties,mean,theil_t,")
    data = client.get("/api/gap/jjj?indicator=resource_exports_per_100_teachers").json()
    assert data["unit"] == "counties" and data["stage"] == "all"
    assert data["years"][0]["mean_130000000000"] == pytest.approx(100 / 6)
    assert client.get("/api/gap/jjj?indicator=resource_views").status_code == 422


def test_public_page_and_api_show_aggregates_with_the_withheld_counties_left_out(flows, client):
    from django.utils import timezone

    from xietong.schools.models import StatisticsRelease

    for member in ("110000000000", "120000000000", "130000000000"):
        StatisticsRelease.objects.create(
            jurisdiction_id=member, year=2024, published_at=timezone.now()
        )
    data = client.get("/api/gap/jjj?indicator=resource_exports_per_100_teachers").json()
    assert data["withheld"] == 1 and data["years"][0]["counties"] == 3  # Tongzhou's 3 left out
    assert data["years"][0]["mean_110000000000"] is None
    assert data["years"][0]["mean_130000000000"] == pytest.approx(100 / 6)
    imports = client.get("/api/gap/jjj?indicator=resource_imports_per_100_teachers").json()
    assert imports["withheld"] == 3 and imports["years"] == []
    page = client.get(
        "/evaluation/gap/jjj/?indicator=resource_exports_per_100_teachers",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "1 county-year is left out" in page and 'id="gap-members"' in page
    client.force_login(flows["users"]["admin"])
    data = client.get("/api/gap/jjj?indicator=resource_exports_per_100_teachers").json()
    assert data["withheld"] == 0 and data["years"][0]["mean_110000000000"] == pytest.approx(10.0)


def test_the_convergence_chart_of_a_flow_indicator_is_across_counties(flows, client):
    client.force_login(flows["users"]["admin"])
    url = "/evaluation/gap/jjj/?indicator=resource_imports_per_100_teachers"
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Convergence: CV across counties" in english
    assert "CV across schools" not in english
