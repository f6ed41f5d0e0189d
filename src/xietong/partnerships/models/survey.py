"""Satisfaction surveys of a supported school: one result per school and year."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class SatisfactionSurvey(models.Model):
    """The result of one year's satisfaction survey at a school (the 社会认可度 of 教督〔2017〕6号:
    parents, pupils and others surveyed; the line is 85 %). ``satisfied`` of ``respondents``
    answered satisfied; ``conducted_by`` ran it on ``conducted_on``; ``source`` names the
    document the figures come from (report title, document number or address). The school's
    bureau or the area's secretariat records it; recording the same year again replaces it
    (the audit log keeps the earlier figures)."""

    school = models.ForeignKey(
        "schools.School", on_delete=models.PROTECT, related_name="+", verbose_name=_("school")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    respondents = models.PositiveIntegerField(_("respondents"))
    satisfied = models.PositiveIntegerField(_("satisfied respondents"))
    conducted_by = models.CharField(_("conducted by"), max_length=200)
    conducted_on = models.DateField(_("date of the survey"))
    source = models.CharField(_("source document"), max_length=300)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)
    is_synthetic = models.BooleanField(_("synthetic (demo)"), default=False)

    class Meta:
        verbose_name = _("satisfaction survey")
        verbose_name_plural = _("satisfaction surveys")
        ordering = ["school", "year"]
        constraints = [
            models.UniqueConstraint(fields=["school", "year"], name="partnerships_survey_once"),
            models.CheckConstraint(
                condition=Q(respondents__gte=1) & Q(satisfied__lte=F("respondents")),
                name="partnerships_survey_counts",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year}: {self.satisfied}/{self.respondents}"
