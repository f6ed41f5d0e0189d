"""Activities other apps already know, linked rather than re-entered.

A talent exchange-round placement (a teacher of one party school placed at a post of another
party school of the same cooperation) becomes a ``seconded_teacher`` activity of 1 FTE dated
1 September of the round's school year; a multi-school appointment (talent) becomes one of
``weekly_hours / 40`` FTE (a 40-hour week is one full-time equivalent) dated on its start. The
activity keeps ``source_app`` and ``source_id``; running the link again adds nothing (one
activity per cooperation and source record) and an activity outside the cooperation's term is
not linked. Linked activities start self-reported and are confirmed and verified like any other.

Two more sources:

* **Training enrolments** (talent): the cooperation names the training programmes it runs
  (``training_programme_attach``; a programme of the cooperation's own area only). A completed
  enrolment of a teacher of a party school other than the lead school becomes a ``training``
  activity of its credit hours (the programme's hours when the enrolment records none), dated on
  its completion, delivered by the lead party to the teacher's school.
* **Resource imports** (resources): a resource owned by one party school and imported (copied
  into one's own collection) by a user of another party school becomes a ``shared_resource``
  activity of 1, dated on the import, from the owner's school to the importer's, with the
  resource's subject in the subject codes of teachers and cooperations (``resource_subject``).
  Views and downloads are not counted: the cooperation's obligations count
  resources taken up, and an import is the use the resources app records as taking one up.
* **Fund disbursements and donations** (finance): a disbursement of the area's fund that names
  this cooperation (``finance.Disbursement.cooperation``) becomes a ``funding`` activity of its
  amount in yuan, dated on the disbursement, received by the party in the beneficiary member
  (when exactly one is); a donation earmarked for the cooperation (``finance.Donation``) one of
  its amount, dated on the gift. A record whose ledger entry has been reversed is not linked,
  and one reversed after it was linked is removed by the next link (named in its audit entry).
  Funding counts towards no obligation (money is none of the obligations' measures); the
  portfolio adds it up apart, disbursed and donated separately (a donation later disbursed to
  the same cooperation would otherwise count twice).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction
from xietong.finance.models import Disbursement, Donation
from xietong.resources.models import UsageEvent, UsageKind
from xietong.talent.models import (
    Appointment,
    EnrolmentStatus,
    Placement,
    Subject,
    TrainingProgramme,
)

from ..models import Activity, ActivityKind, Cooperation, Party, PartyKind
from .common import require_manage, scope_of
from .version import portfolio_changed

FULL_WEEK_HOURS = Decimal(40)
PLACEMENT = "talent.Placement"
APPOINTMENT = "talent.Appointment"
ENROLMENT = "talent.Enrolment"
RESOURCE_IMPORT = "resources.UsageEvent"
DISBURSEMENT = "finance.Disbursement"
DONATION = "finance.Donation"
#: The portfolio's money measures per finance source (yuan; never added to each other).
FUNDING_MEASURES = {DISBURSEMENT: "disbursed", DONATION: "donated"}


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


def _enrolments(coop, parties):
    lead = coop.lead
    lead_school = lead.school_id if lead is not None else None
    programmes = list(coop.training_programmes.all())
    if not programmes:
        return
    for prog in programmes:
        rows = (
            prog.enrolments.filter(
                status=EnrolmentStatus.COMPLETED,
                completed_at__isnull=False,
                teacher__school_id__in=parties,
            )
            .exclude(teacher__school_id=lead_school)
            .select_related("teacher")
        )
        for e in rows:
            hours = e.credit_hours if e.credit_hours > 0 else prog.credit_hours
            yield (
                ENROLMENT,
                str(e.pk),
                e.completed_at.date(),
                Decimal(hours),
                lead,
                parties[e.teacher.school_id],
                "",
                ActivityKind.TRAINING,
            )


# The resources vocabulary (versioned data the bureaus keep, after the subjects of 教育部《义务教育
# 课程方案（2022年版）》) names four subjects otherwise than the subject codes of posts, teachers and
# cooperations (talent.models.Subject). An activity keeps the latter, so that a synchronous
# lesson and a shared resource in mathematics are one subject towards an obligation's
# ``min_subjects``, not two. 艺术 (arts) is counted as art; 劳动 (labour) has no subject code of
# its own there.
_RESOURCE_SUBJECT = {
    "math": Subject.MATHS,
    "morality": Subject.POLITICS,  # 道德与法治
    "arts": Subject.ART,
    "labour": Subject.OTHER,
}


def resource_subject(code: str) -> str:
    """The subject code an activity keeps for a resource of vocabulary subject ``code``."""
    if not code:
        return ""
    if code in Subject.values:
        return code
    return str(_RESOURCE_SUBJECT.get(code, Subject.OTHER))


def _resource_imports(coop, parties):
    rows = (
        UsageEvent.objects.filter(
            kind=UsageKind.IMPORT,
            resource__owner_school_id__in=parties,
            consumer_school_id__in=parties,
        )
        .select_related("resource__subject")
        .order_by("pk")
    )
    for u in rows:
        if u.resource.owner_school_id == u.consumer_school_id:
            continue
        yield (
            RESOURCE_IMPORT,
            str(u.pk),
            u.day,
            Decimal(1),
            parties[u.resource.owner_school_id],
            parties[u.consumer_school_id],
            resource_subject(u.resource.subject.code if u.resource.subject_id else ""),
            ActivityKind.SHARED_RESOURCE,
        )


def _recipient(coop: Cooperation, division) -> Party | None:
    """The one party in ``division`` (its bureau or a school in it), else None."""
    if division is None:
        return None
    found = [p for p in coop.parties.all() if p.jurisdiction_code.startswith(division.prefix)]
    return found[0] if len(found) == 1 else None


def _funding(coop, parties):
    """Disbursements naming the cooperation and donations earmarked for it (not reversed)."""
    rows = (
        Disbursement.objects.filter(cooperation=coop, entry__reversed_by__isnull=True)
        .select_related("beneficiary")
        .order_by("pk")
    )
    for d in rows:
        yield (
            DISBURSEMENT,
            str(d.pk),
            d.date,
            d.amount,
            None,
            _recipient(coop, d.beneficiary),
            "",
            ActivityKind.FUNDING,
        )
    for g in Donation.objects.filter(cooperation=coop, entry__reversed_by__isnull=True).order_by(
        "pk"
    ):
        yield (DONATION, str(g.pk), g.date, g.amount, None, None, "", ActivityKind.FUNDING)


def _withdraw_reversed(coop: Cooperation) -> list[str]:
    """Remove the funding activities whose finance record has been reversed since it was
    linked (the ledger's correction: the money was not paid); returns their sources."""
    from django.db.models import Q

    reversed_ids = {
        app: [
            str(pk)
            for pk in model.objects.filter(
                cooperation=coop, entry__reversed_by__isnull=False
            ).values_list("pk", flat=True)
        ]
        for app, model in ((DISBURSEMENT, Disbursement), (DONATION, Donation))
    }
    q = Q(pk__in=[])
    for app, ids in reversed_ids.items():
        if ids:
            q |= Q(source_app=app, source_id__in=ids)
    gone = coop.activities.filter(q, kind=ActivityKind.FUNDING)
    removed = sorted(f"{app}:{sid}" for app, sid in gone.values_list("source_app", "source_id"))
    if removed:
        gone.delete()
    return removed


def _seconded(rows):
    for row in rows:
        yield (*row, ActivityKind.SECONDED_TEACHER)


def activities_link(*, actor, cooperation: Cooperation) -> int:
    """Link the other apps' records of this cooperation's parties; returns how many were added.
    Funding whose finance record has been reversed since is removed (named in the audit entry
    under ``removed``)."""
    scope = scope_of(actor)
    with transaction.atomic():
        coop = (
            Cooperation.objects.select_for_update(of=("self",))
            .select_related("lead")
            .get(pk=cooperation.pk)
        )
        require_manage(scope, coop)
        parties = _school_parties(coop)
        have = set(coop.activities.exclude(source_app="").values_list("source_app", "source_id"))
        new = []
        for app, sid, day, amount, provider, recipient, subject, kind in (
            *_seconded(_placements(coop, parties)),
            *_seconded(_appointments(coop, parties)),
            *_enrolments(coop, parties),
            *_resource_imports(coop, parties),
            *_funding(coop, parties),
        ):
            if (app, sid) in have or not coop.term_start <= day <= coop.term_end:
                continue
            new.append(
                Activity(
                    cooperation=coop,
                    kind=kind,
                    date=day,
                    quantity=amount,
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
            portfolio_changed()  # bulk_create sends no post_save
        removed = _withdraw_reversed(coop)
        if new or removed:
            audit_record(
                actor=actor,
                action=AuditAction.PARTNERSHIPS_ACTIVITY_LINK,
                obj=coop,
                after={
                    "added": len(new),
                    "sources": sorted({a.source_app for a in new}),
                    "removed": removed,
                },
            )
    return len(new)


def _programme_in_area(coop: Cooperation, programme: TrainingProgramme) -> None:
    if coop.area_id is not None and programme.area_id != coop.area_id:
        raise ValueError(
            _("training programme %(p)s belongs to another cooperation area than %(c)s")
            % {"p": programme.code, "c": coop.code}
        )


def training_programme_attach(
    *, actor, cooperation: Cooperation, programme: TrainingProgramme
) -> bool:
    """Name a training programme this cooperation runs; returns False if it already was."""
    scope = scope_of(actor)
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update(of=("self",)).get(pk=cooperation.pk)
        require_manage(scope, coop)
        _programme_in_area(coop, programme)
        if coop.training_programmes.filter(pk=programme.pk).exists():
            return False
        coop.training_programmes.add(programme)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_TRAINING_ATTACH,
            obj=coop,
            after={"programme": programme.code},
        )
    return True


def training_programme_detach(
    *, actor, cooperation: Cooperation, programme: TrainingProgramme
) -> bool:
    """The programme no longer counts for this cooperation (activities already linked stay)."""
    scope = scope_of(actor)
    with transaction.atomic():
        coop = Cooperation.objects.select_for_update(of=("self",)).get(pk=cooperation.pk)
        require_manage(scope, coop)
        if not coop.training_programmes.filter(pk=programme.pk).exists():
            return False
        coop.training_programmes.remove(programme)
        audit_record(
            actor=actor,
            action=AuditAction.PARTNERSHIPS_TRAINING_DETACH,
            obj=coop,
            before={"programme": programme.code},
        )
    return True
