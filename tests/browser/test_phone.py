"""The key pages on a phone: in chromium at 390 CSS pixels wide, no page is wider than the
screen (wide tables scroll inside themselves, the navigation wraps, charts and forms fit). And
the pickers' searching, which pickers.js adds to forms that work without it."""

import pytest

from .helpers import login, require_chromium

require_chromium()

PHONE = {"width": 390, "height": 844}
WIDTH = """() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"""
CHARTS_DRAWN = """() => [...document.querySelectorAll("[data-figure]")]
  .every((d) => d.querySelector(".main-svg"))"""


@pytest.fixture
def full_demo(transactional_db):
    from xietong.evaluation.demo import evaluation_demo_load
    from xietong.finance.demo import finance_demo_load
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load
    from xietong.talent.demo import talent_demo_load

    jurisdictions_load()
    standard_areas_ensure()
    demo_load(scale=0.01, years=(2023, 2024))
    evaluation_demo_load()
    talent_demo_load(teachers=300)
    finance_demo_load()


def _key_pages() -> list[str]:
    from django.urls import reverse

    from xietong.evaluation.models import EvaluationRun
    from xietong.finance.models import ContributionRound
    from xietong.schools.models import School
    from xietong.talent.models import ExchangeRound

    run = EvaluationRun.objects.order_by("pk").first()
    county = run.counties.order_by("county_id").first().county_id
    school = School.objects.filter(county__code__startswith="1310").order_by("code").first()
    rnd = ExchangeRound.objects.order_by("pk").first()
    fund_round = ContributionRound.objects.filter(fund__area__slug="yrd").order_by("pk").first()
    return [
        "/",
        "/areas/yrd/",
        "/jurisdictions/131000000000/",
        "/schools/",
        f"/schools/{school.code}/",
        "/statistics/import/",
        reverse("evaluation_home"),
        reverse("evaluation_run", args=[run.pk]),
        reverse("evaluation_county", args=[run.pk, county]),
        reverse("gap_dashboard", args=["yrd"]),
        reverse("talent_home"),
        reverse("talent_round", args=[rnd.pk]),
        reverse("talent_results", args=[rnd.pk]),
        reverse("talent_appointments"),
        reverse("finance_fund", args=["yrd"]),
        reverse("finance_round", args=["yrd", fund_round.pk]),
        reverse("finance_statement", args=["yrd", "320000000000"]) + "?period=2024",
        reverse("finance_project_create", args=["yrd"]),
    ]


def test_key_pages_fit_a_phone(browser, live_server, full_demo):
    page = browser.new_page(viewport=PHONE)
    login(page, live_server.url, "admin")  # the administrator's pages carry every form
    too_wide = {}
    for path in _key_pages():
        response = page.goto(live_server.url + path)
        assert response.status == 200, path
        page.wait_for_load_state("networkidle")
        page.wait_for_function(CHARTS_DRAWN, timeout=30000)
        scroll, client = page.evaluate(WIDTH)
        assert client == 390
        if scroll > 390:
            too_wide[path] = scroll
    assert too_wide == {}
    # a wide table still shows all its columns: it scrolls inside itself
    page.goto(live_server.url + "/schools/")
    table = page.locator("#schools")
    assert table.evaluate("t => t.scrollWidth > t.clientWidth")
    page.close()


def test_jurisdiction_tree_search(browser, live_server, full_demo):
    page = browser.new_page(viewport=PHONE)
    login(page, live_server.url, "langfang-bureau")
    page.goto(live_server.url + "/schools/")
    box = page.locator("input[data-filter-for=id_within]")
    assert box.is_visible()  # pickers.js showed the search box
    options = page.locator("#id_within option")
    codes = [v for v in options.evaluate_all("os => os.map(o => o.value)") if v]
    assert codes and all(c.startswith("1310") for c in codes)  # Langfang's subtree only
    box.fill("sanhe")  # pinyin of 三河市
    shown = page.locator("#id_within option:not([hidden])").evaluate_all(
        "os => os.map(o => o.value).filter(Boolean)"
    )
    assert shown == ["131082000000"]
    page.select_option("#id_within", "131082000000")
    with page.expect_navigation():
        page.click("#school-filters button[type=submit]")
    rows = page.locator("#schools tbody tr td:first-child").all_inner_texts()
    assert rows and all(code.startswith("131082") for code in rows)
    page.close()


def test_school_search_picker_asks_the_scoped_endpoint(browser, live_server, full_demo):
    from xietong.schools.models import School

    page = browser.new_page(viewport=PHONE)
    login(page, live_server.url, "admin")
    page.goto(live_server.url + "/talent/appointments/")
    box = page.locator("#appointment-form input[name=school][data-picker]")
    assert box.count() == 1  # the administrator sees more schools than a select holds
    school = School.objects.filter(county__code__startswith="131082").order_by("code").first()
    with page.expect_response(lambda r: "/pickers/schools/" in r.url and "q=" in r.url):
        box.fill("三河")
    page.wait_for_function(
        "code => [...document.querySelectorAll('#id_school-choices option')]"
        ".some((o) => o.value === code)",
        arg=school.code,
    )
    box.fill(school.code)
    label = page.locator("#appointment-form output[for=id_school]").inner_text()
    assert label.startswith(school.code) and (school.name_en or school.name_zh) in label
    page.close()
