from django.contrib import admin

from .models import Indicator, School, SchoolStatistic, StatisticsRelease


@admin.register(School)
class SchoolAdmin(admin.ModelAdmin):
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


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
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
    list_display = ("school", "year", "indicator", "value")
    list_filter = ("year", "indicator")
    raw_id_fields = ("school",)
    search_fields = ("school__code",)


@admin.register(StatisticsRelease)
class StatisticsReleaseAdmin(admin.ModelAdmin):
    list_display = ("jurisdiction", "year", "published_at", "published_by")
