"""Stored evaluations: a standard applied to the registry for one scope, year and stage.

Each run keeps the standard as it was (its JSON), a fingerprint of every input, and its results, so
a published result can be reproduced and compared with a later run on changed data.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietong.schools.models import Stage


class EvaluationRun(models.Model):
    standard_id = models.CharField(_("standard"), max_length=80)
    standard_version = models.PositiveIntegerField(_("standard version"))
    standard_spec = models.JSONField(_("standard as applied"))
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    split_rule = models.CharField(_("combined-school rule"), max_length=30, default="proportional")
    area = models.ForeignKey(
        "regions.CooperationArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("cooperation area"),
    )
    jurisdiction = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evaluations",
        verbose_name=_("jurisdiction"),
    )
    fingerprint = models.CharField(_("input fingerprint"), max_length=64, db_index=True)
    n_schools = models.PositiveIntegerField(_("schools in input"), default=0)
    n_counties = models.PositiveIntegerField(_("counties"), default=0)
    n_passing = models.PositiveIntegerField(_("counties passing"), default=0)
    excluded = models.JSONField(_("excluded schools"), default=list)
    notes = models.JSONField(_("notes"), default=list)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        constraints = [
            models.CheckConstraint(
                condition=Q(area__isnull=False, jurisdiction__isnull=True)
                | Q(area__isnull=True, jurisdiction__isnull=False),
                name="evaluation_one_scope",
            )
        ]

    def __str__(self) -> str:
        return f"{self.standard_id} {self.stage} {self.year} ({self.scope_label})"

    @property
    def scope_label(self) -> str:
        return self.area.name if self.area_id else self.jurisdiction.display_name

    @property
    def is_published(self) -> bool:
        return self.published_at is not None


class CountyEvaluation(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="counties")
    county = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    status = models.CharField(_("status"), max_length=20)
    n_schools = models.PositiveIntegerField()
    n_excluded = models.PositiveIntegerField()
    # schools left out for lack of data; any makes the county "incomplete"
    n_missing = models.PositiveIntegerField(default=0)
    enrolment = models.FloatField()
    composite_cv = models.FloatField(null=True)
    composite_threshold = models.FloatField(null=True)
    n_schools_passing = models.PositiveIntegerField(null=True)
    school_pass_rate = models.FloatField(null=True)
    indicators = models.JSONField(default=list)
    reasons = models.JSONField(default=list)
    notes = models.JSONField(default=list)
    #: government-guarantee item 6 (public operating funds against the base rates), as
    #: ``algorithms.funding.CountyFunding.as_dict()``; None when no rates cover the year
    funding = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["county_id"]
        constraints = [
            models.UniqueConstraint(fields=["run", "county"], name="county_evaluation_unique")
        ]

    def __str__(self) -> str:
        return f"{self.run_id}:{self.county_id} {self.status}"


class SchoolShortfall(models.Model):
    run = models.ForeignKey(EvaluationRun, on_delete=models.CASCADE, related_name="shortfalls")
    county = models.ForeignKey("regions.Jurisdiction", on_delete=models.PROTECT, related_name="+")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    indicator = models.CharField(max_length=60)
    value = models.FloatField()
    minimum = models.FloatField()
    shortfall = models.FloatField()
    ratio = models.FloatField()
    below_floor = models.BooleanField()

    class Meta:
        ordering = ["county_id", "school_id", "indicator"]
        indexes = [models.Index(fields=["run", "county"], name="shortfall_run_county")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.indicator} {self.value}<{self.minimum}"
