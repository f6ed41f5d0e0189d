"""Databases and processes for the tests that run real workers: a database of their own (SQLite
file, or a PostgreSQL database beside the test run's), built once per test run from the demo
loaders and copied for each test, and `xietong` processes pointed at it."""

from __future__ import annotations

import atexit
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parents[2]
SCENARIO = Path(__file__).with_name("scenario.py")
URL = os.environ.get("DATABASE_URL", "")
POSTGRES = URL.startswith(("postgres://", "postgresql://"))
REDIS_URL = os.environ.get("XIETONG_REDIS_URL", "")
BACKENDS = ["database", *(["redis"] if REDIS_URL else [])]
TEACHERS = 20_000

_template: dict = {}
_made: list[str] = []


def _pg_url(name: str) -> str:
    return urlunsplit(urlsplit(URL)._replace(path="/" + name))


def _pg_admin():
    import psycopg

    return psycopg.connect(_pg_url("postgres"), autocommit=True)


def _base_name() -> str:
    return f"{urlsplit(URL).path.lstrip('/') or 'xietong'}_jobs_{os.getpid()}"


@atexit.register
def _drop_databases() -> None:
    if not POSTGRES or not _made:
        return
    with _pg_admin() as admin:
        for name in _made:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def environment(db_url: str, data_dir: Path, backend: str = "database", **extra) -> dict:
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "XIETONG_DATA_DIR": str(data_dir),
        "SECRET_KEY": "jobs-tests-" + "x" * 40,
        "XIETONG_TASKS_BACKEND": backend,
        "PYTHONPATH": str(ROOT / "src") + os.pathsep + os.environ.get("PYTHONPATH", ""),
        "XIETONG_WORKER_POLL_SECONDS": "0.2",
    }
    env.pop("DEBUG", None)
    env.update({k: str(v) for k, v in extra.items()})
    return env


def scenario(env: dict, *args) -> dict:
    out = subprocess.run(
        [sys.executable, str(SCENARIO), *map(str, args)],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def template() -> dict:
    """Built once per test run: the demo region and a 20,000-teacher round ready to match."""
    if _template:
        return _template
    work = Path(tempfile.mkdtemp(prefix="xietong-jobs-"))
    atexit.register(shutil.rmtree, work, True)
    if POSTGRES:
        name = _base_name() + "_tpl"
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}"')
        _made.append(name)
        url = _pg_url(name)
    else:
        url = f"sqlite:///{work / 'template.sqlite3'}"
    info = scenario(environment(url, work), "setup", TEACHERS)
    _template.update(url=url, work=work, name=url.rsplit("/", 1)[-1], **info)
    return _template


def fresh_database(tmp_path: Path) -> str:
    """A copy of the template for one test."""
    tpl = template()
    if POSTGRES:
        name = f"{_base_name()}_{len(_made)}"
        with _pg_admin() as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{tpl["name"]}"')
        _made.append(name)
        return _pg_url(name)
    path = tmp_path / "xietong.sqlite3"
    src = sqlite3.connect(tpl["url"].removeprefix("sqlite:///"))
    dst = sqlite3.connect(path)
    src.backup(dst)  # a consistent copy, WAL included
    src.close()
    dst.close()
    return f"sqlite:///{path}"


def query(db_url: str, sql: str, *params):
    """One row read straight from the database (the tests watch a running worker this way)."""
    if db_url.startswith("sqlite:///"):
        con = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=30)
        try:
            return con.execute(sql.replace("%s", "?"), params).fetchone()
        finally:
            con.close()
    import psycopg

    with psycopg.connect(db_url, autocommit=True) as con:
        return con.execute(sql, params).fetchone()


def start(env: dict, *args) -> subprocess.Popen:
    """`xietong ARGS` in a process group of its own (so that a kill takes all of it)."""
    return subprocess.Popen(
        [sys.executable, "-m", "xietong", *map(str, args)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def kill(proc: subprocess.Popen) -> None:
    """SIGKILL: the worker gets no chance to clean up, as when its machine dies."""
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)


def wait_for(db_url: str, sql: str, params: tuple, want, timeout: float = 300, every=0.02):
    """Poll until the row equals ``want`` (a tuple) or ``want(row)`` holds."""
    deadline = time.monotonic() + timeout
    row = None
    while time.monotonic() < deadline:
        row = query(db_url, sql, *params)
        if want(row) if callable(want) else row == want:
            return row
        time.sleep(every)
    raise AssertionError(f"waited {timeout}s for {want!r}; last {row!r}")


def flush_redis() -> None:
    """Empty the Redis queue that the worker tests use (their own database number)."""
    if REDIS_URL:
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
