"""The gate wired into talent: where the area has a negotiation body, an exchange round (its
policy) opens only after the members' adopted consultation on it."""

import pytest

from tests.talent.conftest import talent_world
from xietong.consultation import gate, services
from xietong.consultation.models import Level, Subject
from xietong.talent.models import RoundStatus

pytestmark = pytest.mark.django_db


def test_round_opens_after_its_consultation(world):
    from xietong.talent import services as talent

    tw = talent_world(world)
    rnd, sec = tw["round"], tw["users"]["jjj-sec"]
    body = services.body_create(area=rnd.area, name_zh="京津冀会商", actor=sec)
    forum = services.forum_create(body=body, level=Level.DECISION, name_zh="领导小组", actor=sec)
    with pytest.raises(gate.GateClosed):
        talent.round_open(rnd=rnd, actor=sec)
    rnd.refresh_from_db()
    assert rnd.status == RoundStatus.DRAFT
    p = services.proposal_draft(
        forum=forum,
        title="交流轮次政策",
        paragraphs=["交流期一年。"],
        rule={"kind": "silence"},
        major=True,
        subject=Subject.ROUND_POLICY,
        subject_id=str(rnd.pk),
        actor=sec,
    )
    p = services.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=sec)
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    rnd = talent.round_open(rnd=rnd, actor=sec)
    assert rnd.status == RoundStatus.OPEN
