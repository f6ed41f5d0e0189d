"""The planning app's background job: computing a plan's measured actuals of one year (each
reads the evaluation engine, the fund ledger ...; a plan with many member indicators takes a
while)."""

from __future__ import annotations

from django.urls import reverse

from xietong.accounts.scope import scope_for
from xietong.jobs.errors import JobError
from xietong.jobs.kinds import JobKind, register
from xietong.jobs.services import job_submit

from . import services
from .models import Plan

ACTUALS = "planning.actuals"


def actuals_submit(*, plan: Plan, year: int, actor):
    """Queue the computation (refused at once for who may not run it or a year outside the
    plan); the same plan and year while one is queued or running is that job."""
    services.require_compute(scope_for(actor), plan, year)
    return job_submit(
        kind=ACTUALS,
        key=f"{plan.pk}|{int(year)}",
        actor=actor,
        params={"year": int(year)},
        object_type="plan",
        object_id=plan.pk,
    )


def _run(job, ctx) -> dict:
    plan = Plan.objects.select_related("body__area").filter(pk=job.object_id).first()
    if plan is None:
        raise JobError("not_found")
    ctx.progress(stage="computing")
    try:
        result = services.planning_actuals_compute(
            plan=plan, year=job.params["year"], actor=job.actor(), progress=ctx.progress
        )
    except ValueError:
        raise JobError("refused") from None
    return result


def _visible(scope, job) -> bool:
    plan = Plan.objects.select_related("body").filter(pk=job.object_id).first()
    return plan is not None and services.can_manage(scope, plan)


def _result_url(job) -> str:
    return reverse("planning_plan", args=[job.object_id])


register(JobKind(name=ACTUALS, run=_run, visible=_visible, result_url=_result_url))
