from django.utils.translation import gettext_lazy as _

MODULES = [
    ("home", _("Overview"), True),
    ("school_list", _("Schools"), True),
    ("statistics_import", _("Import statistics"), True),
    ("evaluation_home", _("Evaluation"), True),
    ("talent_home", _("Talent"), True),
    ("finance_home", _("Finance"), True),
    (None, _("Resources"), False),
    ("consultation_home", _("Consultation"), True),
    ("planning_home", _("Joint plans"), True),
]


def navigation(request):
    """The module links; "Import statistics" only for those who may write some statistics (and
    for visitors not signed in, whom it asks to sign in)."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from xietong.accounts.scope import scope_for

        if not scope_for(user).acts_for_any_school:
            return {"nav_modules": [m for m in MODULES if m[0] != "statistics_import"]}
    return {"nav_modules": MODULES}
