"""The secretariat circulates a proposal from the page, two members cast their positions in the
browser, and the outcome computed under the frozen rule appears on the page."""

import datetime as dt

import pytest

from .helpers import login, require_chromium

require_chromium()


@pytest.fixture
def yrd_body(transactional_db):
    from django.contrib.auth import get_user_model

    from xietong.consultation import services
    from xietong.consultation.models import Level
    from xietong.regions.models import CooperationArea
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.demo import demo_load

    jurisdictions_load()
    standard_areas_ensure()
    demo_load(scale=0.01, years=(2024,))  # the demo users, with the demo password
    users = get_user_model().objects
    sec = users.get(username="yrd-secretariat")
    body = services.body_create(
        area=CooperationArea.objects.get(slug="yrd"), name_zh="长三角会商", actor=sec
    )
    services.forum_create(body=body, level=Level.DECISION, name_zh="主要领导座谈会", actor=sec)
    for d in body.delegations.all():
        name = {
            "310000000000": "shanghai-bureau",
            "320000000000": "jiangsu-bureau",
            "330000000000": "zhejiang-bureau",
            "340000000000": "anhui-bureau",
        }[d.member_id]
        u = users.get(username=name)
        services.delegate_appoint(
            delegation=d, user=u, role="delegate", since=dt.date(2026, 1, 1), actor=u
        )
    return body


def _open_positions_now(p):
    """Let the scheduler close the comment window, and open the positions window now (the
    window the circulation set starts a working day ahead)."""
    from django.utils import timezone

    from xietong.consultation import services

    services.proposal_advance(proposal=p, at=p.comments_close_at)
    b = p.ballots.get()
    b.opens_at = timezone.now() - dt.timedelta(minutes=1)
    b.save()


def test_circulate_cast_as_two_members_and_see_the_outcome(browser, live_server, yrd_body):
    from xietong.consultation import services
    from xietong.consultation.models import Proposal

    page = browser.new_page(locale="zh-CN")
    login(page, live_server.url, "yrd-secretariat")
    page.goto(live_server.url + "/consultation/yrd/proposals/new/")
    page.select_option("select[name=forum]", index=1)
    page.fill("input[name=title]", "长三角联合教研办法")
    page.fill("textarea[name=text]", "一、每学期联合教研四次。\n\n二、由轮值省市承办。")
    page.select_option("select[name=kind]", "simple_majority")
    with page.expect_navigation():
        page.click("#consultation-form button[type=submit]")
    p = Proposal.objects.get(title="长三角联合教研办法")
    assert page.url.endswith(f"/consultation/yrd/proposals/{p.number}/")
    page.fill("#circulate-form input[name=comment_days]", "1")
    page.fill("#circulate-form input[name=position_days]", "2")
    with page.expect_navigation():
        page.click("#circulate-form button[type=submit]")
    assert "意见征询中" in page.inner_text("#status")
    page.wait_for_function(
        "document.querySelector('.countdown') && document.querySelector('.countdown').textContent"
    )
    assert "剩余" in page.inner_text("#deadline")
    page.close()
    p.refresh_from_db()
    _open_positions_now(p)
    for user, kind, text in (
        ("shanghai-bureau", "support", ""),
        ("zhejiang-bureau", "reservation", "浙江保留：承办经费另议。"),
    ):
        page = browser.new_page(locale="zh-CN")
        login(page, live_server.url, user)
        page.goto(live_server.url + f"/consultation/yrd/proposals/{p.number}/")
        page.select_option("#position-form select[name=kind]", kind)
        if text:
            page.fill("#position-form textarea[name=text]", text)
        with page.expect_navigation():
            page.click("#position-form button[type=submit]")
        assert "成员立场已记录" in page.inner_text("main")
        page.close()
    # the deadline comes: the scheduler computes the outcome under the frozen rule
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    page = browser.new_page(locale="zh-CN")
    login(page, live_server.url, "anhui-bureau")
    page.goto(live_server.url + f"/consultation/yrd/proposals/{p.number}/")
    assert "已通过" in page.inner_text("#status")
    explanation = page.inner_text("#explanation-1")
    assert "赞成票（占所投票数）：2" in explanation and "满足" in explanation
    assert "浙江保留：承办经费另议。" in page.inner_text("#positions-1")
    page.close()
