"""Weak passwords are refused wherever an account gets one: user_create, the admin, the demo."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.test import Client

from xietong.accounts.models import User
from xietong.accounts.services import user_create


@pytest.mark.parametrize(
    "password", ["12345678", "password", "clerk-wang", "xietong1", "3141592653589"]
)
def test_user_create_refuses_weak_passwords(db, password):
    with pytest.raises(ValueError) as err:
        user_create(username="clerk-wang", password=password, actor=None)
    assert str(err.value)
    assert not User.objects.filter(username="clerk-wang").exists()


def test_user_create_names_the_problem_in_the_readers_language(db):
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValueError) as en:
        user_create(username="clerk-wang", password="password", actor=None)
    with translation.override("zh-hans"), pytest.raises(ValueError) as zh:
        user_create(username="clerk-wang", password="password", actor=None)
    assert "too common" in str(en.value)
    assert "密码" in str(zh.value)


def test_user_create_accepts_a_strong_password_and_no_password(db):
    user = user_create(username="clerk-wang", password="heron-lantern-2024", actor=None)
    assert user.check_password("heron-lantern-2024")
    nobody = user_create(username="machine", password=None, actor=None)
    assert not nobody.has_usable_password()


def test_admin_refuses_weak_passwords(world):
    c = Client()
    c.force_login(world["users"]["admin"])
    r = c.post(
        "/admin/accounts/user/add/",
        {"username": "clerk-wang", "password1": "password", "password2": "password"},
    )
    assert r.status_code == 200
    assert b"too common" in r.content or "太常见".encode() in r.content
    assert not User.objects.filter(username="clerk-wang").exists()


def test_the_demo_password_passes_every_validator():
    from xietong.schools.demo import DEMO_PASSWORD, DEMO_USERS

    for username, display, *_ in DEMO_USERS:
        validate_password(DEMO_PASSWORD, User(username=username, display_name=display))
