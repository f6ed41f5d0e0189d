"""Demo content for consultation (synthetic, marked so): the Yangtze River Delta and
Beijing–Tianjin–Hebei bodies with their levels and delegations; a consultation on next year's
fund rule adopted by qualified majority with Zhejiang's reservation; a failed consensus in a
Beijing–Tianjin–Hebei working group escalated level by level; and an open proposal in its comment
window. Past consultations are run on their own dates (``at=``), so every outcome is computed by
the same scheduler step production uses. Idempotent: a body that exists is left as it is."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.utils import timezone

from xietong.regions.models import CooperationArea

from . import services
from .models import Body, Level

TZ = ZoneInfo("Asia/Shanghai")
BODIES = {
    "yrd": ("长三角教育协作发展会商机制", "Yangtze River Delta education coordination mechanism"),
    "jjj": ("京津冀教育协同发展联席会议", "Beijing–Tianjin–Hebei joint conference on education"),
}
FORUMS = {
    "yrd": [
        (Level.DECISION, "长三角主要领导座谈会（教育专题）", "Leaders' meeting (education)", ""),
        (Level.COORDINATION, "长三角教育协作联席会议", "Liaison meeting on education", ""),
        (Level.EXECUTION, "教师交流专题组", "Working group on teacher exchange", "teachers"),
        (Level.EXECUTION, "经费分担专题组", "Working group on cost sharing", "funding"),
    ],
    "jjj": [
        (Level.DECISION, "京津冀协同发展领导小组（教育）", "Leading group (education)", ""),
        (Level.COORDINATION, "京津冀教育协同办公室", "Joint office for education", ""),
        (Level.EXECUTION, "资源共享专题组", "Working group on shared resources", "resources"),
    ],
}
DELEGATES = {
    "310000000000": "shanghai-bureau",
    "320000000000": "jiangsu-bureau",
    "330000000000": "zhejiang-bureau",
    "340000000000": "anhui-bureau",
    "110000000000": "beijing-bureau",
    "120000000000": "tianjin-bureau",
    "130000000000": "hebei-bureau",
}
SECRETARIAT = {"yrd": "yrd-secretariat", "jjj": "jjj-secretariat"}


def _user(name: str):
    return get_user_model().objects.filter(username=name).first()


def _body(slug: str) -> Body | None:
    area = CooperationArea.objects.filter(slug=slug).first()
    sec = _user(SECRETARIAT[slug])
    if area is None or sec is None:
        return None
    body = Body.objects.filter(area=area).first()
    if body is not None:
        return None  # already loaded
    zh, en = BODIES[slug]
    body = services.body_create(area=area, name_zh=zh, name_en=en, actor=sec)
    for level, fzh, fen, topic in FORUMS[slug]:
        services.forum_create(
            body=body, level=level, name_zh=fzh, name_en=fen, topic=topic, actor=sec
        )
    for d in body.delegations.select_related("member"):
        user = _user(DELEGATES.get(d.member_id, ""))
        if user is not None:
            services.delegate_appoint(
                delegation=d, user=user, role="delegate", since=dt.date(2026, 1, 1), actor=user
            )
    return body


def _forum(body: Body, level: str, topic: str = ""):
    qs = body.forums.filter(level=level)
    return (qs.filter(topic=topic) if topic else qs).first()


def _cast(p, positions: dict[str, tuple[str, str]]):
    ballot = services.open_ballot(p)
    at = ballot.opens_at + dt.timedelta(hours=2)
    for code, (kind, text) in positions.items():
        services.position_cast(
            proposal=p, kind=kind, text=text, actor=_user(DELEGATES[code]), at=at
        )
    services.proposal_advance(proposal=p, at=ballot.closes_at)
    p.refresh_from_db()
    return p


def _yrd(body: Body) -> dict:
    sec = _user(SECRETARIAT["yrd"])
    p = services.proposal_draft(
        forum=_forum(body, Level.DECISION),
        title="2027 年度长三角教育协作基金分担规则",
        paragraphs=[
            "一、2027 年度基金总额 6,000 万元，由四省市按在校生数 40%、常住人口 30%、地区生产总值 30% 的权重分担。",
            "二、各省市分担额于 2027 年 3 月 31 日前缴入基金专户。",
            "三、本规则经会商通过后由秘书处在基金模块冻结执行。（演示数据）",
        ],
        rule={"kind": "qualified_majority"},
        major=True,
        subject="finance.fund_budget",
        subject_id="yrd-2027",
        actor=sec,
    )
    start = dt.datetime(2026, 10, 12, 9, 0, tzinfo=TZ)
    p = services.proposal_circulate(
        proposal=p, comment_days=10, position_days=5, actor=sec, at=start
    )
    c = services.comment_add(
        proposal=p,
        paragraph=1,
        kind="amendment",
        text="建议 GDP 口径采用上年度统计公报数据。",
        proposed_text="一、……地区生产总值（上年度统计公报数）30% 的权重分担。",
        actor=_user(DELEGATES["330000000000"]),
        at=start + dt.timedelta(days=2),
    )
    services.disposition_set(
        comment=c, decision="accepted", reason="采纳，第一段已按统计公报口径修改。", actor=sec
    )
    services.proposal_revise(
        proposal=p,
        paragraphs=[
            "一、2027 年度基金总额 6,000 万元，由四省市按在校生数 40%、常住人口 30%、地区生产总值（上年度统计公报数）30% 的权重分担。",
            "二、各省市分担额于 2027 年 3 月 31 日前缴入基金专户。",
            "三、本规则经会商通过后由秘书处在基金模块冻结执行。（演示数据）",
        ],
        actor=sec,
    )
    services.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    p = _cast(
        p,
        {
            "310000000000": ("support", ""),
            "320000000000": ("support", ""),
            "330000000000": (
                "reservation",
                "浙江省同意，但保留意见：2028 年起应将随迁子女数纳入权重。",
            ),
            "340000000000": ("oppose", ""),
        },
    )
    # an open proposal: its comment window runs now
    q = services.proposal_draft(
        forum=_forum(body, Level.EXECUTION, "teachers"),
        title="2027 学年跨省教师交流轮岗政策",
        paragraphs=[
            "一、交流期限一年，交流教师保留原单位编制与待遇。（演示数据）",
            "二、接收学校优先为乡村学校和薄弱学校。",
        ],
        rule={"kind": "consensus", "escalation": {"days": 5}},
        major=True,
        subject="talent.round_policy",
        subject_id="yrd-2027",
        actor=sec,
    )
    try:
        q = services.proposal_circulate(proposal=q, comment_days=10, position_days=5, actor=sec)
    except ValueError:
        pass  # the windows would run into a year whose holiday notice is not entered: a draft
    return {"yrd_fund_rule": p.status, "yrd_open": q.status}


def _jjj(body: Body) -> dict:
    sec = _user(SECRETARIAT["jjj"])
    p = services.proposal_draft(
        forum=_forum(body, Level.EXECUTION, "resources"),
        title="京津冀优质课程资源互认与共享办法",
        paragraphs=[
            "一、三地经审核入库的课程资源互相认可，教师可直接引用。（演示数据）",
            "二、资源使用量纳入年度协同发展评估。",
        ],
        rule={
            "kind": "consensus",
            "escalation": {"days": 5, "fallback": {"kind": "simple_majority"}},
        },
        actor=sec,
    )
    start = dt.datetime(2026, 9, 14, 9, 0, tzinfo=TZ)
    p = services.proposal_circulate(
        proposal=p, comment_days=5, position_days=5, actor=sec, at=start
    )
    services.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    objection = ("object", "河北省正式反对：资源使用量不宜纳入评估，建议先试点。")
    p = _cast(
        p,
        {
            "110000000000": ("support", ""),
            "120000000000": ("support", ""),
            "130000000000": objection,
        },
    )
    # escalated: the coordination and decision levels meet the same objection, then the
    # fallback rule (simple majority of votes cast) decides
    while p.status == "escalated":
        if services.open_ballot(p).rule.get("is_fallback"):
            p = _cast(
                p,
                {
                    "110000000000": ("support", ""),
                    "120000000000": ("support", ""),
                    "130000000000": ("oppose", ""),
                },
            )
        else:
            p = _cast(p, {"130000000000": objection})
    return {"jjj_resources": p.status, "ballots": p.ballots.count()}


def consultation_demo_load() -> dict:
    out: dict = {}
    for slug, fill in (("yrd", _yrd), ("jjj", _jjj)):
        body = _body(slug)
        if body is not None:
            out.update(fill(body))
    services.consultations_advance_due(at=timezone.now())
    return out
