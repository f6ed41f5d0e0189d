"""Obligations (quotas per period), the activities recorded against them, computed compliance."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xietong.algorithms.capacity import LEVELS, MEASURES

from .cooperation import Cooperation


class Measure(models.TextChoices):
    LESSONS = "lessons", _("Synchronous lessons")
    SESSIONS = "sessions", _("Teaching-research sessions")
    TEACHERS = "teachers", _("Teachers seconded (FTE)")
    HOURS = "hours", _("Training hours")


class Level(models.TextChoices):
    SELF_REPORTED = "self_reported", _("Self-reported")
    PARTNER_CONFIRMED = "partner_confirmed", _("Confirmed by the partner")
    AUTHORITY_VERIFIED = "authority_verified", _("Verified by the authority")


# The stored codes are the engine's codes, in the engine's order.
assert tuple(Measure.values) == MEASURES, "Measure codes drifted from algorithms.capacity"
assert tuple(Level.values) == LEVELS, "Level codes drifted from algorithms.capacity"


class PeriodKind(models.TextChoices):
    YEAR = "year", _("Year")
    SEMESTER = "semester", _("Semester")


class Obligation(models.Model):
    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="obligations"
    )
    code = models.CharField(_("code"), max_length=40)
    measure = models.CharField(_("measure"), max_length=10, choices=Measure.choices)
    quota = models.DecimalField(_("quota per period"), max_digits=12, decimal_places=2)
    period_kind = models.CharField(
        _("period"), max_length=10, choices=PeriodKind.choices, default=PeriodKind.YEAR
    )
    standard = models.CharField(
        _("verification standard"),
        max_length=20,
        choices=Level.choices,
        default=Level.PARTNER_CONFIRMED,
    )
    activity_kinds = models.JSONField(_("activity kinds counted"), default=list, blank=True)
    subjects = models.JSONField(_("subjects"), default=list, blank=True)
    min_subjects = models.PositiveSmallIntegerField(_("minimum number of subjects"), default=0)

    class Meta:
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        ordering = ["cooperation", "code"]
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "code"], name="partnerships_obligation_code"
            ),
            models.CheckConstraint(condition=Q(quota__gte=0), name="partnerships_quota"),
        ]

    def __str__(self) -> str:
        return f"{self.cooperation.code}/{self.code}"


class ActivityKind(models.TextChoices):
    SYNC_LESSON = "sync_lesson", _("Synchronous lesson")
    JOINT_RESEARCH = "joint_research", _("Joint teaching research")
    VISIT = "visit", _("Visit")
    TRAINING = "training", _("Training")
    SHARED_RESOURCE = "shared_resource", _("Shared resource")
    SECONDED_TEACHER = "seconded_teacher", _("Seconded teacher")
    # money from the area's fund (a disbursement) or a donation earmarked for the cooperation,
    # linked from the finance app only; its quantity is the amount in yuan
    FUNDING = "funding", _("Funding")


#: The kinds a person records (funding is only linked from the fund's records).
TYPED_KINDS = tuple(k for k in ActivityKind if k != ActivityKind.FUNDING)


class Activity(models.Model):
    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="activities"
    )
    obligation = models.ForeignKey(
        Obligation, on_delete=models.SET_NULL, null=True, blank=True, related_name="activities"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=ActivityKind.choices)
    date = models.DateField(_("date"), db_index=True)
    # lessons, sessions, FTE, hours, or yuan for funding (18 digits, as the fund's amounts)
    quantity = models.DecimalField(_("quantity"), max_digits=18, decimal_places=2)
    subject = models.CharField(_("subject"), max_length=20, blank=True)
    online = models.BooleanField(_("online"), null=True, blank=True)
    level = models.CharField(
        _("level"), max_length=20, choices=Level.choices, default=Level.SELF_REPORTED
    )
    # The party that delivered it (the partner) and the one that received it, when known.
    provider = models.ForeignKey(
        "Party", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recipient = models.ForeignKey(
        "Party", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reported_at = models.DateTimeField(auto_now_add=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    confirmed_at = models.DateTimeField(null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    verified_at = models.DateTimeField(null=True, blank=True)
    # A record of another app this activity stands for (linked, not re-entered), e.g.
    # ("talent.Appointment", "42"); empty for an activity typed here.
    source_app = models.CharField(max_length=40, blank=True)
    source_id = models.CharField(max_length=64, blank=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ["cooperation", "date", "pk"]
        indexes = [models.Index(fields=["cooperation", "date"])]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=0), name="partnerships_quantity"),
            models.UniqueConstraint(
                fields=["cooperation", "source_app", "source_id"],
                condition=~Q(source_app=""),
                name="partnerships_activity_source_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperation.code} {self.kind} {self.date}"


class ComplianceResult(models.Model):
    """One obligation in one period, as computed by ``obligation_compliance``."""

    obligation = models.ForeignKey(Obligation, on_delete=models.CASCADE, related_name="compliance")
    period = models.CharField(_("period"), max_length=10)  # "2025" or "2025-1" / "2025-2"
    quota = models.DecimalField(max_digits=12, decimal_places=2)
    # Totals per level, kept apart: {"self_reported": "3", ...} as exact decimal strings.
    totals = models.JSONField(default=dict)
    counted = models.DecimalField(max_digits=14, decimal_places=4)
    # The distinct subject codes of the counted activities, and the obligation's minimum as it
    # stood when computed; ``met`` is quota met and subjects met.
    subjects = models.JSONField(default=list, blank=True)
    min_subjects = models.PositiveSmallIntegerField(default=0)
    met = models.BooleanField()
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("compliance result")
        verbose_name_plural = _("compliance results")
        ordering = ["obligation", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "period"], name="partnerships_compliance_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.obligation_id} {self.period} {self.counted}/{self.quota}"

    @property
    def quota_met(self) -> bool:
        return self.counted >= self.quota

    @property
    def subjects_met(self) -> bool:
        return len(self.subjects or []) >= self.min_subjects


class ExpiryNotice(models.Model):
    cooperation = models.ForeignKey(
        Cooperation, on_delete=models.CASCADE, related_name="expiry_notices"
    )
    days_before = models.PositiveSmallIntegerField()  # 90 or 30
    term_end = models.DateField()
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["cooperation", "term_end", "days_before"],
                name="partnerships_expiry_notice_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cooperation_id} -{self.days_before}d {self.term_end}"
