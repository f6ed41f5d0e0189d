from django.contrib import admin
from django.db import transaction

from xietong.audit.admin_mixins import AuditedAdminMixin

from .models import Indicator, School, SchoolStatistic, StatisticsRelease
from .services import county_totals_refresh


@admin.register(School)
class SchoolAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "name_zh",
        "stage",
        "county",
        "location",
        "ownership",
        "is_open",
        "is_synthetic",
    )
    list_filter = ("stage", "location", "ownership", "is_open", "is_synthetic")
    search_fields = ("code", "name_zh", "name_en")
    raw_id_fields = ("county",)

    def save_model(self, request, obj, form, change):
        """A school moved to another county takes its statistics along: both counties' totals
        are recomputed in the same transaction as the move and its audit entry."""
        with transaction.atomic():
            old = (
                School.objects.filter(pk=obj.pk).values_list("county_id", flat=True).first()
                if change
                else None
            )
            super().save_model(request, obj, form, change)
            if old is not None and old != obj.county_id:
                county_totals_refresh(county_codes=[old, obj.county_id])


@admin.register(Indicator)
class IndicatorAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = (
        "code",
        "kind",
        "name_zh",
        "name_en",
        "unit_zh",
        "numerator",
        "denominator",
        "scale",
    )
    list_filter = ("kind",)


@admin.register(SchoolStatistic)
class SchoolStatisticAdmin(admin.ModelAdmin):
    """Read-only: statistics change through imports and the API, which check scope and audit."""

    list_display = ("school", "year", "indicator", "value")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    list_filter = ("year", "indicator")
    raw_id_fields = ("school",)
    search_fields = ("school__code",)


@admin.register(StatisticsRelease)
class StatisticsReleaseAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("jurisdiction", "year", "published_at", "published_by")
