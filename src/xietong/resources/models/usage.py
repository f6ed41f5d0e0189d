"""Usage events: who used which resource, from which member to which member (no person in any
aggregate). ``source_*`` is the resource owner's province / county code prefix, ``consumer_*`` the
caller's; ``period`` is ``YYYY-MM``. Views are deduplicated per user, resource and day."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .catalogue import Resource


class UsageKind(models.TextChoices):
    VIEW = "view", _("View")
    DOWNLOAD = "download", _("Download")
    IMPORT = "import", _("Import")
    REMIX = "remix", _("Remix")
    RATING = "rating", _("Rating")


class UsageEvent(models.Model):
    kind = models.CharField(_("kind"), max_length=10, choices=UsageKind.choices)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE, related_name="usage")
    value = models.PositiveSmallIntegerField(_("rating"), null=True, blank=True)
    source_province = models.CharField(max_length=2, db_index=True)
    source_county = models.CharField(max_length=6)
    consumer_province = models.CharField(max_length=2, blank=True, db_index=True)
    consumer_county = models.CharField(max_length=6, blank=True)
    consumer_school = models.ForeignKey(
        "schools.School", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # only used for the per-day deduplication of views; never aggregated
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    day = models.DateField()
    period = models.CharField(max_length=7, db_index=True)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["period", "kind"])]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "resource", "day"],
                condition=models.Q(kind="view", user__isnull=False),
                name="usage_view_once_a_day",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="rating", value__gte=1, value__lte=5)
                | (~models.Q(kind="rating") & models.Q(value__isnull=True)),
                name="usage_rating_value",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.resource_id} {self.period}"
