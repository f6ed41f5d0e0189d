"""Key pages in a real headless browser: Playwright driving Debian's chromium package."""

import pytest

from .helpers import login, require_chromium

require_chromium()


@pytest.fixture
def demo(transactional_db):
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load

    jurisdictions_load()
    standard_areas_ensure()
    return demo_load(scale=0.01, years=(2023, 2024))


def test_public_overview_area_and_language(browser, live_server, demo):
    page = browser.new_page()
    page.goto(live_server.url + "/")
    assert page.locator("[data-area=yrd]").is_visible()
    page.click("[data-area=tongwulang]")
    page.wait_for_selector("#members")
    assert page.locator("#members tbody tr").count() == 3
    page.wait_for_selector("#map .plotly .main-svg", timeout=20000)  # plotly.js drew the map
    with page.expect_navigation():
        page.select_option("select[name=language]", "en")
    page.wait_for_selector("#members")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "Members" in page.inner_text("main")
    assert "Tongzhou-Wuqing-Langfang" in page.inner_text("main")
    page.close()


def test_bureau_browses_schools_and_charts(browser, live_server, demo):
    page = browser.new_page()
    login(page, live_server.url, "langfang-bureau")
    page.goto(live_server.url + "/schools/")
    rows = page.locator("#schools tbody tr")
    assert rows.count() > 0
    codes = page.locator("#schools tbody tr td:first-child").all_inner_texts()
    assert all(code.startswith("1310") for code in codes)  # only Langfang's schools
    page.locator("#schools tbody tr td a").first.click()
    page.wait_for_selector("#stats")
    page.wait_for_selector(".plotly .main-svg", timeout=20000)
    assert page.locator(".badge.synthetic").count() >= 1
    page.close()


def test_school_admin_imports_a_file_with_an_error(browser, live_server, demo, tmp_path):
    from xietong.accounts.models import User

    school = User.objects.get(username="school-admin").roles.get().school
    bad = tmp_path / "bad.csv"
    bad.write_text(f"school_code,year,students\n{school.code},2024,lots\n")
    page = browser.new_page()
    login(page, live_server.url, "school-admin")
    page.goto(live_server.url + "/statistics/import/")
    page.set_input_files("input[type=file]", str(bad))
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#problems")
    text = page.inner_text("#problems")
    assert "bad.csv" in text and "students" in text and "2" in text
    page.close()
