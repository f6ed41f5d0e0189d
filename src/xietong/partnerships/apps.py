from django.apps import AppConfig
from django.db.models.signals import post_delete, post_save


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

        # What the portfolio page, the list page and the API list show
        # (partnerships.portfolio.portfolio_cached): single rows renew the token here; bulk
        # writes call portfolio_changed themselves.
        from xietong.planning.models import Goal, Measure, Plan
        from xietong.regions.models import AreaMembership, CooperationArea, Jurisdiction
        from xietong.schools.models import School

        from .models import (
            Activity,
            ComplianceResult,
            Cooperation,
            Obligation,
            Party,
            PortfolioPublication,
            SocialPartner,
        )
        from .services.version import portfolio_changed

        shown = (Cooperation, Party, Obligation, Activity, ComplianceResult, PortfolioPublication)
        named = (SocialPartner, School, Jurisdiction)  # the parties' names on the list
        for model in (*shown, *named, Plan, Goal, Measure, CooperationArea, AreaMembership):
            for signal in (post_save, post_delete):
                signal.connect(
                    portfolio_changed,
                    sender=model,
                    dispatch_uid=f"xt.portfolio.{model._meta.label}.{signal is post_save}",
                )
