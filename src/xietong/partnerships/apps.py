from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "xietong.partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "partnerships"

    def ready(self) -> None:
        from xietong.jobs import periodic

        # Expiry notices 90 and 30 days before a term ends; idempotent (one notice each).
        periodic.register(
            "partnerships.expiry_notices",
            "xietong.partnerships.services.expiry:expiry_notices_send",
            every=3600,
        )
