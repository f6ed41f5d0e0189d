from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "xietong.jobs"
    label = "jobs"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # each domain app declares its job kinds in <app>/job_kinds.py (like admin.py)
        from django.utils.module_loading import autodiscover_modules

        from . import exports  # noqa: F401  (registers the export job kind)

        autodiscover_modules("job_kinds")
