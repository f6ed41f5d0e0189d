"""Demo content for joint plans (synthetic, marked so): a three-year (2024–2026) Yangtze River
Delta plan adopted through a consultation of the YRD body run on its own past dates. Its balance
indicators are measured from the demo's statistics by the evaluation engine (the Theil
between-member part of backbone teachers per 100 students, and each member's mean of it): their
baselines are the 2023 figures and their actuals move with the statistics. One indicator is
reported by Jiangsu with evidence and accepted by the secretariat; one milestone is overdue.
Runs after the consultation demo (which creates the body); idempotent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model

from xietong.consultation import services as consultation
from xietong.consultation.models import Body, Level, Subject
from xietong.evaluation.gap import gap_report

from . import services
from .models import Plan

TZ = ZoneInfo("Asia/Shanghai")
TITLE = "长三角基础教育师资均衡三年行动计划（2024—2026 年）（演示数据）"
TITLE_EN = "YRD three-year action plan for balanced teaching staff, 2024–2026 (demo data)"
RATIO = "backbone_per_100"
JS, AH = "320000000000", "340000000000"
# the share of the 2023 gap to close by the end of each year, and the members' mean gains
GAP_CUT = {2024: Decimal("0.10"), 2025: Decimal("0.20"), 2026: Decimal("0.30")}
MEAN_GAIN = {2024: Decimal("0.02"), 2025: Decimal("0.04"), 2026: Decimal("0.06")}


def _user(name: str):
    return get_user_model().objects.filter(username=name).first()


def _q(x) -> Decimal:
    return Decimal(str(x)).quantize(Decimal("0.00000001"))


def _draft(body: Body, sec, base) -> Plan:
    plan = services.plan_create(
        body=body, title_zh=TITLE, title_en=TITLE_EN, start_year=2024, end_year=2026, actor=sec
    )
    g1 = services.goal_create(
        plan=plan,
        title_zh="缩小省际骨干教师配置差距",
        title_en="Narrow the gap in backbone teachers between members",
        weight=2,
        actor=sec,
    )
    gap = services.indicator_create(
        plan=plan,
        goal=g1,
        code="backbone-theil-between",
        name_zh="每百名学生骨干教师数省际差距（泰尔指数组间部分）",
        name_en="Backbone teachers per 100 students: Theil between members",
        direction="down",
        baseline=_q(base.between_members),
        baseline_year=2023,
        source="measured",
        kind="gap_between",
        params={"indicator": RATIO, "stage": "all"},
        actor=sec,
    )
    for year, cut in GAP_CUT.items():
        services.target_set(indicator=gap, year=year, value=_q(gap.baseline * (1 - cut)), actor=sec)
    for code, mean in sorted(base.member_means.items()):
        ind = services.indicator_create(
            plan=plan,
            goal=g1,
            code=f"backbone-mean-{code[:2]}",
            group="backbone-mean",
            name_zh="每百名学生骨干教师数",
            name_en="Backbone teachers per 100 students",
            unit="人",
            direction="up",
            baseline=_q(mean),
            baseline_year=2023,
            member=code,
            source="measured",
            kind="member_mean",
            params={"indicator": RATIO, "stage": "all"},
            weight="0.25",
            actor=sec,
        )
        for year, gain in MEAN_GAIN.items():
            services.target_set(
                indicator=ind, year=year, value=_q(ind.baseline * (1 + gain)), actor=sec
            )
    g2 = services.goal_create(
        plan=plan,
        title_zh="推进跨省教师交流",
        title_en="Exchange teachers across members",
        actor=sec,
    )
    m = services.measure_create(
        goal=g2,
        title_zh="苏皖骨干教师交流轮岗",
        title_en="Jiangsu–Anhui backbone teacher exchange",
        lead=JS,
        partners=[AH],
        forum=body.forums.filter(level=Level.EXECUTION, topic="teachers").first(),
        start=dt.date(2024, 1, 1),
        end=dt.date(2026, 12, 31),
        actor=sec,
    )
    services.milestone_create(
        measure=m,
        title_zh="签订交流协议",
        title_en="Exchange agreement signed",
        due=dt.date(2024, 3, 31),
        actor=sec,
    )
    services.milestone_create(
        measure=m,
        title_zh="建成交流教师信息库",
        title_en="Register of exchanged teachers",
        due=dt.date(2024, 9, 30),
        actor=sec,
    )
    exch = services.indicator_create(
        plan=plan,
        measure=m,
        code="exchanged-teachers",
        name_zh="交流轮岗教师人数",
        name_en="Teachers exchanged",
        unit="人",
        direction="up",
        baseline=0,
        baseline_year=2023,
        source="reported",
        actor=sec,
    )
    for year, n in ((2024, 120), (2025, 260), (2026, 400)):
        services.target_set(indicator=exch, year=year, value=n, actor=sec)
    return plan


def _consult(body: Body, sec, plan: Plan) -> None:
    p = consultation.proposal_draft(
        forum=body.forums.filter(level=Level.DECISION).first(),
        title="审议《长三角基础教育师资均衡三年行动计划（2024—2026 年）》",
        paragraphs=[
            "一、审议通过三年行动计划及其目标、举措和指标。（演示数据）",
            "二、指标由平台按评估引擎计算，秘书处每年发布监测报告。",
        ],
        rule={"kind": "silence"},
        major=True,
        subject=Subject.JOINT_PLAN,
        subject_id=str(plan.pk),
        actor=sec,
    )
    start = dt.datetime(2023, 11, 6, 9, 0, tzinfo=TZ)
    p = consultation.proposal_circulate(
        proposal=p, comment_days=5, position_days=5, actor=sec, at=start
    )
    consultation.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    consultation.proposal_advance(proposal=p, at=p.ballots.get().closes_at)


def planning_demo_load() -> dict:
    body = Body.objects.filter(area__slug="yrd").first()
    sec, js = _user("yrd-secretariat"), _user("jiangsu-bureau")
    if body is None or sec is None or js is None:
        return {}
    if Plan.objects.filter(title_zh=TITLE).exists():
        return {}
    base = next(iter(gap_report(area=body.area, indicator=RATIO, years=[2023]).years), None)
    if base is None:
        return {}  # no statistics of 2023 to set the baselines from
    plan = _draft(body, sec, base)
    _consult(body, sec, plan)
    plan = services.plan_adopt(plan=plan, actor=sec)
    exch = plan.indicators.get(code="exchanged-teachers")
    a = services.actual_report(
        indicator=exch,
        year=2024,
        value=96,
        evidence_text="苏皖两省 2024 年交流教师名单（苏教师函〔2024〕18 号，演示数据）",
        evidence_url="https://example.org/demo/exchange-2024.pdf",
        actor=js,
    )
    services.actual_review(actual=a, accept=True, actor=sec)
    first = plan.goals.get(number=2).measures.get().milestones.order_by("due").first()
    services.milestone_done(
        milestone=first,
        done=dt.date(2024, 3, 20),
        evidence_text="协议文本（演示数据）",
        actor=js,
    )
    computed = {}
    for year in plan.years:
        computed[year] = services.planning_actuals_compute(plan=plan, year=year, actor=sec)
    report = services.planning_status_compute(
        plan=plan, year=2024, as_of=dt.date(2024, 12, 31), actor=sec
    )
    services.planning_status_publish(report=report, actor=sec)
    return {
        "plan": plan.pk,
        "status_2024": report.tree["root"]["status"],
        "measured_2024": computed[2024].get("created", 0),
    }
