"""The exchange round pages: the list and a new round, the round manager's page, its settings,
its steps (one view each) and posts offered on it."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.evaluation import selectors as evaluation_selectors
from xietong.jobs.present import progress_html
from xietong.jobs.selectors import job_latest_for
from xietong.web import charts
from xietong.web.keyset import keyset_page

from .. import forms, job_kinds, selectors, services
from ..models import PostKind, RoundMode, RoundStatus, Subject, TeachingStage
from ..policy_words import mechanism_words, missed_sentence
from .common import form_action, refuse_form, round_or_404, run

STEPS = services.ROUND_STEPS


def _round_create_form(scope, data=None) -> forms.RoundCreateForm:
    return forms.RoundCreateForm(
        data,
        areas=selectors.areas_managed(scope=scope),
        bureaus=selectors.bureaus_managed(scope=scope),
    )


def home(request):
    scope = scope_for(request.user)
    return render(
        request,
        "talent/home.html",
        {
            "rounds": selectors.round_list(scope=scope),
            "manage_areas": selectors.areas_managed(scope=scope),
            "manage_juris": selectors.bureaus_managed(scope=scope),
            "me": selectors.teacher_of(request.user),
            "keeps_teachers": scope.acts_for_any_school,
            # a round is planned on the latest complete year of statistics (its predicted
            # effect and the "weaker school" test read that year)
            "year": evaluation_selectors.default_year(evaluation_selectors.statistics_years())
            or dt.date.today().year,
        },
    )


@login_required
@require_POST
def round_create(request):
    form = _round_create_form(scope_for(request.user), request.POST)
    if not form.is_valid():
        refuse_form(request, form)
        return redirect("talent_home")
    d = form.cleaned_data
    rnd = run(
        request,
        lambda: services.round_create(
            name=d["name"], year=d["year"], actor=request.user, **form.target()
        ),
        None,
    )
    if rnd is None:
        return redirect("talent_home")
    return redirect("talent_round", pk=rnd.pk)


def _policy_missed(policy: dict | None) -> list[str]:
    """The missed targets of a round in the reader's language (stored structured)."""
    items = [m for m in (policy or {}).get("missed") or [] if isinstance(m, dict)]
    names = selectors.jurisdiction_names(codes=[m["county"] for m in items])
    return [missed_sentence(m, {c: full for c, (_s, full) in names.items()}) for m in items]


def _effect_rows(effect: dict) -> list[dict]:
    """The stored effect per county (by code) with each county's name in the reader's language."""
    rows = effect.get("counties") or []
    names = selectors.jurisdiction_names(codes=[r["county"] for r in rows])
    out = []
    for r in rows:
        short, full = names.get(r["county"], (r["county"], r["county"]))
        out.append({**r, "name": short, "full_name": full})
    return out


def _effect_chart(effect_rows: list[dict]) -> str:
    top = [r for r in effect_rows if r.get("teachers_per_100_cv_change")][:25]
    if not top:
        return ""
    return charts.bars(
        [r["name"] for r in top],
        {
            _("CV before"): [r["teachers_per_100_cv_before"] for r in top],
            _("CV after"): [r["teachers_per_100_cv_after"] for r in top],
        },
        title=_("Teachers per 100 students: county CV before and after the round"),
        ytitle=_("Coefficient of variation"),
    )


def _match_progress(request, rnd) -> dict:
    """The progress box of the round's matching while it is queued or running (or the reason it
    failed, until the round is matched again)."""
    job = job_latest_for(
        scope=scope_for(request.user),
        user=request.user,
        kind=job_kinds.MATCH,
        object_type="exchange_round",
        object_id=rnd.pk,
    )
    if job is None or not (job.active or job.status == "failed"):
        return {}
    if job.status == "failed" and rnd.matched_at and rnd.matched_at > job.created_at:
        return {}
    html = progress_html(job, title=_("Matching"), done_url=reverse("talent_round", args=[rnd.pk]))
    return {"match_progress": html, "match_running": job.active}


def _post_form(scope, rnd, manage: bool):
    """The form to offer a post, where the caller may offer one while the round takes posts."""
    if rnd.status not in (RoundStatus.DRAFT, RoundStatus.OPEN):
        return None
    form = forms.PostAddForm(scope=scope, rnd=rnd)
    if not manage and not form.fields["school"].queryset.exists():
        return None  # no school where the caller may offer a post
    return form


def round_view(request, pk: int):
    scope = scope_for(request.user)
    rnd = selectors.round_redacted(scope, round_or_404(request, pk))
    posts = selectors.round_posts(rnd=rnd)
    effect = rnd.effect or {}
    effect_rows = _effect_rows(effect)
    mechanism, stability = mechanism_words(rnd.certificate or {})
    manage = selectors.can_manage_round(scope, rnd)
    members = selectors.jurisdiction_names(codes=list((rnd.policy or {}).get("members", {})))
    return render(
        request,
        "talent/round.html",
        {
            "rnd": rnd,
            **_match_progress(request, rnd),
            "manage": manage,
            "post_form": _post_form(scope, rnd, manage),
            "posts": keyset_page(posts, "code", request.GET.get("after"), 100),
            "n_posts": posts.count(),
            "n_applications": selectors.round_application_count(rnd=rnd),
            "policy": rnd.policy,
            "policy_missed": _policy_missed(rnd.policy),
            "member_names": {code: full for code, (_s, full) in members.items()},
            "cert": rnd.certificate,
            "mechanism": mechanism,
            "stability": stability,
            "effect": effect,
            "effect_rows": effect_rows[:50],
            "effect_chart": _effect_chart(effect_rows),
            "me": selectors.teacher_of(request.user),
            "kinds": PostKind.choices,
            "modes": RoundMode.choices,
            "cap_members": selectors.round_cap_members(rnd=rnd),
            "subjects": Subject.choices,
            "stages": TeachingStage.choices,
        },
    )


# ---- settings (while the round is a draft) ---------------------------------------------------
@login_required
@require_POST
def round_settings(request, pk: int):
    """The round's mechanism (changeable while the round is a draft)."""
    rnd = round_or_404(request, pk)
    return form_action(
        request,
        forms.RoundModeForm(request.POST),
        lambda d: services.round_update(rnd=rnd, actor=request.user, mode=d["mode"]),
        _("Settings saved."),
        back=reverse("talent_round", args=[pk]),
    )


@login_required
@require_POST
def round_member_caps(request, pk: int):
    """Caps per receiving member (changeable while the round is a draft); empty = no cap."""
    rnd = round_or_404(request, pk)
    form = forms.MemberCapsForm(request.POST, members=selectors.round_cap_members(rnd=rnd))
    return form_action(
        request,
        form,
        lambda _d: services.round_update(rnd=rnd, actor=request.user, member_caps=form.caps()),
        _("Settings saved."),
        back=reverse("talent_round", args=[pk]),
    )


# ---- the steps of the lifecycle, one view each -------------------------------------------------
def _step(request, rnd, step: str, **kwargs):
    run(request, lambda: STEPS[step](rnd=rnd, actor=request.user, **kwargs), _("Done."))
    return redirect("talent_round", pk=rnd.pk)


def _step_view(step: str, doc: str):
    """The view of a step that takes no input."""

    @login_required
    @require_POST
    def view(request, pk: int):
        return _step(request, round_or_404(request, pk), step)

    view.__name__ = view.__qualname__ = f"round_{step}"
    view.__doc__ = doc
    return view


round_open = _step_view("open", "Open the draft round for applications.")
round_close = _step_view("close", "Close applications; the hosts rank the applicants.")
round_service = _step_view("service", "The published round's teachers start their service.")
round_return = _step_view("return", "The teachers are back: the service period ends.")


@login_required
@require_POST
def round_match(request, pk: int):
    """A background job: the round page follows its progress."""
    rnd = round_or_404(request, pk)
    run(request, lambda: job_kinds.match_submit(rnd=rnd, actor=request.user), None)
    return redirect("talent_round", pk=pk)


@login_required
@require_POST
def round_review(request, pk: int):
    """Verify the stored result against its certificate; compute the predicted effect."""
    rnd = round_or_404(request, pk)
    return form_action(
        request,
        forms.ReviewForm(request.POST),
        lambda d: services.round_review(rnd=rnd, actor=request.user, **d),
        _("Done."),
        back=reverse("talent_round", args=[pk]),
    )


@login_required
@require_POST
def round_publish(request, pk: int):
    """Publish the reviewed round (a reason is needed where it misses its policy targets)."""
    rnd = round_or_404(request, pk)
    return form_action(
        request,
        forms.PublishForm(request.POST),
        lambda d: services.round_publish(rnd=rnd, actor=request.user, **d),
        _("Done."),
        back=reverse("talent_round", args=[pk]),
    )


# ---- posts ---------------------------------------------------------------------------------------
@login_required
@require_POST
def post_add(request, pk: int):
    rnd = round_or_404(request, pk)
    return form_action(
        request,
        forms.PostAddForm(request.POST, scope=scope_for(request.user), rnd=rnd),
        lambda d: services.post_create(
            rnd=rnd,
            code=d["code"],
            host_school=d["school"],
            subject=d["subject"],
            stage=d["stage"],
            kind=d["kind"],
            term_years=d["term_years"],
            seats=d["seats"],
            actor=request.user,
        ),
        lambda d: _("Post %(c)s added.") % {"c": d["code"]},
        back=reverse("talent_round", args=[pk]),
    )
