"""Every read of the negotiation body and its consultations, already scoped.

Who reads: the area's secretariat and the administrator; the bureaus of the members (a bureau
whose subtree covers a member, or lies inside one); the delegates of the body. Others (the public,
schools, teachers) see only adopted outcomes of major decisions, through the apps they gate.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from xietong.accounts.scope import Scope

from .models import Ballot, Body, Comment, Delegate, Delegation, Meeting, Position, Proposal, Status


def _delegate_body_ids(user) -> set[int]:
    if user is None or not getattr(user, "is_authenticated", False):
        return set()
    today = timezone.localdate()
    return set(
        Delegate.objects.filter(user=user, since__lte=today)
        .exclude(until__lt=today)
        .values_list("delegation__body_id", flat=True)
    )


def _member_body_ids(scope: Scope) -> set[int]:
    """Bodies with a member that a bureau's subtree covers (a provincial bureau for its province)
    or lies inside (a county bureau of a member province)."""
    if not scope.read_prefixes:
        return set()
    ids = set()
    for body_id, member in Delegation.objects.values_list("body_id", "member__prefix"):
        if any(member.startswith(p) or p.startswith(member) for p in scope.read_prefixes):
            ids.add(body_id)
    return ids


def readable_body_ids(scope: Scope, user=None) -> set[int] | None:
    """The bodies the caller may read; None means all (the administrator)."""
    if scope.is_admin:
        return None
    ids = set(Body.objects.filter(area_id__in=scope.area_ids).values_list("pk", flat=True))
    return ids | _member_body_ids(scope) | _delegate_body_ids(user)


def body_list(*, scope: Scope, user=None) -> QuerySet[Body]:
    qs = Body.objects.select_related("area").order_by("area__slug")
    ids = readable_body_ids(scope, user)
    return qs if ids is None else qs.filter(pk__in=ids)


def body_get(*, scope: Scope, user=None, area_slug: str) -> Body | None:
    return body_list(scope=scope, user=user).filter(area__slug=area_slug).first()


def proposal_list(
    *, scope: Scope, user=None, body: Body | None = None, status: str | None = None
) -> QuerySet[Proposal]:
    qs = Proposal.objects.select_related("body__area", "forum")
    ids = readable_body_ids(scope, user)
    if ids is not None:
        qs = qs.filter(body_id__in=ids)
    if body is not None:
        qs = qs.filter(body=body)
    if status:
        qs = qs.filter(status=status)
    # drafts are the secretariat's working papers until circulated
    if not scope.is_admin:
        qs = qs.filter(~Q(status=Status.DRAFT) | Q(body__area_id__in=scope.area_ids))
    return qs.order_by("-number")


def proposal_get(*, scope: Scope, user=None, area_slug: str, number: int) -> Proposal | None:
    return (
        proposal_list(scope=scope, user=user)
        .filter(body__area__slug=area_slug, number=number)
        .first()
    )


def delegation_rows(*, body: Body) -> list[tuple[Delegation, list[Delegate]]]:
    today = timezone.localdate()
    people: dict[int, list[Delegate]] = {}
    for d in (
        Delegate.objects.filter(delegation__body=body)
        .exclude(until__lt=today)
        .select_related("user")
        .order_by("role", "since")
    ):
        people.setdefault(d.delegation_id, []).append(d)
    return [
        (d, people.get(d.pk, []))
        for d in body.delegations.select_related("member").order_by("member_id")
    ]


def meeting_list(*, body: Body) -> QuerySet[Meeting]:
    return (
        Meeting.objects.filter(forum__body=body)
        .select_related("forum")
        .prefetch_related("agenda", "attendance__delegation__member")
        .order_by("-starts_at")
    )


def comment_rows(*, proposal: Proposal) -> list[Comment]:
    return list(
        proposal.comments.select_related(
            "delegation__member", "author", "version", "disposition"
        ).order_by("paragraph", "created_at")
    )


def ballot_rows(*, proposal: Proposal) -> list[tuple[Ballot, list[Position]]]:
    """Each ballot with every position cast in it, in order (the latest of a member counts)."""
    out = []
    for b in proposal.ballots.order_by("number"):
        rows = list(
            b.positions.select_related("delegation__member", "cast_by").order_by("cast_at", "id")
        )
        out.append((b, rows))
    return out


def latest_position_of(*, ballot: Ballot, delegation: Delegation) -> Position | None:
    return ballot.positions.filter(delegation=delegation).order_by("-cast_at", "-id").first()


def awaiting_member(*, user) -> list[tuple[Proposal, bool]]:
    """Open proposals in the bodies ``user`` speaks in, with whether their member has a position
    in the open ballot: the delegate's to-do list (with the reminders' deadlines)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return []
    today = timezone.localdate()
    mine = {
        d.delegation.body_id: d.delegation_id
        for d in Delegate.objects.filter(
            user=user, since__lte=today, role__in=["delegate", "alternate"]
        )
        .exclude(until__lt=today)
        .select_related("delegation")
    }
    out = []
    open_statuses = [Status.CIRCULATED, Status.COMMENTS, Status.POSITIONS, Status.ESCALATED]
    for p in Proposal.objects.filter(body_id__in=mine, status__in=open_statuses).select_related(
        "body__area"
    ):
        ballot = p.ballots.filter(outcome="open").order_by("-number").first()
        cast = bool(ballot) and ballot.positions.filter(delegation_id=mine[p.body_id]).exists()
        out.append((p, cast))
    return out
