"""Evaluation pages: runs and their county compliance, school drill-down, and the gap dashboard."""

from __future__ import annotations

import statistics

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.algorithms.standards import list_standards, load_standard
from xietong.jobs.present import progress_html
from xietong.jobs.selectors import job_latest_owned
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import boundaries_version, jurisdictions_by_code
from xietong.schools.catalogue import BY_CODE
from xietong.schools.selectors import scope_key, statistics_cached
from xietong.web import charts, maps, pickers
from xietong.web.downloads import download_or_job, records_download

from . import exports, job_kinds, selectors, services
from .gap import (
    DASHBOARD_INDICATORS,
    DEFAULT_INDICATOR,
    DEFAULT_STAGE,
    FLOW_INDICATORS,
    gap_report,
)
from .reasons import describe

STATUS_LABELS = {
    "pass": gettext_lazy("pass"),
    "fail": gettext_lazy("fail"),
    "incomplete": gettext_lazy("incomplete data"),
    "no_schools": gettext_lazy("no schools"),
}
FUNDING_LABELS = {
    "meets": gettext_lazy("every school funded at or above the base rates"),
    "short": gettext_lazy("schools funded below the base rates"),
    "incomplete": gettext_lazy("incomplete data"),
}


def _csv_response(rows: list[dict], filename: str) -> HttpResponse:
    return records_download(rows, filename=filename.removesuffix(".csv"))


class RunScopeForm(forms.Form):
    """What to evaluate: an area the caller manages or a division of the subtrees it reads
    (``selectors.runnable_scopes``), picked from a tree, never typed as a code."""

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        areas, tree = selectors.runnable_scopes(scope)
        choices = []
        if areas:
            choices.append((_("Cooperation areas"), [(f"area:{a.slug}", a.name) for a in areas]))
        if tree:
            choices.append((_("Jurisdictions"), pickers.jurisdiction_choices(tree, "j:")))
        self.fields["scope"] = forms.ChoiceField(
            label=_("Scope"),
            choices=choices,
            widget=pickers.TreeSelect(
                search={f"j:{j.code}": pickers.jurisdiction_search_text(j) for j, _d in tree}
            ),
            error_messages={
                "invalid_choice": _(
                    "%(value)s is not an area or jurisdiction you may evaluate: pick one from "
                    "the list."
                )
            },
        )


def evaluation_home(request):
    scope = scope_for(request.user)
    runs = selectors.evaluation_list(scope=scope)[:100]
    form = RunScopeForm(scope=scope)
    standards = [load_standard(s) for s in list_standards()]
    years = selectors.statistics_years()
    return render(
        request,
        "evaluation/home.html",
        {
            "runs": runs,
            "form": form if form.fields["scope"].choices else None,
            "standards": standards,
            "years": years,
            "default_year": selectors.default_year(years),
            "all_areas": CooperationArea.objects.all(),
            "run_progress": _run_progress(request),
        },
    )


@login_required
@require_POST
def evaluation_start(request):
    form = RunScopeForm(request.POST, scope=scope_for(request.user))
    if not form.is_valid():
        for problem in pickers.errors_of(form):
            messages.error(request, problem)
        return redirect("evaluation_home")
    target = form.cleaned_data["scope"]
    area = jurisdiction = None
    if target.startswith("area:"):
        area = get_object_or_404(CooperationArea, slug=target[5:])
    elif target.startswith("j:"):
        jurisdiction = get_object_or_404(Jurisdiction, code=target[2:])
    try:
        job_kinds.run_submit(
            standard=request.POST.get("standard", ""),
            stage=request.POST.get("stage", ""),
            year=int(request.POST.get("year", "0")),
            area=area,
            jurisdiction=jurisdiction,
            actor=request.user,
        )
    except (ValueError, OutOfScope) as exc:
        messages.error(request, str(exc))
    return redirect("evaluation_home")  # the page follows the run until it is stored


def _run_progress(request) -> str:
    """The progress box of the caller's latest evaluation run while it is queued or running
    (or why it failed, until she starts another)."""
    job = job_latest_owned(user=request.user, kind=job_kinds.RUN)
    if job is None or job.status == "succeeded":
        return ""
    return progress_html(job, title=_("Evaluation run"))


def _run_or_404(request, pk: int):
    run = selectors.evaluation_get(scope=scope_for(request.user), pk=pk)
    if run is None:
        raise Http404(_("No such evaluation in your scope."))
    return run


def _county_detail(c) -> str:
    schools = _("%(n)d schools") % {"n": c.n_schools}
    if c.composite_cv is not None:
        return f"{schools} · CV {c.composite_cv:.3f}"
    return schools


def _run_rows(counties) -> list[dict]:
    """The run's county results as the CSV download's rows."""
    rows = []
    for c in counties:
        row = {
            "county": c.county_id,
            "name_zh": c.county.full_name_zh,
            "name_en": c.county.name_en,
            "status": c.status,
            "n_schools": c.n_schools,
            "composite_cv": c.composite_cv,
            "school_pass_rate": c.school_pass_rate,
        }
        for ind in c.indicators:
            row[f"{ind['code']}_cv"] = ind["cv"]
        row["reasons"] = ";".join(r["code"] for r in c.reasons)
        rows.append(row)
    return rows


def _member_chart(counties) -> str:
    by_member: dict[str, dict[str, int]] = {}
    for c in counties:
        prov = c.county.code[:2] + "0" * 10
        by_member.setdefault(prov, dict.fromkeys(STATUS_LABELS, 0))[c.status] += 1
    provs = {j.code: j.name for j in jurisdictions_by_code(list(by_member))}
    return charts.stacked(
        [provs.get(p, p) for p in by_member],
        {
            str(STATUS_LABELS[s]): [by_member[p][s] for p in by_member]
            for s in ("pass", "fail", "incomplete")
        },
        title=_("Counties passing and failing by province"),
        ytitle=_("Counties"),
        colors={
            str(STATUS_LABELS["pass"]): charts.STATUS_COLOURS["pass"],
            str(STATUS_LABELS["fail"]): charts.STATUS_COLOURS["fail"],
            str(STATUS_LABELS["incomplete"]): charts.STATUS_COLOURS["incomplete"],
        },
    )


def _cv_chart(run, counties, names: dict, ind_codes: list[str]) -> str:
    if not (counties and ind_codes):
        return ""
    med = []
    for code in ind_codes:
        vals = [
            ind["cv"]
            for c in counties
            for ind in c.indicators
            if ind["code"] == code and ind["cv"] is not None
        ]
        med.append(statistics.median(vals) if vals else None)
    thresholds = run.standard_spec.get("cv", {}).get("thresholds", {})
    return charts.cv_bars(
        [names[c] for c in ind_codes],
        med,
        [thresholds.get(run.stage)] * len(ind_codes),
        title=_("Median county CV per indicator, against the threshold"),
    )


def _run_parts(request, run, scope, names: dict, ind_codes: list[str]) -> dict:
    """What the run page draws from its county results: the map, the two charts and the
    counties table (hundreds of rows), rendered once per run, language, set of loaded outlines
    and reader's scope (the school dots); the statistics version retires the dots."""
    counties = list(run.counties.select_related("county", "county__parent"))
    table = render_to_string(
        "evaluation/run_counties.html",
        {"run": run, "counties": counties, "ind_codes": ind_codes},
        request=request,
    )
    return {
        "map": maps.status_map(
            scope=scope,
            counties=[(c.county, c.status, _county_detail(c)) for c in counties],
            labels=STATUS_LABELS,
            title=_("County compliance"),
        ),
        "member_chart": _member_chart(counties),
        "cv_chart": _cv_chart(run, counties, names, ind_codes),
        "counties_table": mark_safe(table),  # noqa: S308 (a rendered template)
    }


def evaluation_run_view(request, pk: int):
    run = _run_or_404(request, pk)
    scope = scope_for(request.user)
    if request.GET.get("format") == "csv":
        counties = run.counties.select_related("county", "county__parent")
        return _csv_response(_run_rows(counties), f"evaluation-{run.pk}.csv")
    std = run.standard_spec
    names = {
        i["code"]: (i.get("name_en") if request.LANGUAGE_CODE == "en" else i.get("name_zh"))
        or i["code"]
        for i in std.get("indicators", [])
    }
    ind_codes = [i["code"] for i in std.get("indicators", [])]
    parts = statistics_cached(
        "run_page",
        (run.pk, get_language(), boundaries_version(), scope_key(scope, schools=True)),
        lambda: _run_parts(request, run, scope, names, ind_codes),
    )
    return render(
        request,
        "evaluation/run.html",
        {
            "run": run,
            "names": names,
            "ind_codes": ind_codes,
            **parts,
            "status_labels": STATUS_LABELS,
            "scope": scope,
            "can_publish": services.can_publish_run(scope, run),
            "can_reproduce": services.can_run(scope, run.area, run.jurisdiction),
        },
    )


def evaluation_county(request, pk: int, code: str):
    run = _run_or_404(request, pk)
    scope = scope_for(request.user)
    county = get_object_or_404(run.counties.select_related("county"), county_id=code)
    if not selectors.school_rows_visible(scope) and request.GET.get("format") == "csv":
        raise PermissionDenied(_("School rows are never public; county results are."))
    shortfalls = list(selectors.shortfall_list(scope=scope, run=run, county=code))
    names = {
        i["code"]: (i.get("name_en") if request.LANGUAGE_CODE == "en" else i.get("name_zh"))
        or i["code"]
        for i in run.standard_spec.get("indicators", [])
    }
    if request.GET.get("format") == "csv":  # a long one becomes an export job
        args = {"run": run.pk, "county": code}
        return download_or_job(
            request,
            export=exports.SHORTFALLS,
            params=args,
            fmt="csv",
            rows=len(shortfalls),
            build=lambda: exports.records_table(
                exports.shortfall_records(shortfalls), f"evaluation-{run.pk}-{code}"
            ),
        )
    # a stored run's county results do not change: its chart is drawn once per language
    chart = statistics_cached(
        "county_chart",
        (run.pk, code, get_language()),
        lambda: charts.cv_bars(
            [names.get(i["code"], i["code"]) for i in county.indicators],
            [i["cv"] for i in county.indicators],
            [
                i["cv_threshold"] if i["cv_threshold"] is not None else county.composite_threshold
                for i in county.indicators
            ],
            title=_("CV per indicator"),
        ),
    )
    english = request.LANGUAGE_CODE == "en"
    return render(
        request,
        "evaluation/county.html",
        {
            "run": run,
            "c": county,
            "reasons": [describe(r, names, english=english) for r in county.reasons],
            "missing": [
                (school, describe(entry, names, english=english))
                for school, entry in selectors.missing_schools(scope=scope, run=run, county=code)
            ],
            "shortfalls": shortfalls,
            "school_rows": selectors.school_rows_visible(scope),
            "all_meet": not any(i.get("n_below_minimum") for i in county.indicators),
            "names": names,
            "chart": chart,
            "status_labels": STATUS_LABELS,
            "funding": county.funding,
            "funding_status": FUNDING_LABELS.get((county.funding or {}).get("status")),
            "funding_schools": selectors.funding_schools(scope=scope, run=run, county=code),
        },
    )


@login_required
@require_POST
def evaluation_publish_view(request, pk: int):
    run = _run_or_404(request, pk)
    try:
        services.evaluation_publish(run=run, actor=request.user)
        messages.success(request, _("Published."))
    except OutOfScope as exc:
        messages.error(request, str(exc))
    return redirect("evaluation_run", pk=run.pk)


@login_required
def evaluation_reproduce_view(request, pk: int):
    run = _run_or_404(request, pk)
    try:
        result = services.evaluation_reproduce(run=run, actor=request.user)
    except OutOfScope as exc:
        messages.error(request, str(exc))
        return redirect("evaluation_run", pk=run.pk)
    if result["unchanged"]:
        messages.success(
            request,
            _("The registry still gives the same inputs: fingerprint %(f)s.")
            % {"f": result["current"][:16]},
        )
    else:
        messages.warning(
            request,
            _("The inputs changed since this run (now %(f)s): run it again to compare.")
            % {"f": result["current"][:16]},
        )
    return redirect("evaluation_run", pk=run.pk)


def _indicator_words(indicator: str, english: bool) -> tuple[str, str]:
    """(name, unit) of a dashboard indicator in the reader's language."""
    if indicator in FLOW_INDICATORS:
        _count, name, unit = FLOW_INDICATORS[indicator]
        return str(name), str(unit)
    d = BY_CODE[indicator]
    return (d.name_en, d.unit_en) if english else (d.name_zh, d.unit_zh)


def gap_dashboard(request, slug: str):
    scope = scope_for(request.user)
    area = get_object_or_404(CooperationArea, slug=slug)
    indicator = request.GET.get("indicator", DEFAULT_INDICATOR)
    if indicator not in DASHBOARD_INDICATORS:
        raise Http404
    stage = request.GET.get("stage", DEFAULT_STAGE)
    if stage not in ("primary", "junior", "senior", "all"):
        raise Http404
    flows = indicator in FLOW_INDICATORS
    if flows:
        stage = "all"  # counties' teachers of every stage
    years = selectors.gap_years(scope=scope, area=area, years=selectors.statistics_years())
    report = (
        gap_report(area=area, indicator=indicator, years=years, stage=stage, actor=request.user)
        if years
        else None
    )
    if request.GET.get("format") == "csv":
        return _csv_response(report.rows() if report else [], f"gap-{slug}-{indicator}.csv")
    english = request.LANGUAGE_CODE == "en"
    label, unit = _indicator_words(indicator, english)
    ctx = {
        "area": area,
        "indicator": indicator,
        "stage": stage,
        "report": report,
        "label": label,
        "unit": unit,
        "flows": flows,
        "indicators": [(c, _indicator_words(c, english)[0]) for c in DASHBOARD_INDICATORS],
        "member_rows": _member_rows(report) if report else [],
    }
    if report and report.years:
        ctx.update(
            statistics_cached(
                "gap_charts",
                (get_language(), report, label, unit),
                lambda: _gap_charts(report, label, unit),
            )
        )
    return render(request, "evaluation/gap.html", ctx)


def _member_rows(report) -> list[tuple[int, list[float | None]]]:
    """The members chart as a table: per year, each member's mean in ``report.members``' order."""
    return [(y.year, [y.member_means.get(c) for c, _n in report.members]) for y in report.years]


def _gap_charts(report, label: str, unit: str) -> dict:
    """The gap dashboard's three charts: drawn once per report and language."""
    ys = [y.year for y in report.years]
    decomposition = charts.stacked(
        ys,
        {
            _("between members"): [y.between_members for y in report.years],
            _("between counties within members"): [y.between_counties for y in report.years],
            _("within counties"): [y.within_counties for y in report.years],
        },
        title=_("Theil T of %(x)s, decomposed") % {"x": label},
        ytitle=_("Theil T index"),
    )
    members = charts.lines(
        ys,
        {name: [y.member_means.get(code) for y in report.years] for code, name in report.members},
        title=_("Members side by side: %(x)s") % {"x": label},
        ytitle=unit,
    )
    cv = charts.lines(
        ys,
        {
            _("whole area"): [y.cv for y in report.years],
            **{
                name: [y.member_cv.get(code) for y in report.years] for code, name in report.members
            },
        },
        title=_("Convergence: CV across counties")
        if report.unit == "counties"
        else _("Convergence: CV across schools"),
        ytitle=_("Coefficient of variation"),
    )
    return {"decomposition_chart": decomposition, "members_chart": members, "cv_chart": cv}
