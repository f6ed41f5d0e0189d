from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "xietong.schools"
    label = "schools"
    default_auto_field = "django.db.models.BigAutoField"
