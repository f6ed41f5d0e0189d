"""Back-office edits in the Django admin land in the audit chain like service writes."""

from __future__ import annotations

from django.db import transaction
from django.forms.models import model_to_dict

from .services import audit_record
from .vocabulary import AuditAction, ObjectType


def _admin_type(obj) -> ObjectType:
    """Admin edits name the row by its model's lower-case label (``schools.school``), as they
    always have; a model without an ``ADMIN_*`` object type raises ValueError."""
    return ObjectType(obj._meta.label_lower)


def _snapshot(obj) -> dict:
    data = model_to_dict(obj)
    data.pop("password", None)
    data.pop("key_hash", None)
    return {
        k: (v if isinstance(v, str | int | float | bool | type(None)) else str(v))
        for k, v in data.items()
    }


class AuditedAdminMixin:
    """Wraps save and delete in one transaction with an audit entry (before/after)."""

    def save_model(self, request, obj, form, change):
        with transaction.atomic():
            before = None
            if change and obj.pk is not None:
                old = type(obj).objects.filter(pk=obj.pk).first()
                before = _snapshot(old) if old is not None else None
            super().save_model(request, obj, form, change)
            audit_record(
                actor=request.user,
                action=AuditAction.ADMIN_CHANGE if change else AuditAction.ADMIN_ADD,
                object_type=_admin_type(obj),
                object_id=obj.pk,
                before=before,
                after=_snapshot(obj),
            )

    def delete_model(self, request, obj):
        with transaction.atomic():
            before, pk = _snapshot(obj), obj.pk
            super().delete_model(request, obj)
            audit_record(
                actor=request.user,
                action=AuditAction.ADMIN_DELETE,
                object_type=_admin_type(obj),
                object_id=pk,
                before=before,
            )

    def delete_queryset(self, request, queryset):
        with transaction.atomic():
            for obj in queryset:
                self.delete_model(request, obj)
