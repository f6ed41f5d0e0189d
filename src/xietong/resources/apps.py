from django.apps import AppConfig


class ResourcesConfig(AppConfig):
    name = "xietong.resources"
    label = "resources"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from xietong.jobs import periodic

        from . import searching

        # every write of a resource leaves an outbox row in its transaction; the workers apply
        # the committed rows to the search index every few seconds (docs/search.md)
        searching.connect()
        periodic.register(
            "resources.search_sync", "xietong.resources.searching:periodic_sync", every=5
        )
