"""One test per page action (healthchecks style): the happy path, the wrong user, bad input."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from xietong.consultation import services
from xietong.consultation.models import Comment, Disposition, Extension, Position, Proposal, Status

from .conftest import AH, SH, ZJ

pytestmark = pytest.mark.django_db


def login(user) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


@pytest.fixture
def sec(world):
    return world["users"]["yrd-sec"]


@pytest.fixture
def draft(world, forums, sec):
    return services.proposal_draft(
        forum=forums["decision"],
        title="共享课程规则",
        paragraphs=["一、第一段。", "二、第二段。"],
        rule={"kind": "unanimity"},
        actor=sec,
    )


@pytest.fixture
def commenting(draft, sec):
    return services.proposal_circulate(proposal=draft, comment_days=5, position_days=5, actor=sec)


@pytest.fixture
def voting(commenting):
    services.proposal_advance(proposal=commenting, at=commenting.comments_close_at)
    commenting.refresh_from_db()
    assert commenting.status == Status.POSITIONS
    # the positions window of the fixture starts in the future: open it now for the pages
    b = commenting.ballots.get()
    b.opens_at = timezone.now() - dt.timedelta(minutes=1)
    b.save()
    return commenting


def url(p, action=""):
    base = f"/consultation/yrd/proposals/{p.number}/"
    return base + (f"{action}/" if action else "")


def test_body_page_lists_delegations_and_proposals(world, body, draft, bureaus, sec):
    page = login(sec).get("/consultation/yrd/").content.decode()
    assert "共享课程规则" in page and 'id="delegations"' in page and 'id="new-proposal"' in page
    # drafts are the secretariat's: a member's bureau does not see them yet
    page = login(bureaus[SH]).get("/consultation/yrd/").content.decode()
    assert "共享课程规则" not in page and 'id="new-proposal"' not in page
    assert login(world["users"]["langfang"]).get("/consultation/yrd/").status_code == 404
    assert login(None).get("/consultation/yrd/").status_code == 404


def test_new_proposal(world, body, forums, sec, bureaus):
    form = {
        "forum": forums["decision"].pk,
        "title": "2027 年度基金规则",
        "text": "一、按学生数分担。\n\n二、自 2027 年起执行。",
        "subject": "other",
        "kind": "qualified_majority",
        "member_share": "0.55",
        "population_share": "0.65",
        "weights": f"{SH} 25\n320000000000 85\n{ZJ} 66\n{AH} 61",
    }
    r = login(sec).post("/consultation/yrd/proposals/new/", form)
    assert r.status_code == 302
    p = Proposal.objects.get(title="2027 年度基金规则")
    assert p.current_version.paragraphs == ["一、按学生数分担。", "二、自 2027 年起执行。"]
    assert p.rule["population"]["weights"][SH] == 25
    # wrong user
    assert login(bureaus[SH]).post("/consultation/yrd/proposals/new/", form).status_code == 403
    # bad input: a weight that is not a number; nothing saved
    bad = {**form, "title": "坏", "weights": f"{SH} many"}
    r = login(sec).post("/consultation/yrd/proposals/new/", bad)
    assert r.status_code == 400 and "is not a number" in r.content.decode()
    assert not Proposal.objects.filter(title="坏").exists()


def test_circulate(draft, sec, bureaus):
    r = login(bureaus[SH]).post(
        url(draft, "circulate"), {"notice_days": 0, "comment_days": 5, "position_days": 5}
    )
    assert r.status_code == 404  # a draft is not visible to members yet
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # refused: only the secretariat circulates
    r = login(sec).post(
        url(draft, "circulate"), {"notice_days": 0, "comment_days": 0, "position_days": 5}
    )
    draft.refresh_from_db()
    assert draft.status == Status.DRAFT  # bad input: a comment window of 0 days
    login(sec).post(
        url(draft, "circulate"), {"notice_days": 0, "comment_days": 5, "position_days": 5}
    )
    draft.refresh_from_db()
    assert draft.status == Status.COMMENTS and draft.ballots.count() == 1
    page = login(sec).get(url(draft)).content.decode()
    assert 'class="countdown"' in page and 'id="circulate-form"' not in page


def test_comment(commenting, bureaus, sec):
    r = login(bureaus[AH]).post(
        url(commenting, "comments"), {"paragraph": 1, "kind": "comment", "text": "建议明确口径。"}
    )
    assert r.status_code == 302
    assert Comment.objects.get().delegation.member_id == AH
    login(sec).post(
        url(commenting, "comments"),
        {"paragraph": 1, "kind": "comment", "text": "秘书处不代表成员。"},
    )
    login(bureaus[SH]).post(
        url(commenting, "comments"), {"paragraph": 7, "kind": "comment", "text": "x"}
    )
    assert Comment.objects.count() == 1
    page = login(bureaus[AH]).get(url(commenting)).content.decode()
    assert "建议明确口径。" in page and 'id="comment-form"' in page


def test_disposition(commenting, bureaus, sec):
    c = services.comment_add(
        proposal=commenting, paragraph=2, text="请补充时间。", actor=bureaus[ZJ]
    )
    target = url(commenting, f"comments/{c.pk}/disposition")
    login(bureaus[ZJ]).post(target, {"decision": "accepted", "reason": "自己采纳"})
    assert not Disposition.objects.exists()
    login(sec).post(target, {"decision": "maybe", "reason": "x"})
    assert not Disposition.objects.exists()
    login(sec).post(target, {"decision": "partly", "reason": "部分采纳，已补充日期。"})
    assert Disposition.objects.get().decision == "partly"
    page = login(bureaus[ZJ]).get(url(commenting)).content.decode()
    assert "部分采纳，已补充日期。" in page


def test_position(voting, bureaus, sec, world):
    login(bureaus[SH]).post(url(voting, "positions"), {"kind": "support", "text": ""})
    assert Position.objects.get().delegation.member_id == SH
    login(sec).post(url(voting, "positions"), {"kind": "support"})
    login(world["users"]["admin"]).post(url(voting, "positions"), {"kind": "support"})
    login(bureaus[ZJ]).post(url(voting, "positions"), {"kind": "reservation", "text": ""})
    login(bureaus[ZJ]).post(url(voting, "positions"), {"kind": "veto"})
    assert Position.objects.count() == 1
    page = login(bureaus[SH]).get(url(voting)).content.decode()
    assert 'id="positions-1"' in page and 'id="position-form"' in page


def test_extend(commenting, bureaus, sec):
    new = (commenting.comments_close_at + dt.timedelta(days=3)).strftime("%Y-%m-%dT%H:%M")
    login(bureaus[SH]).post(
        url(commenting, "extend"), {"window": "comments", "new_deadline": new, "reason": "x"}
    )
    assert not Extension.objects.exists()
    login(sec).post(
        url(commenting, "extend"), {"window": "comments", "new_deadline": new, "reason": ""}
    )
    assert not Extension.objects.exists()
    login(sec).post(
        url(commenting, "extend"),
        {"window": "comments", "new_deadline": new, "reason": "节假日顺延。"},
    )
    assert Extension.objects.get().reason == "节假日顺延。"


def test_withdraw(commenting, bureaus, sec):
    login(bureaus[SH]).post(url(commenting, "withdraw"), {"reason": "x"})
    commenting.refresh_from_db()
    assert commenting.status == Status.COMMENTS
    login(sec).post(url(commenting, "withdraw"), {"reason": ""})
    commenting.refresh_from_db()
    assert commenting.status == Status.COMMENTS
    login(sec).post(url(commenting, "withdraw"), {"reason": "并入下一提案。"})
    commenting.refresh_from_db()
    assert commenting.status == Status.WITHDRAWN


def test_revise_and_diff(commenting, bureaus, sec):
    login(bureaus[SH]).post(url(commenting, "revise"), {"text": "一、改。"})
    assert commenting.versions.count() == 1
    login(sec).post(url(commenting, "revise"), {"text": "一、第一段（修改）。\n\n二、第二段。"})
    assert commenting.versions.count() == 2
    page = login(bureaus[SH]).get(url(commenting, "diff") + "?a=1&b=2").content.decode()
    assert "<ins>一、第一段（修改）。</ins>" in page and "<del>一、第一段。</del>" in page
    assert login(bureaus[SH]).get(url(commenting, "diff") + "?a=1&b=9").status_code == 404


def test_minutes_docx(voting, bureaus, sec):
    import io

    import docx

    assert login(sec).get(url(voting, "minutes.docx").rstrip("/")).status_code == 404  # undecided
    services.position_cast(
        proposal=voting, kind="reservation", text="上海保留：2028 年复议。", actor=bureaus[SH]
    )
    ballot = voting.ballots.get()
    services.proposal_advance(proposal=voting, at=ballot.closes_at)
    for lang, word in (("zh-hans", "会商"), ("en", "Minutes")):
        r = login(bureaus[AH]).get(url(voting) + f"minutes.docx?lang={lang}")
        assert r.status_code == 200
        text = "\n".join(p.text for p in docx.Document(io.BytesIO(r.content)).paragraphs)
        tables = "\n".join(
            c.text
            for t in docx.Document(io.BytesIO(r.content)).tables
            for row in t.rows
            for c in row.cells
        )
        assert word in text
        assert "上海保留：2028 年复议。" in tables


def test_delegate_appoint(world, body, bureaus):
    from xietong.accounts.services import user_create
    from xietong.consultation.models import Delegate

    u = user_create(username="sh-alt", password="kestrel-harbour-42", actor=None)
    login(bureaus[AH]).post(
        "/consultation/yrd/delegates/", {"member": SH, "username": "sh-alt", "role": "alternate"}
    )
    assert not Delegate.objects.filter(user=u).exists()
    login(bureaus[SH]).post(
        "/consultation/yrd/delegates/", {"member": SH, "username": "nobody", "role": "alternate"}
    )
    assert not Delegate.objects.filter(user=u).exists()
    login(bureaus[SH]).post(
        "/consultation/yrd/delegates/", {"member": SH, "username": "sh-alt", "role": "alternate"}
    )
    assert Delegate.objects.get(user=u).role == "alternate"


def test_home_lists_what_waits_for_my_member(commenting, bureaus, world):
    page = login(bureaus[SH]).get("/consultation/").content.decode()
    assert 'id="waiting"' in page and "共享课程规则" in page
    page = login(world["users"]["langfang"]).get("/consultation/").content.decode()
    assert 'id="waiting"' not in page and "共享课程规则" not in page


def test_meeting_schedule_attendance_and_minutes(world, body, forums, draft, bureaus, sec):
    from xietong.consultation.models import Attendance, Meeting

    form = {
        "forum": forums["coordination"].pk,
        "starts_at": "2026-12-10T09:30",
        "place": "上海",
        "agenda": f"#{draft.number}\n交流轮岗工作进展",
    }
    login(bureaus[SH]).post("/consultation/yrd/meetings/new/", form)
    assert not Meeting.objects.exists()  # only the secretariat convenes
    r = login(sec).post("/consultation/yrd/meetings/new/", {**form, "agenda": "#99 不存在"})
    assert r.status_code == 400 and not Meeting.objects.exists()
    r = login(sec).post("/consultation/yrd/meetings/new/", form)
    m = Meeting.objects.get()
    assert r.status_code == 302
    assert [(a.title, a.proposal_id) for a in m.agenda.all()] == [
        (draft.title, draft.pk),
        ("交流轮岗工作进展", None),
    ]
    url = f"/consultation/yrd/meetings/{m.pk}/"
    login(bureaus[AH]).post(url + "attendance/", {"member": AH, "present": "on", "persons": 3})
    assert not Attendance.objects.exists()
    login(sec).post(url + "attendance/", {"member": AH, "present": "on", "persons": -1})
    assert not Attendance.objects.exists()
    login(sec).post(url + "attendance/", {"member": AH, "present": "on", "persons": 3})
    assert Attendance.objects.get().persons == 3
    login(sec).post(url + "minutes/", {"minutes": "会议议定：联合教研每学期四次。"})
    m.refresh_from_db()
    assert m.minutes == "会议议定：联合教研每学期四次。"
    page = login(bureaus[AH]).get(url).content.decode()
    assert "会议议定" in page and 'id="minutes-form"' not in page
    assert login(world["users"]["langfang"]).get(url).status_code == 404
