"""When an area's portfolio figures of a reporting period were published."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class PortfolioPublication(models.Model):
    """One area's portfolio figures of one period (``"2025"`` or ``"2025-1"``), published by its
    secretariat: the date, who, and the pooled compliance as it stood (``figures``: assessed,
    met, unmet, share as codes and numbers, never prose). Publishing again replaces the row."""

    area = models.ForeignKey(
        "regions.CooperationArea", on_delete=models.CASCADE, related_name="portfolio_publications"
    )
    period = models.CharField(_("period"), max_length=10)
    figures = models.JSONField(default=dict)
    published_at = models.DateTimeField(_("published at"))
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )

    class Meta:
        verbose_name = _("portfolio publication")
        verbose_name_plural = _("portfolio publications")
        ordering = ["area", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["area", "period"], name="partnerships_portfolio_publication_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.area_id} {self.period} {self.published_at:%Y-%m-%d}"


class PortfolioVersion(models.Model):
    """One row whose ``token`` changes whenever what a portfolio page or the cooperation list
    shows may change: a cooperation, party, obligation, activity, compliance result or
    publication, a party's name, a joint plan's goals and tasks, an area's members
    (``services.portfolio_changed``, a signal receiver on each of them, in the writer's
    transaction). The pages cache what they compute under the token they read first
    (``portfolio.portfolio_cached``). A fresh random token, not a
    counter: a rolled-back write leaves the old token with the old data."""

    token = models.CharField(max_length=32)
    changed_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.token
