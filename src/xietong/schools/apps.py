from django.apps import AppConfig
from django.db.models.signals import post_migrate


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
