from django.apps import AppConfig


class TalentConfig(AppConfig):
    name = "xietong.talent"
    label = "talent"
    default_auto_field = "django.db.models.BigAutoField"
