"""Runs one attempt of a job: claims it, keeps its heartbeat, passes progress on, records how it
ended. The task function (tasks.py) only calls :func:`execute`.
"""

from __future__ import annotations

import logging
import threading

from django.conf import settings
from django.db import connections, transaction
from django.utils import timezone, translation

from xietong.accounts.scope import OutOfScope

from . import kinds
from .errors import JobError, Superseded
from .services import job_fail, job_progress, job_start, job_succeed

log = logging.getLogger(__name__)

# `xietong worker` turns this on: a thread with its own database connection then writes the
# heartbeat and the progress every XIETONG_JOB_HEARTBEAT_SECONDS, also while the job's own
# transaction holds its locks. Off when a job runs inline (tests), where a second connection
# would not see the caller's uncommitted rows.
HEARTBEAT_THREAD = False


def heartbeat_seconds() -> float:
    return float(getattr(settings, "XIETONG_JOB_HEARTBEAT_SECONDS", 2))


class Context:
    """What a job's ``run`` gets besides the job: ``progress`` and ``finish``."""

    def __init__(self, job, token: str, *, thread: bool, observer=None) -> None:
        self.job = job
        self.token = token
        self.observer = observer  # told of every progress report (a command's bar)
        self.finished = False
        self._state = {"done": 0, "total": None, "stage": "", "steps": []}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, daemon=True) if thread else None

    # -- for the job's run --------------------------------------------------------------------
    def progress(self, done: int | None = None, total: int | None = None, stage=None) -> None:
        """Report how far the job got: ``done`` of ``total`` (None: unknown) in ``stage`` (a
        code that words.py renders). A change of stage is written at once unless the job's
        own transaction is open; the heartbeat thread writes the counts."""
        with self._lock:
            new_stage = stage is not None and stage != self._state["stage"]
            if done is not None:
                self._state["done"] = done
            if total is not None:
                self._state["total"] = total
            if stage is not None:
                self._state["stage"] = stage
            if new_stage:
                self._state["steps"] = [
                    *self._state["steps"],
                    [str(stage), timezone.now().isoformat()],
                ]
            state = dict(self._state)
        if self.observer is not None:
            self.observer(dict(state))
        in_txn = transaction.get_connection().in_atomic_block
        if self._thread is None or (new_stage and not in_txn):
            self._write(state)

    def finish(self, result: dict) -> None:
        """Record success inside the transaction that stores the job's work, so that both
        commit or neither; raises Superseded when this attempt lost its job."""
        job_succeed(job=self.job, token=self.token, result=result)
        self.finished = True

    # -- heartbeat ----------------------------------------------------------------------------
    def _write(self, state: dict) -> bool:
        return job_progress(job_id=self.job.pk, token=self.token, **state)

    def _beat(self) -> None:
        try:
            while not self._stop.wait(heartbeat_seconds()):
                with self._lock:
                    state = dict(self._state)
                try:
                    self._write(state)
                except Exception:  # a locked database: the next beat tries again
                    log.warning("heartbeat of job %s not written", self.job.pk, exc_info=True)
        finally:
            connections.close_all()  # this thread's own connections

    def __enter__(self):
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


def _error_of(exc: Exception) -> tuple[str, dict]:
    if isinstance(exc, JobError):
        return exc.code, exc.params
    if isinstance(exc, OutOfScope):
        return "out_of_scope", {}
    return "internal", {"exception": type(exc).__name__}


def execute(
    job_id: int, *, task_id: str = "", thread: bool | None = None, observer=None
) -> dict | None:
    """One attempt at job ``job_id``; returns its result, or None when it did not run here.
    ``observer(state)`` (optional) is told of each progress report as it is made (``done``,
    ``total``, ``stage``): the command line's bar when it runs a job itself."""
    claimed = job_start(job_id=job_id, task_id=task_id)
    if claimed is None:
        log.info("job %s is not queued; nothing to do", job_id)
        return None
    job, token = claimed
    kind = kinds.get(job.kind)
    use_thread = HEARTBEAT_THREAD if thread is None else thread
    with Context(job, token, thread=use_thread, observer=observer) as ctx:
        try:
            with translation.override(job.language):
                result = kind.run(job, ctx) or {}
            if not ctx.finished:
                job_succeed(job=job, token=token, result=result)
            return result
        except Superseded:
            log.warning("job %s: this attempt lost the job; its work was rolled back", job_id)
            return None
        except Exception as exc:
            code, params = _error_of(exc)
            if code == "internal":
                log.exception("job %s (%s) failed", job_id, job.kind)
            try:
                job_fail(job=job, token=token, code=code, params=params)
            except Superseded:
                pass
            return None
