from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import transaction

from xietong.audit.admin_mixins import AuditedAdminMixin
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction

from .models import ApiToken, RoleAssignment, User
from .services import role_grant, role_revoke


class RoleInline(admin.TabularInline):
    model = RoleAssignment
    extra = 0
    raw_id_fields = ("jurisdiction", "school")


def _role_scope(a: RoleAssignment) -> dict:
    return {"role": a.role, "area": a.area, "jurisdiction": a.jurisdiction, "school": a.school}


@admin.register(User)
class UserAdmin(AuditedAdminMixin, BaseUserAdmin):
    inlines = [RoleInline]
    list_display = ("username", "display_name", "is_superuser", "is_active")
    fieldsets = BaseUserAdmin.fieldsets + (
        ("Xietong", {"fields": ("display_name", "preferred_language")}),
    )

    def save_formset(self, request, form, formset, change):
        """Roles added, changed or removed in the inline go through role_grant / role_revoke,
        which check the admin's rights and audit the role and its scope. A changed row is a
        revocation and a new grant, so tokens bound to the old role do not carry over."""
        if formset.model is not RoleAssignment:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        user, actor = form.instance, request.user
        for a in formset.deleted_objects:
            role_revoke(assignment=a, actor=actor)
        for a, _fields in formset.changed_objects:
            role_revoke(assignment=RoleAssignment.objects.get(pk=a.pk), actor=actor)
            role_grant(user=user, actor=actor, **_role_scope(a))
        for a in formset.new_objects:
            role_grant(user=user, actor=actor, **_role_scope(a))

    def delete_model(self, request, obj):
        """The user's roles are revoked (and audited) one by one before the account goes."""
        with transaction.atomic():
            for a in obj.roles.select_related("area", "school"):
                role_revoke(assignment=a, actor=request.user)
            super().delete_model(request, obj)

    def user_change_password(self, request, id, form_url=""):
        """Audit a password set or unset here (never the hash): who did it, to whom, when."""
        with transaction.atomic():
            before = User.objects.filter(pk=unquote(id)).values_list("password", flat=True).first()
            response = super().user_change_password(request, id, form_url)
            user = User.objects.filter(pk=unquote(id)).first()
            if user is not None and before is not None and user.password != before:
                audit_record(
                    actor=request.user,
                    action=AuditAction.USER_PASSWORD_CHANGE,
                    obj=user,
                    after={
                        "username": user.username,
                        "usable_password": user.has_usable_password(),
                        "via": "admin",
                    },
                )
        return response


@admin.register(ApiToken)
class ApiTokenAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "user", "key_prefix", "created_at", "last_used_at", "revoked_at")
    readonly_fields = ("key_prefix", "key_hash", "created_at", "last_used_at")
