"""What the OAI-PMH provider exposes: the published, public resources (the audience of an
anonymous visitor, ``selectors.resource_list``) and the tombstones of those it exposed once.

Sets (OAI-PMH 2.0 §4.6; ``:`` separates the levels of the hierarchy):

* ``member:<code>`` -- the owner lies in that member jurisdiction of a cooperation area;
* ``subject:<code>`` -- the resource's subject (vocabulary code);
* ``edition:<code>`` -- its textbook edition (vocabulary code).
"""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.db.models import Q, QuerySet
from django.utils import timezone

from xietong.regions.models import AreaMembership

from ..models import OaiTombstone, Resource, Status, Visibility

SET_KINDS = ("member", "subject", "edition")


def exposed() -> QuerySet[Resource]:
    """Every resource an anonymous visitor reads in the library, published and public, except
    copies harvested from another provider (exposing them again would echo records back to
    their source and between harvesters)."""
    from ..selectors import resource_list

    return resource_list(actor=AnonymousUser(), published=True).filter(
        visibility=Visibility.PUBLIC, harvested_from__isnull=True
    )


def is_exposed(resource: Resource) -> bool:
    return (
        resource.status == Status.PUBLISHED
        and resource.visibility == Visibility.PUBLIC
        and not resource.harvested_from.exists()
    )


def member_prefixes() -> dict[str, str]:
    """Member jurisdictions of every cooperation area: code -> territorial prefix."""
    return dict(
        AreaMembership.objects.values_list("jurisdiction__code", "jurisdiction__prefix").distinct()
    )


def set_specs(resource: Resource, members: dict[str, str] | None = None) -> list[str]:
    members = member_prefixes() if members is None else members
    specs = [
        f"member:{code}"
        for code, prefix in sorted(members.items())
        if resource.owner_code.startswith(prefix)
    ]
    if resource.subject_id:
        specs.append(f"subject:{resource.subject.code}")
    if resource.edition_id:
        specs.append(f"edition:{resource.edition.code}")
    return specs


def set_q(spec: str, members: dict[str, str]) -> Q | None:
    """The resources in set ``spec`` (a top-level ``member``, ``subject`` or ``edition`` holds
    every resource with a set below it); None for a set that does not exist."""
    kind, _sep, code = spec.partition(":")
    if kind not in SET_KINDS or ":" in code:
        return None
    if kind == "member":
        if not code:
            prefixes = sorted(set(members.values()))
            q = Q(pk__in=[])
            for prefix in prefixes:
                q |= Q(owner_code__startswith=prefix)
            return q
        if code not in members:
            return None
        return Q(owner_code__startswith=members[code])
    if not code:
        return Q(**{f"{kind}__isnull": False})
    return Q(**{f"{kind}__code": code})


def tombstone_set_q(spec: str) -> Q:
    return Q(sets__contains=f" {spec} ") | Q(sets__contains=f" {spec}:")


def tombstone_sync(resource: Resource, *, was_exposed: bool) -> None:
    """Called by the catalogue's services after a change of status or visibility: a resource
    that stops being exposed keeps a tombstone (``deletedRecord`` persistent); one exposed
    (again) has none."""
    if is_exposed(resource):
        OaiTombstone.objects.filter(resource_id=resource.pk).delete()
    elif was_exposed:
        OaiTombstone.objects.update_or_create(
            resource_id=resource.pk,
            defaults={
                "datestamp": timezone.now(),
                "sets": " " + " ".join(set_specs(resource)) + " ",
            },
        )
