from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "xietong.planning"
    label = "planning"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "planning"
