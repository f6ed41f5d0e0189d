import pytest

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.talent.circulation import (
    candidacy_set_status,
    candidacy_submit,
    vacancy_close,
    vacancy_publish,
)
from xietong.talent.selectors import vacancy_list


def _vacancy(tw):
    return vacancy_publish(
        school=tw["schools"]["A"],
        title="廊坊新教师招聘",
        subject="maths",
        stage="primary",
        positions=3,
        new_teachers=True,
        actor=tw["users"]["school-a"],
    )


def test_publish_visible_across_area_and_apply(tw):
    v = _vacancy(tw)
    # a Beijing bureau user sees Langfang's vacancy in the jjj channel
    seen = vacancy_list(scope=scope_for(tw["users"]["tongzhou"]), area=tw["areas"]["jjj"])
    assert v in seen
    assert v not in vacancy_list(scope=scope_for(None), area=tw["areas"]["yrd"])
    c = candidacy_submit(vacancy=v, actor=tw["users"]["public"], statement="hello")
    c = candidacy_set_status(candidacy=c, status="shortlisted", actor=tw["users"]["school-a"])
    c = candidacy_set_status(candidacy=c, status="offered", actor=tw["users"]["langfang"])
    c = candidacy_set_status(candidacy=c, status="accepted", actor=tw["users"]["public"])
    assert c.status == "accepted"


def test_wrong_user(tw):
    with pytest.raises(OutOfScope):
        vacancy_publish(
            school=tw["schools"]["A"],
            title="x",
            subject="maths",
            stage="primary",
            actor=tw["users"]["tongzhou"],
        )
    v = _vacancy(tw)
    c = candidacy_submit(vacancy=v, actor=tw["users"]["public"])
    with pytest.raises(OutOfScope):
        candidacy_set_status(candidacy=c, status="offered", actor=tw["users"]["public"])
    with pytest.raises(OutOfScope):
        candidacy_set_status(candidacy=c, status="withdrawn", actor=tw["users"]["school-a"])


def test_bad_input(tw):
    with pytest.raises(ValueError):
        vacancy_publish(
            school=tw["schools"]["A"], title="", subject="maths", stage="primary", actor=None
        )
    with pytest.raises(ValueError):
        vacancy_publish(
            school=tw["schools"]["A"], title="x", subject="cooking", stage="primary", actor=None
        )
    v = _vacancy(tw)
    c = candidacy_submit(vacancy=v, actor=tw["users"]["public"])
    with pytest.raises(ValueError, match="already"):
        candidacy_submit(vacancy=v, actor=tw["users"]["public"])
    with pytest.raises(ValueError, match="cannot become"):
        candidacy_set_status(candidacy=c, status="accepted", actor=tw["users"]["public"])
    vacancy_close(vacancy=v, actor=tw["users"]["school-a"])
    with pytest.raises(ValueError, match="closed"):
        candidacy_submit(vacancy=v, actor=tw["users"]["teacher-a"])
