"""`xietong serve` on PostgreSQL under 50 concurrent requests: every one answered, and the
server's database connections bounded by workers x threads, not growing with the traffic.

Django's development server used to be `xietong serve`: a thread per request, each keeping its
connection (CONN_MAX_AGE=60), so 50 concurrent requests held about 50 of PostgreSQL's 100."""

import os
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import urlsplit, urlunsplit

import pytest

URL = os.environ.get("DATABASE_URL", "")
pytestmark = pytest.mark.skipif(
    not URL.startswith(("postgres://", "postgresql://")), reason="needs PostgreSQL"
)
WORKERS, THREADS, CONCURRENT = 2, 3, 50


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + name))


@pytest.fixture
def serve_database():
    """An empty database of its own next to the test run's; `serve` migrates it."""
    import psycopg

    name = f"{urlsplit(URL).path.lstrip('/') or 'xietong'}_serve_{os.getpid()}"
    admin = psycopg.connect(_with_database(URL, "postgres"), autocommit=True)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    admin.execute(f'CREATE DATABASE "{name}"')
    yield name, admin
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=60) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as exc:
        return exc.code
    except OSError as exc:
        return repr(exc)


def _connections(admin, name: str) -> int:
    row = admin.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = %s", (name,))
    return row.fetchone()[0]


def _burst(url: str) -> list:
    start = threading.Barrier(CONCURRENT)

    def one(_):
        start.wait()
        return _get(url)

    with ThreadPoolExecutor(CONCURRENT) as pool:
        return list(pool.map(one, range(CONCURRENT)))


def test_serve_answers_50_concurrent_requests_with_bounded_connections(serve_database, tmp_path):
    name, admin = serve_database
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DJANGO_SETTINGS_MODULE", "PYTEST_VERSION", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DATABASE_URL=_with_database(URL, name),
        SECRET_KEY=secrets.token_urlsafe(50),
        XIETONG_DATA_DIR=str(tmp_path),
    )
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "xietong", "serve", "--port", str(port)]
        # the web processes' connections only: no job worker beside them (it holds its own)
        + ["--workers", str(WORKERS), "--threads", str(THREADS), "--job-workers", "0"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    page = f"http://127.0.0.1:{port}/"  # the overview: areas and their statistics
    try:
        deadline = time.monotonic() + 300  # serve migrates the empty database first
        while _get(page) != 200:
            assert server.poll() is None, (tmp_path / "serve.log").read_text()
            assert time.monotonic() < deadline, (tmp_path / "serve.log").read_text()
            time.sleep(0.5)
        bound = WORKERS * THREADS
        first = _burst(page)
        after_first = _connections(admin, name)
        second = _burst(page)
        after_second = _connections(admin, name)
        assert first == [200] * CONCURRENT and second == [200] * CONCURRENT
        assert after_first <= bound, after_first
        assert after_second <= after_first, (after_first, after_second)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
        log.close()
    deadline = time.monotonic() + 10
    while _connections(admin, name) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _connections(admin, name) == 0  # a stopped server leaves nothing behind
    assert "gunicorn" in (tmp_path / "serve.log").read_text().lower()
