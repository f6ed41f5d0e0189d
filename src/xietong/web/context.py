from django.utils.translation import gettext_lazy as _

MODULES = [
    ("home", _("Overview"), True),
    ("school_list", _("Schools"), True),
    ("statistics_import", _("Import statistics"), True),
    ("evaluation_home", _("Evaluation"), True),
    ("talent_home", _("Talent"), True),
    ("finance_home", _("Finance"), True),
    (None, _("Resources"), False),
    (None, _("Consultation"), False),
]


def navigation(request):
    return {"nav_modules": MODULES}
