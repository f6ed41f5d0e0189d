"""`xietong worker`: runs queued jobs with the configured backend's own worker, plus the reaper.

The database backend's worker (django-tasks-db) polls its task table; the Redis backend's is an
RQ worker (django-tasks-rq), one job at a time in the worker's own process. Beside either, a
thread runs the reaper every quarter of the stale timeout (and the periodic tasks that are due,
periodic.py), and each job's heartbeat thread keeps
its row fresh (runner.py): so a worker killed in the middle of a job leaves a job whose
heartbeat stops, and the next reaper (of any worker, or of the web app on submit and read)
re-queues or fails it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.db import connections

from . import periodic, runner
from .services import jobs_reap, stale_seconds

log = logging.getLogger(__name__)


def backend_name() -> str:
    from django_tasks import task_backends

    from .services import is_database_backend

    return "database" if is_database_backend(task_backends["default"]) else "redis"


def _reaper(stop: threading.Event) -> None:
    """The housekeeping thread: the reaper, then the periodic tasks that are due (periodic.py:
    the consultation scheduler moving proposals on their dates, reminders)."""
    try:
        while not stop.wait(max(stale_seconds() / 4, 1.0)):
            try:
                jobs_reap()
            except Exception:
                log.exception("job reaper failed")
            periodic.run_due()
    finally:
        connections.close_all()


def worker_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"[:64]


def run_worker(*, queue: str = "default", once: bool = False, burst: bool = False) -> None:
    """Run jobs until stopped (SIGINT/SIGTERM finish the running job first); ``burst``: until
    the queue is empty; ``once``: at most one job, then stop."""
    runner.HEARTBEAT_THREAD = True
    jobs_reap()  # a job left by a worker that died is queued again before we look
    stop = threading.Event()
    reaper = threading.Thread(target=_reaper, args=(stop,), daemon=True)
    reaper.start()
    try:
        if backend_name() == "database":
            _database_worker(queue, once=once, burst=burst)
        else:
            _rq_worker(queue, once=once, burst=burst)
    finally:
        stop.set()


def _database_worker(queue: str, *, once: bool, burst: bool) -> None:
    from django_tasks_db.management.commands.db_worker import Worker

    worker = Worker(
        queue_names=[queue],
        interval=float(os.environ.get("XIETONG_WORKER_POLL_SECONDS", "0.5")),
        batch=once or burst,
        backend_name="default",
        startup_delay=False,
        max_tasks=1 if once else None,
        worker_id=worker_id(),
        excluded_queue_names=[],
    )
    worker.configure_signals()
    worker.run()


def _rq_worker(queue: str, *, once: bool, burst: bool) -> None:
    import django_rq
    from django_tasks_rq import Job as TaskJob
    from rq import SimpleWorker

    q = django_rq.get_queue(queue, job_class=TaskJob)
    worker = SimpleWorker([q], connection=q.connection, job_class=TaskJob, name=worker_id())
    worker.work(burst=once or burst, max_jobs=1 if once else None, with_scheduler=False)


def run_pending(queue: str = "default") -> int:
    """Run every task waiting in ``queue`` here and now, in this thread and its transaction,
    through the backend as a worker would (the tests' worker; no heartbeat thread). Returns how
    many tasks ran."""
    ran = 0
    if backend_name() == "database":
        from django_tasks_db.management.commands.db_worker import Worker
        from django_tasks_db.models import DBTaskResult

        worker = Worker(
            queue_names=[queue],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=worker_id(),
            excluded_queue_names=[],
        )
        while True:
            task = DBTaskResult.objects.ready().filter(queue_name=queue).first()
            if task is None:
                return ran
            task.claim(worker.worker_id)
            worker.run_task(task)
            ran += 1
    import django_rq
    from django_tasks_rq import Job as TaskJob
    from rq import SimpleWorker

    q = django_rq.get_queue(queue, job_class=TaskJob)
    while q.count:
        SimpleWorker([q], connection=q.connection, job_class=TaskJob).work(
            burst=True, max_jobs=1, with_scheduler=False
        )
        ran += 1
    return ran
