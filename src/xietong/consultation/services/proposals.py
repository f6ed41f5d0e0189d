"""Drafting, revising, circulating and withdrawing proposals; comments and their disposition;
deadline extensions."""

from __future__ import annotations

import datetime as dt
import json

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .. import calendar, rules
from ..models import (
    Ballot,
    BallotOutcome,
    Body,
    Comment,
    CommentKind,
    Delegation,
    Disposition,
    DispositionDecision,
    Extension,
    Forum,
    Proposal,
    ProposalVersion,
    Status,
    Subject,
)
from .common import (
    MAX_PARAGRAPH_CHARS,
    MAX_PARAGRAPHS,
    LifecycleError,
    lock_proposal,
    now,
    open_ballot,
    open_statuses,
    require_convene,
    schedule_reminders,
    sha256_text,
    speaking_delegation,
)

# ---- proposals -------------------------------------------------------------------------------


def clean_paragraphs(paragraphs: list[str]) -> list[str]:
    if not isinstance(paragraphs, list) or not all(isinstance(p, str) for p in paragraphs):
        raise ValueError(_("The text must be a list of paragraphs."))
    out = [p.strip() for p in paragraphs if p and p.strip()]
    if not out:
        raise ValueError(_("The text needs at least one paragraph."))
    if len(out) > MAX_PARAGRAPHS:
        raise ValueError(
            _("The text has %(n)s paragraphs; at most %(m)s are accepted.")
            % {"n": len(out), "m": MAX_PARAGRAPHS}
        )
    for i, p in enumerate(out, start=1):
        if len(p) > MAX_PARAGRAPH_CHARS:
            raise ValueError(
                _("Paragraph %(i)s is longer than %(m)s characters.")
                % {"i": i, "m": MAX_PARAGRAPH_CHARS}
            )
    return out


def content_hash(paragraphs: list[str]) -> str:
    """SHA-256 of the paragraphs as canonical JSON: the same text always has the same hash."""
    blob = json.dumps(paragraphs, ensure_ascii=False, separators=(",", ":"))
    return sha256_text(blob)


def _new_version(proposal: Proposal, paragraphs: list[str], reason: str, actor) -> ProposalVersion:
    last = proposal.versions.order_by("-number").first()
    return ProposalVersion.objects.create(
        proposal=proposal,
        number=(last.number + 1) if last else 1,
        paragraphs=paragraphs,
        content_hash=content_hash(paragraphs),
        reason=reason,
        created_by=actor if getattr(actor, "pk", None) else None,
    )


@transaction.atomic
def proposal_draft(
    *,
    forum: Forum,
    title: str,
    paragraphs: list[str],
    rule: dict,
    major: bool = False,
    subject: str = Subject.OTHER,
    subject_id: str = "",
    actor,
) -> Proposal:
    body = forum.body
    require_convene(scope_for(actor), body)
    if subject not in Subject.values:
        raise ValueError(_("Unknown subject: %(s)s") % {"s": subject})
    if subject != Subject.OTHER and not major:
        raise ValueError(_("A decision on this subject is major: mark it so."))
    title = title.strip()
    if not title:
        raise ValueError(_("A proposal needs a title."))
    rule = rules.clean(rule)
    paragraphs = clean_paragraphs(paragraphs)
    body = Body.objects.select_for_update().get(pk=body.pk)
    last = Proposal.objects.filter(body=body).order_by("-number").first()
    proposal = Proposal.objects.create(
        body=body,
        forum=forum,
        number=(last.number + 1) if last else 1,
        title=title,
        major=major,
        subject=subject,
        subject_id=str(subject_id),
        rule=rule,
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    version = _new_version(proposal, paragraphs, "draft", actor)
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_PROPOSAL_DRAFT,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        after={
            "number": proposal.number,
            "forum": forum.pk,
            "major": major,
            "subject": subject,
            "subject_id": proposal.subject_id,
            "rule": rule,
            "version": version.number,
            "content_hash": version.content_hash,
        },
    )
    return proposal


@transaction.atomic
def proposal_revise(
    *, proposal: Proposal, paragraphs: list[str], rule: dict | None = None, actor
) -> ProposalVersion:
    """A new version of the text (and, while a draft, of the rule). After circulation the rule
    is frozen; a revision during the comment window is how amendments are taken in."""
    require_convene(scope_for(actor), proposal.body)
    proposal = lock_proposal(proposal, (Status.DRAFT, Status.CIRCULATED, Status.COMMENTS))
    paragraphs = clean_paragraphs(paragraphs)
    before = proposal.current_version
    if before and before.content_hash == content_hash(paragraphs) and rule is None:
        raise ValueError(_("The text is unchanged."))
    if rule is not None:
        if proposal.status != Status.DRAFT:
            raise LifecycleError(_("The rule was frozen when the proposal was circulated."))
        proposal.rule = rules.clean(rule)
        proposal.save(update_fields=["rule"])
    reason = "draft" if proposal.status == Status.DRAFT else "amendments"
    version = _new_version(proposal, paragraphs, reason, actor)
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_PROPOSAL_REVISE,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        before={"version": before.number if before else None},
        after={
            "version": version.number,
            "content_hash": version.content_hash,
            "rule": proposal.rule,
        },
    )
    return version


def _members(body: Body) -> list[str]:
    return sorted(Delegation.objects.filter(body=body).values_list("member_id", flat=True))


@transaction.atomic
def proposal_circulate(
    *,
    proposal: Proposal,
    comment_days: int,
    position_days: int,
    notice_days: int = 0,
    actor,
    at: dt.datetime | None = None,
) -> Proposal:
    """Send the text to every member. The rule, the members entitled to a position and the
    weights the rule needs are frozen on the first ballot; the windows are set in working days
    of the Asia/Shanghai calendar and enforced by the scheduler from here on."""
    require_convene(scope_for(actor), proposal.body)
    proposal = lock_proposal(proposal, (Status.DRAFT,))
    for name, days, low in (
        ("comment_days", comment_days, 1),
        ("position_days", position_days, 1),
        ("notice_days", notice_days, 0),
    ):
        if not isinstance(days, int) or not low <= days <= 120:
            raise ValueError(
                _("%(f)s must be a whole number of working days between %(lo)s and 120.")
                % {"f": name, "lo": low}
            )
    members = _members(proposal.body)
    if not members:
        raise ValueError(_("The body has no member delegations."))
    start = at or now()
    opens = calendar.add_working_days(start, notice_days) if notice_days else start
    closes = calendar.add_working_days(opens, comment_days)
    positions_close = calendar.add_working_days(closes, position_days)
    population = rules.population_for(proposal.rule, members)
    version = proposal.current_version
    proposal.circulated_at = start
    proposal.comments_open_at = opens
    proposal.comments_close_at = closes
    proposal.status = Status.CIRCULATED if opens > start else Status.COMMENTS
    proposal.save()
    ballot = Ballot.objects.create(
        proposal=proposal,
        number=1,
        level=proposal.forum.level,
        version=version,
        rule=proposal.rule,
        population=population,
        members=members,
        opens_at=closes,
        closes_at=positions_close,
    )
    schedule_reminders(proposal, "comments", closes)
    schedule_reminders(proposal, "positions", positions_close)
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_PROPOSAL_CIRCULATE,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        before={"status": Status.DRAFT},
        after={
            "status": proposal.status,
            "version": version.number,
            "content_hash": version.content_hash,
            "rule": proposal.rule,
            "members": members,
            "population": population,
            "comments_open_at": opens,
            "comments_close_at": closes,
            "positions_close_at": positions_close,
            "ballot": ballot.number,
        },
    )
    return proposal


@transaction.atomic
def proposal_withdraw(*, proposal: Proposal, reason: str, actor) -> Proposal:
    require_convene(scope_for(actor), proposal.body)
    proposal = lock_proposal(
        proposal, (Status.DRAFT, *[s for s in Status.values if s in open_statuses()])
    )
    if not reason.strip():
        raise ValueError(_("Give the reason for withdrawing the proposal."))
    before = proposal.status
    proposal.status = Status.WITHDRAWN
    proposal.decided_at = now()
    proposal.save(update_fields=["status", "decided_at"])
    Ballot.objects.filter(proposal=proposal, outcome=BallotOutcome.OPEN).update(
        outcome=BallotOutcome.FAILED,
        decided_at=proposal.decided_at,
        explanation={"withdrawn": True},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_PROPOSAL_WITHDRAW,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        before={"status": before},
        after={"status": Status.WITHDRAWN, "reason": reason.strip()},
    )
    return proposal


# ---- comments and their disposition -------------------------------------------------------------


@transaction.atomic
def comment_add(
    *,
    proposal: Proposal,
    paragraph: int,
    text: str,
    kind: str = CommentKind.COMMENT,
    proposed_text: str = "",
    actor,
    at: dt.datetime | None = None,
) -> Comment:
    """A member's comment or amendment on one paragraph of the current version."""
    proposal = lock_proposal(proposal, (Status.COMMENTS,))
    moment = at or now()
    if moment >= proposal.comments_close_at:
        raise LifecycleError(_("The comment window has closed."))
    delegation = speaking_delegation(actor, proposal.body)
    if delegation is None:
        scope_for(actor).require(False, _("comment for a member of this body"))
    if kind not in CommentKind.values:
        raise ValueError(_("Unknown kind of comment: %(k)s") % {"k": kind})
    version = proposal.current_version
    if not isinstance(paragraph, int) or not 1 <= paragraph <= len(version.paragraphs):
        raise ValueError(
            _("Paragraph must be between 1 and %(n)s.") % {"n": len(version.paragraphs)}
        )
    text = (text or "").strip()
    if not text:
        raise ValueError(_("The comment is empty."))
    if kind == CommentKind.AMENDMENT and not proposed_text.strip():
        raise ValueError(_("An amendment needs the proposed wording."))
    comment = Comment.objects.create(
        proposal=proposal,
        version=version,
        paragraph=paragraph,
        delegation=delegation,
        author=actor,
        kind=kind,
        text=text,
        proposed_text=proposed_text.strip(),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_COMMENT_ADD,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        after={
            "comment": comment.pk,
            "member": delegation.member_id,
            "version": version.number,
            "paragraph": paragraph,
            "kind": kind,
            "text": text,
            "proposed_text": comment.proposed_text,
        },
    )
    return comment


@transaction.atomic
def disposition_set(*, comment: Comment, decision: str, reason: str, actor) -> Disposition:
    """The secretariat's answer to a member's comment: accepted, partly accepted or rejected,
    always with a reason. It may be revised until positions open."""
    proposal = comment.proposal
    require_convene(scope_for(actor), proposal.body)
    lock_proposal(proposal, (Status.COMMENTS, Status.CIRCULATED))
    if decision not in DispositionDecision.values:
        raise ValueError(_("Unknown decision: %(d)s") % {"d": decision})
    if not (reason or "").strip():
        raise ValueError(_("Every answer to a member needs its reason."))
    before = Disposition.objects.filter(comment=comment).first()
    row, _created = Disposition.objects.update_or_create(
        comment=comment,
        defaults={
            "decision": decision,
            "reason": reason.strip(),
            "decided_by": actor if getattr(actor, "pk", None) else None,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_DISPOSITION_SET,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        before={"comment": comment.pk, "decision": before.decision} if before else None,
        after={"comment": comment.pk, "decision": decision, "reason": row.reason},
    )
    return row


# ---- deadlines -------------------------------------------------------------------------------


@transaction.atomic
def deadline_extend(
    *, proposal: Proposal, window: str, new_deadline: dt.datetime, reason: str, actor
) -> Extension:
    """Move a deadline later: a recorded decision with its reason. Extending the comment window
    moves the positions window by the same span."""
    require_convene(scope_for(actor), proposal.body)
    if window == "comments":
        proposal = lock_proposal(proposal, (Status.CIRCULATED, Status.COMMENTS))
        old = proposal.comments_close_at
    elif window == "positions":
        proposal = lock_proposal(proposal, (Status.COMMENTS, Status.POSITIONS, Status.ESCALATED))
        ballot = open_ballot(proposal)
        old = ballot.closes_at
    else:
        raise ValueError(_("Unknown window: %(w)s") % {"w": window})
    if not (reason or "").strip():
        raise ValueError(_("An extension needs its reason."))
    if new_deadline <= old:
        raise ValueError(_("The new deadline must be later than the current one."))
    if new_deadline - old > dt.timedelta(days=180):
        raise ValueError(_("A deadline can be extended by at most 180 days at a time."))
    shift = new_deadline - old
    ballot = open_ballot(proposal)
    if window == "comments":
        proposal.comments_close_at = new_deadline
        proposal.save(update_fields=["comments_close_at"])
        ballot.opens_at += shift
        ballot.closes_at += shift
        ballot.save(update_fields=["opens_at", "closes_at"])
        schedule_reminders(proposal, "comments", new_deadline)
        schedule_reminders(proposal, "positions", ballot.closes_at)
    else:
        ballot.closes_at = new_deadline
        ballot.save(update_fields=["closes_at"])
        schedule_reminders(proposal, "positions", new_deadline)
    ext = Extension.objects.create(
        proposal=proposal,
        window=window,
        old_deadline=old,
        new_deadline=new_deadline,
        reason=reason.strip(),
        decided_by=actor if getattr(actor, "pk", None) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_DEADLINE_EXTEND,
        object_type=ObjectType.PROPOSAL,
        object_id=proposal.pk,
        before={"window": window, "deadline": old},
        after={"window": window, "deadline": new_deadline, "reason": ext.reason},
    )
    return ext
