"""Pages of the negotiation body and its consultations. Thin: reads come from selectors, writes
from services (which check scope, windows and rules again); a message either way."""

from __future__ import annotations

import difflib

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.web import charts
from xietong.web.actions import run_service

from . import forms, minutes, selectors, services, words
from .models import Comment, Delegation, Status


def _body_or_404(request, slug: str):
    scope = scope_for(request.user)
    body = selectors.body_get(scope=scope, user=request.user, area_slug=slug)
    if body is None:
        raise Http404(_("No such negotiation body in your scope."))
    return scope, body


def _proposal_or_404(request, slug: str, number: int):
    scope = scope_for(request.user)
    p = selectors.proposal_get(scope=scope, user=request.user, area_slug=slug, number=number)
    if p is None:
        raise Http404(_("No such proposal in your scope."))
    return scope, p


def _back(p, status: int):
    """Back to the proposal, where the message (success or refusal) is shown."""
    return redirect("consultation_proposal", p.body.area.slug, p.number)


def _form_errors(request, form) -> None:
    for field, errs in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for e in errs:
            messages.error(request, f"{label}: {e}" if label else e)


def _positions_chart(summary) -> str:
    counts: dict[str, int] = {}
    for _member, label, _text in summary:
        counts[label] = counts.get(label, 0) + 1
    return charts.bars(list(counts), {_("Members"): list(counts.values())}, ytitle=_("Members"))


def home(request):
    scope = scope_for(request.user)
    bodies = selectors.body_list(scope=scope, user=request.user)
    waiting = [
        (p, words.next_deadline(p), cast)
        for p, cast in selectors.awaiting_member(user=request.user)
    ]
    return render(request, "consultation/home.html", {"bodies": bodies, "waiting": waiting})


def body_view(request, slug: str):
    scope, body = _body_or_404(request, slug)
    proposals = selectors.proposal_list(scope=scope, user=request.user, body=body)
    delegations = selectors.delegation_rows(body=body)
    ctx = {
        "body": body,
        "forums": body.forums.all(),
        "delegations": delegations,
        "proposals": [(p, words.next_deadline(p)) for p in proposals[:200]],
        "meetings": selectors.meeting_list(body=body)[:20],
        "can_convene": services.can_convene(scope, body),
        "appointable": [
            d.member
            for d in body.delegations.select_related("member")
            if scope.acts_for(d.member_id)
        ],
        "now": timezone.now(),
    }
    if ctx["appointable"]:
        ctx["delegate_form"] = forms.DelegateForm(members=ctx["appointable"])
    if ctx["can_convene"]:
        ctx["proposal_form_url"] = reverse("consultation_proposal_new", args=[slug])
    return render(request, "consultation/body.html", ctx)


@login_required
def proposal_new(request, slug: str):
    scope, body = _body_or_404(request, slug)
    if not services.can_convene(scope, body):
        raise PermissionDenied(_("Only the secretariat drafts proposals."))
    form = forms.ProposalForm(request.POST or None, body=body)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            p, status = run_service(
                request,
                lambda: services.proposal_draft(
                    forum=d["forum"],
                    title=d["title"],
                    paragraphs=d["paragraphs"],
                    rule=d["rule"],
                    major=d["major"],
                    subject=d["subject"],
                    subject_id=d["subject_id"],
                    actor=request.user,
                ),
                _("Draft saved. Circulate it when it is ready."),
            )
            if p is not None:
                return redirect("consultation_proposal", slug, p.number)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
            status = 400
    return render(
        request,
        "consultation/form.html",
        {"body": body, "form": form, "title": _("New proposal")},
        status=status,
    )


def proposal_view(request, slug: str, number: int):
    scope, p = _proposal_or_404(request, slug, number)
    version = p.current_version
    comments = selectors.comment_rows(proposal=p)
    ballots = []
    for b, rows in selectors.ballot_rows(proposal=p):
        summary = words.positions_summary(b, rows)
        b.explanation_lines = words.explanation_lines(b.explanation)
        ballots.append((b, rows, summary, _positions_chart(summary)))
    ballot = services.open_ballot(p)
    user = request.user
    can_convene = services.can_convene(scope, p.body)
    speaker = services.speaking_delegation(user, p.body)
    caster = services.casting_delegation(user, ballot) if ballot else None
    ctx = {
        "body": p.body,
        "p": p,
        "version": version,
        "paragraphs": words.paragraph_rows(version, comments),
        "comments": comments,
        "ballots": ballots,
        "deadline": words.next_deadline(p),
        "can_convene": can_convene,
        "speaker": speaker,
        "caster": caster,
        "rule_text": words.rule_text(p.rule),
        "versions": list(p.versions.order_by("number")),
        "extensions": p.extensions.order_by("decided_at"),
        "now": timezone.now(),
    }
    if can_convene and p.status == Status.DRAFT:
        ctx["circulate_form"] = forms.CirculateForm()
    if can_convene and p.status in (Status.DRAFT, Status.CIRCULATED, Status.COMMENTS):
        ctx["revise_form"] = forms.ReviseForm(initial={"text": "\n\n".join(version.paragraphs)})
    if can_convene and p.status in (
        Status.CIRCULATED,
        Status.COMMENTS,
        Status.POSITIONS,
        Status.ESCALATED,
    ):
        ctx["extend_form"] = forms.ExtendForm()
    if can_convene and p.status not in (Status.ADOPTED, Status.FAILED, Status.WITHDRAWN):
        ctx["withdraw_form"] = forms.WithdrawForm()
    if speaker and p.status == Status.COMMENTS:
        ctx["comment_form"] = forms.CommentForm()
    if caster and p.status in (Status.POSITIONS, Status.ESCALATED):
        ctx["position_form"] = forms.PositionForm()
        ctx["my_position"] = selectors.latest_position_of(ballot=ballot, delegation=caster)
    if can_convene and p.status in (Status.CIRCULATED, Status.COMMENTS):
        ctx["disposition_form"] = forms.DispositionForm()
    return render(request, "consultation/proposal.html", ctx)


def _post(request, slug, number, form_class, call, ok):
    scope, p = _proposal_or_404(request, slug, number)
    form = form_class(request.POST)
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        _form_errors(request, form)
        return _back(p, 400)
    _result, status = run_service(request, lambda: call(p, form.cleaned_data), ok)
    return _back(p, status)


@login_required
@require_POST
def proposal_circulate(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.CirculateForm,
        lambda p, d: services.proposal_circulate(
            proposal=p,
            comment_days=d["comment_days"],
            position_days=d["position_days"],
            notice_days=d["notice_days"],
            actor=request.user,
        ),
        _("Circulated to every member. The rule is frozen and the dates are set."),
    )


@login_required
@require_POST
def proposal_revise(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.ReviseForm,
        lambda p, d: services.proposal_revise(
            proposal=p, paragraphs=d["paragraphs"], actor=request.user
        ),
        _("A new version of the text is saved."),
    )


@login_required
@require_POST
def comment_add(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.CommentForm,
        lambda p, d: services.comment_add(
            proposal=p,
            paragraph=d["paragraph"],
            kind=d["kind"],
            text=d["text"],
            proposed_text=d["proposed_text"],
            actor=request.user,
        ),
        _("Your comment is recorded; the secretariat will answer it."),
    )


@login_required
@require_POST
def disposition_set(request, slug: str, number: int, comment: int):
    scope, p = _proposal_or_404(request, slug, number)
    c = Comment.objects.filter(pk=comment, proposal=p).first()
    if c is None:
        raise Http404(_("No such comment."))
    form = forms.DispositionForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _back(p, 400)
    d = form.cleaned_data
    _r, status = run_service(
        request,
        lambda: services.disposition_set(
            comment=c, decision=d["decision"], reason=d["reason"], actor=request.user
        ),
        _("The answer to the member is recorded."),
    )
    return _back(p, status)


@login_required
@require_POST
def position_cast(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.PositionForm,
        lambda p, d: services.position_cast(
            proposal=p, kind=d["kind"], text=d["text"], actor=request.user
        ),
        _("The member's position is recorded. A change later is a new entry; the latest counts."),
    )


@login_required
@require_POST
def deadline_extend(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.ExtendForm,
        lambda p, d: services.deadline_extend(
            proposal=p,
            window=d["window"],
            new_deadline=d["new_deadline"],
            reason=d["reason"],
            actor=request.user,
        ),
        _("The deadline is extended; the extension is on the record with its reason."),
    )


@login_required
@require_POST
def proposal_withdraw(request, slug: str, number: int):
    return _post(
        request,
        slug,
        number,
        forms.WithdrawForm,
        lambda p, d: services.proposal_withdraw(proposal=p, reason=d["reason"], actor=request.user),
        _("The proposal is withdrawn."),
    )


def proposal_diff(request, slug: str, number: int):
    scope, p = _proposal_or_404(request, slug, number)
    versions = {v.number: v for v in p.versions.all()}
    try:
        a = int(request.GET.get("a", 1))
        b = int(request.GET.get("b", max(versions)))
    except ValueError:
        raise Http404(_("No such version.")) from None
    if a not in versions or b not in versions:
        raise Http404(_("No such version."))
    rows = list(difflib.ndiff(versions[a].paragraphs, versions[b].paragraphs))
    diff = [(line[:1], line[2:]) for line in rows if line[:1] in ("+", "-", " ")]
    return render(
        request,
        "consultation/diff.html",
        {
            "body": p.body,
            "p": p,
            "a": versions[a],
            "b": versions[b],
            "diff": diff,
            "versions": sorted(versions),
        },
    )


def proposal_minutes(request, slug: str, number: int):
    scope, p = _proposal_or_404(request, slug, number)
    if p.status not in (Status.ADOPTED, Status.FAILED):
        raise Http404(_("Minutes exist once the proposal is decided."))
    lang = request.GET.get("lang") or request.LANGUAGE_CODE
    data = minutes.docx(p, lang=lang)
    response = HttpResponse(
        data,
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{p.body.area.slug}-proposal-{p.number}-minutes.docx"'
    )
    return response


@login_required
@require_POST
def delegate_appoint(request, slug: str):
    scope, body = _body_or_404(request, slug)
    members = [
        d.member for d in body.delegations.select_related("member") if scope.acts_for(d.member_id)
    ]
    form = forms.DelegateForm(request.POST, members=members)
    back = redirect("consultation_body", slug)
    if not form.is_valid():
        _form_errors(request, form)
        return back
    d = form.cleaned_data
    user = get_user_model().objects.filter(username=d["username"], is_active=True).first()
    if user is None:
        messages.error(request, _("No active user is called %(u)s.") % {"u": d["username"]})
        return back
    delegation = Delegation.objects.get(body=body, member_id=d["member"])
    run_service(
        request,
        lambda: services.delegate_appoint(
            delegation=delegation, user=user, role=d["role"], actor=request.user
        ),
        _("%(u)s joins the delegation.") % {"u": user.get_username()},
    )
    return back


@login_required
def meeting_new(request, slug: str):
    scope, body = _body_or_404(request, slug)
    if not services.can_convene(scope, body):
        raise PermissionDenied(_("Only the secretariat convenes meetings."))
    form = forms.MeetingForm(request.POST or None, body=body)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            m, status = run_service(
                request,
                lambda: services.meeting_schedule(
                    forum=d["forum"],
                    starts_at=d["starts_at"],
                    place=d["place"],
                    agenda=d["agenda"],
                    actor=request.user,
                ),
                _("The meeting is scheduled."),
            )
            if m is not None:
                return redirect("consultation_meeting", slug, m.pk)
        else:
            messages.error(request, _("Please correct the errors below; nothing was saved."))
            status = 400
    return render(
        request,
        "consultation/form.html",
        {"body": body, "form": form, "title": _("New meeting")},
        status=status,
    )


def _meeting_or_404(request, slug: str, pk: int):
    scope, body = _body_or_404(request, slug)
    meeting = selectors.meeting_list(body=body).filter(pk=pk).first()
    if meeting is None:
        raise Http404(_("No such meeting."))
    return scope, body, meeting


def meeting_view(request, slug: str, pk: int):
    scope, body, meeting = _meeting_or_404(request, slug, pk)
    ctx = {"body": body, "meeting": meeting, "can_convene": services.can_convene(scope, body)}
    if ctx["can_convene"]:
        members = [d.member for d in body.delegations.select_related("member")]
        ctx["attendance_form"] = forms.AttendanceForm(members=members)
        ctx["minutes_form"] = forms.MinutesForm(initial={"minutes": meeting.minutes})
    return render(request, "consultation/meeting.html", ctx)


@login_required
@require_POST
def attendance_record(request, slug: str, pk: int):
    scope, body, meeting = _meeting_or_404(request, slug, pk)
    members = [d.member for d in body.delegations.select_related("member")]
    form = forms.AttendanceForm(request.POST, members=members)
    if form.is_valid():
        d = form.cleaned_data
        delegation = body.delegations.get(member_id=d["member"])
        run_service(
            request,
            lambda: services.attendance_record(
                meeting=meeting,
                delegation=delegation,
                present=d["present"],
                persons=d["persons"],
                actor=request.user,
            ),
            _("Attendance recorded."),
        )
    else:
        _form_errors(request, form)
    return redirect("consultation_meeting", slug, pk)


@login_required
@require_POST
def minutes_record(request, slug: str, pk: int):
    scope, body, meeting = _meeting_or_404(request, slug, pk)
    form = forms.MinutesForm(request.POST)
    if form.is_valid():
        run_service(
            request,
            lambda: services.minutes_record(
                meeting=meeting, minutes=form.cleaned_data["minutes"], actor=request.user
            ),
            _("The minutes are recorded."),
        )
    else:
        _form_errors(request, form)
    return redirect("consultation_meeting", slug, pk)
