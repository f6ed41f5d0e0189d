from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _guard(sender, using, **kwargs):
    """Re-install the audit triggers after every migrate, so that a dropped guard comes back and
    no setting can leave them out."""
    from django.db import connections

    from .triggers import install, tables_exist

    connection = connections[using]
    if tables_exist(connection):
        install(connection)


class AuditConfig(AppConfig):
    name = "xietong.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        post_migrate.connect(_guard, sender=self, dispatch_uid="xietong.audit.guard")
