"""Pages of the portfolio and of a supported school's capacity (thin: selectors do the work)."""

from __future__ import annotations

from fractions import Fraction

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xietong.accounts.scope import scope_for
from xietong.algorithms.capacity import FORMULAS
from xietong.schools.selectors import school_get
from xietong.web import charts
from xietong.web.actions import run_service

from . import forms, services
from .capacity import INPUT_NAMES, Ref, capacity_payload, school_capacity
from .capacity_did import DID_FORMULA

INPUT_LABELS = {
    "own_lessons": gettext_lazy("Lessons by its own staff"),
    "partner_lessons": gettext_lazy("Lessons by seconded staff"),
    "seconded_fte": gettext_lazy("Seconded staff (FTE)"),
    "students": gettext_lazy("Students"),
    "backbone_teachers": gettext_lazy("Backbone teachers (county level and above)"),
    "trained_1y": gettext_lazy("Trained by the partner one year before"),
    "retained_1y": gettext_lazy("Of them still at the school"),
    "trained_3y": gettext_lazy("Trained by the partner three years before"),
    "retained_3y": gettext_lazy("Of them still at the school (3 years)"),
    "reused_resources": gettext_lazy("Its resources reused by others"),
    "satisfaction": gettext_lazy("Satisfaction (surveyed)"),
    "transfers_out": gettext_lazy("Pupils transferring out"),
}
COMPONENT_LABELS = {
    "own_teaching": gettext_lazy("Own teaching share"),
    "backbone": gettext_lazy("Backbone teachers per 100 students"),
    "retention_1y": gettext_lazy("Retention after 1 year"),
    "retention_3y": gettext_lazy("Retention after 3 years"),
    "reuse": gettext_lazy("Reuse of its resources"),
    "satisfaction": gettext_lazy("Satisfaction"),
    "transfers_out": gettext_lazy("Pupils staying"),
}

DID_LABELS = {
    "backbone_per_100": gettext_lazy("Backbone teachers per 100 students"),
    "transfers_per_100": gettext_lazy("Pupils transferred out per 100 students"),
}
DID_TIERS = {
    "county": gettext_lazy("same county"),
    "city": gettext_lazy("same city"),
    "province": gettext_lazy("same province"),
}
DID_REASONS = {
    "no_cooperation": gettext_lazy(
        "The school is not a supported party of any cooperation that came into force."
    ),
    "no_year_after": gettext_lazy("No statistics of the school since its cooperation started."),
    "no_values": gettext_lazy("The school lacks this indicator in one of the two years."),
    "too_few_controls": gettext_lazy(
        "Fewer than 3 comparable schools without a partner have this indicator in both years "
        "(among the schools whose statistics you may see)."
    ),
}


def _did_rows(payload: dict) -> list[dict]:
    return [
        {
            **d,
            "label": DID_LABELS[d["indicator"]],
            "tier_label": DID_TIERS.get(d["tier"] or "", ""),
            "reason_label": DID_REASONS.get(d["reason"] or "", ""),
            "estimate_text": None if d["estimate"] is None else f"{d['estimate_float']:.3f}",
            "treated_change_text": None
            if d["treated_change"] is None
            else f"{float(Fraction(d['treated_change'])):.3f}",
            "control_change_text": None
            if d["control_change"] is None
            else f"{float(Fraction(d['control_change'])):.3f}",
            "controls": [
                (c["pk"], reverse("school_detail", args=[c["pk"]]))
                for c in d["records"]["controls"]
            ],
        }
        for d in payload["did"]
    ]


def record_link(ref: Ref, school_code: str) -> str:
    """The page of a record behind a capacity input ("" while it has none of its own)."""
    if ref.model == "partnerships.activity":
        return ""
    if ref.model == "partnerships.satisfactionsurvey":
        return reverse("school_capacity", args=[school_code]) + f"#survey-{ref.pk}"
    if ref.model == "schools.schoolstatistic":
        return reverse("school_detail", args=[school_code]) + "#stats"
    if ref.model == "talent.placement":
        return reverse("talent_results", args=[ref.parent])
    if ref.model == "talent.appointment":
        return reverse("talent_appointments")
    if ref.model in ("talent.teacher", "talent.schoolchange"):
        return reverse("talent_teachers")
    if ref.model == "talent.enrolment":
        return reverse("talent_training")
    return reverse("resource_detail", args=[ref.parent])


def _rows(report) -> list[dict]:
    code = report.school.code
    rows = []
    for traced in report.years:
        for name in INPUT_NAMES:
            refs = traced.trace.get(name, [])
            rows.append(
                {
                    "year": traced.year,
                    "name": INPUT_LABELS[name],
                    "value": getattr(traced.inputs, name),
                    "records": [(f"{r.model} {r.pk}", record_link(r, code)) for r in refs],
                }
            )
    return rows


def _charts(payload: dict) -> tuple[str, str]:
    years = [y["year"] for y in payload["years"]]
    index = charts.lines(
        years,
        {_("Capacity index"): [y["index_float"] for y in payload["years"]]},
        title=_("Capacity index by year"),
        ytitle=_("Index (0 to 1)"),
    )
    trend = payload["trend"]
    if trend is None:
        return index, ""
    shares = [float(Fraction(s)) for s in trend["shares"]]
    dependence = charts.lines(
        trend["years"],
        {_("Share of lessons by the partner"): shares},
        title=_("Dependence on the partner"),
        ytitle=_("Share"),
    )
    return index, dependence


def school_capacity_page(request, code: str):
    scope = scope_for(request.user)
    report = school_capacity(scope=scope, code=code)
    if report is None:
        raise Http404
    payload = capacity_payload(report)
    index_chart, dependence_chart = _charts(payload)
    components = [
        {**c, "year": y["year"], "label": COMPONENT_LABELS[c["code"]]}
        for y in payload["years"]
        for c in y["components"]
    ]
    return render(
        request,
        "partnerships/capacity.html",
        {
            "school": report.school,
            "payload": payload,
            "formulas": [(COMPONENT_LABELS[k], f) for k, f in FORMULAS.items()],
            "components": components,
            "rows": _rows(report),
            "index_chart": index_chart,
            "dependence_chart": dependence_chart,
            "did_rows": _did_rows(payload),
            "did_formula": DID_FORMULA,
            "survey_form": forms.SatisfactionSurveyForm()
            if services.may_record_survey(scope, report.school)
            else None,
        },
    )


@login_required
def survey_record(request, code: str):
    """Record a satisfaction survey of the school (its bureaus or an area's secretariat)."""
    scope = scope_for(request.user)
    school = school_get(scope=scope, code=code)
    if school is None:
        raise Http404
    if not services.may_record_survey(scope, school):
        raise PermissionDenied(_("You may not use this form."))
    title = _("Record a satisfaction survey")
    form = forms.SatisfactionSurveyForm(request.POST if request.method == "POST" else None)
    status = 200
    if form.is_bound and form.is_valid():
        row, status = run_service(
            request,
            lambda: services.satisfaction_survey_record(
                actor=request.user, school=school, **form.cleaned_data
            ),
            _("Satisfaction survey recorded: the capacity index counts it."),
        )
        if row is not None:
            return redirect(reverse("school_capacity", args=[school.code]) + f"#survey-{row.pk}")
    elif form.is_bound:
        status = 400
    ctx = {"form": form, "title": title, "school": school}
    return render(request, "partnerships/survey_form.html", ctx, status=status)
