"""A job started through the API with a token acts with the token's limits when it runs, not
with its user's full roles: a role-bound token's one role (never superuser powers), and nothing
at all once the token is revoked or its role is gone."""

from __future__ import annotations

from django.test import Client

from xietong.accounts.models import Role
from xietong.accounts.scope import scope_for
from xietong.accounts.services import role_grant, role_revoke, token_create, token_revoke
from xietong.jobs.models import Job
from xietong.jobs.worker import run_pending
from xietong.talent.job_kinds import EFFECT, MATCH
from xietong.talent.models import ExchangeRound


def _bearer(secret: str) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


def _match(client: Client, rnd) -> Job:
    r = client.post(f"/api/talent/rounds/{rnd.pk}/steps/match", content_type="application/json")
    assert r.status_code == 202, r.content
    return Job.objects.get(pk=r.json()["id"])


def _admin_with_role_token(tw):
    """The superuser, also the jjj secretariat, with a token bound to that role only."""
    admin = tw["users"]["admin"]
    role = role_grant(user=admin, role=Role.SECRETARIAT, area=tw["areas"]["jjj"], actor=None)
    _token, secret = token_create(user=admin, name="jjj only", role_assignment=role, actor=admin)
    return admin, role, secret


def test_a_role_bound_token_s_job_runs_with_that_role_only(ranking, tw):
    admin, role, secret = _admin_with_role_token(tw)
    job = _match(_bearer(secret), ranking)
    assert job.acts_as == "token" and job.token.role_assignment_id == role.pk
    scope = scope_for(Job.objects.get(pk=job.pk).actor())
    assert not scope.is_admin  # the superuser's powers stay home
    assert scope == scope_for(admin, only=role)
    run_pending()
    job.refresh_from_db()
    assert job.status == "succeeded", (job.error_code, job.error_params)
    assert ExchangeRound.objects.get(pk=ranking.pk).status == "matched"
    effect = Job.objects.get(kind=EFFECT)  # queued by the matching, with the same limits
    assert effect.acts_as == "token" and effect.token_id == job.token_id
    assert effect.status == "succeeded"


def test_a_job_whose_token_s_role_was_revoked_runs_nothing(ranking, tw):
    """Before the fix the job ran as the superuser (its owner's full roles) and matched."""
    admin, role, secret = _admin_with_role_token(tw)
    job = _match(_bearer(secret), ranking)
    role_revoke(assignment=role, actor=None)  # the token bound to it ends with it
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "out_of_scope")
    assert ExchangeRound.objects.get(pk=ranking.pk).status == "ranking"
    assert not Job.objects.filter(kind=EFFECT).exists()


def test_a_job_whose_token_was_revoked_runs_nothing(ranking, tw):
    sec = tw["users"]["jjj-sec"]
    token, secret = token_create(user=sec, name="all my roles", actor=sec)
    job = _match(_bearer(secret), ranking)
    assert job.acts_as == "token" and job.token_id == token.pk
    token_revoke(token=token, actor=sec)
    run_pending()
    job.refresh_from_db()
    assert (job.status, job.error_code) == ("failed", "out_of_scope")
    assert ExchangeRound.objects.get(pk=ranking.pk).status == "ranking"


def test_a_job_started_in_the_browser_acts_as_its_user(ranking, tw):
    c = Client()
    c.force_login(tw["users"]["jjj-sec"])
    r = c.post(f"/api/talent/rounds/{ranking.pk}/steps/match", content_type="application/json")
    assert r.status_code == 202
    job = Job.objects.get(kind=MATCH)
    assert job.acts_as == "user" and job.token_id is None


def test_the_wrong_token_starts_nothing(ranking, tw):
    r = _bearer("xt_not-a-token").post(
        f"/api/talent/rounds/{ranking.pk}/steps/match", content_type="application/json"
    )
    assert r.status_code == 401 and not Job.objects.exists()
