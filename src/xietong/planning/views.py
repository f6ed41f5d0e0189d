"""Pages of joint plans: the list, the plan tree with its computed status and the rule, an
indicator's chart of target against actual per member, the mid-term and final evaluation
reports, and the forms of the secretariat and the members. Thin: reads from selectors, writes
through services (which check everything again); a message either way."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.consultation.gate import adopted_for, pending_for
from xietong.consultation.models import Subject
from xietong.consultation.selectors import body_list
from xietong.jobs.present import progress_html
from xietong.jobs.selectors import job_latest_for
from xietong.web import charts
from xietong.web.actions import run_service

from . import forms, job_kinds, selectors, services, words
from .models import Actual, Measure, Milestone, PlanStatus, Source
from .sources import SOURCES


def _plan_or_404(request, pk: int):
    scope = scope_for(request.user)
    plan = selectors.plan_get(scope=scope, user=request.user, pk=pk)
    if plan is None:
        raise Http404(_("No such plan in your scope."))
    return scope, plan


def _form_errors(request, form) -> None:
    messages.error(request, _("Please correct the errors below; nothing was saved."))
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else e)


def _managed_bodies(request):
    scope = scope_for(request.user)
    return [b for b in body_list(scope=scope, user=request.user) if services.can_manage(scope, b)]


def home(request):
    scope = scope_for(request.user)
    plans = selectors.plan_list(scope=scope, user=request.user)
    return render(
        request,
        "planning/home.html",
        {"plans": plans, "can_create": bool(_managed_bodies(request))},
    )


@login_required
def plan_new(request):
    bodies = _managed_bodies(request)
    if not bodies:
        raise PermissionDenied(_("Only an area's secretariat drafts its joint plans."))
    form = forms.PlanForm(request.POST or None, bodies=bodies)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            plan, status = run_service(
                request,
                lambda: services.plan_create(
                    body=d["body"],
                    title_zh=d["title_zh"],
                    title_en=d["title_en"],
                    start_year=d["start_year"],
                    end_year=d["end_year"],
                    actor=request.user,
                ),
                _("The plan is drafted. Add its goals, measures and indicators."),
            )
            if plan is not None:
                return redirect("planning_plan", plan.pk)
        else:
            _form_errors(request, form)
            status = 400
    return render(
        request, "planning/form.html", {"form": form, "title": _("New joint plan")}, status=status
    )


def _year_of(request, plan) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = None
    if year in plan.years:
        return year
    latest = plan.reports.filter(published_at__isnull=False).order_by("-year").first()
    return latest.year if latest else plan.start_year


def _status_for(scope, plan, year: int):
    """The latest status report of the year the caller may see, else a preview computed now
    (not stored)."""
    report = selectors.report_latest(scope=scope, plan=plan, year=year)
    if report is not None:
        return report, report.tree
    return None, services.status_tree(plan, year, services.default_as_of(year))


def _manage_forms(plan) -> dict:
    if plan.status != PlanStatus.DRAFT:
        return {}
    out = {"goal_form": forms.GoalForm()}
    if plan.goals.exists():
        out["measure_form"] = forms.MeasureForm(plan=plan)
        out["indicator_form"] = forms.IndicatorForm(plan=plan)
    if Measure.objects.filter(goal__plan=plan).exists():
        out["milestone_form"] = forms.MilestoneForm(plan=plan)
    if plan.indicators.exists():
        out["target_form"] = forms.TargetForm(plan=plan)
    return out


def _reports(scope, plan) -> list:
    out = list(selectors.report_list(scope=scope, plan=plan)[:50])
    for r in out:
        r.status_label = words.STATUS[r.tree["root"]["status"]]
    return out


def plan_view(request, pk: int):
    scope, plan = _plan_or_404(request, pk)
    year = _year_of(request, plan)
    report, tree = _status_for(scope, plan, year)
    tree = words.decorate(tree)
    can_manage = services.can_manage(scope, plan)
    ctx = {
        "plan": plan,
        "year": year,
        "report": report,
        "tree": tree,
        "rows": words.flat(tree["root"]),
        "reports": _reports(scope, plan),
        "can_manage": can_manage,
        "consultation": adopted_for(Subject.JOINT_PLAN, plan.pk)
        or pending_for(Subject.JOINT_PLAN, plan.pk),
        "done_forms": {},
    }
    if can_manage:
        ctx.update(_manage_forms(plan))
        ctx["year_form"] = forms.YearForm(initial={"year": year})
        job = job_latest_for(
            scope=scope,
            user=request.user,
            kind=job_kinds.ACTUALS,
            object_type="plan",
            object_id=plan.pk,
        )
        if job is not None and job.status != "succeeded":
            ctx["progress"] = progress_html(job, title=_("Measured actuals"))
    if plan.status == PlanStatus.ADOPTED:
        for ms in Milestone.objects.filter(measure__goal__plan=plan, done__isnull=True):
            if scope.acts_for(ms.measure.lead_id):
                ctx["done_forms"][ms.pk] = forms.MilestoneDoneForm()
    return render(request, "planning/plan.html", ctx)


def indicator_view(request, pk: int, ipk: int):
    scope, plan = _plan_or_404(request, pk)
    ind = selectors.indicator_get(scope=scope, user=request.user, plan=plan, pk=ipk)
    if ind is None:
        raise Http404(_("No such indicator in this plan."))
    group = selectors.group_indicators(indicator=ind)
    rows = selectors.series(scope=scope, indicators=group, years=plan.years)
    ctx = {
        "plan": plan,
        "ind": ind,
        "chart": _indicator_chart(plan, rows, ind),
        "rows": rows,
        "years": plan.years,
        "actuals": selectors.actual_rows(scope=scope, indicator=ind),
        "can_manage": services.can_manage(scope, plan),
        "source_label": SOURCES[ind.kind].label if ind.kind in SOURCES else "",
    }
    if (
        ind.source == Source.REPORTED
        and plan.status == PlanStatus.ADOPTED
        and services.can_report(scope, ind)
    ):
        ctx["actual_form"] = forms.ActualForm()
    if ctx["can_manage"]:
        ctx["review_form"] = forms.ReviewForm()
    return render(request, "planning/indicator.html", ctx)


def _series_name(row) -> str:
    ind = row["indicator"]
    return ind.member.display_name if ind.member_id else _("Whole area")


def _indicator_chart(plan, rows, ind) -> str:
    series = {}
    for r in rows:
        who = _series_name(r)
        series[_("Target · %(who)s") % {"who": who}] = [
            None if v is None else float(v) for v in r["targets"]
        ]
        series[_("Actual · %(who)s") % {"who": who}] = [
            None if v is None else float(v) for v in r["actuals"]
        ]
    return charts.lines(
        [str(y) for y in plan.years], series, title=ind.name, ytitle=ind.unit or ind.name
    )


def report_view(request, pk: int, kind: str):
    scope, plan = _plan_or_404(request, pk)
    if kind not in ("midterm", "final"):
        raise Http404(_("No such report."))
    years = plan.years
    year = years[(len(years) - 1) // 2] if kind == "midterm" else years[-1]
    report, tree = _status_for(scope, plan, year)
    tree = words.decorate(tree)
    rows = words.flat(tree["root"])
    scored = [r for r in rows if r["kind"] != "plan"]
    score_chart = charts.bars(
        [f"{r['code']} {r['title']}"[:40] for r in scored],
        {_("Score"): [r["score_num"] for r in scored]},
        ytitle=_("Score"),
    )
    groups, seen = [], set()
    for ind in plan.indicators.select_related("member").order_by("code"):
        if ind.group in seen:
            continue
        seen.add(ind.group)
        members = selectors.group_indicators(indicator=ind)
        data = selectors.series(scope=scope, indicators=members, years=years)
        groups.append({"ind": ind, "rows": data, "chart": _indicator_chart(plan, data, ind)})
    return render(
        request,
        "planning/report.html",
        {
            "plan": plan,
            "kind": kind,
            "year": year,
            "report": report,
            "tree": tree,
            "rows": rows,
            "score_chart": score_chart,
            "groups": groups,
            "years": years,
        },
    )


# ---- writes ----------------------------------------------------------------------------------


def _post(request, pk: int, form_factory, call, ok: str, back=None):
    scope, plan = _plan_or_404(request, pk)
    form = form_factory(request.POST, plan)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        run_service(request, lambda: call(plan, form.cleaned_data, form), ok)
    return redirect(*(back(plan) if back else ("planning_plan", plan.pk)))


@login_required
@require_POST
def goal_add(request, pk: int):
    return _post(
        request,
        pk,
        lambda data, plan: forms.GoalForm(data),
        lambda plan, d, f: services.goal_create(
            plan=plan,
            title_zh=d["title_zh"],
            title_en=d["title_en"],
            weight=d["weight"],
            actor=request.user,
        ),
        _("The goal is added."),
    )


@login_required
@require_POST
def measure_add(request, pk: int):
    return _post(
        request,
        pk,
        lambda data, plan: forms.MeasureForm(data, plan=plan),
        lambda plan, d, f: services.measure_create(
            goal=d["goal"],
            title_zh=d["title_zh"],
            title_en=d["title_en"],
            lead=d["lead"],
            partners=d["partners"],
            forum=d["forum"],
            start=d["start"],
            end=d["end"],
            weight=d["weight"],
            actor=request.user,
        ),
        _("The measure is added."),
    )


@login_required
@require_POST
def milestone_add(request, pk: int):
    return _post(
        request,
        pk,
        lambda data, plan: forms.MilestoneForm(data, plan=plan),
        lambda plan, d, f: services.milestone_create(
            measure=d["measure"],
            title_zh=d["title_zh"],
            title_en=d["title_en"],
            due=d["due"],
            actor=request.user,
        ),
        _("The milestone is added."),
    )


@login_required
@require_POST
def indicator_add(request, pk: int):
    def call(plan, d, f):
        where, parent = d["parent"]
        return services.indicator_create(
            plan=plan,
            goal=parent if where == "goal" else None,
            measure=parent if where == "measure" else None,
            code=d["code"],
            group=d["group"],
            name_zh=d["name_zh"],
            name_en=d["name_en"],
            unit=d["unit"],
            direction=d["direction"],
            baseline=d["baseline"],
            baseline_year=d["baseline_year"],
            member=d["member"] or None,
            source=d["source"],
            kind=d["kind"],
            params=f.params(),
            weight=d["weight"],
            actor=request.user,
        )

    return _post(
        request,
        pk,
        lambda data, plan: forms.IndicatorForm(data, plan=plan),
        call,
        _("The indicator is added. Set its target for each year."),
    )


@login_required
@require_POST
def target_set(request, pk: int):
    return _post(
        request,
        pk,
        lambda data, plan: forms.TargetForm(data, plan=plan),
        lambda plan, d, f: services.target_set(
            indicator=d["indicator"], year=d["year"], value=d["value"], actor=request.user
        ),
        _("The target is set."),
    )


@login_required
@require_POST
def plan_adopt(request, pk: int):
    scope, plan = _plan_or_404(request, pk)
    run_service(
        request,
        lambda: services.plan_adopt(plan=plan, actor=request.user),
        _("The plan is adopted; its content is frozen."),
    )
    return redirect("planning_plan", plan.pk)


@login_required
@require_POST
def plan_close(request, pk: int):
    scope, plan = _plan_or_404(request, pk)
    run_service(
        request,
        lambda: services.plan_close(plan=plan, actor=request.user),
        _("The plan is closed; its reports and values stay."),
    )
    return redirect("planning_plan", plan.pk)


@login_required
@require_POST
def actuals_compute(request, pk: int):
    def call(plan, d, f):
        return job_kinds.actuals_submit(plan=plan, year=d["year"], actor=request.user)

    return _post(
        request,
        pk,
        lambda data, plan: forms.YearForm(data),
        call,
        _("The measured actuals are being computed; this page follows the job."),
    )


@login_required
@require_POST
def status_compute(request, pk: int):
    def call(plan, d, f):
        return services.planning_status_compute(plan=plan, year=d["year"], actor=request.user)

    return _post(
        request,
        pk,
        lambda data, plan: forms.YearForm(data),
        call,
        _("The status is computed and kept as a report; publish it when it is checked."),
        back=lambda plan: ("planning_plan", plan.pk),
    )


@login_required
@require_POST
def status_publish(request, pk: int, rpk: int):
    scope, plan = _plan_or_404(request, pk)
    report = selectors.report_get(scope=scope, plan=plan, pk=rpk)
    if report is None:
        raise Http404(_("No such status report."))
    run_service(
        request,
        lambda: services.planning_status_publish(report=report, actor=request.user),
        _("The status report is published."),
    )
    return redirect("planning_plan", plan.pk)


@login_required
@require_POST
def actual_report(request, pk: int, ipk: int):
    scope, plan = _plan_or_404(request, pk)
    ind = selectors.indicator_get(scope=scope, user=request.user, plan=plan, pk=ipk)
    if ind is None:
        raise Http404(_("No such indicator in this plan."))
    form = forms.ActualForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.actual_report(
                indicator=ind,
                year=d["year"],
                value=d["value"],
                evidence_text=d["evidence_text"],
                evidence_url=d["evidence_url"],
                actor=request.user,
            ),
            _("The value is submitted; it counts once the secretariat accepts it."),
        )
    return redirect("planning_indicator", plan.pk, ind.pk)


@login_required
@require_POST
def actual_review(request, pk: int, apk: int):
    scope, plan = _plan_or_404(request, pk)
    actual = Actual.objects.filter(pk=apk, indicator__plan=plan).first()
    if actual is None:
        raise Http404(_("No such value."))
    form = forms.ReviewForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.actual_review(
                actual=actual,
                accept=d["decision"] == "accept",
                note=d["note"],
                actor=request.user,
            ),
            _("The review is recorded."),
        )
    return redirect("planning_indicator", plan.pk, actual.indicator_id)


@login_required
@require_POST
def milestone_done(request, pk: int, mpk: int):
    scope, plan = _plan_or_404(request, pk)
    ms = Milestone.objects.filter(pk=mpk, measure__goal__plan=plan).first()
    if ms is None:
        raise Http404(_("No such milestone."))
    form = forms.MilestoneDoneForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
    else:
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.milestone_done(
                milestone=ms,
                done=d["done"],
                evidence_text=d["evidence_text"],
                evidence_url=d["evidence_url"],
                actor=request.user,
            ),
            _("The milestone is marked done."),
        )
    return redirect("planning_plan", plan.pk)
