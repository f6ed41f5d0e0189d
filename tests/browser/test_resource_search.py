"""A visitor, in zh-Hans, searches the resource library in Chinese and narrows the results by
clicking a facet."""

import pytest

from .helpers import require_chromium

require_chromium()


@pytest.fixture
def library(transactional_db, world, settings, tmp_path):
    from tests.resources.conftest import SEED, make, publish
    from xietong.resources import searching
    from xietong.resources.services import vocabulary_load

    settings.XIETONG_SEARCH_DIR = str(tmp_path / "search")
    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    design = publish(world, make(world, visibility="public"))
    sheet = publish(
        world,
        make(world, title_zh="有理数的加法练习", kind="exercise_set", visibility="public"),
    )
    searching.sync()
    return design, sheet


def test_search_in_chinese_and_click_a_facet(browser, live_server, library):
    design, sheet = library
    page = browser.new_page(locale="zh-CN")
    page.goto(live_server.url + "/resources/search/")
    page.fill("#search-form input[name=q]", "加法")
    with page.expect_navigation():
        page.click("#search-form button[type=submit]")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("#hits li.hit").count() == 2
    assert page.locator("#hits mark").first.inner_text() == "加法"
    link = page.locator("#facets [data-facet=kind] a[data-code=exercise_set]")
    assert link.inner_text() == "作业"
    with page.expect_navigation():
        link.click()
    hits = page.locator("#hits li.hit")
    assert hits.count() == 1
    assert hits.first.get_attribute("data-id") == str(sheet.pk)
    assert page.locator("#facets a.selected").count() == 1
    page.close()
