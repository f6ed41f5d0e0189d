"""Login throttling: after repeated wrong passwords one user name from one address is refused, on
the site's login and the admin's; other users and other addresses are not."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client, RequestFactory, override_settings

from xietong.accounts.services import user_create
from xietong.accounts.throttle import client_ip

PASSWORD = "heron-lantern-2024"
HERE, ELSEWHERE = "203.0.113.7", "198.51.100.20"


@pytest.fixture
def people(db):
    return {
        "clerk": user_create(username="clerk", password=PASSWORD, actor=None),
        "other": user_create(username="other", password=PASSWORD, actor=None),
        "root": user_create(username="root", password=PASSWORD, is_superuser=True, actor=None),
    }


def _login(url, username, password, ip, **extra):
    c = Client(REMOTE_ADDR=ip, **extra)
    r = c.post(url, {"username": username, "password": password})
    return r, "_auth_user_id" in c.session


def _hammer(url, username, ip, times=30):
    codes = {_login(url, username, "wrong-" + str(i), ip)[0].status_code for i in range(times)}
    return codes


@pytest.mark.parametrize("url,user", [("/login/", "clerk"), ("/admin/login/", "root")])
def test_thirty_wrong_passwords_then_the_right_one_is_refused(people, url, user):
    codes = _hammer(url, user, HERE)
    assert 429 in codes  # the wrong tries themselves are refused once the limit is reached
    r, logged_in = _login(url, user, PASSWORD, HERE)
    assert r.status_code == 429 and not logged_in
    assert b'id="locked-out"' in r.content


@pytest.mark.parametrize("url,user", [("/login/", "clerk"), ("/admin/login/", "root")])
def test_other_users_and_other_addresses_still_log_in(people, url, user):
    _hammer(url, user, HERE)
    # the same user from another address
    r, logged_in = _login(url, user, PASSWORD, ELSEWHERE)
    assert r.status_code == 302 and logged_in
    # another user from the same address
    r, logged_in = _login("/login/", "other", PASSWORD, HERE)
    assert r.status_code == 302 and logged_in


def test_the_limit_is_the_configured_number_of_failures(people):
    for i in range(settings.AXES_FAILURE_LIMIT - 1):
        r, _ = _login("/login/", "clerk", f"wrong-{i}", HERE)
        assert r.status_code == 200  # the form again, with its error
    r, logged_in = _login("/login/", "clerk", PASSWORD, HERE)
    assert r.status_code == 302 and logged_in  # a success before the limit resets the count
    for i in range(settings.AXES_FAILURE_LIMIT):
        _login("/login/", "clerk", f"wrong-{i}", HERE)
    assert _login("/login/", "clerk", PASSWORD, HERE)[0].status_code == 429


def test_the_lock_lifts_after_the_cool_off(people):
    _hammer("/login/", "clerk", HERE, times=settings.AXES_FAILURE_LIMIT)
    assert _login("/login/", "clerk", PASSWORD, HERE)[0].status_code == 429
    AccessAttempt.objects.update(
        attempt_time=dt.datetime.now(dt.UTC) - settings.AXES_COOLOFF_TIME - dt.timedelta(seconds=1)
    )
    r, logged_in = _login("/login/", "clerk", PASSWORD, HERE)
    assert r.status_code == 302 and logged_in


def test_the_lockout_page_is_in_the_readers_language(people):
    _hammer("/login/", "clerk", HERE, times=settings.AXES_FAILURE_LIMIT)
    zh, _ = _login("/login/", "clerk", PASSWORD, HERE, HTTP_ACCEPT_LANGUAGE="zh-hans")
    en, _ = _login("/login/", "clerk", PASSWORD, HERE, HTTP_ACCEPT_LANGUAGE="en")
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"{minutes} minutes".encode() in en.content and b"Too many wrong passwords" in en.content
    assert f"{minutes} 分钟内不能登录".encode() in zh.content


def test_client_address_behind_proxies():
    rf = RequestFactory()
    request = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7")
    assert client_ip(request) == "127.0.0.1"  # no proxy configured: the header is not trusted
    with override_settings(XIETONG_PROXY_COUNT=1):
        assert client_ip(request) == "203.0.113.7"  # what our proxy saw, not what the client wrote
        assert client_ip(rf.get("/", REMOTE_ADDR="10.1.1.1")) == "10.1.1.1"
    with override_settings(XIETONG_PROXY_COUNT=2):
        assert client_ip(request) == "6.6.6.6"


@override_settings(XIETONG_PROXY_COUNT=1)
def test_behind_a_proxy_each_client_address_counts_apart(people):
    proxy = "127.0.0.1"
    for i in range(30):
        Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=HERE).post(
            "/login/", {"username": "clerk", "password": f"wrong-{i}"}
        )
    c = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ELSEWHERE)
    assert c.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 302
    c = Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=HERE)
    assert c.post("/login/", {"username": "clerk", "password": PASSWORD}).status_code == 429
