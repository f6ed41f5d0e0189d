"""Reads of the audit log's checkpoints: members only (signed in with a role, or administrators).

A checkpoint reveals the size and head hash of the log, nothing of its entries; it is for the
members who hold the operator to the log's history, not for the public. The public key that
verifies checkpoints is public."""

from __future__ import annotations

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from xietong.accounts.scope import OutOfScope, Scope

from .models import AuditCheckpoint


def _require_member(scope: Scope) -> None:
    if scope.is_public:
        raise OutOfScope(_("Audit checkpoints are for members: sign in with a role."))


def checkpoint_list(*, scope: Scope) -> QuerySet[AuditCheckpoint]:
    """Newest first."""
    _require_member(scope)
    return AuditCheckpoint.objects.order_by("-id")


def checkpoint_get(*, scope: Scope, pk: int) -> AuditCheckpoint | None:
    _require_member(scope)
    return AuditCheckpoint.objects.filter(pk=pk).first()
