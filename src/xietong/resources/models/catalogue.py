"""Resources, their content-addressed files and versions, review events, collections."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from .vocabulary import VocabularyNode


class Visibility(models.TextChoices):
    """The sharing ladder, narrowest first: each level is read by its own audience and by the
    audiences of every level below it (see ``selectors.visible_q``)."""

    PRIVATE = "private", _("Private")
    SCHOOL = "school", _("My school")
    PARTNERS = "partners", _("Partner schools")
    COUNTY = "county", _("County")
    CITY = "city", _("City")
    PROVINCE = "province", _("Province")
    AREA = "area", _("Cooperation area")
    PUBLIC = "public", pgettext_lazy("visibility", "Public")


LADDER = [v.value for v in Visibility]


class Status(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PENDING = "pending", _("Awaiting review")
    REJECTED = "rejected", _("Returned by the reviewer")
    PUBLISHED = "published", _("Published (in the library)")
    WITHDRAWN = "withdrawn", _("Withdrawn (out of the library)")


class WithdrawReason(models.TextChoices):
    COPYRIGHT = "copyright", _("Copyright or licence problem")
    CONTENT_ERROR = "content_error", _("Errors in the content")
    OUTDATED = "outdated", _("Outdated (curriculum or textbook changed)")
    IDEOLOGY = "ideology", _("Fails the ideological and political review")
    OWNER_REQUEST = "owner_request", _("The owner asked for it")
    SOURCE_DELETED = "source_deleted", _("Deleted at the harvested source")
    OTHER = "other", _("Other")


class ResourceFile(models.Model):
    """One stored file, named by the SHA-256 of its bytes: the same content is stored once, however
    many resources or versions carry it."""

    sha256 = models.CharField(_("SHA-256"), max_length=64, primary_key=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    mime_type = models.CharField(_("type"), max_length=100)
    extension = models.CharField(_("extension"), max_length=10)
    storage_name = models.CharField(max_length=200)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("resource file")
        verbose_name_plural = _("resource files")
        constraints = [
            models.CheckConstraint(
                condition=Q(sha256__regex=r"^[0-9a-f]{64}$"), name="resource_file_sha256_hex"
            )
        ]

    def __str__(self) -> str:
        return f"{self.sha256[:12]}… ({self.mime_type})"

    @property
    def preview(self) -> str:
        """Which HTML element shows it: pdf, image, video, audio, or '' (download only)."""
        if self.mime_type == "application/pdf":
            return "pdf"
        major = self.mime_type.split("/")[0]
        return major if major in ("image", "video", "audio") else ""

    @property
    def is_office(self) -> bool:
        """A Word, Excel, PowerPoint or OpenDocument file: previewed as a PDF once a converter
        has made one (``FilePreview``); the file itself is always served as a download."""
        from ..storage import OFFICE_TYPES

        return self.mime_type in OFFICE_TYPES


def _node(name: str, scheme: str, *, null: bool = True):
    return models.ForeignKey(
        VocabularyNode,
        on_delete=models.PROTECT,
        null=null,
        blank=null,
        related_name="+",
        verbose_name=name,
        limit_choices_to={"scheme": scheme},
    )


class Resource(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    kind = _node(_("kind"), "kind", null=False)
    stage = _node(_("stage"), "stage", null=False)
    grade = _node(_("grade"), "grade")
    subject = _node(_("subject"), "subject")
    edition = _node(_("textbook edition"), "edition")
    volume = _node(_("volume"), "volume")
    unit = _node(_("unit"), "unit")
    lesson = _node(_("lesson"), "lesson")
    standards = models.ManyToManyField(
        VocabularyNode,
        blank=True,
        related_name="aligned_resources",
        verbose_name=_("curriculum-standard items"),
        limit_choices_to={"scheme": "standard"},
    )
    language = models.CharField(_("language"), max_length=20, default="zh-Hans")
    licence = models.CharField(
        _("licence"), max_length=300, help_text=_("An SPDX licence expression, e.g. CC-BY-4.0.")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("uploaded by"),
    )
    author_name = models.CharField(_("author"), max_length=200, blank=True)
    owner_school = models.ForeignKey(
        "schools.School",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("owning school"),
    )
    owner_jurisdiction = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resources",
        verbose_name=_("owning jurisdiction"),
    )
    # the owning jurisdiction's code, or the owning school's county: what the ladder's county,
    # city and province levels and the reviewing bureau are read from
    owner_code = models.CharField(max_length=12, db_index=True, editable=False)
    visibility = models.CharField(
        _("visibility"), max_length=10, choices=Visibility.choices, default=Visibility.PRIVATE
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    withdraw_reason = models.CharField(
        _("withdrawal reason"), max_length=20, choices=WithdrawReason.choices, blank=True
    )
    file = models.ForeignKey(
        ResourceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="resources"
    )
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    external_url = models.URLField(_("external link"), max_length=1000, blank=True)
    is_based_on = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="remixes",
        verbose_name=_("based on"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)
    published_version = models.PositiveIntegerField(_("published version"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic demo record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-updated_at"]
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        constraints = [
            models.CheckConstraint(
                name="resource_one_owner",
                condition=Q(owner_school__isnull=False, owner_jurisdiction__isnull=True)
                | Q(owner_school__isnull=True, owner_jurisdiction__isnull=False),
            ),
            models.CheckConstraint(
                name="resource_file_or_link",
                condition=Q(file__isnull=False) | ~Q(external_url=""),
            ),
            models.CheckConstraint(
                name="resource_visibility_known", condition=Q(visibility__in=LADDER)
            ),
            models.CheckConstraint(
                name="resource_withdrawn_has_reason",
                condition=~Q(status="withdrawn") | ~Q(withdraw_reason=""),
            ),
        ]
        indexes = [models.Index(fields=["status", "visibility", "owner_code"])]

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.title_en if lang.startswith("en") and self.title_en else self.title_zh

    @property
    def description(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        if lang.startswith("en") and self.description_en:
            return self.description_en
        return self.description_zh

    @property
    def owner(self):
        return self.owner_school or self.owner_jurisdiction


class ResourcePartner(models.Model):
    """A partner school of a resource's owner: the audience of the ``partners`` level. The seam
    for the partnerships app, which will fill this from school partnerships."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="partners")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["resource", "school"], name="resource_partner_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} / {self.school_id}"


class ResourceVersion(models.Model):
    """One version of a resource: its metadata as it stood and its file's hash."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    file = models.ForeignKey(
        ResourceFile, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    metadata = models.JSONField(_("metadata"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "number"]
        constraints = [
            models.UniqueConstraint(fields=["resource", "number"], name="resource_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.number}"


class ReviewStep(models.TextChoices):
    SUBMIT = "submit", _("Submitted with the self-review pledge")
    CHECK = "check", _("Machine checks")
    APPROVE = "approve", _("Approved and published")
    REJECT = "reject", _("Returned")
    WITHDRAW = "withdraw", _("Withdrawn")


class ReviewEvent(models.Model):
    """One step of the review of one version. ``codes`` holds the machine checks' problem codes or
    the reviewer's reason code; pages word them in the reader's language."""

    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="reviews")
    version = models.PositiveIntegerField(_("version"))
    step = models.CharField(_("step"), max_length=10, choices=ReviewStep.choices)
    passed = models.BooleanField(_("passed"), default=True)
    codes = models.JSONField(_("codes"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["resource", "id"]

    def __str__(self) -> str:
        return f"{self.resource_id} v{self.version} {self.step}"


class CollectionItem(models.Model):
    """A resource imported into a user's own collection, at the version seen then."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="collection"
    )
    resource = models.ForeignKey(Resource, on_delete=models.PROTECT, related_name="imports")
    imported_version = models.PositiveIntegerField(_("imported version"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "resource"], name="collection_item_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.resource_id}"


class ResourceChangeNotice(models.Model):
    """An importer is told what changed when a new version is published: ``changes`` is a list of
    {field, before, after} (values and codes, worded at read time), the file hashes among them."""

    item = models.ForeignKey(CollectionItem, on_delete=models.CASCADE, related_name="notices")
    from_version = models.PositiveIntegerField()
    to_version = models.PositiveIntegerField()
    changes = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.item_id}: v{self.from_version} -> v{self.to_version}"
