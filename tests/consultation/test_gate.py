"""The major-decision gate: nothing major is published without an adopted consultation."""

import pytest

from xietong.consultation import gate, services
from xietong.consultation.models import Subject

pytestmark = pytest.mark.django_db


def test_gate_closed_until_adopted(world, forums):
    sec = world["users"]["yrd-sec"]
    with pytest.raises(gate.GateClosed, match="circulate one"):
        gate.require_adopted(Subject.CONTRIBUTION_ROUND, 7)
    p = services.proposal_draft(
        forum=forums["decision"],
        title="2027 年度分担",
        paragraphs=["按学生数分担。"],
        rule={"kind": "silence"},
        major=True,
        subject=Subject.CONTRIBUTION_ROUND,
        subject_id="7",
        actor=sec,
    )
    p = services.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=sec)
    with pytest.raises(gate.GateClosed, match=f"#{p.number}"):
        gate.require_adopted(Subject.CONTRIBUTION_ROUND, 7)
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    assert gate.require_adopted(Subject.CONTRIBUTION_ROUND, 7).pk == p.pk
    # another object stays closed
    with pytest.raises(gate.GateClosed):
        gate.require_adopted(Subject.CONTRIBUTION_ROUND, 8)


def test_a_major_subject_must_be_marked_major(world, forums):
    with pytest.raises(ValueError, match="major"):
        services.proposal_draft(
            forum=forums["decision"],
            title="x",
            paragraphs=["a"],
            rule={"kind": "silence"},
            subject=Subject.JOINT_PROJECT,
            subject_id="1",
            actor=world["users"]["yrd-sec"],
        )


def test_failed_consultation_keeps_the_gate_closed(world, forums, bureaus):
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"],
        title="项目分担",
        paragraphs=["a"],
        rule={"kind": "unanimity_strict"},
        major=True,
        subject=Subject.JOINT_PROJECT,
        subject_id="3",
        actor=sec,
    )
    p = services.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=sec)
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    p.refresh_from_db()
    assert p.status == "failed"
    with pytest.raises(gate.GateClosed):
        gate.require_adopted(Subject.JOINT_PROJECT, 3)
