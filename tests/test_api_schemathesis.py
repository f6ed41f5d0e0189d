"""The whole HTTP API under schemathesis: no 5xx, and every response matches its OpenAPI schema.

A short, seeded run over every operation in /api/openapi.json, loaded from the Django app itself
(WSGI, no server), as a bureau with an API token and as the public. Generated path parameters are
mixed with real identifiers (the Yangtze River Delta fund, a school, a province) so that calls
reach past the 404 into the endpoints' work.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import time
import traceback
from collections import defaultdict

import pytest
import schemathesis
from django.db import connection, transaction
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

# Examples per operation, generation mode and caller: the default (about 500 requests) keeps the
# run well under a minute on 2 cores; XIETONG_API_FUZZ_EXAMPLES=25 is a deeper run (minutes).
EXAMPLES = int(os.environ.get("XIETONG_API_FUZZ_EXAMPLES", "2"))
CHECKS = [not_a_server_error, response_schema_conformance]


@pytest.fixture
def api_world(world):
    """The shared world plus an opened YRD fund with a called round, a donation and a teacher."""
    from xietong.accounts.services import token_create
    from xietong.finance import services as finance
    from xietong.regions.models import Jurisdiction
    from xietong.talent.services import round_create, teacher_create

    fund = finance.fund_open(area=world["areas"]["yrd"], actor=None)
    r = finance.round_create(
        fund=fund, title="2024", year=2024, total="400.00", mix={"equal": 100}, actor=None
    )
    r = finance.round_freeze(round=r, actor=None)
    for c in r.charges.all():
        finance.charge_approve(charge=c, actor=None)
    finance.round_call(round=r, actor=None, date=dt.date(2024, 3, 1))
    donor = finance.donor_create(fund=fund, name="d", kind="company", actor=None)
    finance.donation_record(donor=donor, amount="50.00", date=dt.date(2024, 3, 2), actor=None)
    school = world["schools"]["C"]  # Tongzhou, Nantong: inside Jiangsu
    teacher_create(
        school=school,
        code="T0001",
        name="t",
        subject="maths",
        stage="primary",
        actor=None,
    )
    rnd = round_create(name="r", year=2025, area=world["areas"]["yrd"], actor=None)
    bureau = world["users"]["jiangsu"]
    _t, secret = token_create(user=bureau, name="schemathesis", actor=bureau)
    known = {
        "slug": ["yrd", "jjj", "tongwulang"],
        "area": ["yrd", "jjj"],
        "code": [
            school.code,
            "320000000000",
            "T0001",
            Jurisdiction.objects.get(pk="320000000000").code,
        ],
        "pk": [r.pk, rnd.pk, 1],
        "number": [1, 2, 3],
        "run_id": [1],
        "year": [2024],
        "step": ["open", "close", "match"],
    }
    return {"secret": secret, "known": known}


@pytest.fixture
def api_schema(api_world):
    """The schema and the app from the project's WSGI handler (not xietong.wsgi, which refuses
    to serve with a test key). Like Django's test client, the requests keep the test's database
    connection instead of closing it at their end."""
    from django.core.handlers.wsgi import WSGIHandler
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield schemathesis.openapi.from_wsgi("/api/openapi.json", WSGIHandler())
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


class _ServerErrors(logging.Handler):
    """Keeps the traceback of each request that ended in a 500, for the failure report."""

    def __init__(self):
        super().__init__(level=logging.ERROR)
        self.last = ""

    def emit(self, record):
        if record.exc_info:
            self.last = "".join(traceback.format_exception(*record.exc_info)[-3:])


def _broken() -> bool:
    """The shared transaction cannot go on: a failed statement on PostgreSQL aborts it."""
    if connection.needs_rollback:
        return True
    if connection.vendor == "postgresql":
        from psycopg.pq import TransactionStatus

        return connection.connection.info.transaction_status == TransactionStatus.INERROR
    return False


class _Run:
    """One seeded pass over every operation; failures keyed by operation and check, in the
    order they were first met."""

    def __init__(self, known, server_errors):
        self.known, self.server_errors = known, server_errors
        self.failures: dict = {}
        self.cases = 0
        self.seconds = defaultdict(float)

    def record(self, operation, mode, case, exc):
        title = getattr(exc, "title", type(exc).__name__)
        message = getattr(exc, "message", str(exc))
        if title == "Server error":
            message += "\n" + self.server_errors.last
        self.failures.setdefault(
            (operation.label, title),
            (
                self.cases,
                f"{mode} {case.method} {case.formatted_path} {case.query or ''}: {title}: "
                f"{message}"[:1200],
            ),
        )

    def call(self, operation, mode, headers, case):
        """A request in production has a transaction of its own: here all share the test's, so
        each runs in a savepoint, undone when the server failed (on PostgreSQL a failed
        statement would otherwise abort every request after it)."""
        self.cases += 1
        sid = transaction.savepoint()
        try:
            response = case.call(headers=headers)
        finally:
            if _broken() or self.server_errors.last:
                transaction.savepoint_rollback(sid)
                connection.needs_rollback = False
            else:
                transaction.savepoint_commit(sid)
        try:
            case.validate_response(response, checks=CHECKS)
        except BaseExceptionGroup as group:  # schemathesis' FailureGroup: one per failed check
            for failure in group.exceptions:
                self.record(operation, mode, case, failure)
        except Exception as exc:  # noqa: BLE001 - collected and reported together below
            self.record(operation, mode, case, exc)
        self.server_errors.last = ""

    def operation(self, operation, *, mode, headers):
        @seed(2024)
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
            phases=[Phase.generate],
        )
        @given(case=operation.as_strategy(generation_mode=mode), pick=st.integers(0, 2))
        def inner(case, pick):
            if pick and case.path_parameters:
                for name in case.path_parameters:
                    if name in self.known:
                        values = self.known[name]
                        case.path_parameters[name] = values[pick % len(values)]
            self.call(operation, mode, headers, case)

        started = time.perf_counter()
        inner()
        self.seconds[mode] += time.perf_counter() - started


@pytest.fixture
def server_errors():
    """Thousands of expected 4xx would each log a warning; 5xx are kept for the report."""
    handler = _ServerErrors()
    logs = [logging.getLogger(n) for n in ("django.request", "django.security.csrf")]
    saved = [(log.level, log.propagate) for log in logs]
    for log in logs:
        log.setLevel(logging.ERROR)
        log.propagate = False
    logs[0].addHandler(handler)
    yield handler
    logs[0].removeHandler(handler)
    for log, (level, propagate) in zip(logs, saved, strict=True):
        log.setLevel(level)
        log.propagate = propagate


@pytest.mark.django_db
def test_api_has_no_server_errors_and_keeps_its_schema(api_schema, api_world, server_errors):
    run = _Run(api_world["known"], server_errors)
    bureau = {"Authorization": f"Bearer {api_world['secret']}"}
    for result in api_schema.get_all_operations():
        operation = result.ok()
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            run.operation(operation, mode=mode, headers=bureau)
        # the public on reads, with valid requests: its writes all stop at authentication (401)
        # and its invalid reads at the same validation as the bureau's
        if operation.method.upper() == "GET":
            run.operation(operation, mode=GenerationMode.POSITIVE, headers={})
    seconds = {str(m): round(t, 1) for m, t in run.seconds.items()}
    print(f"schemathesis: {run.cases} cases, {len(run.failures)} failures; seconds {seconds}")
    report = sorted(run.failures.items(), key=lambda kv: kv[1][0])
    assert not report, "\n\n".join(f"{k[0]}: {v[1]}" for k, v in report)
