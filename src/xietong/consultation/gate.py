"""The major-decision gate: a major decision cannot be published in its own app until a
consultation of all members on it has been adopted.

The apps that own such decisions call :func:`require_adopted` in the service that publishes or
freezes them (finance: contribution rounds and joint projects; talent: an exchange round's
policy; planning: a joint plan), and show :func:`adopted_for` on their pages.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from .models import Proposal, Status, Subject


class GateClosed(ValueError):
    """The decision is major and no adopted consultation is attached to it."""


def adopted_for(subject: str, subject_id) -> Proposal | None:
    """The adopted consultation on this object, newest first, or None."""
    return (
        Proposal.objects.filter(
            subject=subject, subject_id=str(subject_id), major=True, status=Status.ADOPTED
        )
        .order_by("-decided_at")
        .first()
    )


def pending_for(subject: str, subject_id) -> Proposal | None:
    """A consultation on this object still under way, if any."""
    return (
        Proposal.objects.filter(subject=subject, subject_id=str(subject_id))
        .exclude(status__in=[Status.ADOPTED, Status.FAILED, Status.WITHDRAWN])
        .order_by("-number")
        .first()
    )


def require_adopted(subject: str, subject_id) -> Proposal:
    """The adopted consultation, or :class:`GateClosed` with what is missing."""
    if subject not in Subject.values or subject == Subject.OTHER:
        raise ValueError(f"not a gated subject: {subject!r}")
    found = adopted_for(subject, subject_id)
    if found is not None:
        return found
    pending = pending_for(subject, subject_id)
    if pending is not None:
        raise GateClosed(
            _(
                "This is a major decision: it can be published once consultation #%(n)s is "
                "adopted (it is %(s)s)."
            )
            % {"n": pending.number, "s": pending.get_status_display()}
        )
    raise GateClosed(
        _(
            "This is a major decision: it can be published only after a consultation of all "
            "members on it has been adopted. Ask the secretariat to circulate one."
        )
    )


def require_adopted_where_convened(area_id: int, subject: str, subject_id) -> Proposal | None:
    """The gate as the owning apps apply it: where the area has a negotiation body, the decision
    waits for its adopted consultation; an area without a body has no one to consult (the
    decision is its secretariat's, as before), and None is returned."""
    from .models import Body

    if not Body.objects.filter(area_id=area_id).exists():
        return None
    return require_adopted(subject, subject_id)
