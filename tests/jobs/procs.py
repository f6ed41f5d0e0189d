"""Databases and processes for the tests that run real workers: a database of their own (SQLite
file, or a PostgreSQL database beside the test run's), built from the demo loaders once for a
given state of the code (cached between runs, see ``template``) and copied for each test, and
`xietong` processes pointed at it."""

from __future__ import annotations

import atexit
import hashlib
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


# one directory per checkout: another checkout's templates are never touched
CACHE = (
    Path(os.environ.get("XIETONG_TEST_CACHE") or Path(tempfile.gettempdir()) / "xietong-tests")
    / hashlib.sha256(str(ROOT).encode()).hexdigest()[:8]
)
_SOURCES = ("*.py", "*.json", "*.csv")


def _fingerprint() -> str:
    """What the template is built from: the code and data of the package, the scenario and the
    size. A change to any of them builds a new template; otherwise the last one is reused, across
    test runs (tests/jobs and tests/browser/test_jobs.py share it)."""
    h = hashlib.sha256(f"{TEACHERS}|{POSTGRES}|{sys.version_info[:2]}".encode())
    src = ROOT / "src" / "xietong"
    files = sorted(f for pattern in _SOURCES for f in src.rglob(pattern))
    for f in [*files, SCENARIO]:
        h.update(str(f.relative_to(ROOT)).encode())
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _pg_exists(admin, name: str) -> bool:
    return (
        admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
        is not None
    )


def _pg_template(fingerprint: str) -> tuple[str, dict | None]:
    """The cached PostgreSQL template (kept between runs, older ones dropped) and its info."""
    prefix = f"{urlsplit(URL).path.lstrip('/') or 'xietong'}_jobs_tpl_"
    name = prefix + fingerprint
    info = CACHE / f"{name}.json"
    with _pg_admin() as admin:
        stale = admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s AND datname <> %s",
            (prefix + "%", name),
        ).fetchall()
        for (old,) in stale:
            admin.execute(f'DROP DATABASE IF EXISTS "{old}" WITH (FORCE)')
        if _pg_exists(admin, name) and info.is_file():
            return name, json.loads(info.read_text())
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    return name, None


def template() -> dict:
    """The demo region and a 20,000-teacher round ready to match: built once for a given state
    of the code and reused by every test of every run until the code changes (XIETONG_TEST_CACHE,
    default a directory under the system's temporary directory)."""
    if _template:
        return _template
    fingerprint = _fingerprint()
    CACHE.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix="xietong-jobs-"))
    atexit.register(shutil.rmtree, work, True)
    if POSTGRES:
        name, info = _pg_template(fingerprint)
        url = _pg_url(name)
        if info is None:
            info = scenario(environment(url, work), "setup", TEACHERS)
            (CACHE / f"{name}.json").write_text(json.dumps(info))
        _template.update(url=url, work=work, name=name, **info)
        return _template
    path = CACHE / f"jobs-{fingerprint}.sqlite3"
    meta = path.with_suffix(".json")
    if not (path.is_file() and meta.is_file()):
        for old in CACHE.glob("jobs-*.sqlite3*"):
            old.unlink(missing_ok=True)
        building = work / "template.sqlite3"
        info = scenario(environment(f"sqlite:///{building}", work), "setup", TEACHERS)
        _copy_sqlite(building, work / "packed.sqlite3")
        os.replace(work / "packed.sqlite3", path)  # whole or not at all
        meta.write_text(json.dumps(info))
    url = f"sqlite:///{path}"
    _template.update(url=url, work=work, name=path.name, **json.loads(meta.read_text()))
    return _template


def _copy_sqlite(src_path: Path, dst_path: Path) -> None:
    src = sqlite3.connect(src_path)
    dst = sqlite3.connect(dst_path)
    src.backup(dst)  # a consistent copy, WAL included
    src.close()
    dst.close()


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
    _copy_sqlite(Path(tpl["url"].removeprefix("sqlite:///")), path)
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


def writing(db_url: str, table: str) -> bool:
    """Whether a transaction is writing ``table`` right now: on SQLite, someone holds the
    database's write lock (the job's transaction; a heartbeat holds it for a moment only, hence
    ``wait_for_writing`` asks twice); on PostgreSQL, an open transaction has written to the
    table or to a temporary table (an import's COPY)."""
    if db_url.startswith("sqlite:///"):
        con = sqlite3.connect(db_url.removeprefix("sqlite:///"), timeout=0)
        try:
            con.execute("BEGIN IMMEDIATE")
            con.rollback()
            return False
        except sqlite3.OperationalError:
            return True
        finally:
            con.close()
    sql = (
        "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation "
        "WHERE (c.relname = %s OR c.relpersistence = 't') AND l.mode = 'RowExclusiveLock'"
    )
    return query(db_url, sql, table)[0] > 0


def wait_for_writing(db_url: str, job_id: int, stage: str, table: str, timeout=300) -> None:
    """Until job ``job_id``, in ``stage``, is inside the transaction that writes ``table``."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = query(db_url, "SELECT stage FROM jobs_job WHERE id = %s", job_id)
        if row and row[0] == stage and writing(db_url, table):
            time.sleep(0.1)
            if writing(db_url, table):
                return
        time.sleep(0.01)
    raise AssertionError(f"job {job_id} was not seen writing {table} in {timeout}s")


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
