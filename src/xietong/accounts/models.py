"""People, their roles bound to a scope, and API tokens for machine clients."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=150, blank=True)
    preferred_language = models.CharField(_("preferred language"), max_length=10, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Role(models.TextChoices):
    SECRETARIAT = "secretariat", _("Area secretariat")
    BUREAU = "bureau", _("Education bureau")
    SCHOOL = "school", _("School administrator")
    TEACHER = "teacher", _("Teacher")
    PUBLIC = "public", _("Public")


class RoleAssignment(models.Model):
    """A role held over one scope: an area, a jurisdiction subtree, a school, or nothing."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    area = models.ForeignKey(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("cooperation area"),
    )
    jurisdiction = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("jurisdiction"),
    )
    school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="role_assignments",
        verbose_name=_("school"),
    )
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                name="role_scope_matches_role",
                condition=(
                    Q(
                        role="secretariat",
                        area__isnull=False,
                        jurisdiction__isnull=True,
                        school__isnull=True,
                    )
                    | Q(
                        role="bureau",
                        area__isnull=True,
                        jurisdiction__isnull=False,
                        school__isnull=True,
                    )
                    | Q(
                        role="school",
                        area__isnull=True,
                        jurisdiction__isnull=True,
                        school__isnull=False,
                    )
                    | Q(
                        role="teacher",
                        area__isnull=True,
                        jurisdiction__isnull=True,
                        school__isnull=False,
                    )
                    | Q(
                        role="public",
                        area__isnull=True,
                        jurisdiction__isnull=True,
                        school__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "area", "jurisdiction", "school"],
                name="role_assignment_unique",
                nulls_distinct=False,
            ),
        ]

    def __str__(self) -> str:
        target = self.area or self.jurisdiction or self.school or "—"
        return f"{self.user} · {self.get_role_display()} · {target}"


class ApiToken(models.Model):
    """A revocable bearer token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_prefix = models.CharField(max_length=12, db_index=True)
    key_hash = models.CharField(max_length=64, unique=True)
    role_assignment = models.ForeignKey(
        RoleAssignment,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tokens",
        help_text=_("When set, the token acts only with this one of its user's roles."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.key_prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
