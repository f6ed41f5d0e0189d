from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "xietong.consultation"
    label = "consultation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "consultation"
