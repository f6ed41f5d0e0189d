"""Talent pages: round manager, a teacher's ranked application, host ranking, results with
explanations, flows between members, appointments, shared training and recruitment."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.evaluation import selectors as evaluation_selectors
from xietong.jobs.imports import runs_as_job
from xietong.jobs.models import Job
from xietong.jobs.present import progress_html
from xietong.jobs.selectors import job_latest_for
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import area_subtree_ids
from xietong.schools.models import School
from xietong.schools.tabular import ImportFailed
from xietong.tabular import UploadTooLarge, read_as_message
from xietong.tabular.uploads import read_upload
from xietong.web import charts, pickers
from xietong.web.downloads import records_download
from xietong.web.uploads import upload_refused

from . import circulation, engine, forms, imports, job_kinds, selectors, services
from .models import (
    HOME_CODE,
    Candidacy,
    Choice,
    Enrolment,
    ExchangePost,
    PostKind,
    RoundMode,
    RoundStatus,
    Subject,
    Teacher,
    TeachingStage,
    TrainingProgramme,
    Vacancy,
)
from .policy_words import mechanism_words, missed_sentence

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
ERRORS = (ValueError, OutOfScope)


def _csv(rows: list[dict], filename: str) -> HttpResponse:
    return records_download(rows, filename=filename.removesuffix(".csv"))


def _round_or_404(request, pk: int):
    rnd = selectors.round_get(scope=scope_for(request.user), pk=pk)
    if rnd is None:
        raise Http404(_("No such round in your scope."))
    return rnd


def home(request):
    scope = scope_for(request.user)
    manage_areas = [a for a in CooperationArea.objects.all() if scope.can_manage_area(a.pk)]
    manage_juris = (
        list(Jurisdiction.objects.filter(code__in=[p.ljust(12, "0") for p in scope.write_prefixes]))
        if not scope.is_admin
        else []
    )
    return render(
        request,
        "talent/home.html",
        {
            "rounds": selectors.round_list(scope=scope),
            "manage_areas": manage_areas,
            "manage_juris": manage_juris,
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
    target = request.POST.get("scope", "")
    area = jurisdiction = None
    if target.startswith("area:"):
        area = get_object_or_404(CooperationArea, slug=target[5:])
    elif target.startswith("j:"):
        jurisdiction = get_object_or_404(Jurisdiction, code=target[2:])
    try:
        rnd = services.round_create(
            name=request.POST.get("name", ""),
            year=int(request.POST.get("year") or 0),
            area=area,
            jurisdiction=jurisdiction,
            actor=request.user,
        )
    except ERRORS as exc:
        messages.error(request, str(exc))
        return redirect("talent_home")
    return redirect("talent_round", pk=rnd.pk)


STEPS = services.ROUND_STEPS


def _policy_missed(policy: dict | None) -> list[str]:
    """The missed targets of a round in the reader's language (stored structured)."""
    items = [m for m in (policy or {}).get("missed") or [] if isinstance(m, dict)]
    names = {
        j.code: j.display_name
        for j in Jurisdiction.objects.filter(code__in=[m["county"] for m in items])
    }
    return [missed_sentence(m, names) for m in items]


def round_view(request, pk: int):
    scope = scope_for(request.user)
    rnd = selectors.round_redacted(scope, _round_or_404(request, pk))
    posts = rnd.posts.select_related("host_school").order_by("code")
    effect = rnd.effect or {}
    effect_rows = _effect_rows(effect)
    effect_chart = ""
    top = [r for r in effect_rows if r.get("teachers_per_100_cv_change")][:25]
    if top:
        effect_chart = charts.bars(
            [r["name"] for r in top],
            {
                _("CV before"): [r["teachers_per_100_cv_before"] for r in top],
                _("CV after"): [r["teachers_per_100_cv_after"] for r in top],
            },
            title=_("Teachers per 100 students: county CV before and after the round"),
            ytitle=_("Coefficient of variation"),
        )
    mechanism, stability = mechanism_words(rnd.certificate or {})
    manage = selectors.can_manage_round(scope, rnd)
    post_form = None
    if rnd.status in (RoundStatus.DRAFT, RoundStatus.OPEN):
        post_form = forms.PostAddForm(scope=scope, rnd=rnd)
        if not manage and not post_form.fields["school"].queryset.exists():
            post_form = None  # no school where the caller may offer a post
    return render(
        request,
        "talent/round.html",
        {
            "rnd": rnd,
            **_match_progress(request, rnd),
            "manage": manage,
            "post_form": post_form,
            "posts": Paginator(posts, 100).get_page(request.GET.get("page")),
            "n_posts": posts.count(),
            "n_applications": rnd.applications.count(),
            "policy": rnd.policy,
            "policy_missed": _policy_missed(rnd.policy),
            "member_names": {
                j.code: j.display_name
                for j in Jurisdiction.objects.filter(
                    code__in=list((rnd.policy or {}).get("members", {}))
                )
            },
            "cert": rnd.certificate,
            "mechanism": mechanism,
            "stability": stability,
            "effect": effect,
            "effect_rows": effect_rows[:50],
            "effect_chart": effect_chart,
            "me": selectors.teacher_of(request.user),
            "kinds": PostKind.choices,
            "modes": RoundMode.choices,
            "cap_members": _cap_members(rnd),
            "subjects": Subject.choices,
            "stages": TeachingStage.choices,
        },
    )


def _effect_rows(effect: dict) -> list[dict]:
    """The stored effect per county (by code) with each county's name in the reader's language."""
    rows = effect.get("counties") or []
    names = {
        j.code: (j.name, j.display_name)
        for j in Jurisdiction.objects.filter(code__in=[r["county"] for r in rows])
    }
    out = []
    for r in rows:
        short, full = names.get(r["county"], (r["county"], r["county"]))
        out.append({**r, "name": short, "full_name": full})
    return out


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


@login_required
@require_POST
def round_step(request, pk: int, step: str):
    rnd = _round_or_404(request, pk)
    fn = STEPS.get(step)
    if fn is None:
        raise Http404
    kwargs = {}
    if step == "publish":
        kwargs["override_reason"] = request.POST.get("override_reason", "")
    if step == "review":
        kwargs["note"] = request.POST.get("note", "")
    if step == "match":  # a background job: the round page follows its progress
        try:
            job_kinds.match_submit(rnd=rnd, actor=request.user)
        except ERRORS as exc:
            messages.error(request, str(exc))
        return redirect("talent_round", pk=pk)
    try:
        fn(rnd=rnd, actor=request.user, **kwargs)
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Done."))
    return redirect("talent_round", pk=pk)


@login_required
@require_POST
def round_settings(request, pk: int):
    """The round's mechanism (changeable while the round is a draft)."""
    rnd = _round_or_404(request, pk)
    try:
        services.round_update(rnd=rnd, actor=request.user, mode=request.POST.get("mode", ""))
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Settings saved."))
    return redirect("talent_round", pk=pk)


def _cap_members(rnd) -> list[tuple[str, str, int | None]]:
    """The members that may get a cap (area members, or the bureau's next level), with caps."""
    caps = rnd.member_caps or {}
    if rnd.area_id:
        qs = Jurisdiction.objects.filter(
            memberships__area_id__in=area_subtree_ids([rnd.area_id])
        ).distinct()
    else:
        qs = Jurisdiction.objects.filter(parent_id=rnd.jurisdiction_id)
    members = {j.code: j.display_name for j in qs.order_by("code")}
    for code in caps:
        members.setdefault(code, code)
    return [(c, n, caps.get(c)) for c, n in sorted(members.items())]


@login_required
@require_POST
def round_member_caps(request, pk: int):
    """Caps per receiving member (changeable while the round is a draft); empty = no cap."""
    rnd = _round_or_404(request, pk)
    caps = {}
    for key, value in request.POST.items():
        if key.startswith("cap_") and value.strip():
            caps[key[4:]] = value.strip()
    try:
        services.round_update(rnd=rnd, actor=request.user, member_caps=caps)
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Settings saved."))
    return redirect("talent_round", pk=pk)


@login_required
@require_POST
def post_add(request, pk: int):
    rnd = _round_or_404(request, pk)
    form = forms.PostAddForm(request.POST, scope=scope_for(request.user), rnd=rnd)
    if not form.is_valid():
        for problem in pickers.errors_of(form):
            messages.error(request, problem)
        return redirect("talent_round", pk=pk)
    data = form.cleaned_data
    try:
        services.post_create(
            rnd=rnd,
            code=data["code"],
            host_school=data["school"],
            subject=data["subject"],
            stage=data["stage"],
            kind=data["kind"],
            term_years=data["term_years"],
            seats=data["seats"],
            actor=request.user,
        )
    except ERRORS as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("Post %(c)s added.") % {"c": data["code"]})
    return redirect("talent_round", pk=pk)


def _upload(request, fn, **kwargs):
    """Import the uploaded file with ``fn``; problems become messages. UploadTooLarge is raised
    for the caller to answer 413."""
    f = request.FILES.get("file")
    if f is None:
        messages.error(request, _("Choose a file."))
        return None
    try:
        data = read_upload(f)
        if runs_as_job(data):  # a large file: a worker imports it, the job page follows
            job, _created = imports.import_submit(
                data=data, filename=f.name, actor=request.user, **kwargs
            )
            return job
        r = fn(data=data, filename=f.name, actor=request.user, **kwargs)
    except UploadTooLarge:
        raise
    except ImportFailed as exc:
        messages.error(request, _("Nothing was imported: %(n)d problem(s).") % {"n": exc.total})
        for p in exc.problems[:30]:
            messages.error(request, str(p))
        return None
    except ERRORS as exc:
        messages.error(request, str(exc))
        return None
    messages.success(
        request,
        _("Imported %(rows)d rows: %(c)d created, %(u)d updated.")
        % {"rows": r.rows, "c": r.created, "u": r.updated},
    )
    if r.encoding:
        messages.info(request, read_as_message(r.encoding))
    return r


@login_required
@require_POST
def posts_import(request, pk: int):
    rnd = _round_or_404(request, pk)
    try:
        r = _upload(request, imports.posts_import, rnd=rnd)
    except UploadTooLarge as exc:
        return upload_refused(request, exc, back=reverse("talent_round", args=[pk]))
    if isinstance(r, Job):
        return redirect("job_page", pk=r.pk)
    return redirect("talent_round", pk=pk)


@login_required
def teachers_import(request):
    scope = scope_for(request.user)
    context = {"columns": imports.TEACHER_COLUMNS, "can_import": scope.acts_for_any_school}
    if request.method == "POST" and not context["can_import"]:
        # the import refuses every row anyway; say so before reading the file
        messages.error(request, _("You have no role that may register teachers."))
        return render(request, "talent/teachers_import.html", context, status=403)
    if request.method == "POST":
        try:
            r = _upload(request, imports.teachers_import)
        except UploadTooLarge as exc:
            return upload_refused(
                request,
                exc,
                back=request.path,
                template="talent/teachers_import.html",
                **context,
            )
        if isinstance(r, Job):
            return redirect("job_page", pk=r.pk)
        return redirect("talent_teachers_import")
    return render(request, "talent/teachers_import.html", context)


@login_required
def apply(request, pk: int):
    rnd = _round_or_404(request, pk)
    scope = scope_for(request.user)
    teacher = selectors.teacher_of(request.user)
    code = request.GET.get("teacher") or request.POST.get("teacher")
    if code:
        teacher = selectors.teacher_list(scope=scope).filter(code=code).first()
    if teacher is None:
        messages.error(request, _("No teacher record is linked to your account."))
        return redirect("talent_round", pk=pk)
    current: list = list(
        Choice.objects.filter(application__round=rnd, application__teacher=teacher)
        .select_related("post", "post__host_school", "application")
        .order_by("rank")
    )
    if current and current[0].application.home_rank is not None:
        current.insert(current[0].application.home_rank, None)  # None: staying at home
    form = forms.ApplicationForm(
        request.POST if request.method == "POST" else None,
        rnd=rnd,
        teacher=teacher,
        current=current,
    )
    if request.method == "POST":
        try:
            if request.POST.get("withdraw"):
                services.application_withdraw(rnd=rnd, teacher=teacher, actor=request.user)
            elif not form.is_valid():
                raise ValueError("; ".join(pickers.errors_of(form)))
            else:
                services.application_submit(
                    rnd=rnd, teacher=teacher, post_codes=form.post_codes(), actor=request.user
                )
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Your application is saved."))
        return redirect(f"{request.path}?teacher={teacher.code}")
    posts = (
        ExchangePost.objects.filter(round=rnd, subject=teacher.subject, stage=teacher.stage)
        .exclude(host_school=teacher.school)
        .select_related("host_school", "host_school__county")[:300]
    )
    return render(
        request,
        "talent/apply.html",
        {
            "rnd": rnd,
            "teacher": teacher,
            "current": current,
            "posts": posts,
            "why": services.teacher_may_apply(rnd, teacher),
            "home_code": HOME_CODE,
            "form": form
            if rnd.status == RoundStatus.OPEN
            and services.can_apply_for(scope, request.user, rnd, teacher)
            else None,
        },
    )


@login_required
def rank(request, pk: int):
    """Hosts (school, bureau) or managers give applicants points at a post."""
    rnd = _round_or_404(request, pk)
    scope = scope_for(request.user)
    posts = rnd.posts.select_related("host_school")
    if not selectors.can_manage_round(scope, rnd):
        posts = [p for p in posts if scope.acts_for_school(p.host_school)]
    post = None
    code = request.GET.get("post") or request.POST.get("post")
    if code:
        post = next((p for p in posts if p.code == code), None)
        if post is None:
            raise Http404(_("No such post you may rank."))
    if request.method == "POST" and post is not None:
        scores = {}
        for k, v in request.POST.items():
            if k.startswith("score:"):
                scores[k[6:]] = float(v) if v.strip() else None
        try:
            n = services.scores_set(rnd=rnd, post=post, scores=scores, actor=request.user)
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)d scores saved.") % {"n": n})
        return redirect(f"{request.path}?post={post.code}")
    applicants = []
    if post is not None:
        applicants = list(
            Choice.objects.filter(post=post)
            .select_related("application__teacher", "application__teacher__school")
            .order_by("-score", "application__teacher__code")[:500]
        )
    return render(
        request,
        "talent/rank.html",
        {"rnd": rnd, "posts": list(posts)[:500], "post": post, "applicants": applicants},
    )


def results(request, pk: int):
    rnd = _round_or_404(request, pk)
    scope = scope_for(request.user)
    qs = selectors.placements(scope=scope, rnd=rnd)
    q = request.GET.get("q", "").strip()
    if q:
        qs = qs.filter(teacher__code__startswith=q)
    if request.GET.get("format") == "csv":
        rows = [
            {
                "teacher": p.teacher.code,
                "home_school": p.teacher.school.code,
                "post": p.post.code if p.post_id else "",
                "host_school": p.post.host_school.code if p.post_id else "",
                "choice_rank": None if p.choice_rank is None else p.choice_rank + 1,
                "stays_home": int(p.post_id is None),
                "why_not": "; ".join(
                    f"{w['post']}:{w['reason']}:{w.get('your_points')}<{w.get('cutoff_points')}"
                    for w in p.why_not
                ),
            }
            for p in qs.iterator(chunk_size=5000)
        ]
        return _csv(rows, f"round-{rnd.pk}-results.csv")
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for p in page:
        for w in p.why_not:
            w["explanation"] = REASONS.get(w["reason"], w["reason"])
    return render(
        request,
        "talent/results.html",
        {"rnd": rnd, "page": page, "q": q, "people": selectors.may_see_people(scope, rnd)},
    )


def flows(request, pk: int):
    rnd = _round_or_404(request, pk)
    if not selectors.round_outcome_visible(scope_for(request.user), rnd):
        raise Http404(_("The results of this round are not published yet."))
    level = request.GET.get("level", "province")
    if level not in engine.LEVEL_DIGITS:
        level = "province"
    rows = engine.flows(rnd, level)
    if request.GET.get("format") == "csv":
        return _csv(rows, f"round-{rnd.pk}-flows-{level}.csv")
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


# ---- appointments, training, recruitment ---------------------------------------------------
@login_required
def appointments(request):
    scope = scope_for(request.user)
    if request.method == "POST" and request.POST.get("action") == "policy":
        try:
            area = CooperationArea.objects.get(slug=request.POST.get("area", ""))
            circulation.appointment_policy_set(
                area=area,
                actor=request.user,
                max_weekly_lessons=request.POST.get("max_weekly_lessons"),
                max_distance_km=request.POST.get("max_distance_km"),
            )
        except CooperationArea.DoesNotExist:
            messages.error(request, _("No such cooperation area."))
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Settings saved."))
        return redirect("talent_appointments")
    if request.method == "POST":
        form = forms.AppointmentForm(request.POST, scope=scope)
        try:
            if not form.is_valid():
                raise ValueError("; ".join(pickers.errors_of(form)))
            data = form.cleaned_data
            circulation.appointment_create(
                teacher=data["teacher"],
                school=data["school"],
                weekly_hours=data["weekly_hours"],
                weekdays=list(data["weekdays"]),
                starts=data["starts"] or dt.date.today(),
                actor=request.user,
            )
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Appointment recorded."))
        return redirect("talent_appointments")
    rows = selectors.appointment_list(scope=scope)[:500]
    return render(
        request,
        "talent/appointments.html",
        {
            "rows": rows,
            "cap": circulation.WEEKLY_LOAD_CAP,
            "km": circulation.MAX_TRAVEL_KM,
            "policies": _appointment_policies(scope),
            # circulation.appointment_create: the bureau over the teacher's or the school's
            # county decides, so only a bureau (or an administrator) gets the form
            "form": forms.AppointmentForm(scope=scope)
            if scope.is_admin or scope.write_prefixes
            else None,
        },
    )


def _appointment_policies(scope) -> list[dict]:
    """Every cooperation area's appointment limits (the defaults where none are set), and
    whether the viewer may change them."""
    from .models import AppointmentPolicy

    set_ = {p.area_id: p for p in AppointmentPolicy.objects.all()}
    out = []
    for area in CooperationArea.objects.order_by("pk"):
        p = set_.get(area.pk)
        out.append(
            {
                "area": area,
                "lessons": p.max_weekly_lessons if p else circulation.WEEKLY_LOAD_CAP,
                "km": p.max_distance_km if p else circulation.MAX_TRAVEL_KM,
                "own": p is not None,
                "manage": scope.can_manage_area(area.pk),
            }
        )
    return out


def training(request):
    scope = scope_for(request.user)
    if request.method == "POST" and request.user.is_authenticated:
        action = request.POST.get("action")
        try:
            if action == "create":
                circulation.programme_create(
                    area=CooperationArea.objects.get(slug=request.POST.get("area", "")),
                    code=request.POST.get("code", ""),
                    title=request.POST.get("title", ""),
                    credit_hours=request.POST.get("credit_hours") or "0",
                    starts=dt.date.fromisoformat(request.POST.get("starts", "")),
                    ends=dt.date.fromisoformat(request.POST.get("ends", "")),
                    actor=request.user,
                )
            elif action == "enrol":
                p = TrainingProgramme.objects.get(pk=request.POST.get("programme"))
                code = request.POST.get("teacher")
                t = (
                    selectors.teacher_list(scope=scope).get(code=code)
                    if code
                    else selectors.teacher_of(request.user)
                )
                if t is None:
                    raise ValueError(_("No teacher record is linked to your account."))
                circulation.enrol(programme=p, teacher=t, actor=request.user)
            elif action == "complete":
                e = Enrolment.objects.select_related("programme").get(
                    pk=request.POST.get("enrolment")
                )
                circulation.enrolment_complete(enrolment=e, actor=request.user)
        except (ObjectMissing, Teacher.DoesNotExist, CooperationArea.DoesNotExist):
            messages.error(request, _("Not found."))
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect("talent_training")
    me = selectors.teacher_of(request.user)
    return render(
        request,
        "talent/training.html",
        {
            "programmes": selectors.programme_list(scope=scope),
            "areas": [a for a in CooperationArea.objects.all() if scope.can_manage_area(a.pk)],
            "me": me,
            "credits": circulation.credit_hours(me) if me else None,
            "mine": Enrolment.objects.filter(teacher=me).select_related("programme") if me else [],
            "managed": Enrolment.objects.filter(
                programme__area_id__in=scope.area_ids, status="enrolled"
            ).select_related("programme", "teacher")[:200]
            if scope.area_ids
            else [],
        },
    )


ObjectMissing = (TrainingProgramme.DoesNotExist, Enrolment.DoesNotExist)


def recruitment(request):
    scope = scope_for(request.user)
    if request.method == "POST" and request.user.is_authenticated:
        action = request.POST.get("action")
        try:
            if action == "publish":
                circulation.vacancy_publish(
                    school=School.objects.get(code=request.POST.get("school", "")),
                    title=request.POST.get("title", ""),
                    subject=request.POST.get("subject", ""),
                    stage=request.POST.get("stage", ""),
                    positions=int(request.POST.get("positions") or 1),
                    new_teachers=bool(request.POST.get("new_teachers")),
                    description=request.POST.get("description", ""),
                    actor=request.user,
                )
            elif action == "apply":
                circulation.candidacy_submit(
                    vacancy=Vacancy.objects.get(pk=request.POST.get("vacancy")),
                    statement=request.POST.get("statement", ""),
                    actor=request.user,
                )
            elif action == "status":
                circulation.candidacy_set_status(
                    candidacy=Candidacy.objects.select_related("vacancy__school").get(
                        pk=request.POST.get("candidacy")
                    ),
                    status=request.POST.get("status", ""),
                    actor=request.user,
                )
        except (School.DoesNotExist, Vacancy.DoesNotExist, Candidacy.DoesNotExist):
            messages.error(request, _("Not found."))
        except ERRORS as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Done."))
        return redirect("talent_recruitment")
    area = CooperationArea.objects.filter(slug=request.GET.get("area", "")).first()
    vacancies = selectors.vacancy_list(scope=scope, area=area)[:300]
    mine = (
        Candidacy.objects.filter(applicant=request.user).select_related("vacancy")
        if request.user.is_authenticated
        else []
    )
    incoming = (
        Candidacy.objects.filter(vacancy__school_id__in=scope.write_school_ids).select_related(
            "vacancy", "applicant"
        )
        if scope.write_school_ids
        else []
    )
    return render(
        request,
        "talent/recruitment.html",
        {
            "vacancies": vacancies,
            "areas": CooperationArea.objects.all(),
            "area": area,
            "mine": mine,
            "incoming": incoming,
            "schools": School.objects.filter(pk__in=scope.write_school_ids),
            "subjects": Subject.choices,
            "stages": TeachingStage.choices,
        },
    )


STATUS_ORDER = list(RoundStatus.values)
