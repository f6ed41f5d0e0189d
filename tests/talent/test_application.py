import pytest

from xietong.accounts.scope import OutOfScope
from xietong.talent import services
from xietong.talent.models import Application, Choice
from xietong.talent.services import LifecycleError


def _open(tw):
    services.round_open(rnd=tw["round"], actor=None)
    tw["round"].refresh_from_db()
    return tw["round"]


def test_teacher_submits_ranked_list(tw):
    rnd = _open(tw)
    t = tw["teachers"]["a0"]
    services.application_submit(
        rnd=rnd, teacher=t, post_codes=["PD", "PE"], actor=tw["users"]["teacher-a"]
    )
    codes = list(
        Choice.objects.filter(application__teacher=t)
        .order_by("rank")
        .values_list("post__code", flat=True)
    )
    assert codes == ["PD", "PE"]
    # a second list replaces the first
    services.application_submit(
        rnd=rnd, teacher=t, post_codes=["PE"], actor=tw["users"]["teacher-a"]
    )
    assert Choice.objects.filter(application__teacher=t).count() == 1


def test_wrong_user_cannot_apply_for_someone_else(tw):
    rnd = _open(tw)
    with pytest.raises(OutOfScope):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"]["b0"], post_codes=["PA"], actor=tw["users"]["teacher-a"]
        )
    with pytest.raises(OutOfScope):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"]["b0"], post_codes=["PA"], actor=tw["users"]["school-a"]
        )


@pytest.mark.parametrize(
    "codes,match",
    [
        ([], "at least one"),
        (["PD", "PD"], "once"),
        (["NOPE"], "No such posts"),
        (["PA"], "own school"),
    ],
)
def test_bad_lists(tw, codes, match):
    rnd = _open(tw)
    with pytest.raises(ValueError, match=match):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"]["a0"], post_codes=codes, actor=tw["users"]["teacher-a"]
        )


def test_too_many_choices(tw):
    rnd = _open(tw)
    services.round_update(rnd=rnd, actor=None, max_choices=1)
    with pytest.raises(ValueError, match="at most 1"):
        services.application_submit(
            rnd=rnd, teacher=tw["teachers"]["b0"], post_codes=["PA", "PD"], actor=None
        )


def test_exempt_or_ineligible_teacher_refused(tw):
    rnd = _open(tw)
    t = tw["teachers"]["b1"]
    t = services.teacher_update(teacher=t, actor=None, exemption="health")
    with pytest.raises(ValueError, match="exempt"):
        services.application_submit(rnd=rnd, teacher=t, post_codes=["PA"], actor=None)
    t = services.teacher_update(teacher=t, actor=None, exemption="none", eligible=False)
    with pytest.raises(ValueError, match="not eligible"):
        services.application_submit(rnd=rnd, teacher=t, post_codes=["PA"], actor=None)


def test_applications_only_while_open(tw):
    with pytest.raises(LifecycleError):
        services.application_submit(
            rnd=tw["round"], teacher=tw["teachers"]["b0"], post_codes=["PA"], actor=None
        )


def test_withdraw(tw):
    rnd = _open(tw)
    t = tw["teachers"]["a0"]
    services.application_submit(
        rnd=rnd, teacher=t, post_codes=["PD"], actor=tw["users"]["teacher-a"]
    )
    services.application_withdraw(rnd=rnd, teacher=t, actor=tw["users"]["teacher-a"])
    assert not Application.objects.filter(teacher=t).exists()
    with pytest.raises(ValueError):
        services.application_withdraw(rnd=rnd, teacher=t, actor=tw["users"]["teacher-a"])
