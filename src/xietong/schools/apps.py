from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


def _sync_catalogue(sender, **kwargs) -> None:
    """The indicator table follows the catalogue after every migrate, so a deployment that
    upgrades gets new indicator codes (statistics reference them) without a manual step."""
    from .services import catalogue_sync

    catalogue_sync()


class SchoolsConfig(AppConfig):
    name = "xietong.schools"
    label = "schools"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_sync_catalogue, sender=self, dispatch_uid="xietong.schools.catalogue")
        from .models import School, StatisticsRelease
        from .services import statistics_changed

        # single rows (services, the admin); bulk writes of values go through
        # county_totals_refresh, which calls statistics_changed itself
        for model in (School, StatisticsRelease):
            for signal in (post_save, post_delete):
                signal.connect(statistics_changed, sender=model, dispatch_uid=f"xt.stats.{model}")
