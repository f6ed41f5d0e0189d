"""Multi-school appointments, shared training and the recruitment channel: one page each, and
one view per action on it (the form validates, the service checks again, a message either way)."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for

from .. import circulation, forms, selectors
from ..models import Subject, TeachingStage
from .common import form_action, refuse_form, run


def _found(obj):
    if obj is None:
        raise Http404(_("Not found."))
    return obj


# ---- appointments --------------------------------------------------------------------------------
@login_required
def appointments(request):
    """The appointments the caller sees; a bureau (or an administrator) appoints here (POST)."""
    scope = scope_for(request.user)
    if request.method == "POST":
        form = forms.AppointmentForm(request.POST, scope=scope)
        if not form.is_valid():
            refuse_form(request, form, joined=True)
            return redirect("talent_appointments")
        data = form.cleaned_data
        run(
            request,
            lambda: circulation.appointment_create(
                teacher=data["teacher"],
                school=data["school"],
                weekly_hours=data["weekly_hours"],
                weekdays=list(data["weekdays"]),
                starts=data["starts"] or dt.date.today(),
                actor=request.user,
            ),
            _("Appointment recorded."),
        )
        return redirect("talent_appointments")
    return render(
        request,
        "talent/appointments.html",
        {
            "rows": selectors.appointment_list(scope=scope)[:500],
            "cap": circulation.WEEKLY_LOAD_CAP,
            "km": circulation.MAX_TRAVEL_KM,
            "policies": selectors.appointment_policies(scope=scope),
            # circulation.appointment_create: the bureau over the teacher's or the school's
            # county decides, so only a bureau (or an administrator) gets the form
            "form": forms.AppointmentForm(scope=scope)
            if scope.is_admin or scope.write_prefixes
            else None,
        },
    )


@login_required
@require_POST
def appointment_policy(request, area: str):
    """A cooperation area's own appointment limits (its secretariat only)."""
    area_obj = _found(selectors.area_get(slug=area))
    return form_action(
        request,
        forms.AppointmentPolicyForm(request.POST),
        lambda d: circulation.appointment_policy_set(area=area_obj, actor=request.user, **d),
        _("Settings saved."),
        back=reverse("talent_appointments"),
    )


# ---- shared training -----------------------------------------------------------------------------
def training(request):
    scope = scope_for(request.user)
    me = selectors.teacher_of(request.user)
    return render(
        request,
        "talent/training.html",
        {
            "programmes": selectors.programme_list(scope=scope),
            "areas": selectors.areas_managed(scope=scope),
            "me": me,
            "credits": circulation.credit_hours(me) if me else None,
            "mine": selectors.enrolments_of(teacher=me),
            "managed": selectors.enrolments_to_complete(scope=scope),
        },
    )


@login_required
@require_POST
def programme_create(request):
    return form_action(
        request,
        forms.ProgrammeForm(request.POST),
        lambda d: circulation.programme_create(actor=request.user, **d),
        lambda d: _("Programme %(c)s created.") % {"c": d["code"]},
        back=reverse("talent_training"),
    )


@login_required
@require_POST
def programme_enrol(request, pk: int):
    scope = scope_for(request.user)
    programme = _found(selectors.programme_get(scope=scope, pk=pk))
    return form_action(
        request,
        forms.TeacherChoiceForm(request.POST, scope=scope, user=request.user),
        lambda d: circulation.enrol(programme=programme, teacher=d["teacher"], actor=request.user),
        _("Enrolled in %(p)s.") % {"p": programme.title},
        back=reverse("talent_training"),
    )


@login_required
@require_POST
def enrolment_complete(request, pk: int):
    enrolment = _found(selectors.enrolment_get(scope=scope_for(request.user), pk=pk))
    run(
        request,
        lambda: circulation.enrolment_complete(enrolment=enrolment, actor=request.user),
        _("Completion recorded."),
    )
    return redirect("talent_training")


# ---- the recruitment channel ----------------------------------------------------------------------
def recruitment(request):
    scope = scope_for(request.user)
    area = selectors.area_get(slug=request.GET.get("area", ""))
    return render(
        request,
        "talent/recruitment.html",
        {
            "vacancies": selectors.vacancy_list(scope=scope, area=area)[:300],
            "areas": selectors.area_list(),
            "area": area,
            "mine": selectors.candidacies_of(user=request.user),
            "incoming": selectors.candidacies_incoming(scope=scope),
            "schools": selectors.vacancy_schools(scope=scope),
            "subjects": Subject.choices,
            "stages": TeachingStage.choices,
        },
    )


@login_required
@require_POST
def vacancy_publish(request):
    return form_action(
        request,
        forms.VacancyForm(request.POST, scope=scope_for(request.user)),
        lambda d: circulation.vacancy_publish(actor=request.user, **d),
        _("Vacancy published."),
        back=reverse("talent_recruitment"),
    )


@login_required
@require_POST
def vacancy_apply(request, pk: int):
    vacancy = _found(selectors.vacancy_get(scope=scope_for(request.user), pk=pk))
    return form_action(
        request,
        forms.CandidacyForm(request.POST),
        lambda d: circulation.candidacy_submit(
            vacancy=vacancy, statement=d["statement"], actor=request.user
        ),
        _("Application sent."),
        back=reverse("talent_recruitment"),
    )


@login_required
@require_POST
def candidacy_status(request, pk: int):
    candidacy = _found(
        selectors.candidacy_get(scope=scope_for(request.user), user=request.user, pk=pk)
    )
    return form_action(
        request,
        forms.CandidacyStatusForm(request.POST),
        lambda d: circulation.candidacy_set_status(
            candidacy=candidacy, status=d["status"], actor=request.user
        ),
        _("Status saved."),
        back=reverse("talent_recruitment"),
    )
