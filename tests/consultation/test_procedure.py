"""A consultation from draft to outcome, on the dates frozen at circulation, with no step by hand."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from xietong.consultation import services
from xietong.consultation.models import Ballot, Position, Reminder, Status

from .conftest import AH, JS, SH, T0, TZ, ZJ, given

pytestmark = pytest.mark.django_db


def circulate(world, forum, rule, **kw):
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forum,
        title="2027 年度基金分担规则",
        paragraphs=[
            "一、按学生数 40%、人口 30%、GDP 30% 分担。",
            "二、自 2027 年 1 月 1 日起执行。",
        ],
        rule=rule,
        **kw,
        actor=sec,
    )
    return services.proposal_circulate(
        proposal=p, comment_days=5, position_days=5, actor=sec, at=T0
    )


def test_circulation_freezes_rule_members_and_dates(world, forums):
    p = circulate(world, forums["decision"], {"kind": "qualified_majority", "population": given()})
    assert p.status == Status.COMMENTS
    ballot = p.ballots.get()
    assert ballot.members == sorted([SH, JS, ZJ, AH])
    assert ballot.population == {SH: 25.0, JS: 85.0, ZJ: 66.0, AH: 61.0}
    # five working days from Monday 2 March (its day not counted): Tuesday 3 to Monday 9 March,
    # closing at 24:00 of the 9th; positions then from the 10th (not counted) to Tuesday 17th
    assert p.comments_close_at == dt.datetime(2026, 3, 10, 0, 0, tzinfo=TZ)
    assert ballot.opens_at == p.comments_close_at
    assert ballot.closes_at == dt.datetime(2026, 3, 18, 0, 0, tzinfo=TZ)
    # the rule cannot change any more
    with pytest.raises(ValueError):
        services.proposal_revise(
            proposal=p,
            paragraphs=["一、按学生数分担。"],
            rule={"kind": "unanimity"},
            actor=world["users"]["yrd-sec"],
        )


def test_outcome_follows_the_frozen_rule_on_its_date(world, forums, bureaus):
    p = circulate(world, forums["decision"], {"kind": "qualified_majority", "population": given()})
    ballot = p.ballots.get()
    # nothing moves before the comment window closes
    services.proposal_advance(proposal=p, at=T0 + dt.timedelta(days=6))
    p.refresh_from_db()
    assert p.status == Status.COMMENTS
    opened = ballot.opens_at + dt.timedelta(minutes=1)
    services.proposal_advance(proposal=p, at=opened)
    p.refresh_from_db()
    assert p.status == Status.POSITIONS
    for code, kind, text in (
        (SH, "support", ""),
        (JS, "support", ""),
        (ZJ, "reservation", "浙江省保留意见：GDP 口径应采用上年度统计公报数。"),
        (AH, "oppose", ""),
    ):
        services.position_cast(proposal=p, kind=kind, text=text, actor=bureaus[code], at=opened)
    # Anhui changes its mind: a new row, the old one stays on the record
    services.position_cast(proposal=p, kind="abstain", actor=bureaus[AH], at=opened)
    assert Position.objects.filter(ballot=ballot, delegation__member_id=AH).count() == 2
    # still open the minute before the deadline
    services.proposal_advance(proposal=p, at=ballot.closes_at - dt.timedelta(minutes=1))
    p.refresh_from_db()
    assert p.status == Status.POSITIONS
    services.proposal_advance(proposal=p, at=ballot.closes_at)
    p.refresh_from_db()
    ballot.refresh_from_db()
    # 3 of 4 members (75% ≥ 55%) with 176 of 237 population (74% ≥ 65%) in favour
    assert p.status == Status.ADOPTED
    assert ballot.explanation["adopted"] is True
    assert ballot.explanation["positions"][AH] == "abstain"
    assert [s["member"] for s in ballot.explanation["statements"]] == [ZJ]
    assert "GDP 口径" in ballot.explanation["statements"][0]["text"]
    assert p.decided_at == ballot.closes_at


def test_failed_consensus_escalates_then_falls_back(world, forums, bureaus):
    rule = {
        "kind": "consensus",
        "escalation": {
            "days": 3,
            "fallback": {"kind": "qualified_majority", "population": given()},
        },
    }
    p = circulate(world, forums["execution"], rule)
    first = p.ballots.get()
    at = first.opens_at + dt.timedelta(minutes=1)
    services.proposal_advance(proposal=p, at=at)
    services.position_cast(
        proposal=p, kind="object", text="安徽省正式反对。", actor=bureaus[AH], at=at
    )
    services.proposal_advance(proposal=p, at=first.closes_at)
    p.refresh_from_db()
    assert p.status == Status.ESCALATED
    levels = list(p.ballots.order_by("number").values_list("level", "outcome"))
    assert levels == [("execution", "escalated"), ("coordination", "open")]
    second = p.ballots.get(number=2)
    at = second.opens_at + dt.timedelta(minutes=1)
    services.position_cast(proposal=p, kind="object", text="仍然反对。", actor=bureaus[AH], at=at)
    services.proposal_advance(proposal=p, at=second.closes_at)
    third = p.ballots.get(number=3)
    assert third.level == "decision" and third.rule["kind"] == "consensus"
    at = third.opens_at + dt.timedelta(minutes=1)
    services.position_cast(proposal=p, kind="object", text="仍然反对。", actor=bureaus[AH], at=at)
    services.proposal_advance(proposal=p, at=third.closes_at)
    fourth = p.ballots.get(number=4)
    assert fourth.level == "decision" and fourth.rule["kind"] == "qualified_majority"
    at = fourth.opens_at + dt.timedelta(minutes=1)
    for code in (SH, JS, ZJ):
        services.position_cast(proposal=p, kind="support", actor=bureaus[code], at=at)
    services.position_cast(proposal=p, kind="oppose", actor=bureaus[AH], at=at)
    services.proposal_advance(proposal=p, at=fourth.closes_at)
    p.refresh_from_db()
    assert p.status == Status.ADOPTED
    assert p.ballots.count() == 4


def test_silence_no_answer_is_consent(world, forums):
    p = circulate(world, forums["coordination"], {"kind": "silence"})
    ballot = p.ballots.get()
    services.proposal_advance(proposal=p, at=ballot.closes_at)
    p.refresh_from_db()
    assert p.status == Status.ADOPTED


def test_secretariat_never_casts_and_outsiders_cannot(world, forums, bureaus):
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    ballot = p.ballots.get()
    at = ballot.opens_at + dt.timedelta(minutes=1)
    services.proposal_advance(proposal=p, at=at)
    for who in ("yrd-sec", "admin", "langfang", "school-a"):
        with pytest.raises(PermissionDenied):
            services.position_cast(proposal=p, kind="support", actor=world["users"][who], at=at)
    assert not Position.objects.exists()


def test_positions_only_inside_the_window(world, forums, bureaus):
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    ballot = p.ballots.get()
    with pytest.raises(ValueError):  # comment window still open
        services.position_cast(proposal=p, kind="support", actor=bureaus[SH], at=T0)
    services.proposal_advance(proposal=p, at=ballot.closes_at)
    with pytest.raises(ValueError):  # decided
        services.position_cast(proposal=p, kind="support", actor=bureaus[SH], at=ballot.closes_at)


def test_reservation_needs_its_text(world, forums, bureaus):
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    ballot = p.ballots.get()
    at = ballot.opens_at
    services.proposal_advance(proposal=p, at=at)
    with pytest.raises(ValueError):
        services.position_cast(proposal=p, kind="reservation", text="  ", actor=bureaus[SH], at=at)
    assert not Position.objects.exists()


def test_comments_amendments_and_dispositions(world, forums, bureaus):
    sec = world["users"]["yrd-sec"]
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    c = services.comment_add(
        proposal=p,
        paragraph=1,
        kind="amendment",
        text="建议人口权重改为 25%。",
        proposed_text="一、按学生数 45%、人口 25%、GDP 30% 分担。",
        actor=bureaus[AH],
        at=T0,
    )
    with pytest.raises(ValueError):
        services.comment_add(proposal=p, paragraph=9, text="x", actor=bureaus[SH], at=T0)
    with pytest.raises(PermissionDenied):
        services.comment_add(proposal=p, paragraph=1, text="x", actor=sec, at=T0)
    with pytest.raises(ValueError):
        services.disposition_set(comment=c, decision="rejected", reason=" ", actor=sec)
    services.disposition_set(comment=c, decision="partly", reason="人口权重调整为 28%。", actor=sec)
    v2 = services.proposal_revise(
        proposal=p,
        paragraphs=[
            "一、按学生数 42%、人口 28%、GDP 30% 分担。",
            "二、自 2027 年 1 月 1 日起执行。",
        ],
        actor=sec,
    )
    assert v2.number == 2 and v2.reason == "amendments"
    services.proposal_advance(proposal=p, at=p.comments_close_at)
    p.refresh_from_db()
    assert p.status == Status.POSITIONS
    # members take positions on the amended text
    assert Ballot.objects.get(proposal=p).version.number == 2


def test_extension_is_a_recorded_decision_and_moves_the_ballot(world, forums):
    sec = world["users"]["yrd-sec"]
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    ballot = p.ballots.get()
    old_close, old_ballot = p.comments_close_at, ballot.closes_at
    with pytest.raises(ValueError):
        services.deadline_extend(
            proposal=p, window="comments", new_deadline=old_close, reason="x", actor=sec
        )
    with pytest.raises(ValueError):
        services.deadline_extend(
            proposal=p,
            window="comments",
            new_deadline=old_close + dt.timedelta(days=2),
            reason="",
            actor=sec,
        )
    ext = services.deadline_extend(
        proposal=p,
        window="comments",
        new_deadline=old_close + dt.timedelta(days=2),
        reason="应安徽省请求延长。",
        actor=sec,
    )
    ballot.refresh_from_db()
    assert ext.old_deadline == old_close
    assert ballot.closes_at == old_ballot + dt.timedelta(days=2)
    services.proposal_advance(proposal=p, at=old_close)
    p.refresh_from_db()
    assert p.status == Status.COMMENTS


def test_reminders_are_due_before_each_deadline(world, forums):
    p = circulate(world, forums["decision"], {"kind": "unanimity"})
    assert Reminder.objects.filter(proposal=p, window="comments").count() == 4 * 2
    due = p.comments_close_at - dt.timedelta(hours=47)
    result = services.consultations_advance_due(at=due)
    assert result["reminders"] == 4
    assert services.consultations_advance_due(at=due)["reminders"] == 0


def test_every_step_is_audited(world, forums, bureaus):
    from xietong.audit.models import AuditEntry

    p = circulate(world, forums["decision"], {"kind": "silence"})
    services.proposal_advance(proposal=p, at=p.ballots.get().closes_at)
    actions = list(
        AuditEntry.objects.filter(object_type="proposal", object_id=str(p.pk))
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "consultation.proposal_draft",
        "consultation.proposal_circulate",
        "consultation.proposal_advance",
        "consultation.proposal_advance",
    ]


def test_windows_skip_the_national_day_holiday(world, forums):
    """国办发明电〔2025〕7号: 1–7 October 2026 off, Saturday 10 October worked."""
    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"], title="t", paragraphs=["a"], rule={"kind": "silence"}, actor=sec
    )
    start = dt.datetime(2026, 9, 30, 9, 0, tzinfo=TZ)
    p = services.proposal_circulate(
        proposal=p, comment_days=3, position_days=1, actor=sec, at=start
    )
    # 1-7 October skipped; Thursday 8, Friday 9 and Saturday 10 (worked): closes at 24:00 on
    # the 10th, where plain weekdays would have closed it on 5 October
    assert p.comments_close_at == dt.datetime(2026, 10, 11, 0, 0, tzinfo=TZ)


def test_a_window_into_an_unknown_year_is_refused_until_the_notice_is_entered(world, forums):
    from xietong.consultation.models import CalendarNotice

    sec = world["users"]["yrd-sec"]
    p = services.proposal_draft(
        forum=forums["decision"], title="t", paragraphs=["a"], rule={"kind": "silence"}, actor=sec
    )
    start = dt.datetime(2026, 12, 21, 9, 0, tzinfo=TZ)
    with pytest.raises(ValueError, match="holiday arrangement for 2027"):
        services.proposal_circulate(
            proposal=p, comment_days=15, position_days=5, actor=sec, at=start
        )
    p.refresh_from_db()
    assert p.status == Status.DRAFT
    # the administrator enters a notice for 2027 (here: New Year's Day only, as a test fixture)
    CalendarNotice.objects.create(year=2027, rest_days=["2027-01-01"], source="test")
    p = services.proposal_circulate(
        proposal=p, comment_days=15, position_days=5, actor=sec, at=start
    )
    # 22-25 and 28-31 December, 4-8 and 11-12 January: 15 working days, closing at 24:00 on
    # Tuesday 12 January
    assert p.comments_close_at == dt.datetime(2027, 1, 13, 0, 0, tzinfo=TZ)
