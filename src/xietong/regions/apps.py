from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


class RegionsConfig(AppConfig):
    name = "xietong.regions"
    label = "regions"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from .models import Jurisdiction
        from .services import divisions_changed

        for signal in (post_save, post_delete):
            signal.connect(divisions_changed, sender=Jurisdiction, dispatch_uid=f"xt.div.{signal}")
