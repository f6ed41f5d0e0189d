"""No step by hand: the workers' periodic task moves proposals on their dates."""

import pytest

from xietong.consultation import services
from xietong.consultation.models import Status
from xietong.jobs import periodic

pytestmark = pytest.mark.django_db


def test_the_worker_tick_decides_a_proposal_whose_deadline_passed(world, forums):
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"], title="t", paragraphs=["a"], rule={"kind": "silence"}, actor=sec
    )
    p = services.proposal_circulate(
        proposal=p,
        comment_days=1,
        position_days=1,
        actor=sec,
        at=p.created_at.replace(year=2026, month=3, day=2),
    )
    task = periodic.REGISTRY["consultation.advance"]
    task.last = 0.0  # due
    assert "consultation.advance" in periodic.run_due()
    p.refresh_from_db()
    assert p.status == Status.ADOPTED  # silence: nobody objected before the deadline
    # not due again within its minute
    assert "consultation.advance" not in periodic.run_due(clock=lambda: task.last + 30)


def test_a_failing_task_is_logged_and_the_others_run(caplog):
    periodic.register("test.boom", "xietong.jobs.periodic:no_such_function", every=1)
    periodic.REGISTRY["consultation.advance"].last = 0.0  # due
    try:
        ran = periodic.run_due()
        assert "test.boom" not in ran and "consultation.advance" in ran
        assert "periodic task test.boom failed" in caplog.text
    finally:
        del periodic.REGISTRY["test.boom"]
