"""Writes on jobs: submit (audited, deduplicated), start, progress, finish, and the reaper that
finds jobs whose worker died.

A job is one of queued -> running -> succeeded | failed. ``running`` always belongs to one
attempt, identified by a token only the worker running it knows; every later write of that
attempt is conditional on the token, so an attempt that lost its job (its heartbeat stopped and
the reaper re-queued or failed it) can no longer change it, and the result it was about to commit
is rolled back with the rest of its transaction (:class:`~.errors.Superseded`).

Progress and heartbeats are telemetry, written often and outside the work's transaction; they are
not audited. Submitting, starting, finishing, failing and re-queueing are.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone, translation

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from . import kinds
from .errors import Superseded
from .models import ACTIVE, Job, JobStatus

log = logging.getLogger(__name__)


def stale_seconds() -> float:
    """A running job whose heartbeat is older than this has lost its worker."""
    return float(getattr(settings, "XIETONG_JOB_STALE_SECONDS", 60))


def max_attempts() -> int:
    """Attempts of a job before a lost worker fails it instead of re-queueing it."""
    return int(getattr(settings, "XIETONG_JOB_MAX_ATTEMPTS", 3))


def _snapshot(job: Job) -> dict:
    return {
        "kind": job.kind,
        "key": job.dedupe_key,
        "status": job.status,
        "object": f"{job.object_type}:{job.object_id}" if job.object_type else None,
        "attempts": job.attempts,
        **({"acts_as": "token", "token": job.token_id} if job.token_id else {}),
    }


def is_database_backend(backend) -> bool:
    from django_tasks_db.backend import DatabaseBackend

    return isinstance(backend, DatabaseBackend)


def _enqueue(job: Job) -> None:
    """Hand the job to the task queue. The database backend writes its task row in the caller's
    transaction (both commit or neither); another backend is told after the commit, so that a
    worker never picks up a job that does not exist yet (a job lost between the two is found by
    the reaper: queued, no task, older than the stale timeout)."""
    from django_tasks import task_backends

    from .tasks import run_job

    task = run_job.using(queue_name=kinds.get(job.kind).queue)

    def send() -> None:
        result = task.enqueue(job.pk)
        Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED).update(task_id=str(result.id))

    if is_database_backend(task_backends[task.backend]):
        send()
    else:
        transaction.on_commit(send)


def _token_of(actor):
    """The API token the actor came with (accounts.auth marks the user it authenticates)."""
    return getattr(actor, "_xietong_token", None) if actor is not None else None


def _acts_as(actor) -> str:
    if actor is None:
        return "system"
    if _token_of(actor) is not None:
        return "token"
    return "user" if getattr(actor, "pk", None) else "public"


def job_submit(
    *,
    kind: str,
    key: str,
    actor,
    params: dict | None = None,
    object_type: str = "",
    object_id: str = "",
) -> tuple[Job, bool]:
    """Queue a job, or return the one already queued or running for the same (kind, key).

    Returns ``(job, created)``. The caller checks permission and input before submitting (so a
    refusal is immediate); the job's own run checks again, as every service does. An actor that
    came with an API token (the API marks it) gives the job that token: the job then acts with
    the token's role limits, not the user's full roles (``Job.actor``)."""
    kinds.get(kind)  # an unknown kind is a programming error: refuse before writing
    jobs_reap_if_due()
    with transaction.atomic():
        existing = Job.objects.filter(kind=kind, dedupe_key=key, status__in=ACTIVE).first()
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():  # the unique constraint settles a concurrent submit
                job = Job.objects.create(
                    kind=kind,
                    dedupe_key=key,
                    params=params or {},
                    owner=actor if getattr(actor, "pk", None) else None,
                    acts_as=_acts_as(actor),
                    token=_token_of(actor),
                    object_type=object_type,
                    object_id=str(object_id),
                    language=translation.get_language() or settings.LANGUAGE_CODE,
                )
        except IntegrityError:
            return Job.objects.get(kind=kind, dedupe_key=key, status__in=ACTIVE), False
        audit_record(
            actor=actor,
            action=AuditAction.JOB_SUBMIT,
            obj=job,
            after={**_snapshot(job), "params": job.params},
        )
        _enqueue(job)
    return job, True


def job_start(*, job_id: int, task_id: str = "") -> tuple[Job, str] | None:
    """Claim a queued job for this attempt: ``(job, token)``, or None when it is not queued (it
    runs elsewhere, has finished, or is gone): a second task for the same job does nothing."""
    token = secrets.token_hex(16)
    now = timezone.now()
    with transaction.atomic():
        claimed = Job.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(
            status=JobStatus.RUNNING,
            attempts=F("attempts") + 1,
            run_token=token,
            task_id=task_id or F("task_id"),
            started_at=now,
            heartbeat_at=now,
            done=0,
            total=None,
            stage="",
            steps=[],
        )
        if not claimed:
            return None
        job = Job.objects.get(pk=job_id)
        audit_record(
            actor=None,
            action=AuditAction.JOB_START,
            obj=job,
            before={"status": JobStatus.QUEUED},
            after={"status": job.status, "attempt": job.attempts},
        )
    return job, token


def job_progress(
    *,
    job_id: int,
    token: str,
    done: int | None = None,
    total: int | None = None,
    stage=None,
    steps: list | None = None,
) -> bool:
    """Record progress (and the heartbeat) of a running attempt; False when the attempt no
    longer owns its job. Not audited: telemetry, written every second or so."""
    changes: dict = {"heartbeat_at": timezone.now()}
    if done is not None:
        changes["done"] = max(int(done), 0)
    if total is not None:
        changes["total"] = max(int(total), 0)
    if stage is not None:
        changes["stage"] = str(stage)[:40]
    if steps is not None:
        changes["steps"] = [[str(code)[:40], str(at)] for code, at in steps[-50:]]
    return bool(
        Job.objects.filter(pk=job_id, run_token=token, status=JobStatus.RUNNING).update(**changes)
    )


_FINISHED = {
    JobStatus.SUCCEEDED: AuditAction.JOB_SUCCEEDED,
    JobStatus.FAILED: AuditAction.JOB_FAILED,
}


def _finish(job: Job, token: str, status: str, **changes) -> Job:
    now = timezone.now()
    with transaction.atomic():
        n = Job.objects.filter(pk=job.pk, run_token=token, status=JobStatus.RUNNING).update(
            status=status, finished_at=now, heartbeat_at=now, **changes
        )
        if not n:
            raise Superseded(job.pk)
        job.refresh_from_db()
        audit_record(
            actor=None,
            action=_FINISHED[status],
            obj=job,
            before={"status": JobStatus.RUNNING},
            after={
                "status": status,
                "attempt": job.attempts,
                **({"error": job.error_code} if job.error_code else {}),
            },
        )
    return job


def job_succeed(*, job: Job, token: str, result: dict) -> Job:
    """Mark the attempt's job succeeded with its result (JSON). Call it inside the transaction
    that stores the job's work and both commit together; raises Superseded (rolling that
    transaction back) when the attempt no longer owns its job."""
    return _finish(job, token, JobStatus.SUCCEEDED, result=result, error_code="", error_params={})


def job_fail(*, job: Job, token: str, code: str, params: dict | None = None) -> Job:
    """Mark the attempt's job failed with an error code and its parameters (no prose)."""
    return _finish(job, token, JobStatus.FAILED, error_code=code[:40], error_params=params or {})


def jobs_reap(*, now=None) -> dict:
    """Find jobs whose worker died and never leave them running: a running job whose heartbeat
    is older than the stale timeout is re-queued (fewer than XIETONG_JOB_MAX_ATTEMPTS attempts)
    or failed with ``worker_lost``; a queued job whose task never reached the queue is sent
    again. Returns the ids it touched."""
    now = now or timezone.now()
    cutoff = now - timedelta(seconds=stale_seconds())
    out: dict[str, list[int]] = {"requeued": [], "failed": [], "resent": []}
    for job in Job.objects.filter(status=JobStatus.RUNNING, heartbeat_at__lt=cutoff):
        with transaction.atomic():
            still = Job.objects.filter(pk=job.pk, status=JobStatus.RUNNING, heartbeat_at__lt=cutoff)
            lost_task = job.task_id
            if job.attempts < max_attempts():
                if not still.update(status=JobStatus.QUEUED, run_token="", task_id=""):
                    continue
                job.refresh_from_db()
                audit_record(
                    actor=None,
                    action=AuditAction.JOB_REQUEUE,
                    obj=job,
                    before={"status": JobStatus.RUNNING, "heartbeat_at": job.heartbeat_at},
                    after={"status": JobStatus.QUEUED, "attempts": job.attempts},
                )
                _enqueue(job)
                out["requeued"].append(job.pk)
            else:
                params = {
                    "attempts": job.attempts,
                    "heartbeat_at": job.heartbeat_at.isoformat() if job.heartbeat_at else None,
                }
                if not still.update(
                    status=JobStatus.FAILED,
                    run_token="",
                    finished_at=now,
                    error_code="worker_lost",
                    error_params=params,
                ):
                    continue
                audit_record(
                    actor=None,
                    action=AuditAction.JOB_FAILED,
                    obj=job,
                    before={"status": JobStatus.RUNNING},
                    after={"status": JobStatus.FAILED, "error": "worker_lost", **params},
                )
                out["failed"].append(job.pk)
            _forget_task(lost_task)
    for job in Job.objects.filter(status=JobStatus.QUEUED, task_id="", created_at__lt=cutoff):
        with transaction.atomic():
            if Job.objects.filter(pk=job.pk, status=JobStatus.QUEUED, task_id="").exists():
                _enqueue(job)
                out["resent"].append(job.pk)
    if any(out.values()):
        log.warning("jobs reaped: %s", out)
    _clean_files(now)
    return out


def _clean_files(now) -> None:
    from .files import jobs_files_clean

    try:
        cleaned = jobs_files_clean(now=now)
    except OSError:  # a file system that refuses: the next round tries again
        log.exception("job files not cleaned")
        return
    if any(cleaned.values()):
        log.info("job files deleted: %s", cleaned)


def _forget_task(task_id: str) -> None:
    """The database backend's row of a dead attempt says RUNNING forever: mark it failed."""
    from django_tasks import task_backends

    if not task_id or not is_database_backend(task_backends["default"]):
        return
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.filter(id=task_id, status="RUNNING").update(
        status="FAILED", finished_at=timezone.now()
    )


_last_reap = 0.0
_reap_lock = threading.Lock()


def jobs_reap_if_due() -> None:
    """The reaper at most every quarter of the stale timeout per process: on submit and on read,
    so that a dead worker's job is found even while no worker runs."""
    global _last_reap
    if transaction.get_connection().in_atomic_block:
        return  # never inside the caller's work; the next call outside does it
    interval = max(stale_seconds() / 4, 1.0)
    with _reap_lock:
        if time.monotonic() - _last_reap < interval:
            return
        _last_reap = time.monotonic()
    try:
        jobs_reap()
    except Exception:  # the reaper must never break the request that called it
        log.exception("job reaper failed")
