"""Schools, the indicator catalogue and yearly school statistics."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from xietong.algorithms.standards import SCHOOL_TYPE_STAGE, TEACHING_POINT  # noqa: F401
from xietong.regions.models import BilingualNameMixin, Jurisdiction


class Stage(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    JUNIOR = "junior", _("Junior secondary")
    NINE_YEAR = "nine_year", _("Nine-year (primary + junior)")
    SENIOR = "senior", _("Senior secondary")
    COMPLETE_SECONDARY = "complete_secondary", _("Complete secondary (junior + senior)")
    TWELVE_YEAR = "twelve_year", _("Twelve-year")
    VOCATIONAL = "vocational", _("Secondary vocational")
    SPECIAL = "special", _("Special education")


class SchoolType(models.TextChoices):
    """办学类型: the school-type code of the national education statistics (教育统计报表), for
    the kinds of school the balance standards concern. A teaching point (教学点, 218) is not a
    school of its own: 教督〔2017〕6号 leaves teaching points under 50 students out of the
    resource-allocation evaluation. Only the codes of compulsory and general senior-secondary
    schools are listed; vocational and special schools are recorded by stage alone."""

    PRIMARY = "211", _("Primary school (211)")
    TEACHING_POINT = "218", _("Teaching point (218)")
    JUNIOR = "311", _("Junior secondary school (311)")
    NINE_YEAR = "312", _("Nine-year school (312)")
    COMPLETE_SECONDARY = "341", _("Complete secondary school (341)")
    SENIOR = "342", _("Senior secondary school (342)")
    TWELVE_YEAR = "345", _("Twelve-year school (345)")


class Location(models.TextChoices):
    URBAN = "urban", _("Urban")
    TOWN = "town", _("Town")
    RURAL = "rural", _("Rural")


class Ownership(models.TextChoices):
    # "Public" is also the name of a role (公众): the context keeps the two apart
    PUBLIC = "public", pgettext_lazy("ownership", "Public")
    PRIVATE = "private", pgettext_lazy("ownership", "Private")


class School(BilingualNameMixin, models.Model):
    code = models.CharField(_("school code"), max_length=20, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, db_index=True)
    school_type = models.CharField(
        _("school type"),
        max_length=3,
        choices=SchoolType.choices,
        blank=True,
        help_text=_("办学类型 code of the national education statistics; 218 is a teaching point."),
    )
    county = models.ForeignKey(
        Jurisdiction,
        on_delete=models.PROTECT,
        related_name="schools",
        verbose_name=_("county"),
        limit_choices_to={"level": "county"},
    )
    location = models.CharField(_("urban / town / rural"), max_length=10, choices=Location.choices)
    ownership = models.CharField(_("ownership"), max_length=10, choices=Ownership.choices)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    is_open = models.BooleanField(_("open"), default=True)
    is_synthetic = models.BooleanField(
        _("synthetic demo record"),
        default=False,
        help_text=_("Generated demo data, not a real school."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("school")
        verbose_name_plural = _("schools")
        constraints = [
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="school_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="school_latitude_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name_zh} ({self.code})"

    @property
    def is_teaching_point(self) -> bool:
        return self.school_type == TEACHING_POINT


class SchoolCountyHistory(models.Model):
    """A county a school belonged to before it moved, by statistics year (inclusive).

    ``School.county`` is where the school is now; a move that takes effect in a statistics year
    (a division change: 下城区 schools into 拱墅区 from 2021) keeps the old county here for the
    years before it, so statistics of 2020 count in 下城区 and those of 2021 in 拱墅区. A corrected
    registration leaves no row: the old county was never right."""

    school = models.ForeignKey(School, on_delete=models.CASCADE, related_name="county_history")
    county = models.ForeignKey(Jurisdiction, on_delete=models.PROTECT, related_name="+")
    from_year = models.PositiveSmallIntegerField(null=True, blank=True)  # None: since ever
    until_year = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["school", "until_year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "until_year"], name="school_history_once"),
            models.CheckConstraint(
                condition=Q(from_year__isnull=True) | Q(from_year__lte=models.F("until_year")),
                name="school_history_years",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.county_id} {self.from_year or ''}-{self.until_year}"


class IndicatorKind(models.TextChoices):
    RAW = "raw", _("Raw count")
    DERIVED = "derived", _("Derived ratio")


class Indicator(BilingualNameMixin, models.Model):
    """The catalogue: raw counts that are stored, and ratios defined once from them."""

    code = models.SlugField(_("code"), max_length=60, primary_key=True)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    name_zh = models.CharField(_("Chinese name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=200)
    unit_zh = models.CharField(_("unit (Chinese)"), max_length=30)
    unit_en = models.CharField(_("unit (English)"), max_length=60)
    definition_zh = models.TextField(_("definition (Chinese)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    numerator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    denominator = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    scale = models.DecimalField(max_digits=10, decimal_places=2, default=1)
    integral = models.BooleanField(_("whole numbers only"), default=False)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="raw", numerator__isnull=True, denominator__isnull=True)
                | Q(kind="derived", numerator__isnull=False, denominator__isnull=False),
                name="indicator_derived_has_formula",
            )
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def unit(self) -> str:
        from django.utils.translation import get_language

        return self.unit_en if (get_language() or "").startswith("en") else self.unit_zh

    @property
    def definition(self) -> str:
        from django.utils.translation import get_language

        return self.definition_en if (get_language() or "").startswith("en") else self.definition_zh


class SchoolStatistic(models.Model):
    """One raw value of one school in one school year (the year in which the school year starts)."""

    # No separate FK indexes: the unique (school, year, indicator) index serves lookups by school,
    # the (year, indicator) index serves lookups by indicator, and every extra index slows imports.
    school = models.ForeignKey(
        School, on_delete=models.CASCADE, related_name="statistics", db_index=False
    )
    year = models.PositiveSmallIntegerField(_("year"))
    indicator = models.ForeignKey(
        Indicator,
        on_delete=models.PROTECT,
        related_name="values",
        limit_choices_to={"kind": "raw"},
        db_index=False,
    )
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=2)

    class Meta:
        verbose_name = _("school statistic")
        verbose_name_plural = _("school statistics")
        constraints = [
            models.UniqueConstraint(
                fields=["school", "year", "indicator"], name="statistic_one_value_per_school_year"
            ),
            models.CheckConstraint(condition=Q(value__gte=0), name="statistic_non_negative"),
            models.CheckConstraint(
                condition=Q(year__gte=1949, year__lte=2100), name="statistic_year_range"
            ),
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="statistic_year_indicator")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year} {self.indicator_id}={self.value}"


class StatisticsRelease(models.Model):
    """A bureau's statement that a year's statistics for its jurisdiction may be shown to the
    public as aggregates (never school by school)."""

    jurisdiction = models.ForeignKey(
        Jurisdiction, on_delete=models.PROTECT, related_name="releases"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["jurisdiction", "year"], name="release_unique")
        ]

    def __str__(self) -> str:
        return f"{self.jurisdiction_id} {self.year}"


class CountyStatistic(models.Model):
    """Sum of one raw indicator over a county's schools in one year, kept in step with
    SchoolStatistic by the services that write statistics, so that aggregate pages and the API
    read a few thousand rows instead of every school value."""

    county = models.ForeignKey(Jurisdiction, on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField()
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(max_digits=22, decimal_places=2)
    schools = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["county", "year", "indicator"], name="county_statistic_unique"
            )
        ]
        indexes = [models.Index(fields=["year", "indicator"], name="county_stat_year_ind")]

    def __str__(self) -> str:
        return f"{self.county_id} {self.year} {self.indicator_id}={self.total}"


class StatisticsVersion(models.Model):
    """One row whose ``token`` changes whenever what the statistics pages show may change: school
    values and county totals (``services.county_totals_refresh``), releases, the school registry.
    Pages cache what they compute from the statistics under the token they read first
    (``selectors.statistics_cached``), so a new release or import is seen on the next request in
    every process. A fresh random token, not a counter: a rolled-back write leaves the old token
    and the old data together, never a reused number in front of other data."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token
