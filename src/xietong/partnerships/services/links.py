"""Activities other apps already know, linked rather than re-entered.

A talent exchange-round placement (a teacher of one party school placed at a post of another
party school of the same cooperation) becomes a ``seconded_teacher`` activity of 1 FTE dated
1 September of the round's school year; a multi-school appointment (talent) becomes one of
``weekly_hours / 40`` FTE (a 40-hour week is one full-time equivalent) dated on its start. The
activity keeps ``source_app`` and ``source_id``; running the link again adds nothing (one
activity per cooperation and source record) and an activity outside the cooperation's term is
not linked. Linked activities start self-reported and are confirmed and verified like any other.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.talent.models import Appointment, Placement

from ..models import Activity, ActivityKind, Cooperation, Party, PartyKind
from .common import require_manage, scope_of

FULL_WEEK_HOURS = Decimal(40)
PLACEMENT = "talent.Placement"
APPOINTMENT = "talent.Appointment"


def _school_parties(coop: Cooperation) -> dict[int, Party]:
    return {p.school_id: p for p in coop.parties.filter(kind=PartyKind.SCHOOL)}


def _placements(coop, parties):
    rows = Placement.objects.filter(
        post__isnull=False, teacher__school_id__in=parties, post__host_school_id__in=parties
    ).select_related("round", "teacher", "post")
    for p in rows:
        if p.teacher.school_id == p.post.host_school_id:
            continue
        yield (
            PLACEMENT,
            str(p.pk),
            dt.date(p.round.year, 9, 1),
            Decimal(1),
            parties[p.teacher.school_id],
            parties[p.post.host_school_id],
            p.post.subject,
        )


def _appointments(coop, parties):
    rows = Appointment.objects.filter(
        teacher__school_id__in=parties, school_id__in=parties
    ).select_related("teacher")
    for a in rows:
        if a.teacher.school_id == a.school_id:
            continue
        fte = (Decimal(a.weekly_hours) / FULL_WEEK_HOURS).quantize(Decimal("0.01"))
        yield (
            APPOINTMENT,
            str(a.pk),
            a.starts,
            fte,
            parties[a.teacher.school_id],
            parties[a.school_id],
            "",
        )


def activities_link(*, actor, cooperation: Cooperation) -> int:
    """Link the other apps' records of this cooperation's parties; returns how many were added."""
    scope = scope_of(actor)
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update().select_related("lead").get(pk=cooperation.pk)
        require_manage(scope, coop)
        parties = _school_parties(coop)
        have = set(coop.activities.exclude(source_app="").values_list("source_app", "source_id"))
        new = []
        for app, sid, day, fte, provider, recipient, subject in (
            *_placements(coop, parties),
            *_appointments(coop, parties),
        ):
            if (app, sid) in have or not coop.term_start <= day <= coop.term_end:
                continue
            new.append(
                Activity(
                    cooperation=coop,
                    kind=ActivityKind.SECONDED_TEACHER,
                    date=day,
                    quantity=fte,
                    provider=provider,
                    recipient=recipient,
                    subject=subject,
                    reported_by=actor,
                    source_app=app,
                    source_id=sid,
                    is_synthetic=coop.is_synthetic,
                )
            )
        Activity.objects.bulk_create(new)
        if new:
            audit_record(
                actor=actor,
                action=AuditAction.PARTNERSHIPS_ACTIVITY_LINK,
                obj=coop,
                after={"added": len(new), "sources": sorted({a.source_app for a in new})},
            )
    return len(new)
