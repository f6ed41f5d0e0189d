"""The talent app's background jobs: matching a round, and its predicted effect on balance
(computed once per matched state and stored on the round)."""

from __future__ import annotations

import logging

from django.urls import reverse

from xietong.accounts.scope import scope_for
from xietong.jobs.errors import JobError
from xietong.jobs.kinds import JobKind, register
from xietong.jobs.services import job_submit

from . import engine, exports, imports, selectors, services  # noqa: F401 (exports registers)
from .models import ExchangeRound, RoundStatus

log = logging.getLogger(__name__)

MATCH = "talent.match"
IMPORTS = (imports.TEACHERS_IMPORT, imports.POSTS_IMPORT)  # registered by talent.imports
EFFECT = "talent.effect"


def _round(job) -> ExchangeRound:
    rnd = ExchangeRound.objects.select_related("area", "jurisdiction").filter(pk=job.object_id)
    rnd = rnd.first()
    if rnd is None:
        raise JobError("not_found")
    return rnd


def _visible(scope, job) -> bool:
    """Those who may see the round's outcome follow its matching and its effect."""
    rnd = ExchangeRound.objects.select_related("area", "jurisdiction").filter(pk=job.object_id)
    rnd = rnd.first()
    return rnd is not None and selectors.round_outcome_visible(scope, rnd)


def _wrong_state(rnd: ExchangeRound) -> JobError:
    return JobError("wrong_state", status=ExchangeRound.objects.get(pk=rnd.pk).status)


def _status_words(params: dict) -> dict:
    if params.get("status") in RoundStatus.values:
        params = {**params, "status": RoundStatus(params["status"]).label}
    return params


def _round_url(job) -> str:
    return reverse("talent_round", args=[job.object_id])


def match_submit(*, rnd: ExchangeRound, actor):
    """Queue the matching of a round (refused at once if the caller may not run it or the round
    is not ready); the same round's matching while one is queued or running is that job."""
    services.round_match_check(rnd=rnd, actor=actor)
    return job_submit(
        kind=MATCH,
        key=str(rnd.pk),
        actor=actor,
        object_type="exchange_round",
        object_id=rnd.pk,
    )


def effect_submit(*, rnd: ExchangeRound, actor):
    """Queue the predicted effect of the round's current matching (one per matched state)."""
    state = services.effect_state(rnd)
    return job_submit(
        kind=EFFECT,
        key=f"{rnd.pk}@{state}",
        actor=actor,
        params={"state": state},
        object_type="exchange_round",
        object_id=rnd.pk,
    )


def _run_match(job, ctx) -> dict:
    rnd = _round(job)
    result: dict = {}

    def stored(r: ExchangeRound) -> None:  # inside the matching's transaction
        result.update(
            round=r.pk,
            placed=r.placements.filter(post__isnull=False).count(),
            applicants=int(r.certificate.get("teachers") or 0),
            certificate_ok=bool(r.certificate.get("ok")),
            fingerprint=r.certificate.get("fingerprint"),
            matched_at=services.effect_state(r),
        )
        ctx.finish(result)

    try:
        rnd = services.round_match(
            rnd=rnd, actor=job.actor(), progress=ctx.progress, on_stored=stored
        )
    except services.LifecycleError:
        raise _wrong_state(rnd) from None
    try:  # the effect of this matching, computed once, by the next free worker
        effect_submit(rnd=rnd, actor=job.actor())
    except Exception:  # the matching stands; GET .../effect queues the effect again
        log.exception("round %s: the predicted effect could not be queued", rnd.pk)
    return result


def _run_effect(job, ctx) -> dict:
    rnd = _round(job)
    actor = job.actor()
    state = job.params.get("state", "")
    if services.effect_state(rnd) != state:
        raise JobError("state_changed")
    if not selectors.round_outcome_visible(scope_for(actor), rnd):
        raise JobError("out_of_scope")
    ctx.progress(stage="effect")
    effect = engine.predicted_effect(rnd)
    try:
        rnd = services.round_effect_store(rnd=rnd, actor=actor, state=state, effect=effect)
    except services.LifecycleError:
        raise JobError("state_changed") from None
    return {"round": rnd.pk, "matched_at": state, "counties": len(effect.get("counties", []))}


register(
    JobKind(
        name=MATCH,
        run=_run_match,
        visible=_visible,
        result_url=_round_url,
        display_params=_status_words,
    )
)
register(JobKind(name=EFFECT, run=_run_effect, visible=_visible, result_url=_round_url))
