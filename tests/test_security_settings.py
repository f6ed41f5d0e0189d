"""Production settings: no SECRET_KEY means no server, `check --deploy` is clean with the
documented environment, and every page carries a strict Content-Security-Policy."""

import json
import os
import secrets
import stat
import subprocess
import sys

import pytest
from django.test import Client

XIETONG = [sys.executable, "-m", "xietong"]


def _env(tmp_path, **extra):
    """A shell of someone running xietong on a server: none of the test run's own variables."""
    drop = ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE", "PYTEST_VERSION")
    drop += ("SECRET_KEY", "DEBUG")
    env = {k: v for k, v in os.environ.items() if k not in drop and not k.startswith("XIETONG_")}
    env["XIETONG_DATA_DIR"] = str(tmp_path / "data")
    env.update(extra)
    return env


def _run(env, *args, timeout=300):
    return subprocess.run(
        [*XIETONG, *args], env=env, capture_output=True, text=True, timeout=timeout
    )


def _python(env, code):
    env = {"DJANGO_SETTINGS_MODULE": "xietong.settings", **env}
    return subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120
    )


def production(tmp_path, **extra):
    return _env(
        tmp_path,
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="xietong.example.org",
        XIETONG_HTTPS="1",
        **extra,
    )


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    r = _run(production(tmp_path), "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "System check identified no issues (0 silenced)." in r.stdout


def test_check_deploy_names_what_is_missing_without_https(tmp_path):
    env = production(tmp_path)
    del env["XIETONG_HTTPS"]
    r = _run(env, "manage", "check", "--deploy", "--fail-level", "WARNING")
    assert r.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in r.stderr + r.stdout


def test_https_settings_come_from_the_environment(tmp_path):
    code = (
        "import json; from django.conf import settings as s; print(json.dumps(["
        "s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, "
        "s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_PROXY_SSL_HEADER]))"
    )
    on = _python(production(tmp_path, XIETONG_PROXY_COUNT="1"), code)
    assert json.loads(on.stdout) == [
        True,
        True,
        True,
        31_536_000,
        True,
        ["HTTP_X_FORWARDED_PROTO", "https"],
    ], on.stderr
    off = _python(_env(tmp_path, SECRET_KEY="k" * 60), code)
    assert json.loads(off.stdout) == [False, False, False, 0, False, None], off.stderr


def test_serve_refuses_to_start_without_secret_key(tmp_path):
    env = _env(tmp_path)
    r = _run(env, "serve", "--port", "1")
    assert r.returncode == 2
    assert "SECRET_KEY" in r.stderr and "Traceback" not in r.stderr
    # every other command that needs the database says the same, plainly
    r = _run(env, "migrate")
    assert r.returncode == 2 and "SECRET_KEY is not set" in r.stderr and "Traceback" not in r.stderr


def test_gunicorn_on_the_wsgi_module_refuses_without_secret_key(tmp_path):
    r = _python(_env(tmp_path), "import xietong.wsgi")
    assert r.returncode != 0 and "SECRET_KEY is not set" in r.stderr


def test_demo_key_is_random_private_and_kept_but_never_serves_production(tmp_path):
    env = _env(tmp_path, XIETONG_DEMO="1")
    code = (
        "from django.conf import settings; print(settings.SECRET_KEY_SOURCE, settings.SECRET_KEY)"
    )
    first = _python(env, code)
    assert first.returncode == 0, first.stderr
    source, key = first.stdout.split()
    key_file = tmp_path / "data" / "secret_key"
    assert source == "data-dir" and key == key_file.read_text().strip() and len(key) >= 50
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert _python(env, code).stdout.split()[1] == key  # kept: sessions survive a restart
    other = _python(_env(tmp_path / "b", XIETONG_DEMO="1"), code)
    assert other.stdout.split()[1] != key
    # the demo's data directory: commands work with its key, but `serve` is not the demo
    plain = _env(tmp_path)
    assert _python(plain, code).stdout.split() == ["data-dir", key]
    r = _run(plain, "serve", "--port", "1")
    assert r.returncode == 2 and "SECRET_KEY" in r.stderr


def test_serve_rejects_nonsense_worker_counts(tmp_path):
    r = _run(production(tmp_path), "serve", "--workers", "0")
    assert r.returncode == 2 and "--workers and --threads must be at least 1" in r.stderr


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy():
    r = Client().get("/login/")
    policy = dict(
        part.strip().split(" ", 1)
        for part in r["Content-Security-Policy"].split(";")
        if part.strip()
    )
    assert policy["script-src"] == "'self'"
    assert policy["object-src"] == "'none'" and policy["frame-ancestors"] == "'none'"
    for directive in ("script-src", "style-src", "default-src"):
        assert "unsafe-inline" not in policy[directive] and "unsafe-eval" not in policy[directive]
    assert b"<script>" not in r.content and b" onchange=" not in r.content
