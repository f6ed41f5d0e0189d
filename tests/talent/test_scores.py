import pytest

from xietong.accounts.scope import OutOfScope
from xietong.talent import services
from xietong.talent.models import Choice
from xietong.talent.services import LifecycleError

from .conftest import apply_all


def _ranking(tw):
    rnd = apply_all(tw)
    return services.round_close_applications(rnd=rnd, actor=None)


def test_host_school_scores_its_post(tw):
    rnd = _ranking(tw)
    n = services.scores_set(
        rnd=rnd,
        post=tw["posts"]["PA"],
        scores={"TB0": 50, "TB2": None},
        actor=tw["users"]["school-a"],
    )
    assert n == 2
    c = Choice.objects.get(post__code="PA", application__teacher__code="TB0")
    assert c.score == 50
    assert Choice.objects.get(post__code="PA", application__teacher__code="TB2").score is None


def test_host_bureau_scores(tw):
    rnd = _ranking(tw)
    services.scores_set(
        rnd=rnd, post=tw["posts"]["PA"], scores={"TB0": 3}, actor=tw["users"]["langfang"]
    )


def test_wrong_user_cannot_score(tw):
    rnd = _ranking(tw)
    for who in ("tongzhou", "teacher-a", "yrd-sec"):
        with pytest.raises(OutOfScope):
            services.scores_set(
                rnd=rnd, post=tw["posts"]["PA"], scores={"TB0": 1}, actor=tw["users"][who]
            )
    # school A may not score Wuqing's post
    with pytest.raises(OutOfScope):
        services.scores_set(
            rnd=rnd, post=tw["posts"]["PD"], scores={"TB0": 1}, actor=tw["users"]["school-a"]
        )


def test_bad_scores(tw):
    rnd = _ranking(tw)
    with pytest.raises(ValueError, match="did not apply"):
        services.scores_set(rnd=rnd, post=tw["posts"]["PA"], scores={"TA1": 3}, actor=None)
    with pytest.raises(ValueError, match="between"):
        services.scores_set(rnd=rnd, post=tw["posts"]["PA"], scores={"TB0": 1e9}, actor=None)


def test_scores_only_in_ranking_step(tw):
    rnd = apply_all(tw)
    with pytest.raises(LifecycleError):
        services.scores_set(rnd=rnd, post=tw["posts"]["PA"], scores={"TB0": 1}, actor=None)
