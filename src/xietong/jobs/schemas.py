"""What an endpoint that starts a job answers: 202, the job (as GET /api/jobs/{id} shows it) and
a Location header pointing there."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpResponse
from ninja import Schema, Status

from .models import Job
from .present import job_out, job_url


class JobStepOut(Schema):
    stage: str
    label: str
    started_at: str


class JobOut(Schema):
    id: int
    kind: str
    status: str
    status_label: str
    stage: str
    stage_label: str
    steps: list[JobStepOut]
    done: int
    total: int | None
    percent: float | None
    attempts: int
    result: dict[str, Any] | None
    error_code: str
    error_params: dict[str, Any]
    error_message: str
    url: str
    result_url: str | None
    created_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None


def accepted(response: HttpResponse, job: Job):
    """202 Accepted: the job's body, and Location where to follow it."""
    response["Location"] = job_url(job)
    return Status(202, job_out(job))
