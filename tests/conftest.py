from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from hypothesis import settings as hypothesis_settings

# CI (CI=true) replays the same examples every run, so a submission is judged on the code, not on
# the draw; locally hypothesis keeps drawing new examples to find what CI would never try.
hypothesis_settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    hypothesis_settings.load_profile("ci")

# Transactional tests flush tables between tests, which the ledger's append-only triggers forbid;
# they are installed explicitly by the tests that check them (tests/finance/test_ledger.py). The
# audit log's triggers do not read this setting: they are always there (see _audit_flush below).
settings.XIETONG_AUDIT_TRIGGERS = False
settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop
# Under pytest-xdist each test process keeps its files (job files, the resource store, the search
# index) in a directory of its own, so two processes never write one index or file at once.
if os.environ.get("PYTEST_XDIST_WORKER"):
    settings.DATA_DIR = Path(settings.DATA_DIR) / f"pytest-{os.environ['PYTEST_XDIST_WORKER']}"
    settings.DATA_DIR.mkdir(parents=True, exist_ok=True)


@pytest.fixture(scope="session", autouse=True)
def _audit_flush(tmp_path_factory):
    """The audit tables refuse DELETE and TRUNCATE, and transactional tests end with a flush of
    every table: lift the audit triggers for that flush only, in the same statement list, and put
    them back right after it. The checkpoint signing key lives in a temporary directory."""
    from django.core.management.commands import flush

    from xietong.audit import triggers

    settings.XIETONG_AUDIT_KEY_FILE = str(tmp_path_factory.mktemp("audit-key") / "key.pem")
    original = flush.sql_flush

    def sql_flush(style, connection, **kwargs):
        return [
            *triggers.uninstall_sql(connection),
            *original(style, connection, **kwargs),
            *triggers.install_sql(connection),
        ]

    flush.sql_flush = sql_flush
    yield
    flush.sql_flush = original


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the division tree once per test database; tests roll back on top of it."""
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure

    with django_db_blocker.unblock():
        jurisdictions_load()
        standard_areas_ensure()


def cli_environment(data: Path, **extra) -> dict:
    """The environment of a `python -m xietong` subprocess on its own SQLite data directory (the
    test run's DATABASE_URL and settings module left out)."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["XIETONG_DATA_DIR"] = str(data)
    env.update({k: str(v) for k, v in extra.items()})
    return env


@pytest.fixture(scope="session")
def _migrated_sqlite(tmp_path_factory) -> Path:
    """One SQLite database with every migration applied, made once per test session by the
    real `xietong migrate` (a fresh migrate costs about 14 s of CPU, most of it Django
    rendering the migration states)."""
    data = tmp_path_factory.mktemp("migrated")
    r = subprocess.run(
        [sys.executable, "-m", "xietong", "migrate"],
        env=cli_environment(data),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert r.returncode == 0, r.stderr[-3000:]
    return data / "xietong.sqlite3"


@pytest.fixture
def migrated_data_dir(_migrated_sqlite, tmp_path) -> Path:
    """A data directory of this test's own whose database is already migrated (a copy of the
    session's, made with SQLite's backup API), for tests of commands other than `migrate`."""
    data = tmp_path / "data"
    data.mkdir()
    src = sqlite3.connect(_migrated_sqlite)
    dst = sqlite3.connect(data / "xietong.sqlite3")
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return data


@pytest.fixture
def regions(db):
    """The real division tree of the seven members and the three standard areas."""
    from xietong.regions.models import Jurisdiction
    from xietong.regions.services import jurisdictions_load, standard_areas_ensure
    from xietong.schools.models import Indicator
    from xietong.schools.services import catalogue_sync

    if Jurisdiction.objects.count() < 621:  # a transactional test flushed the tables
        jurisdictions_load()
    if not Indicator.objects.exists():
        catalogue_sync()
    return standard_areas_ensure()


@pytest.fixture
def world(regions):
    """Schools in five places, one user per role, and a year of statistics for every school."""
    from decimal import Decimal

    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.regions.models import CooperationArea, Jurisdiction
    from xietong.schools.models import School
    from xietong.schools.services import statistics_set

    places = {
        "A": ("131002000000", "安次区第一小学"),  # Langfang, Hebei (Tongzhou-Wuqing-Langfang)
        "B": ("110112000000", "通州区第一小学"),  # Tongzhou, Beijing
        "C": (
            "320612000000",
            "通州区实验小学",
        ),  # Tongzhou, Nantong, Jiangsu: same name, other province
        "D": ("120114000000", "武清区第一小学"),  # Wuqing, Tianjin
        "E": ("130102000000", "长安区第一小学"),  # Shijiazhuang, Hebei
    }
    schools = {}
    for key, (county, name) in places.items():
        schools[key] = School.objects.create(
            code=f"{county[:6]}000{ord(key) - 64}",
            name_zh=name,
            stage="primary",
            county_id=county,
            location="urban",
            ownership="public",
            longitude=116.5,
            latitude=39.5,
        )
        statistics_set(
            school=schools[key],
            year=2024,
            values={"students": Decimal(500), "teachers": Decimal(30)},
            actor=None,
        )
    area = {a.slug: a for a in CooperationArea.objects.all()}
    j = lambda code: Jurisdiction.objects.get(code=code)  # noqa: E731
    spec = {
        "admin": None,
        "yrd-sec": (Role.SECRETARIAT, {"area": area["yrd"]}),
        "jjj-sec": (Role.SECRETARIAT, {"area": area["jjj"]}),
        "twl-sec": (Role.SECRETARIAT, {"area": area["tongwulang"]}),
        "jiangsu": (Role.BUREAU, {"jurisdiction": j("320000000000")}),
        "langfang": (Role.BUREAU, {"jurisdiction": j("131000000000")}),
        "tongzhou": (Role.BUREAU, {"jurisdiction": j("110112000000")}),
        "school-a": (Role.SCHOOL, {"school": schools["A"]}),
        "teacher-a": (Role.TEACHER, {"school": schools["A"]}),
        "public": (Role.PUBLIC, {}),
    }
    users = {}
    for name, grant in spec.items():
        users[name] = user_create(
            username=name, password="kestrel-harbour-42", is_superuser=grant is None, actor=None
        )
        if grant is not None:
            role_grant(user=users[name], role=grant[0], actor=None, **grant[1])
    return {"schools": schools, "users": users, "areas": area}


@pytest.fixture
def read_page():
    """``read_page(user, path, lang)``: the HTML of a page as ``user`` (None: logged out) reads it
    in ``lang``; the page must answer 200."""
    from django.test import Client

    def read(user, path: str, lang: str) -> str:
        c = Client(HTTP_ACCEPT_LANGUAGE=lang)
        if user is not None:
            c.force_login(user)
        r = c.get(path)
        assert r.status_code == 200, (path, r.status_code)
        return r.content.decode()

    return read


@pytest.fixture(autouse=True)
def _page_cache_clear():
    """Each test starts with an empty cache: pages cache what they compute from the statistics
    under the statistics token (schools.selectors.statistics_cached); tokens are random, so a
    rolled-back test's entries are never hit again, but a test that writes rows without the
    services (or overrides a setting) would otherwise read another test's entries."""
    from django.core.cache import cache

    from xietong.caching import memo_clear

    cache.clear()
    memo_clear()
    yield
    cache.clear()
    memo_clear()


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under pytest-xdist (`XIETONG_TEST_PROCESSES=auto bash scripts/test.sh`), the tests that start
    worker processes on the shared demo template (tests/jobs/procs.py: one cached database and one
    Redis database number) run on one xdist worker, one after the other; the rest spread.

    tryfirst: xdist's own hook of this name turns the mark into the node id's ``@group`` suffix
    that its loadgroup scheduler reads, so the mark must be on the item before that hook runs."""
    for item in items:
        module = getattr(item, "module", None)
        if module is not None and "procs" in vars(module):
            item.add_marker(pytest.mark.xdist_group("worker-processes"))


def pytest_xdist_node_collection_finished(node, ids):
    """Refuse a loadgroup run whose groups did not take (on the controller, as each xdist worker
    reports what it collected): that is silent otherwise (pytest 9.2 gives node ids a structure
    that pytest-xdist 3.8 no longer suffixes with ``@group``, its issue #1386), and the
    worker-process tests would empty each other's Redis queue."""
    if node.config.getoption("dist", default="no") != "loadgroup":
        return
    grouped = [i for i in ids if "@" in i.rsplit("]", 1)[-1]]
    jobs = [i for i in ids if i.startswith("tests/jobs/test_worker_process.py::")]
    if jobs and not grouped:
        raise pytest.UsageError(
            f"pytest-xdist did not group the worker-process tests (first: {jobs[0]}): this "
            "pytest and pytest-xdist do not work together, see pyproject.toml"
        )
