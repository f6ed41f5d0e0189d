"""The PDF preview of a stored office document (Word, Excel, PowerPoint, OpenDocument), made by a
background job with a converter when one is installed (``resources/previews.py``).

One row per source file, which is one per content (``ResourceFile`` is keyed by SHA-256), so the
same document uploaded twice is converted once. The PDF is itself a ``ResourceFile``: stored once
by its hash, through the same storage. ``status`` says where it stands; a failure keeps its code
(``error``, worded by the page), never a message."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .catalogue import ResourceFile


class PreviewStatus(models.TextChoices):
    PENDING = "pending", _("Being made")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Conversion failed")


class PreviewError(models.TextChoices):
    NO_CONVERTER = "no_converter", _("No converter is installed")
    TIMEOUT = "timeout", _("The converter took too long")
    EXIT_STATUS = "exit_status", _("The converter stopped with an error")
    NO_OUTPUT = "no_output", _("The converter wrote no PDF")
    NOT_PDF = "not_pdf", _("The converter's output is not a PDF")
    TOO_LARGE = "too_large", _("The PDF is larger than the size limit")
    NOT_OFFICE = "not_office", _("The file is not an office document")


class FilePreview(models.Model):
    source = models.OneToOneField(
        ResourceFile,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="pdf_preview",
        verbose_name=_("document"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=PreviewStatus.choices, default=PreviewStatus.PENDING
    )
    pdf = models.ForeignKey(
        ResourceFile,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("PDF preview"),
    )
    error = models.CharField(_("error"), max_length=20, choices=PreviewError.choices, blank=True)
    # the converter's exit status, when it gave one (for the operator; never shown as prose)
    exit_status = models.IntegerField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    seconds = models.FloatField(_("conversion time (s)"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("PDF preview")
        verbose_name_plural = _("PDF previews")
        constraints = [
            models.CheckConstraint(
                name="file_preview_ready_has_pdf",
                condition=~Q(status="ready") | Q(pdf__isnull=False),
            ),
            models.CheckConstraint(
                name="file_preview_failed_has_error",
                condition=~Q(status="failed") | ~Q(error=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id[:12]}… {self.status}"
