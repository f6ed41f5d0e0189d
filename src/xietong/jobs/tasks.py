"""The one task of the task queue: run an attempt of a job (the job row says what to do)."""

from __future__ import annotations

from django_tasks import task

from . import runner


@task(takes_context=True)
def run_job(context, job_id: int) -> dict | None:
    return runner.execute(job_id, task_id=str(context.task_result.id))
