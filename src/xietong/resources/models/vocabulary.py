"""Vocabularies as versioned data that bureaus maintain and import (`xietong resources
load-vocabulary`), never code: stages, grades, subjects, resource kinds, textbook editions with
their chapter trees (edition -> volume -> unit -> lesson) and curriculum-standard items, and the
crosswalk from chapters to items.

A release is loaded whole; its nodes keep their ``code`` from one release to the next, so a later
release replaces the earlier one's wording without changing what resources point to."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Scheme(models.TextChoices):
    STAGE = "stage", _("Stage")
    GRADE = "grade", _("Grade")
    SUBJECT = "subject", _("Subject")
    KIND = "kind", _("Resource kind")
    EDITION = "edition", _("Textbook edition")
    VOLUME = "volume", _("Volume")
    UNIT = "unit", _("Unit")
    LESSON = "lesson", _("Lesson")
    STANDARD = "standard", _("Curriculum-standard item")


# which scheme a node's parent belongs to (None: a top-level node)
PARENT_SCHEME = {
    Scheme.STAGE: None,
    Scheme.GRADE: Scheme.STAGE,
    Scheme.SUBJECT: None,
    Scheme.KIND: None,
    Scheme.EDITION: None,
    Scheme.VOLUME: Scheme.EDITION,
    Scheme.UNIT: Scheme.VOLUME,
    Scheme.LESSON: Scheme.UNIT,
    Scheme.STANDARD: None,
}
CHAPTER_SCHEMES = (Scheme.VOLUME, Scheme.UNIT, Scheme.LESSON)


class VocabularyRelease(models.Model):
    version = models.CharField(_("version"), max_length=40, unique=True)
    title_zh = models.CharField(_("Chinese title"), max_length=200)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    source = models.TextField(_("source"), blank=True)
    is_illustrative = models.BooleanField(
        _("illustrative"),
        default=False,
        help_text=_("Some of its entries are examples, not official text."),
    )
    is_current = models.BooleanField(_("current"), default=False)
    file_name = models.CharField(_("file name"), max_length=300)
    file_digest = models.CharField(_("file SHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["-loaded_at", "-id"]
        verbose_name = _("vocabulary release")
        verbose_name_plural = _("vocabulary releases")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_release"
            )
        ]

    def __str__(self) -> str:
        return self.version


class VocabularyNode(models.Model):
    release = models.ForeignKey(VocabularyRelease, on_delete=models.PROTECT, related_name="nodes")
    scheme = models.CharField(_("scheme"), max_length=12, choices=Scheme.choices)
    code = models.CharField(_("code"), max_length=80)
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children"
    )
    # a volume's (and a standard item's) subject and grade or stage
    subject = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grade = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    stage = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    name_zh = models.CharField(_("Chinese name"), max_length=500)
    name_en = models.CharField(_("English name"), max_length=500, blank=True)
    aliases = models.JSONField(_("other names"), default=list, blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)
    is_illustrative = models.BooleanField(_("illustrative"), default=False)

    class Meta:
        ordering = ["scheme", "position", "code"]
        verbose_name = _("vocabulary entry")
        verbose_name_plural = _("vocabulary entries")
        constraints = [
            models.UniqueConstraint(
                fields=["release", "scheme", "code"], name="vocabulary_code_unique"
            )
        ]
        indexes = [models.Index(fields=["scheme", "code"])]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        if lang.startswith("en") and self.name_en:
            return self.name_en
        return self.name_zh


class CrosswalkLink(models.Model):
    """A chapter (volume, unit or lesson) of one edition teaches a curriculum-standard item; the
    chapters of other editions linked to the same item are its matches."""

    release = models.ForeignKey(
        VocabularyRelease, on_delete=models.CASCADE, related_name="crosswalk"
    )
    chapter = models.ForeignKey(VocabularyNode, on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(VocabularyNode, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("crosswalk link")
        verbose_name_plural = _("crosswalk links")
        constraints = [
            models.UniqueConstraint(fields=["chapter", "item"], name="crosswalk_link_unique")
        ]

    def __str__(self) -> str:
        return f"{self.chapter_id} -> {self.item_id}"
