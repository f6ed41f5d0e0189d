"""Reads of jobs, scoped: a job is visible to its owner and to those who may see its object
(each kind says who, in its ``visible``)."""

from __future__ import annotations

from xietong.accounts.scope import Scope

from . import kinds
from .models import ACTIVE, Job


def job_visible(scope: Scope, job: Job, user=None) -> bool:
    if scope.is_admin:
        return True
    if user is not None and getattr(user, "pk", None) and job.owner_id == user.pk:
        return True
    try:
        kind = kinds.get(job.kind)
    except ValueError:
        return False
    return bool(kind.visible(scope, job))


def job_get(*, scope: Scope, user, pk: int) -> Job | None:
    job = Job.objects.filter(pk=pk).first()
    if job is None or not job_visible(scope, job, user):
        return None
    return job


def job_latest_for(*, scope: Scope, user, kind: str, object_type: str, object_id) -> Job | None:
    """The newest job of ``kind`` on an object that the caller may see: the one a page shows
    progress (or the outcome) of."""
    job = (
        Job.objects.filter(kind=kind, object_type=object_type, object_id=str(object_id))
        .order_by("-pk")
        .first()
    )
    if job is None or not job_visible(scope, job, user):
        return None
    return job


def job_active_for(*, kind: str, object_type: str, object_id) -> Job | None:
    """The queued or running job of ``kind`` on an object, unscoped: for a service that must
    know whether one is under way."""
    return Job.objects.filter(
        kind=kind, object_type=object_type, object_id=str(object_id), status__in=ACTIVE
    ).first()


def job_latest_owned(*, user, kind: str) -> Job | None:
    """The newest job of ``kind`` the caller submitted (a page follows her own run)."""
    if not getattr(user, "pk", None):
        return None
    return Job.objects.filter(kind=kind, owner=user).order_by("-pk").first()
