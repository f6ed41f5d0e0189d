from django.apps import AppConfig


class PartnershipsConfig(AppConfig):
    name = "xietong.partnerships"
    label = "partnerships"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "partnerships"
