from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import AuditEntry
from .vocabulary import AuditAction, ObjectType


class _VocabularyFilter(admin.SimpleListFilter):
    """Filter on a stored code, listed by its label."""

    vocabulary: type[AuditAction] | type[ObjectType]

    def lookups(self, request, model_admin):
        return self.vocabulary.choices

    def queryset(self, request, queryset):
        value = self.value()
        return queryset.filter(**{self.parameter_name: value}) if value else queryset


class ActionFilter(_VocabularyFilter):
    title = _("action")
    parameter_name = "action"
    vocabulary = AuditAction


class ObjectTypeFilter(_VocabularyFilter):
    title = _("object type")
    parameter_name = "object_type"
    vocabulary = ObjectType


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ("seq", "created_at", "actor_label", "action_shown", "type_shown", "object_id")
    list_filter = (ActionFilter, ObjectTypeFilter)
    search_fields = ("object_id", "actor_label", "action")
    readonly_fields = [f.name for f in AuditEntry._meta.fields]

    @admin.display(description=_("action"), ordering="action")
    def action_shown(self, obj: AuditEntry) -> str:
        return obj.action_label

    @admin.display(description=_("object type"), ordering="object_type")
    def type_shown(self, obj: AuditEntry) -> str:
        return obj.object_type_label

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
