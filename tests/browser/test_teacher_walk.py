"""A teacher, in zh-Hans, from login to their exchange result with its explanation."""

import pytest

from .helpers import login, require_chromium

require_chromium()


@pytest.fixture
def demo_round(transactional_db):
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load
    from xietong.talent.demo import talent_demo_load

    jurisdictions_load()
    standard_areas_ensure()
    demo_load(scale=0.01, years=(2023, 2024))
    return talent_demo_load(teachers=300, choices=5)


def test_teacher_logs_in_and_finds_their_result(browser, live_server, demo_round):
    from xietong.talent.models import Placement, Teacher

    me = Teacher.objects.get(user__username="teacher")
    placement = Placement.objects.get(teacher=me)
    page = browser.new_page(locale="zh-CN")  # a browser set to Chinese
    login(page, live_server.url, "teacher")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    page.goto(live_server.url + "/talent/")
    assert "示例教师（演示账号）" in page.inner_text("main")  # "you are registered as ..."
    page.locator("#rounds tbody tr td a").first.click()
    page.wait_for_selector("h1")
    with page.expect_navigation():
        page.click(f"a[href='/talent/rounds/{placement.round_id}/results/']")
    text = page.inner_text("main")
    assert me.code in text
    rows = page.locator("main table tbody tr")
    assert rows.count() == 1  # a teacher sees only their own row
    if placement.post_id:
        assert placement.post.code in text
    else:
        assert placement.why_not  # not placed: the why-not of each ranked post is shown
        assert placement.why_not[0]["post"] in text
    page.close()
