from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin

from xietong.audit.admin_mixins import AuditedAdminMixin

from .models import ApiToken, RoleAssignment, User


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("jurisdiction", "school")


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ("username", "display_name", "is_superuser", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Xietong", {"fields": ("display_name", "preferred_language")}),
    )


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "key_hash", "created_at", "last_used_at")
