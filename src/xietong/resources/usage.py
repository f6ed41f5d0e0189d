"""Recording usage events (views, downloads, imports, remixes, ratings) with the source and the
consumer member. Views and downloads are cheap inserts, not audited one by one (the events
themselves are the record); ratings are audited like imports and remixes."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.accounts.models import RoleAssignment
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from .models import Resource, UsageEvent, UsageKind


def consumer_member(user) -> tuple[str, str, object]:
    """(province prefix, county prefix, school or None) of the caller's first school or
    jurisdiction role; empty for an anonymous caller or one without such a role."""
    if getattr(user, "pk", None) is None:
        return "", "", None
    ra = _first_member_role(user)
    if ra is None:
        return "", "", None
    if ra.school_id:
        code = ra.school.county_id
        return code[:2], code[:6], ra.school
    return ra.jurisdiction_id[:2], ra.jurisdiction_id[:6], None


def _first_member_role(user):
    qs = RoleAssignment.objects.filter(user=user).select_related("school").order_by("pk")
    return qs.exclude(school__isnull=True, jurisdiction__isnull=True).first()


def _event(kind: str, resource: Resource, user, value=None) -> UsageEvent:
    now = timezone.now()
    province, county, school = consumer_member(user)
    return UsageEvent(
        kind=kind,
        resource=resource,
        value=value,
        source_province=resource.owner_code[:2],
        source_county=resource.owner_code[:6],
        consumer_province=province,
        consumer_county=county,
        consumer_school=school,
        user=user if getattr(user, "pk", None) else None,
        day=now.date(),
        period=now.strftime("%Y-%m"),
        at=now,
    )


def usage_record(*, kind: str, resource: Resource, user) -> UsageEvent | None:
    """A view or download (imports and remixes go through ``usage_record_audited``). A second
    view of the same resource by the same user on the same day is not counted (None)."""
    event = _event(kind, resource, user)
    try:
        with transaction.atomic():
            event.save()
    except IntegrityError:
        return None
    return event


def usage_record_audited(*, kind: str, resource: Resource, user) -> UsageEvent:
    """An import or remix event, saved in the caller's transaction (its write is audited)."""
    event = _event(kind, resource, user)
    event.save()
    return event


@transaction.atomic
def resource_rate(*, resource: Resource, actor, value: int) -> UsageEvent:
    """Rate a published resource one may read, 1 to 5; audited."""
    from .selectors import resource_get

    if getattr(actor, "pk", None) is None:
        raise ValueError(_("Log in to rate a resource."))
    if resource_get(actor=actor, pk=resource.pk, published=True) is None:
        raise ValueError(_("Only a published resource you can read may be rated."))
    if not isinstance(value, int) or not 1 <= value <= 5:
        raise ValueError(_("A rating is a whole number from 1 to 5."))
    event = _event(UsageKind.RATING, resource, actor, value=value)
    event.save()
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_RATE,
        object_type=ObjectType.RESOURCE,
        object_id=resource.pk,
        after={"value": value},
    )
    return event


@transaction.atomic
def usage_bulk_load(*, actor, events: list[UsageEvent]) -> int:
    """Many past events at once, as the operator (the demo's year of use): the documented
    exception to one write per event, with one audit entry for the load (counts by kind). The
    events are checked as the table's constraints check them (a rating 1 to 5, views once a
    day per user)."""
    from collections import Counter

    from xietong.accounts.scope import scope_for

    scope_for(actor).require(scope_for(actor).is_admin, _("load usage events in bulk"))
    UsageEvent.objects.bulk_create(events, batch_size=5000)
    kinds = Counter(e.kind for e in events)
    periods = sorted({e.period for e in events})
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_USAGE_BULK_LOAD,
        object_type=ObjectType.RESOURCE_BATCH,
        object_id=f"usage:{periods[0]}..{periods[-1]}" if periods else "usage",
        after={"events": len(events), "by_kind": dict(sorted(kinds.items()))},
    )
    return len(events)
