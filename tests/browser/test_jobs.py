"""A secretariat starts the matching of a 20,000-teacher round from the round page: `xietong
serve` with a worker beside it, on a database of its own; the page shows the job's progress as
it goes, without reloading, and then the results."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
import urllib.request

import pytest

from tests.jobs import procs

from .helpers import login, require_chromium

require_chromium()


RUNNING_STAGES = (
    "Reading the applications and posts",
    "Matching teachers to posts",
    "Storing the placements",
    "Checking the policy targets",
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def served(tmp_path):
    procs.flush_redis()
    db = procs.fresh_database(tmp_path)
    port = _free_port()
    env = procs.environment(db, tmp_path, procs.BACKENDS[-1], XIETONG_JOB_HEARTBEAT_SECONDS=0.5)
    server = procs.start(env, "serve", "--port", port, "--workers", 1, "--job-workers", 1)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120
    while True:
        try:
            urllib.request.urlopen(base + "/login/", timeout=5).read()
            break
        except OSError:
            assert server.poll() is None, server.stdout.read()[-3000:]
            assert time.monotonic() < deadline, "the server did not start"
            time.sleep(0.3)
    yield base, db
    server.send_signal(signal.SIGTERM)  # gunicorn stops, then the worker beside it
    try:
        server.wait(timeout=60)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()
    procs.flush_redis()


def test_match_20000_teachers_from_the_round_page(browser, served):
    base, db = served
    rnd = procs.template()["round"]
    assert procs.template()["teachers"] >= 20_000
    page = browser.new_page(locale="en-GB")
    login(page, base, "jjj-secretariat")
    page.goto(f"{base}/talent/rounds/{rnd}/")
    with page.expect_navigation():
        page.click("#match-form button")
    page.wait_for_selector("#job[data-job-url] progress")
    page.evaluate("window.__sameDocument = true")  # gone if the page were reloaded
    stages = set()
    steps: list[str] = []
    deadline = time.monotonic() + 300
    while page.locator("#certificate").count() == 0:
        assert time.monotonic() < deadline, f"no result after 300 s; saw {stages}"
        try:
            if page.evaluate("window.__sameDocument === true"):
                stages.add(page.inner_text("#job [data-job-stage]"))
                listed = page.locator("#job [data-job-steps] li").all_inner_texts()
                if len(listed) >= len(steps):
                    steps = listed
        except Exception:  # the page moved on to the result while we looked
            pass
        time.sleep(0.05)
    # seen while the page stayed the same document: the live stage label (a short stage may fall
    # between two polls) and the list of steps gone through, which keeps the short ones
    running = stages - {"Waiting for a worker"}
    assert running and running <= set(RUNNING_STAGES), stages
    assert "Storing the placements" in running, stages  # the longest, seconds at 20,000
    assert steps[:3] == list(RUNNING_STAGES[:3]), steps  # in the order the worker went
    assert set(steps) <= set(RUNNING_STAGES), steps
    text = page.inner_text("main")
    assert "Matched" in page.inner_text("#status")
    assert page.locator("#job").count() == 0 and "#match-form" not in text
    status, attempts = procs.query(
        db, "SELECT status, attempts FROM jobs_job WHERE kind = %s", "talent.match"
    )
    assert (status, attempts) == ("succeeded", 1)
    placements = procs.query(db, "SELECT count(*) FROM talent_placement")[0]
    assert placements == procs.query(db, "SELECT count(*) FROM talent_application")[0] > 10_000
    page.close()
