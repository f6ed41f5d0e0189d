"""The key pages read the statistics once per statistics version: query counts pinned per page
(a regression that puts a query back in a loop fails here), the cached figures equal the
uncached ones, and a new release, import or deleted release is seen on the next request."""

from decimal import Decimal

import pytest
from django.test import Client

from xietong.accounts.scope import ANONYMOUS, scope_for
from xietong.evaluation.gap import gap_report
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.schools import selectors
from xietong.schools.demo import demo_load
from xietong.schools.models import School, StatisticsRelease


@pytest.fixture
def demo(db):
    from xietong.accounts.services import user_create

    demo_load(scale=0.01, years=(2024,))
    admin = user_create(
        username="speed-admin", password="kestrel-harbour-42", is_superuser=True, actor=None
    )
    return admin


@pytest.fixture
def run(demo):
    from xietong.evaluation.services import evaluation_run

    return evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        area=CooperationArea.objects.get(slug="yrd"),
        actor=demo,
    )


def _pages(run) -> dict[str, tuple[str, int]]:
    """Page -> (path, most queries once its parts are cached)."""
    school = School.objects.filter(county__code__startswith="32").order_by("code").first()
    county = run.counties.order_by("county_id").first().county_id
    return {
        "home": ("/", 8),
        "area": ("/areas/yrd/", 11),
        "jurisdiction": ("/jurisdictions/320000000000/", 11),
        "school list": ("/schools/?within=320000000000", 9),
        "school": (f"/schools/{school.code}/", 6),
        "gap dashboard": ("/evaluation/gap/yrd/", 8),
        "evaluation run": (f"/evaluation/runs/{run.pk}/", 6),
        "county drill-down": (f"/evaluation/runs/{run.pk}/counties/{county}/", 8),
    }


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "area",
        "jurisdiction",
        "school list",
        "school",
        "gap dashboard",
        "evaluation run",
        "county drill-down",
    ],
)
def test_key_page_query_count(demo, run, page, django_assert_max_num_queries):
    path, most = _pages(run)[page]
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(demo)
    first = c.get(path)
    assert first.status_code == 200
    with django_assert_max_num_queries(most):
        again = c.get(path)
    assert again.status_code == 200
    # the cached parts are the ones drawn the first time (chart ids aside)
    assert again.content.count(b"plotly-graph-div") == first.content.count(b"plotly-graph-div")


def test_home_reads_each_member_once_not_per_area(demo, django_assert_max_num_queries):
    """Cold cache: one lookup for the members of every area together, then four queries a
    member (its token, its division, its sums, their names), not ten lookups per area."""
    c = Client()
    c.force_login(demo)
    members = Jurisdiction.objects.filter(memberships__isnull=False).distinct().count()
    with django_assert_max_num_queries(8 + 4 * members):
        assert c.get("/").status_code == 200


@pytest.mark.parametrize("who", ["admin", "public", "yrd-secretariat"])
def test_cached_aggregates_equal_uncached(demo, who):
    from xietong.accounts.models import User

    scope = {
        "admin": scope_for(demo),
        "public": ANONYMOUS,
        "yrd-secretariat": scope_for(User.objects.get(username="yrd-secretariat")),
    }[who]
    for level, within in [
        ("province", None),
        ("county", "320000000000"),
        ("prefecture", "330000000000"),
    ]:
        kw = dict(scope=scope, level=level, within=within, indicators=["students", "teachers"])
        uncached = selectors.aggregates_uncached(**kw)
        assert selectors.aggregates(**kw) == uncached
        assert selectors.aggregates(**kw) == uncached  # from the cache
        assert uncached or who == "public"


def test_a_release_is_seen_on_the_next_request(demo):
    """The public sees Anhui's 2024 figures once they are released again: deleting the release
    and publishing it change the statistics token, so the cached rows are not served."""
    anhui = dict(scope=ANONYMOUS, level="province", within="340000000000", year=2024)
    assert [r["year"] for r in selectors.aggregates(**anhui)] == [2024]
    before = selectors.statistics_version()
    StatisticsRelease.objects.filter(jurisdiction_id="340000000000", year=2024).delete()
    assert selectors.statistics_version() != before
    assert selectors.aggregates(**anhui) == []
    from xietong.schools.services import release_publish

    release_publish(
        jurisdiction=Jurisdiction.objects.get(code="340000000000"), year=2024, actor=demo
    )
    assert [r["year"] for r in selectors.aggregates(**anhui)] == [2024]


def test_an_import_is_seen_on_the_next_request(demo):
    """New school values (the services refresh the county totals) show on the home page's card
    and in the gap report at once."""
    from xietong.schools.services import statistics_set

    yrd = CooperationArea.objects.get(slug="yrd")
    shanghai = dict(scope=scope_for(demo), level="province", within="310000000000", year=2024)
    students = selectors.aggregates(**shanghai)[0]["students"]
    report = gap_report(area=yrd, indicator="building_area_per_student", years=[2024])
    school = (
        School.objects.filter(county__code__startswith="31", stage="primary", is_open=True)
        .order_by("code")
        .first()
    )
    statistics_set(
        school=school,
        year=2024,
        values={"students": Decimal(students) + 1000, "building_area": Decimal(10**6)},
        actor=demo,
    )
    after = selectors.aggregates(**shanghai)[0]["students"]
    assert after > students
    again = gap_report(area=yrd, indicator="building_area_per_student", years=[2024])
    assert again.years[0].mean != report.years[0].mean
    c = Client()
    c.force_login(demo)
    page = c.get("/areas/yrd/").content.decode()
    assert f"{round(after):,}" in page


def _tree_queries(c, path) -> tuple[str, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        r = c.get(path)
    assert r.status_code == 200
    tree = [
        q["sql"] for q in ctx.captured_queries if '"regions_jurisdiction"."level" IN' in q["sql"]
    ]
    return r.content.decode(), len(tree)


def test_school_list_reads_the_division_tree_once_per_divisions_version(demo):
    c = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    c.force_login(demo)
    path = "/schools/?within=320000000000"
    _html, first = _tree_queries(c, path)
    html, again = _tree_queries(c, path)
    assert first == 1 and again == 0  # the picker's tree comes from the cache
    county = Jurisdiction.objects.filter(
        code__startswith="32", level="county", is_placeholder=False, valid_until__isnull=True
    ).order_by("code")[0]
    assert county.name_zh in html
    county.name_zh = "测试更名区"
    county.save()  # a saved division: a new divisions version
    html, after = _tree_queries(c, path)
    assert after == 1 and "测试更名区" in html
