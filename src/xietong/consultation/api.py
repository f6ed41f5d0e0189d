"""The consultation API: bodies, proposals with their ballots and computed outcomes, and the
writes of the procedure (draft, circulate, comment, cast a position, extend)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext as _
from ninja import Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, found

from . import selectors, services, words
from .models import Proposal

router = Router(tags=["consultation"])


def _body(request, slug: str):
    b = found(selectors.body_get(scope=request.scope, user=request.actor, area_slug=slug))
    return b


def _proposal(request, slug: str, number: int) -> Proposal:
    return found(
        selectors.proposal_get(
            scope=request.scope, user=request.actor, area_slug=slug, number=number
        )
    )


class ConsultationForumOut(Schema):
    id: int
    level: str
    name_zh: str
    name_en: str
    topic: str


class ConsultationDelegationOut(Schema):
    member: str
    delegates: list[str]
    alternates: list[str]
    observers: list[str]


class ConsultationBodyOut(Schema):
    area: str
    name_zh: str
    name_en: str
    forums: list[ConsultationForumOut]
    delegations: list[ConsultationDelegationOut]


def _body_out(b) -> ConsultationBodyOut:
    rows = []
    for d, people in selectors.delegation_rows(body=b):
        by_role = {"delegate": [], "alternate": [], "observer": []}
        for x in people:
            by_role[x.role].append(x.user.get_username())
        rows.append(
            ConsultationDelegationOut(
                member=d.member_id,
                delegates=by_role["delegate"],
                alternates=by_role["alternate"],
                observers=by_role["observer"],
            )
        )
    return ConsultationBodyOut(
        area=b.area.slug,
        name_zh=b.name_zh,
        name_en=b.name_en,
        forums=[
            ConsultationForumOut(
                id=f.pk, level=f.level, name_zh=f.name_zh, name_en=f.name_en, topic=f.topic
            )
            for f in b.forums.all()
        ],
        delegations=rows,
    )


@router.get(
    "/consultation/bodies",
    response=list[ConsultationBodyOut],
    auth=READ_AUTH,
    summary="Negotiation bodies you may read",
)
def bodies(request):
    return [_body_out(b) for b in selectors.body_list(scope=request.scope, user=request.actor)]


@router.get("/consultation/bodies/{slug}", response=ConsultationBodyOut, auth=READ_AUTH)
def body(request, slug: str):
    return _body_out(_body(request, slug))


class ConsultationPositionOut(Schema):
    member: str
    position: str
    text: str
    cast_by: str
    cast_at: dt.datetime


class ConsultationBallotOut(Schema):
    number: int
    level: str
    rule: dict
    population: dict | None
    members: list[str]
    opens_at: dt.datetime
    closes_at: dt.datetime
    outcome: str
    explanation: dict | None
    positions: list[ConsultationPositionOut]


class ConsultationProposalOut(Schema):
    number: int
    title: str
    forum: int
    level: str
    major: bool
    subject: str
    subject_id: str
    status: str
    rule: dict
    rule_text: str
    version: int
    content_hash: str
    paragraphs: list[str]
    circulated_at: dt.datetime | None
    comments_open_at: dt.datetime | None
    comments_close_at: dt.datetime | None
    decided_at: dt.datetime | None
    ballots: list[ConsultationBallotOut]


class ConsultationProposalItem(Schema):
    number: int
    title: str
    status: str
    major: bool
    subject: str
    level: str


def _proposal_out(p: Proposal) -> ConsultationProposalOut:
    v = p.current_version
    ballots = [
        ConsultationBallotOut(
            number=b.number,
            level=b.level,
            rule=b.rule,
            population=b.population,
            members=b.members,
            opens_at=b.opens_at,
            closes_at=b.closes_at,
            outcome=b.outcome,
            explanation=b.explanation,
            positions=[
                ConsultationPositionOut(
                    member=r.delegation.member_id,
                    position=r.kind,
                    text=r.text,
                    cast_by=r.cast_by.get_username(),
                    cast_at=r.cast_at,
                )
                for r in rows
            ],
        )
        for b, rows in selectors.ballot_rows(proposal=p)
    ]
    return ConsultationProposalOut(
        number=p.number,
        title=p.title,
        forum=p.forum_id,
        level=p.forum.level,
        major=p.major,
        subject=p.subject,
        subject_id=p.subject_id,
        status=p.status,
        rule=p.rule,
        rule_text=words.rule_text(p.rule),
        version=v.number,
        content_hash=v.content_hash,
        paragraphs=v.paragraphs,
        circulated_at=p.circulated_at,
        comments_open_at=p.comments_open_at,
        comments_close_at=p.comments_close_at,
        decided_at=p.decided_at,
        ballots=ballots,
    )


@router.get(
    "/consultation/bodies/{slug}/proposals",
    response=list[ConsultationProposalItem],
    auth=READ_AUTH,
    summary="Proposals of a body (drafts for the secretariat only)",
)
@paginate(LimitOffset)
def proposals(request, slug: str, status: str | None = None):
    b = _body(request, slug)
    return [
        ConsultationProposalItem(
            number=p.number,
            title=p.title,
            status=p.status,
            major=p.major,
            subject=p.subject,
            level=p.forum.level,
        )
        for p in selectors.proposal_list(
            scope=request.scope, user=request.actor, body=b, status=status
        )
    ]


@router.get(
    "/consultation/bodies/{slug}/proposals/{number}",
    response=ConsultationProposalOut,
    auth=READ_AUTH,
)
def proposal(request, slug: str, number: int):
    return _proposal_out(_proposal(request, slug, number))


class ConsultationDraftIn(Schema):
    forum: int
    title: str
    paragraphs: list[str]
    rule: dict
    major: bool = False
    subject: str = "other"
    subject_id: str = ""


@router.post(
    "/consultation/bodies/{slug}/proposals",
    response={201: ConsultationProposalOut},
    auth=WRITE_AUTH,
    summary="Draft a proposal (secretariat)",
)
def draft(request, slug: str, payload: ConsultationDraftIn):
    b = _body(request, slug)
    forum = b.forums.filter(pk=payload.forum).first()
    if forum is None:
        raise HttpError(422, _("forum: not a forum of this body"))
    p = services.proposal_draft(
        forum=forum,
        title=payload.title,
        paragraphs=payload.paragraphs,
        rule=payload.rule,
        major=payload.major,
        subject=payload.subject,
        subject_id=payload.subject_id,
        actor=request.actor,
    )
    return Status(201, _proposal_out(p))


class ConsultationCirculateIn(Schema):
    comment_days: int
    position_days: int
    notice_days: int = 0


@router.post(
    "/consultation/bodies/{slug}/proposals/{number}/circulate",
    response=ConsultationProposalOut,
    auth=WRITE_AUTH,
    summary="Circulate: freeze the rule, set the windows (secretariat)",
)
def circulate(request, slug: str, number: int, payload: ConsultationCirculateIn):
    p = services.proposal_circulate(
        proposal=_proposal(request, slug, number),
        comment_days=payload.comment_days,
        position_days=payload.position_days,
        notice_days=payload.notice_days,
        actor=request.actor,
    )
    return _proposal_out(p)


class ConsultationCommentIn(Schema):
    paragraph: int
    text: str
    kind: str = "comment"
    proposed_text: str = ""


class ConsultationCommentOut(Schema):
    id: int
    member: str
    paragraph: int
    kind: str
    text: str
    proposed_text: str


@router.post(
    "/consultation/bodies/{slug}/proposals/{number}/comments",
    response={201: ConsultationCommentOut},
    auth=WRITE_AUTH,
    summary="Comment on a paragraph for your member (delegates)",
)
def comment(request, slug: str, number: int, payload: ConsultationCommentIn):
    c = services.comment_add(
        proposal=_proposal(request, slug, number),
        paragraph=payload.paragraph,
        text=payload.text,
        kind=payload.kind,
        proposed_text=payload.proposed_text,
        actor=request.actor,
    )
    return Status(
        201,
        ConsultationCommentOut(
            id=c.pk,
            member=c.delegation.member_id,
            paragraph=c.paragraph,
            kind=c.kind,
            text=c.text,
            proposed_text=c.proposed_text,
        ),
    )


class ConsultationPositionIn(Schema):
    position: str
    text: str = ""


@router.post(
    "/consultation/bodies/{slug}/proposals/{number}/positions",
    response={201: ConsultationPositionOut},
    auth=WRITE_AUTH,
    summary="Cast your member's position (delegates); a change is a new position",
)
def position(request, slug: str, number: int, payload: ConsultationPositionIn):
    r = services.position_cast(
        proposal=_proposal(request, slug, number),
        kind=payload.position,
        text=payload.text,
        actor=request.actor,
    )
    return Status(
        201,
        ConsultationPositionOut(
            member=r.delegation.member_id,
            position=r.kind,
            text=r.text,
            cast_by=r.cast_by.get_username(),
            cast_at=r.cast_at,
        ),
    )


class ConsultationExtendIn(Schema):
    window: str
    new_deadline: dt.datetime
    reason: str


@router.post(
    "/consultation/bodies/{slug}/proposals/{number}/extend",
    response=ConsultationProposalOut,
    auth=WRITE_AUTH,
    summary="Extend a deadline, with its reason (secretariat)",
)
def extend(request, slug: str, number: int, payload: ConsultationExtendIn):
    p = _proposal(request, slug, number)
    services.deadline_extend(
        proposal=p,
        window=payload.window,
        new_deadline=payload.new_deadline,
        reason=payload.reason,
        actor=request.actor,
    )
    p.refresh_from_db()
    return _proposal_out(p)


class ConsultationAgendaItemOut(Schema):
    number: int
    title: str
    proposal: int | None


class ConsultationAttendanceOut(Schema):
    member: str
    present: bool
    persons: int


class ConsultationMeetingOut(Schema):
    id: int
    forum: int
    level: str
    starts_at: dt.datetime
    place: str
    agenda: list[ConsultationAgendaItemOut]
    attendance: list[ConsultationAttendanceOut]
    minutes: str
    minutes_recorded_at: dt.datetime | None


def _meeting_out(m) -> ConsultationMeetingOut:
    return ConsultationMeetingOut(
        id=m.pk,
        forum=m.forum_id,
        level=m.forum.level,
        starts_at=m.starts_at,
        place=m.place,
        agenda=[
            ConsultationAgendaItemOut(
                number=a.number,
                title=a.title,
                proposal=a.proposal.number if a.proposal_id else None,
            )
            for a in m.agenda.select_related("proposal")
        ],
        attendance=[
            ConsultationAttendanceOut(
                member=a.delegation.member_id, present=a.present, persons=a.persons
            )
            for a in m.attendance.all()
        ],
        minutes=m.minutes,
        minutes_recorded_at=m.minutes_recorded_at,
    )


def _meeting(request, slug: str, pk: int):
    b = _body(request, slug)
    m = found(selectors.meeting_list(body=b).filter(pk=pk).first())
    return b, m


@router.get(
    "/consultation/bodies/{slug}/meetings",
    response=list[ConsultationMeetingOut],
    auth=READ_AUTH,
    summary="Meetings of a body, newest first",
)
@paginate(LimitOffset)
def meetings(request, slug: str):
    return [_meeting_out(m) for m in selectors.meeting_list(body=_body(request, slug))]


class ConsultationMeetingIn(Schema):
    forum: int
    starts_at: dt.datetime
    place: str = ""
    agenda: list[str] = []
    proposals: list[int | None] = []


@router.post(
    "/consultation/bodies/{slug}/meetings",
    response={201: ConsultationMeetingOut},
    auth=WRITE_AUTH,
    summary="Schedule a meeting with its agenda (secretariat); proposals[i] names item i's proposal",
)
def meeting_schedule(request, slug: str, payload: ConsultationMeetingIn):
    b = _body(request, slug)
    forum = b.forums.filter(pk=payload.forum).first()
    if forum is None:
        raise HttpError(422, _("forum: not a forum of this body"))
    numbers = list(payload.proposals) + [None] * (len(payload.agenda) - len(payload.proposals))
    agenda = []
    for i, (title, number) in enumerate(zip(payload.agenda, numbers, strict=False), start=1):
        proposal = b.proposals.filter(number=number).first() if number is not None else None
        if number is not None and proposal is None:
            raise HttpError(422, f"proposals[{i - 1}]: no proposal {number} in this body")
        agenda.append((title, proposal))
    m = services.meeting_schedule(
        forum=forum,
        starts_at=payload.starts_at,
        place=payload.place,
        agenda=agenda,
        actor=request.actor,
    )
    return Status(201, _meeting_out(m))


class ConsultationAttendanceIn(Schema):
    member: str
    present: bool
    persons: int = 0


@router.post(
    "/consultation/bodies/{slug}/meetings/{pk}/attendance",
    response=ConsultationMeetingOut,
    auth=WRITE_AUTH,
    summary="Record a delegation's attendance (secretariat)",
)
def meeting_attendance(request, slug: str, pk: int, payload: ConsultationAttendanceIn):
    b, m = _meeting(request, slug, pk)
    delegation = b.delegations.filter(member_id=payload.member).first()
    if delegation is None:
        raise HttpError(422, _("member: not a member of this body"))
    services.attendance_record(
        meeting=m,
        delegation=delegation,
        present=payload.present,
        persons=payload.persons,
        actor=request.actor,
    )
    return _meeting_out(_meeting(request, slug, pk)[1])  # read again: the list was prefetched


class ConsultationMinutesIn(Schema):
    minutes: str


@router.post(
    "/consultation/bodies/{slug}/meetings/{pk}/minutes",
    response=ConsultationMeetingOut,
    auth=WRITE_AUTH,
    summary="Record a meeting's minutes (secretariat)",
)
def meeting_minutes(request, slug: str, pk: int, payload: ConsultationMinutesIn):
    _b, m = _meeting(request, slug, pk)
    if len(payload.minutes) > 200_000:
        raise HttpError(422, _("minutes: at most 200,000 characters"))
    m = services.minutes_record(meeting=m, minutes=payload.minutes, actor=request.actor)
    return _meeting_out(m)
