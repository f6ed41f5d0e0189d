"""Real `xietong worker` processes on a database of their own (SQLite, or PostgreSQL when the
run's DATABASE_URL is; the Redis backend too when XIETONG_REDIS_URL is set): the happy path of
a matching and an evaluation run, and a worker killed (SIGKILL) in the middle of a matching.

Fault cases, each checked on what is left in the database:
* killed while solving (before the write transaction) and while storing (inside it): the round
  is as it was (ranking, no placements: the matching is atomic), the job still says running
  until its heartbeat is older than the stale timeout, then the next worker re-queues it and
  runs it to the end (attempt 2), or fails it with ``worker_lost`` once it had its attempts;
  never left running, and the backend's own task row is not left RUNNING either.
"""

from __future__ import annotations

import time

import pytest

from . import procs

pytestmark = pytest.mark.parametrize("backend", procs.BACKENDS)

JOB = "SELECT status, stage, attempts FROM jobs_job WHERE id = %s"


@pytest.fixture
def world(tmp_path, backend):
    procs.flush_redis()
    db = procs.fresh_database(tmp_path)

    def env(**extra):
        return procs.environment(db, tmp_path, backend, **extra)

    yield db, env
    procs.flush_redis()


def _burst(env) -> str:
    out = procs.start(env, "worker", "--burst")
    text, _ = out.communicate(timeout=600)
    assert out.returncode == 0, text[-3000:]
    return text


def test_match_and_evaluation_through_a_worker(world):
    db, env = world
    e = env()
    match = procs.scenario(e, "submit", "match")
    again = procs.scenario(e, "submit", "match")
    assert again == {"job": match["job"], "created": False}  # the same job, not a second one
    evaluation = procs.scenario(e, "submit", "evaluation")
    _burst(e)
    state = procs.scenario(e, "state")
    jobs = {j["kind"]: j for j in state["jobs"]}
    assert [j["status"] for j in state["jobs"]] == ["succeeded"] * 3, state["jobs"]
    assert set(jobs) == {"talent.match", "talent.effect", "evaluation.run"}
    assert jobs["talent.match"]["attempts"] == 1 and jobs["talent.match"]["id"] == match["job"]
    rnd = state["round"]
    assert rnd["status"] == "matched"
    assert rnd["placements"] == rnd["applications"] == jobs["talent.match"]["result"]["applicants"]
    assert rnd["effect_state"] == rnd["matched_at"]  # the effect of this matching, stored
    assert jobs["evaluation.run"]["id"] == evaluation["job"] and state["evaluation_runs"] == 1
    assert state["audit_ok"] and state["tasks_running"] == 0


@pytest.mark.parametrize(
    "stage, attempts, ends",
    [("storing", 2, "succeeded"), ("solving", 2, "succeeded"), ("storing", 1, "failed")],
)
def test_worker_killed_in_the_middle_of_a_matching(world, stage, attempts, ends):
    db, env = world
    e = env(
        XIETONG_JOB_STALE_SECONDS=3,
        XIETONG_JOB_HEARTBEAT_SECONDS=0.5,
        XIETONG_JOB_MAX_ATTEMPTS=attempts,
    )
    job = procs.scenario(e, "submit", "match")["job"]
    worker = procs.start(e, "worker")
    try:
        if stage == "storing":  # inside the transaction that writes the placements
            procs.wait_for_writing(db, job, "storing", "talent_placement")
        else:
            procs.wait_for(db, JOB, (job,), lambda r: r[0] == "running" and r[1] == stage)
        assert worker.poll() is None
    finally:
        procs.kill(worker)
    killed = procs.scenario(e, "state")
    assert killed["round"]["status"] == "ranking"  # nothing of the matching was kept
    assert killed["round"]["placements"] == 0
    assert killed["jobs"][0]["status"] == "running"  # until its heartbeat is stale
    time.sleep(3.5)
    _burst(e)  # the next worker finds it first thing
    state = procs.scenario(e, "state")
    match = state["jobs"][0]
    assert match["status"] == ends, state["jobs"]
    assert all(j["status"] in ("succeeded", "failed") for j in state["jobs"])  # none running
    assert state["tasks_running"] == 0 and state["audit_ok"]
    if ends == "succeeded":
        assert match["attempts"] == 2
        assert state["round"]["status"] == "matched"
        assert state["round"]["placements"] == state["round"]["applications"]
    else:
        assert match["attempts"] == 1 and match["error_code"] == "worker_lost"
        assert state["round"]["status"] == "ranking" and state["round"]["placements"] == 0


@pytest.mark.parametrize("attempts, ends", [(2, "succeeded"), (1, "failed")])
def test_worker_killed_in_the_middle_of_an_import_leaves_nothing_half_written(
    world, attempts, ends
):
    """A two-year statistics file of every school, killed inside the transaction that writes
    its values: none of them is kept; the next worker imports all of it, or fails the job."""
    db, env = world
    e = env(
        XIETONG_JOB_STALE_SECONDS=3,
        XIETONG_JOB_HEARTBEAT_SECONDS=0.5,
        XIETONG_JOB_MAX_ATTEMPTS=attempts,
        XIETONG_IMPORT_JOB_BYTES=1000,
    )
    submitted = procs.scenario(e, "submit", "import")
    assert submitted["created"] and submitted["bytes"] > 1000
    job = submitted["job"]
    worker = procs.start(e, "worker")
    try:
        procs.wait_for_writing(db, job, "import_checking", "schools_schoolstatistic")
        assert worker.poll() is None
    finally:
        procs.kill(worker)
    killed = procs.scenario(e, "state")
    assert killed["history_values"] == 0  # not one value of the file
    assert killed["jobs"][0]["status"] == "running"
    time.sleep(3.5)
    _burst(e)
    state = procs.scenario(e, "state")
    imported = state["jobs"][0]
    assert imported["status"] == ends, state["jobs"]
    assert state["tasks_running"] == 0 and state["audit_ok"]
    if ends == "succeeded":
        assert imported["attempts"] == 2
        assert state["history_values"] == imported["result"]["values"] > 50_000
    else:
        assert imported["error_code"] == "worker_lost" and state["history_values"] == 0
