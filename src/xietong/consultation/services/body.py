"""The body, its forums, delegations and meetings."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.scope import scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType
from xietong.regions.models import AreaMembership, CooperationArea, Jurisdiction

from ..models import (
    AgendaItem,
    Attendance,
    Body,
    Delegate,
    DelegateRole,
    Delegation,
    Forum,
    Level,
    Meeting,
    Proposal,
)
from .common import (
    now,
    require_convene,
    sha256_text,
)

# ---- the body --------------------------------------------------------------------------------


def _area_members(area: CooperationArea) -> list[Jurisdiction]:
    return [
        m.jurisdiction
        for m in AreaMembership.objects.filter(area=area).select_related("jurisdiction")
    ]


@transaction.atomic
def body_create(*, area: CooperationArea, name_zh: str, name_en: str = "", actor) -> Body:
    """Create the area's body with a delegation per member and the three standing forums."""
    scope = scope_for(actor)
    scope.require(scope.can_manage_area(area.pk), _("convene the body of %(a)s") % {"a": area})
    if Body.objects.filter(area=area).exists():
        raise ValueError(_("%(a)s already has a negotiation body.") % {"a": area})
    body = Body.objects.create(area=area, name_zh=name_zh.strip(), name_en=name_en.strip())
    members = _area_members(area)
    Delegation.objects.bulk_create([Delegation(body=body, member=m) for m in members])
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_BODY_CREATE,
        object_type=ObjectType.NEGOTIATION_BODY,
        object_id=body.pk,
        after={"area": area.slug, "members": [m.code for m in members]},
    )
    return body


@transaction.atomic
def forum_create(
    *, body: Body, level: str, name_zh: str, name_en: str = "", topic: str = "", actor
) -> Forum:
    require_convene(scope_for(actor), body)
    if level not in Level.values:
        raise ValueError(_("Unknown level: %(l)s") % {"l": level})
    if Forum.objects.filter(body=body, name_zh=name_zh.strip()).exists():
        raise ValueError(_("The body already has a forum named %(n)s.") % {"n": name_zh})
    forum = Forum.objects.create(
        body=body, level=level, name_zh=name_zh.strip(), name_en=name_en.strip(), topic=topic
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_FORUM_CREATE,
        object_type=ObjectType.FORUM,
        object_id=forum.pk,
        after={"body": body.pk, "level": level, "name_zh": forum.name_zh, "topic": topic},
    )
    return forum


@transaction.atomic
def delegate_appoint(
    *, delegation: Delegation, user, role: str, since: dt.date | None = None, actor
) -> Delegate:
    """A member appoints its own delegates (its bureau, at or above the member)."""
    scope = scope_for(actor)
    scope.require(
        scope.acts_for(delegation.member_id),
        _("appoint delegates for %(m)s") % {"m": delegation.member.display_name},
    )
    if role not in DelegateRole.values:
        raise ValueError(_("Unknown delegate role: %(r)s") % {"r": role})
    if Delegate.objects.filter(delegation=delegation, user=user, until__isnull=True).exists():
        raise ValueError(
            _("%(u)s is already in the delegation of %(m)s.")
            % {"u": user.get_username(), "m": delegation.member.display_name}
        )
    other = (
        Delegate.objects.filter(delegation__body_id=delegation.body_id, user=user)
        .exclude(delegation=delegation)
        .filter(until__isnull=True)
        .first()
    )
    if other is not None:
        raise ValueError(
            _("%(u)s already speaks for another member of this body.") % {"u": user.get_username()}
        )
    d = Delegate.objects.create(
        delegation=delegation, user=user, role=role, since=since or timezone.localdate()
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_DELEGATE_APPOINT,
        object_type=ObjectType.DELEGATE,
        object_id=d.pk,
        after={"member": delegation.member_id, "user": user.get_username(), "role": role},
    )
    return d


@transaction.atomic
def delegate_end(*, delegate: Delegate, until: dt.date | None = None, actor) -> Delegate:
    scope = scope_for(actor)
    delegation = delegate.delegation
    scope.require(
        scope.acts_for(delegation.member_id),
        _("appoint delegates for %(m)s") % {"m": delegation.member.display_name},
    )
    delegate = Delegate.objects.select_for_update().get(pk=delegate.pk)
    if delegate.until is not None:
        raise ValueError(_("This delegate's term has already ended."))
    delegate.until = until or timezone.localdate()
    delegate.save(update_fields=["until"])
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_DELEGATE_END,
        object_type=ObjectType.DELEGATE,
        object_id=delegate.pk,
        after={"until": delegate.until},
    )
    return delegate


# ---- meetings --------------------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    forum: Forum,
    starts_at: dt.datetime,
    place: str = "",
    agenda: list[tuple[str, Proposal | None]] | None = None,
    actor,
) -> Meeting:
    require_convene(scope_for(actor), forum.body)
    meeting = Meeting.objects.create(forum=forum, starts_at=starts_at, place=place.strip())
    for n, (title, proposal) in enumerate(agenda or [], start=1):
        if proposal is not None and proposal.body_id != forum.body_id:
            raise ValueError(_("Agenda item %(n)s belongs to another body.") % {"n": n})
        AgendaItem.objects.create(meeting=meeting, number=n, title=title.strip(), proposal=proposal)
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_MEETING_SCHEDULE,
        object_type=ObjectType.MEETING,
        object_id=meeting.pk,
        after={
            "forum": forum.pk,
            "starts_at": starts_at,
            "agenda": [t for t, _p in agenda or []],
        },
    )
    return meeting


@transaction.atomic
def attendance_record(
    *, meeting: Meeting, delegation: Delegation, present: bool, persons: int = 0, actor
) -> Attendance:
    require_convene(scope_for(actor), meeting.forum.body)
    if delegation.body_id != meeting.forum.body_id:
        raise ValueError(_("That delegation belongs to another body."))
    if persons < 0 or persons > 1000:
        raise ValueError(_("Persons must be between 0 and 1,000."))
    row, _created = Attendance.objects.update_or_create(
        meeting=meeting,
        delegation=delegation,
        defaults={"present": present, "persons": persons if present else 0},
    )
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_ATTENDANCE_RECORD,
        object_type=ObjectType.MEETING,
        object_id=meeting.pk,
        after={"member": delegation.member_id, "present": present, "persons": row.persons},
    )
    return row


@transaction.atomic
def minutes_record(*, meeting: Meeting, minutes: str, actor) -> Meeting:
    require_convene(scope_for(actor), meeting.forum.body)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = meeting.minutes
    meeting.minutes = minutes
    meeting.minutes_recorded_at = now()
    meeting.save(update_fields=["minutes", "minutes_recorded_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CONSULTATION_MINUTES_RECORD,
        object_type=ObjectType.MEETING,
        object_id=meeting.pk,
        before={"minutes_sha256": sha256_text(before)},
        after={"minutes_sha256": sha256_text(minutes)},
    )
    return meeting
