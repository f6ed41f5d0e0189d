"""Jobs in the test's own transaction, run by the backend's worker code in this thread
(worker.run_pending): submit and dedupe, progress, errors as codes, the reaper, the round page."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation

from xietong.audit.models import AuditEntry
from xietong.jobs import kinds, runner
from xietong.jobs.errors import JobError, Superseded
from xietong.jobs.models import Job
from xietong.jobs.present import job_out
from xietong.jobs.services import job_start, job_submit, job_succeed, jobs_reap
from xietong.jobs.worker import run_pending
from xietong.talent.job_kinds import MATCH, match_submit
from xietong.talent.models import RoundStatus


def _steps(job, ctx):
    """A kind of the tests: reports progress, then fails or succeeds as its params say."""
    for i in range(job.params.get("n", 3)):
        ctx.progress(done=i + 1, total=job.params.get("n", 3), stage="solving")
    seen.append(Job.objects.values_list("done", "total", "stage").get(pk=job.pk))
    if job.params.get("fail") == "code":
        raise JobError("wrong_state", status="open")
    if job.params.get("fail") == "crash":
        raise KeyError("no such column")
    return {"ok": True}


seen: list = []
kinds.register(kinds.JobKind(name="tests.steps", run=_steps, display_params=lambda p: p))


def test_the_same_job_twice_is_one_job(ranking, tw):
    sec = tw["users"]["jjj-sec"]
    first, created = match_submit(rnd=ranking, actor=sec)
    again, created_again = match_submit(rnd=ranking, actor=sec)
    assert created and not created_again and again.pk == first.pk
    assert Job.objects.count() == 1
    assert AuditEntry.objects.filter(action="job.submit").count() == 1
    assert run_pending() == 2  # the matching once, and its effect
    assert AuditEntry.objects.filter(action="talent.round.matched").count() == 1
    # a second task for a job that has run finds nothing to do
    assert runner.execute(first.pk) is None
    assert AuditEntry.objects.filter(action="talent.round.matched").count() == 1
    # once it has ended, the same key is a new job
    third, created = match_submit(rnd=ranking, actor=sec)
    assert created and third.pk != first.pk


def test_progress_result_and_json(tw):
    seen.clear()
    job, _ = job_submit(kind="tests.steps", key="a", actor=tw["users"]["jjj-sec"], params={"n": 4})
    run_pending()
    assert seen == [(4, 4, "solving")]  # written while it ran
    job.refresh_from_db()
    out = job_out(job)
    assert (out["status"], out["result"], out["percent"], out["attempts"]) == (
        "succeeded",
        {"ok": True},
        100.0,
        1,
    )
    assert out["stage_label"] == "Matching teachers to posts"
    with translation.override("zh-hans"):
        assert job_out(job)["stage_label"] == "为教师匹配岗位"


def _stages(job, ctx):
    for stage in ("reading", "solving", "solving", "storing"):
        ctx.progress(stage=stage)
    return {"ok": True}


kinds.register(kinds.JobKind(name="tests.stages", run=_stages, display_params=lambda p: p))


def test_steps_keep_every_stage_once_in_order(tw):
    """A stage shorter than the page's poll is still listed: the job keeps the stages it went
    through, each once, in order, with when it began; a new attempt starts a new list."""
    job, _ = job_submit(kind="tests.stages", key="s", actor=tw["users"]["jjj-sec"])
    run_pending()
    job.refresh_from_db()
    steps = job_out(job)["steps"]
    assert [s["stage"] for s in steps] == ["reading", "solving", "storing"]
    assert [s["label"] for s in steps] == [
        "Reading the applications and posts",
        "Matching teachers to posts",
        "Storing the placements",
    ]
    assert [s["started_at"] for s in steps] == sorted(s["started_at"] for s in steps)
    with translation.override("zh-hans"):
        assert job_out(job)["steps"][1]["label"] == "为教师匹配岗位"
    body = Client().get(f"/api/jobs/{job.pk}")  # anonymous: not its owner
    assert body.status_code in (401, 403, 404)
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    assert [s["stage"] for s in c.get(f"/api/jobs/{job.pk}").json()["steps"]] == [
        "reading",
        "solving",
        "storing",
    ]
    # a queued job has no steps; claiming it for a new attempt clears the old list
    Job.objects.filter(pk=job.pk).update(status="queued")
    claimed, _token = job_start(job_id=job.pk)
    assert claimed.steps == []


@pytest.mark.parametrize(
    "fail, code, params, en",
    [
        ("code", "wrong_state", {"status": "open"}, "The round is open now"),
        ("crash", "internal", {"exception": "KeyError"}, "internal error (KeyError)"),
    ],
)
def test_an_error_is_a_code_with_params(tw, fail, code, params, en):
    job, _ = job_submit(
        kind="tests.steps", key=fail, actor=tw["users"]["jjj-sec"], params={"fail": fail}
    )
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_params) == ("failed", code, params)
    assert en in job_out(job)["error_message"]  # rendered when read, in the reader's language
    with translation.override("zh-hans"):
        assert job_out(job)["error_message"] != job_out(job)["error_message"].encode().decode(
            "ascii", "ignore"
        )  # not English: Chinese characters in it


def test_a_match_refused_when_it_runs_is_recorded_as_a_code(ranking, tw):
    from xietong.talent.services import round_match

    sec = tw["users"]["jjj-sec"]
    job, _ = match_submit(rnd=ranking, actor=sec)
    round_match(rnd=ranking, actor=sec)  # matched meanwhile...
    from xietong.talent.services import round_review

    round_review(rnd=ranking, actor=sec)  # ... and reviewed: the queued matching may not run
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_params) == (
        "failed",
        "wrong_state",
        {"status": "reviewed"},
    )
    assert "The round is Reviewed now" in job_out(job)["error_message"]


def test_the_reaper_requeues_then_fails_a_job_whose_heartbeat_stopped(tw, settings):
    settings.XIETONG_JOB_STALE_SECONDS = 60
    settings.XIETONG_JOB_MAX_ATTEMPTS = 2
    job, _ = job_submit(kind="tests.steps", key="r", actor=tw["users"]["jjj-sec"])
    claimed, token = job_start(job_id=job.pk)
    old = timezone.now() - timedelta(seconds=61)
    Job.objects.filter(pk=job.pk).update(heartbeat_at=old)  # its worker died a minute ago
    assert jobs_reap() == {"requeued": [job.pk], "failed": [], "resent": []}
    job.refresh_from_db()
    assert (job.status, job.attempts, job.run_token) == ("queued", 1, "")
    with pytest.raises(Superseded):  # the dead attempt, were it to come back, commits nothing
        job_succeed(job=claimed, token=token, result={"late": True})
    claimed, token = job_start(job_id=job.pk)  # attempt 2 dies too
    Job.objects.filter(pk=job.pk).update(heartbeat_at=old)
    assert jobs_reap()["failed"] == [job.pk]
    job.refresh_from_db()
    assert (job.status, job.error_code, job.error_params["attempts"]) == (
        "failed",
        "worker_lost",
        2,
    )
    assert Job.objects.filter(status="running").count() == 0
    # a fresh heartbeat is left alone
    fresh, _ = job_submit(kind="tests.steps", key="f", actor=tw["users"]["jjj-sec"])
    job_start(job_id=fresh.pk)
    assert jobs_reap() == {"requeued": [], "failed": [], "resent": []}


def test_effect_is_computed_once_per_matching_and_read_from_storage(ranking, tw, monkeypatch):
    sec = Client()
    sec.force_login(tw["users"]["jjj-sec"])
    r = sec.post(f"/api/talent/rounds/{ranking.pk}/steps/match", "{}", "application/json")
    assert r.status_code == 202
    run_pending()
    ranking.refresh_from_db()
    assert ranking.status == RoundStatus.MATCHED
    assert ranking.effect["matched_at"] == ranking.matched_at.isoformat()
    from xietong.talent import engine

    def recomputed(rnd):
        raise AssertionError("GET .../effect recomputed the effect")

    monkeypatch.setattr(engine, "predicted_effect", recomputed)
    for _ in range(2):
        r = sec.get(f"/api/talent/rounds/{ranking.pk}/effect")
        assert r.status_code == 200 and r.json()["matched_at"] == ranking.effect["matched_at"]
    # lost (say, cleared by hand): the first read queues it, later reads get the same job
    type(ranking).objects.filter(pk=ranking.pk).update(effect={})
    monkeypatch.undo()
    first = sec.get(f"/api/talent/rounds/{ranking.pk}/effect")
    second = sec.get(f"/api/talent/rounds/{ranking.pk}/effect")
    assert first.status_code == second.status_code == 202
    assert first["Location"] == second["Location"]
    assert run_pending() == 1
    assert sec.get(first["Location"]).json()["status"] == "succeeded"
    assert sec.get(f"/api/talent/rounds/{ranking.pk}/effect").status_code == 200


def test_round_page_shows_progress_then_results(ranking, tw):
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    r = c.post(f"/talent/rounds/{ranking.pk}/step/match/")
    assert r.status_code == 302
    job = Job.objects.get(kind=MATCH)
    page = c.get(f"/talent/rounds/{ranking.pk}/").content.decode()
    assert f'data-job-url="/api/jobs/{job.pk}"' in page and "jobs.js" in page
    assert 'id="match-form"' not in page  # no second matching while one is queued
    assert 'id="certificate"' not in page
    run_pending()
    page = c.get(f"/talent/rounds/{ranking.pk}/").content.decode()
    assert "data-job-url" not in page and 'id="certificate"' in page


def test_a_failed_match_is_shown_on_the_round_page(ranking, tw):
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    c.post(f"/talent/rounds/{ranking.pk}/step/match/")
    job = Job.objects.get(kind=MATCH)
    type(ranking).objects.filter(pk=ranking.pk).update(status="open")  # changed underneath
    run_pending()
    page = c.get(f"/talent/rounds/{ranking.pk}/").content.decode()
    assert "The round is Open for applications now" in page
    assert json.loads(c.get(f"/api/jobs/{job.pk}").content)["error_code"] == "wrong_state"
