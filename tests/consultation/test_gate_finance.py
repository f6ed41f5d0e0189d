"""The gate wired into finance: where the area has a negotiation body, a contribution round's rule
and a joint project's shares freeze only after an adopted consultation on them."""

import pytest

from xietong.consultation import gate, services
from xietong.consultation.models import Subject

from .conftest import AH, JS, SH, ZJ

pytestmark = pytest.mark.django_db


def _round(world):
    from xietong.finance import services as finance
    from xietong.regions.models import Jurisdiction

    fund = finance.fund_open(area=world["areas"]["yrd"], actor=None)
    r = finance.round_create(
        fund=fund, title="2027", year=2027, total="1000.00", mix={"students": 100}, actor=None
    )
    for code, n in ((SH, 1), (JS, 2), (ZJ, 3), (AH, 4)):
        finance.round_weights_set(
            round=r, member=Jurisdiction.objects.get(code=code), values={"students": n}, actor=None
        )
    return r


def test_round_freezes_without_a_body(world):
    from xietong.finance import services as finance

    r = finance.round_freeze(round=_round(world), actor=None)
    assert r.status == "frozen"


def test_round_waits_for_its_consultation(world, forums):
    from xietong.finance import services as finance
    from xietong.finance.models import Charge

    r = _round(world)
    with pytest.raises(gate.GateClosed):
        finance.round_freeze(round=r, actor=None)
    assert not Charge.objects.exists()
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"],
        title="2027 年度分担规则",
        paragraphs=["按学生数分担。"],
        rule={"kind": "silence"},
        major=True,
        subject=Subject.CONTRIBUTION_ROUND,
        subject_id=str(r.pk),
        actor=sec,
    )
    p = services.proposal_circulate(proposal=p, comment_days=1, position_days=1, actor=sec)
    with pytest.raises(gate.GateClosed, match=f"#{p.number}"):
        finance.round_freeze(round=r, actor=None)
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    r = finance.round_freeze(round=r, actor=None)
    assert r.status == "frozen" and Charge.objects.filter(round=r).count() == 4
