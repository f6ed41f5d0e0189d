from django.apps import AppConfig


class ConsultationConfig(AppConfig):
    name = "xietong.consultation"
    label = "consultation"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "consultation"

    def ready(self):
        from xietong.jobs import periodic

        # windows open and close on their dates, outcomes are computed, reminders go out: every
        # worker ticks once a minute (idempotent; each proposal is locked while it moves)
        periodic.register(
            "consultation.advance",
            "xietong.consultation.services:consultations_advance_due",
            every=60,
        )
