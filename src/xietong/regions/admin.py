from django.contrib import admin

from xietong.audit.admin_mixins import AuditedAdminMixin

from .models import AreaMembership, CooperationArea, Jurisdiction


@admin.register(Jurisdiction)
class JurisdictionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "name_en",
        "level",
        "parent",
        "is_placeholder",
        "valid_from",
        "valid_until",
    )
    list_filter = ("level", "is_placeholder", "valid_until")
    search_fields = ("code", "name_zh", "name_en")
    readonly_fields = ("prefix",)


class MembershipInline(admin.TabularInline):
    model = AreaMembership
    autocomplete_fields = ["jurisdiction"]
    extra = 0


@admin.register(CooperationArea)
class CooperationAreaAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("slug", "name_zh", "name_en", "parent")
    inlines = [MembershipInline]
