"""Agreements: numbered versions bound to a content hash, approved by every party on that hash."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .cooperation import Cooperation, Party


class Agreement(models.Model):
    cooperation = models.OneToOneField(
        Cooperation, on_delete=models.CASCADE, related_name="agreement"
    )
    current_version = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("agreement")
        verbose_name_plural = _("agreements")

    def __str__(self) -> str:
        return f"{self.cooperation.code} v{self.current_version}"


class AgreementVersion(models.Model):
    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    content = models.JSONField(_("content"))
    # SHA-256 (hex) of the canonical JSON of ``content`` (sorted keys, no spaces, UTF-8).
    content_hash = models.CharField(_("content hash"), max_length=64)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("agreement version")
        verbose_name_plural = _("agreement versions")
        ordering = ["agreement", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["agreement", "number"], name="partnerships_version_number"
            ),
        ]

    def __str__(self) -> str:
        return f"v{self.number} {self.content_hash[:12]}"


class ApprovalRole(models.TextChoices):
    PARTY = "party", _("Party")
    BUREAU = "bureau", _("Bureau above a party")


class Approval(models.Model):
    version = models.ForeignKey(
        AgreementVersion, on_delete=models.CASCADE, related_name="approvals"
    )
    # The hash approved, kept on the row so the approval stays bound to it in the history.
    content_hash = models.CharField(max_length=64)
    role = models.CharField(_("role"), max_length=8, choices=ApprovalRole.choices)
    party = models.ForeignKey(Party, on_delete=models.CASCADE, related_name="approvals")
    # For a bureau approval: the jurisdiction that approved (a bureau above ``party``).
    jurisdiction = models.ForeignKey(
        "regions.Jurisdiction", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    approved_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["version", "approved_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "party"],
                condition=models.Q(role="party"),
                name="partnerships_party_approval_once",
            ),
            models.UniqueConstraint(
                fields=["version", "party", "jurisdiction"],
                condition=models.Q(role="bureau"),
                name="partnerships_bureau_approval_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} {self.role} {self.content_hash[:12]}"
