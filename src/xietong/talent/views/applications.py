"""A teacher's ranked application, the hosts' points, and what came out: results with the
reasons a teacher was not placed, and the flows of teachers between members."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.web import charts
from xietong.web.downloads import download_or_job
from xietong.web.keyset import keyset_page

from .. import engine, exports, forms, selectors, services
from ..models import HOME_CODE, RoundStatus
from .common import csv_download, refuse_form, round_or_404, run

RESULTS_PAGE = 50  # placements per page of the results

REASONS = {
    "blocking": gettext_lazy("should have been admitted (the certificate flags this)"),
    "not_ranked": gettext_lazy("the post did not accept you (no points there)"),
    "no_seats": gettext_lazy("the post has no seats"),
    "below_cutoff": gettext_lazy("your points were below the post's cut-off"),
    "school_cap": gettext_lazy("the host school reached its cap"),
    "area_cap": gettext_lazy("the receiving area reached its cap"),
    "departure_cap": gettext_lazy("your school would fall below its staffing floor"),
    "balance": gettext_lazy("your member already sends more than it receives"),
    "incumbent": gettext_lazy("the incumbent keeps the post"),
    "no_exchange": gettext_lazy("no exchange could free the post"),
}


def _applicant(request, data):
    """The teacher whose application the page is about (``?teacher=`` or the caller's own), or
    None after saying why there is none."""
    who = forms.TeacherChoiceForm(data, scope=scope_for(request.user), user=request.user)
    if who.is_valid():
        return who.cleaned_data["teacher"]
    messages.error(request, _("No teacher record is linked to your account."))
    return None


def _apply_url(rnd, teacher) -> str:
    return reverse("talent_apply", args=[rnd.pk]) + f"?teacher={teacher.code}"


@login_required
def apply(request, pk: int):
    rnd = round_or_404(request, pk)
    scope = scope_for(request.user)
    teacher = _applicant(request, request.POST if request.method == "POST" else request.GET)
    if teacher is None:
        return redirect("talent_round", pk=pk)
    current = selectors.application_list_of(rnd=rnd, teacher=teacher)
    form = forms.ApplicationForm(
        request.POST if request.method == "POST" else None,
        rnd=rnd,
        teacher=teacher,
        current=current,
    )
    if request.method == "POST":
        if not form.is_valid():
            refuse_form(request, form, joined=True)
        else:
            run(
                request,
                lambda: services.application_submit(
                    rnd=rnd, teacher=teacher, post_codes=form.post_codes(), actor=request.user
                ),
                _("Your application is saved."),
            )
        return redirect(_apply_url(rnd, teacher))
    may_apply = rnd.status == RoundStatus.OPEN and services.can_apply_for(
        scope, request.user, rnd, teacher
    )
    return render(
        request,
        "talent/apply.html",
        {
            "rnd": rnd,
            "teacher": teacher,
            "current": current,
            "posts": selectors.posts_for_teacher(rnd=rnd, teacher=teacher),
            "why": services.teacher_may_apply(rnd, teacher),
            "home_code": HOME_CODE,
            "form": form if may_apply else None,
        },
    )


@login_required
@require_POST
def apply_withdraw(request, pk: int):
    rnd = round_or_404(request, pk)
    teacher = _applicant(request, request.POST)
    if teacher is None:
        return redirect("talent_round", pk=pk)
    run(
        request,
        lambda: services.application_withdraw(rnd=rnd, teacher=teacher, actor=request.user),
        _("Your application is withdrawn."),
    )
    return redirect(_apply_url(rnd, teacher))


@login_required
def rank(request, pk: int):
    """Hosts (school, bureau) or managers give applicants points at a post."""
    rnd = round_or_404(request, pk)
    posts = selectors.posts_to_rank(scope=scope_for(request.user), rnd=rnd)
    post = None
    code = request.POST.get("post") or request.GET.get("post")
    if code or request.method == "POST":
        post = next((p for p in posts if p.code == code), None)
        if post is None:
            raise Http404(_("No such post you may rank."))
    if request.method == "POST":
        form = forms.ScoresForm(
            request.POST, applicants=selectors.post_applicants(post=post, limit=None)
        )
        if not form.is_valid():
            refuse_form(request, form)
        else:
            n = run(
                request,
                lambda: services.scores_set(
                    rnd=rnd, post=post, scores=form.scores(), actor=request.user
                ),
                None,
            )
            if n is not None:
                messages.success(request, _("%(n)d scores saved.") % {"n": n})
        return redirect(f"{request.path}?post={post.code}")
    applicants = selectors.post_applicants(post=post) if post is not None else []
    return render(
        request,
        "talent/rank.html",
        {"rnd": rnd, "posts": posts[:500], "post": post, "applicants": applicants},
    )


def results(request, pk: int):
    rnd = round_or_404(request, pk)
    scope = scope_for(request.user)
    q = request.GET.get("q", "").strip()
    qs = selectors.placements(scope=scope, rnd=rnd, teacher_prefix=q)
    if request.GET.get("format") == "csv":  # a long one becomes an export job
        args = {"round": rnd.pk, "q": q}
        return download_or_job(
            request,
            export=exports.RESULTS,
            params=args,
            fmt="csv",
            rows=qs.count(),
            build=lambda: exports.results_table(actor=request.user, **args),
        )
    page = keyset_page(qs, "teacher_code", request.GET.get("after"), RESULTS_PAGE)
    for p in page:
        for w in p.why_not:
            w["explanation"] = REASONS.get(w["reason"], w["reason"])
    return render(
        request,
        "talent/results.html",
        {"rnd": rnd, "page": page, "q": q, "people": selectors.may_see_people(scope, rnd)},
    )


def flows(request, pk: int):
    rnd = round_or_404(request, pk)
    if not selectors.round_outcome_visible(scope_for(request.user), rnd):
        raise Http404(_("The results of this round are not published yet."))
    level = request.GET.get("level", "province")
    if level not in engine.LEVEL_DIGITS:
        level = "province"
    rows = engine.flows(rnd, level)
    if request.GET.get("format") == "csv":
        return csv_download(rows, f"round-{rnd.pk}-flows-{level}.csv")
    chart = ""
    if rows:
        chart = sankey(rows, title=_("Teachers moving between members"))
    return render(
        request, "talent/flows.html", {"rnd": rnd, "rows": rows, "chart": chart, "level": level}
    )


def sankey(rows: list[dict], *, title: str = "") -> str:
    """Teachers moving between members: the 200 largest flows."""
    links = [
        (r["from_code"], r["from_name"], r["to_code"], r["to_name"], r["teachers"])
        for r in rows[:200]
    ]
    return charts.flows(links, title=title, height=520)
