"""Jurisdictions (keyed by the official 12-digit administrative codes) and cooperation areas."""

from __future__ import annotations

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("Province-level")
    PREFECTURE = "prefecture", _("Prefecture-level city")
    COUNTY = "county", _("County / district")


def code_prefix(code: str, level: str) -> str:
    """The leading digits that every descendant's code shares (GB/T 2260 layout)."""
    return {Level.PROVINCE: code[:2], Level.PREFECTURE: code[:4], Level.COUNTY: code[:6]}[level]


class BilingualNameMixin:
    @property
    def name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        if lang.startswith("en") and getattr(self, "name_en", ""):
            return self.name_en
        return self.name_zh


class Jurisdiction(BilingualNameMixin, models.Model):
    code = models.CharField(_("code"), max_length=12, primary_key=True)
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent"),
    )
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    full_name_zh = models.CharField(_("full Chinese name"), max_length=200)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    is_placeholder = models.BooleanField(
        _("statistical placeholder"),
        default=False,
        help_text=_(
            "Code rows such as 市辖区 that group districts and hold no schools themselves."
        ),
    )
    prefix = models.CharField(max_length=6, db_index=True, editable=False)
    # Statistics of year Y describe the divisions as they stand at the end of Y: a division is
    # valid for year Y when valid_from <= Y <= valid_until (inclusive; empty = open-ended).
    valid_from = models.PositiveSmallIntegerField(
        _("valid from"),
        null=True,
        blank=True,
        help_text=_("First statistics year of this division; empty when it predates the table."),
    )
    valid_until = models.PositiveSmallIntegerField(
        _("valid until"),
        null=True,
        blank=True,
        help_text=_("Last statistics year of this division; empty while it is still in force."),
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("jurisdiction")
        verbose_name_plural = _("jurisdictions")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_from__lte=models.F("valid_until")),
                name="jurisdiction_validity_order",
            ),
            models.CheckConstraint(
                condition=models.Q(code__regex=r"^[0-9]{12}$"), name="jurisdiction_code_12_digits"
            ),
            models.CheckConstraint(
                condition=models.Q(level="province", parent__isnull=True)
                | (~models.Q(level="province") & models.Q(parent__isnull=False)),
                name="jurisdiction_parent_by_level",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    def save(self, *args, **kwargs):
        self.prefix = code_prefix(self.code, self.level)
        super().save(*args, **kwargs)

    def valid_in(self, year: int) -> bool:
        return (self.valid_from is None or self.valid_from <= year) and (
            self.valid_until is None or year <= self.valid_until
        )

    @property
    def display_name(self) -> str:
        """Names repeat across the country (two 通州区), so pages show the full name."""
        lang = (get_language() or "zh-hans").lower()
        if lang.startswith("en"):
            return self.name_en
        return self.full_name_zh or self.name_zh


class CooperationArea(BilingualNameMixin, models.Model):
    slug = models.SlugField(_("identifier"), max_length=60, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    description_zh = models.TextField(_("Chinese description"), blank=True)
    description_en = models.TextField(_("English description"), blank=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent area"),
    )
    members = models.ManyToManyField(
        Jurisdiction, through="AreaMembership", related_name="areas", verbose_name=_("members")
    )
    secretariat_name_zh = models.CharField(_("secretariat (Chinese)"), max_length=200, blank=True)
    secretariat_name_en = models.CharField(_("secretariat (English)"), max_length=200, blank=True)
    secretariat_host = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_secretariats",
        verbose_name=_("secretariat host"),
    )
    established = models.DateField(_("established"), null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("cooperation area")
        verbose_name_plural = _("cooperation areas")

    def __str__(self) -> str:
        return self.name_zh

    @property
    def description(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.description_en if lang.startswith("en") else self.description_zh

    @property
    def secretariat_name(self) -> str:
        lang = (get_language() or "zh-hans").lower()
        return self.secretariat_name_en if lang.startswith("en") else self.secretariat_name_zh


class AreaMembership(models.Model):
    area = models.ForeignKey(CooperationArea, on_delete=models.CASCADE, related_name="memberships")
    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="memberships"
    )
    joined = models.DateField(_("joined"), null=True, blank=True)

    class Meta:
        ordering = ["jurisdiction__code"]
        constraints = [
            models.UniqueConstraint(fields=["area", "jurisdiction"], name="area_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.area} / {self.jurisdiction}"


class Boundary(models.Model):
    """A division's outline as GeoJSON (Polygon or MultiPolygon, longitude/latitude degrees),
    simplified for display. Published maps in China must use approved standard map data and
    show its approval number (审图号), so each outline keeps where it came from."""

    jurisdiction = models.OneToOneField(
        Jurisdiction,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="boundary",
        verbose_name=_("jurisdiction"),
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices, db_index=True)
    geometry = models.JSONField(_("geometry"))
    points = models.PositiveIntegerField(_("points"))
    simplify_tolerance = models.FloatField(_("simplification tolerance (degrees)"), default=0)
    source = models.CharField(_("source"), max_length=300, blank=True)
    licence = models.CharField(_("licence"), max_length=300, blank=True)
    approval_number = models.CharField(
        _("map approval number (审图号)"), max_length=100, blank=True
    )
    file_digest = models.CharField(_("file SHA-256"), max_length=64)
    loaded_at = models.DateTimeField(_("loaded at"))

    class Meta:
        ordering = ["jurisdiction_id"]
        verbose_name = _("boundary")
        verbose_name_plural = _("boundaries")

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} ({self.points})"


class DivisionsVersion(models.Model):
    """One row whose ``token`` changes whenever a division is saved or deleted (the tree load,
    the admin): pages that cache the division tree put the token in the key
    (``selectors.jurisdiction_tree_cached``). A fresh random token, not a counter: a rolled-back
    load leaves the old token with the old tree."""

    token = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.token
