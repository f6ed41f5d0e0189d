"""GET /api/jobs/{id}: a job's status, progress, result or error. Endpoints that start a job
answer 202 with this body and a Location header pointing here (schemas.accepted)."""

from __future__ import annotations

from ninja import Router

from xietong.accounts.auth import READ_AUTH
from xietong.api_support import found

from . import selectors
from .present import job_out
from .schemas import JobOut
from .services import jobs_reap_if_due

router = Router(tags=["jobs"])


@router.get(
    "/jobs/{pk}",
    response=JobOut,
    auth=READ_AUTH,
    url_name="job_detail",
    summary="A background job: status, progress, result or error",
)
def job_detail(request, pk: int):
    jobs_reap_if_due()  # a job whose worker died is not shown as running for long
    job = found(selectors.job_get(scope=request.scope, user=request.actor, pk=pk))
    return job_out(job)
