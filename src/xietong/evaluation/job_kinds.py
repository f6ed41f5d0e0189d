"""The evaluation app's background job: an evaluation run (every school of an area or a
jurisdiction against a standard, stored with its fingerprint)."""

from __future__ import annotations

import logging

from django.db import transaction
from django.urls import reverse

from xietong.jobs.errors import JobError
from xietong.jobs.kinds import JobKind, register
from xietong.jobs.services import job_submit
from xietong.regions.models import CooperationArea, Jurisdiction

from . import exports, services  # noqa: F401 (exports registers its tables)

log = logging.getLogger(__name__)

RUN = "evaluation.run"


def run_submit(
    *,
    standard: str,
    stage: str,
    year: int,
    actor,
    area: CooperationArea | None = None,
    jurisdiction: Jurisdiction | None = None,
    split_rule: str | None = None,
):
    """Queue an evaluation run, refused at once for what the run itself would refuse before
    reading the registry; the same run while one is queued or running is that job."""
    std, _prefixes, scope_key = services.evaluation_run_check(
        standard=standard,
        stage=stage,
        year=int(year),
        actor=actor,
        area=area,
        jurisdiction=jurisdiction,
    )
    kind, ref = ("area", area.slug) if area is not None else ("jurisdiction", jurisdiction.code)
    return job_submit(
        kind=RUN,
        key=f"{std.id}|{stage}|{int(year)}|{scope_key}|{split_rule or ''}",
        actor=actor,
        params={
            "standard": standard,
            "stage": stage,
            "year": int(year),
            "split_rule": split_rule,
        },
        object_type=kind,
        object_id=ref,
    )


def _target(job) -> dict:
    if job.object_type == "area":
        area = CooperationArea.objects.filter(slug=job.object_id).first()
        if area is None:
            raise JobError("not_found")
        return {"area": area}
    jurisdiction = Jurisdiction.objects.filter(code=job.object_id).first()
    if jurisdiction is None:
        raise JobError("not_found")
    return {"jurisdiction": jurisdiction}


def _run(job, ctx) -> dict:
    p = job.params
    ctx.progress(stage="evaluating")
    try:
        with transaction.atomic():  # the run and the job's success commit together
            run = services.evaluation_run(
                standard=p["standard"],
                stage=p["stage"],
                year=p["year"],
                split_rule=p.get("split_rule"),
                actor=job.actor(),
                **_target(job),
            )
            result = {"run": run.pk, "counties": run.n_counties, "passing": run.n_passing}
            ctx.finish(result)
    except ValueError as exc:
        log.warning("evaluation job %s refused: %s", job.pk, exc)
        raise JobError("refused") from None
    return result


def _visible(scope, job) -> bool:
    """Those who may evaluate the area or jurisdiction follow its runs."""
    if job.object_type == "area":
        area = CooperationArea.objects.filter(slug=job.object_id).first()
        return area is not None and (scope.is_admin or scope.can_manage_area(area.pk))
    return scope.jurisdiction_readable(job.object_id)


def _result_url(job) -> str | None:
    if job.result and job.result.get("run"):
        return reverse("evaluation_run", args=[job.result["run"]])
    return reverse("evaluation_home")


register(JobKind(name=RUN, run=_run, visible=_visible, result_url=_result_url))
