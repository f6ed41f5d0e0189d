"""Joint plans of a cooperation area, supervised against measured targets.

A plan is adopted by a consultation of the area's negotiation body (the major-decision gate,
subject ``planning.plan``) and is a tree: goals, their measures (a lead member, co-responsible
members, a working group, dates), the measures' milestones (due date, done date with evidence).
Indicators attach to exactly one goal or measure, for the whole area or for one member; each has
a target per year and actual values per year. An actual is either *measured* (computed by the
platform from the other apps, keeping what it read) or *reported* (typed by the member's bureau
with evidence and accepted or rejected by the secretariat). A status report keeps the computed
tree of a reporting year as JSON (codes and exact numbers), with its publication date.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language, pgettext_lazy
from django.utils.translation import gettext_lazy as _

VALUE = {"max_digits": 24, "decimal_places": 8}


def bilingual(zh: str, en: str) -> str:
    if (get_language() or "").startswith("en") and en:
        return en
    return zh


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ADOPTED = "adopted", _("Adopted")
    CLOSED = "closed", pgettext_lazy("plan", "Closed")


class Plan(models.Model):
    body = models.ForeignKey(
        "consultation.Body",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("negotiation body"),
    )
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    proposal = models.ForeignKey(
        "consultation.Proposal",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("adopting consultation"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    adopted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("joint plan")
        verbose_name_plural = _("joint plans")
        ordering = ["-start_year", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_year__gte=models.F("start_year")), name="planning_plan_years"
            ),
        ]

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        return bilingual(self.title_zh, self.title_en)

    @property
    def years(self) -> list[int]:
        return list(range(self.start_year, self.end_year + 1))


class Goal(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="goals")
    number = models.PositiveSmallIntegerField(_("number"))
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, default=1)

    class Meta:
        ordering = ["plan", "number"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "number"], name="planning_goal_number"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="planning_goal_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.number}. {self.title_zh}"

    @property
    def title(self) -> str:
        return bilingual(self.title_zh, self.title_en)


class Measure(models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="measures")
    number = models.PositiveSmallIntegerField(_("number"))
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    lead = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("lead member"),
    )
    partners = models.ManyToManyField(
        "regions.Jurisdiction", blank=True, related_name="+", verbose_name=_("co-responsible")
    )
    forum = models.ForeignKey(
        "consultation.Forum",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("working group"),
    )
    start = models.DateField(_("start"))
    end = models.DateField(_("end"))
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, default=1)

    class Meta:
        ordering = ["goal", "number"]
        constraints = [
            models.UniqueConstraint(fields=["goal", "number"], name="planning_measure_number"),
            models.CheckConstraint(condition=Q(end__gte=models.F("start")), name="planning_dates"),
            models.CheckConstraint(condition=Q(weight__gte=0), name="planning_measure_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.goal.number}.{self.number} {self.title_zh}"

    @property
    def title(self) -> str:
        return bilingual(self.title_zh, self.title_en)


class Milestone(models.Model):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="milestones")
    title_zh = models.CharField(_("Chinese title"), max_length=300)
    title_en = models.CharField(_("English title"), max_length=300, blank=True)
    due = models.DateField(pgettext_lazy("milestone", "due date"))
    done = models.DateField(_("done on"), null=True, blank=True)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["measure", "due", "pk"]

    def __str__(self) -> str:
        return self.title_zh

    @property
    def title(self) -> str:
        return bilingual(self.title_zh, self.title_en)


class Direction(models.TextChoices):
    UP = "up", _("Higher is better")
    DOWN = "down", _("Lower is better")


class Source(models.TextChoices):
    MEASURED = "measured", _("Measured by the platform")
    REPORTED = "reported", _("Reported with evidence")


class Indicator(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators")
    goal = models.ForeignKey(
        Goal, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    measure = models.ForeignKey(
        Measure, on_delete=models.CASCADE, null=True, blank=True, related_name="indicators"
    )
    # a short code, unique in the plan; indicators that differ only by member share a ``group``
    code = models.SlugField(_("code"), max_length=60)
    group = models.SlugField(_("group"), max_length=60, blank=True)
    name_zh = models.CharField(_("Chinese name"), max_length=300)
    name_en = models.CharField(_("English name"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(_("direction"), max_length=4, choices=Direction.choices)
    baseline = models.DecimalField(_("baseline"), **VALUE)
    baseline_year = models.PositiveSmallIntegerField(_("baseline year"))
    member = models.ForeignKey(
        "regions.Jurisdiction",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("member"),
    )
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    # for a measured indicator: the registered source (planning.sources) and its parameters
    kind = models.CharField(_("measure"), max_length=40, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    weight = models.DecimalField(_("weight"), max_digits=8, decimal_places=3, default=1)

    class Meta:
        ordering = ["plan", "code"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="planning_indicator_code"),
            models.CheckConstraint(
                condition=Q(goal__isnull=False, measure__isnull=True)
                | Q(goal__isnull=True, measure__isnull=False),
                name="planning_indicator_one_parent",
            ),
            models.CheckConstraint(
                condition=Q(source="reported") | ~Q(kind=""), name="planning_measured_kind"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="planning_indicator_weight"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name_zh}"

    @property
    def name(self) -> str:
        return bilingual(self.name_zh, self.name_en)

    @property
    def algorithm_direction(self) -> str:
        return "increase" if self.direction == Direction.UP else "decrease"


class Target(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("target"), **VALUE)

    class Meta:
        ordering = ["indicator", "year"]
        constraints = [
            models.UniqueConstraint(fields=["indicator", "year"], name="planning_target_year"),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value}"


class ActualStatus(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    SUBMITTED = "submitted", _("Submitted for review")
    ACCEPTED = "accepted", pgettext_lazy("reported value", "Accepted")
    REJECTED = "rejected", pgettext_lazy("reported value", "Rejected")


COUNTING = [ActualStatus.COMPUTED, ActualStatus.ACCEPTED]


class Actual(models.Model):
    """An actual value of a year. A measured one is recomputed in place (the audit log keeps
    every earlier value); reported ones are appended, and the latest accepted one counts."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="actuals")
    year = models.PositiveSmallIntegerField(_("year"))
    value = models.DecimalField(_("actual"), **VALUE)
    status = models.CharField(_("status"), max_length=10, choices=ActualStatus.choices)
    # what a computation read (codes and numbers), or nothing for a reported value
    inputs = models.JSONField(_("inputs"), default=dict, blank=True)
    evidence_text = models.TextField(_("evidence"), blank=True)
    evidence_url = models.URLField(_("evidence link"), blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(auto_now_add=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(_("review note"), blank=True)

    class Meta:
        ordering = ["indicator", "year", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                condition=Q(status="computed"),
                name="planning_actual_computed_once",
            ),
            models.CheckConstraint(
                condition=Q(status="computed") | ~Q(evidence_text="") | ~Q(evidence_url=""),
                name="planning_reported_evidence",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.code} {self.year}: {self.value} ({self.status})"


class StatusReport(models.Model):
    """The computed status tree of a plan for one reporting year, kept with its date."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports")
    year = models.PositiveSmallIntegerField(_("year"))
    as_of = models.DateField(_("as of"))
    tree = models.JSONField()
    computed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    computed_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        ordering = ["plan", "-year", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan} {self.year} ({self.as_of})"
