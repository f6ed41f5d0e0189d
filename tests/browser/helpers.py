"""Shared by the browser tests: where chromium is, how it starts, how a demo user logs in."""

import os
import shutil

import pytest

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def require_chromium() -> None:
    """Skip the calling test module when chromium is missing (fail if it is required)."""
    if not os.path.exists(CHROMIUM):
        if os.environ.get("XIETONG_REQUIRE_BROWSER"):
            raise RuntimeError(
                "chromium is required for the browser tests (apt-get install chromium)"
            )
        pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


def login(page, base, username, password="xietong-demo"):
    page.goto(f"{base}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
