"""A school's teachers and their accounts: the school administrator links each teacher record to
the account the teacher logs in with, or invites the teacher, and applies on a teacher's behalf.
One view per action; forms validate, services check again."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from xietong.accounts.scope import OutOfScope, scope_for

from . import selectors, services
from .models import RoundStatus, Teacher


class InviteForm(forms.Form):
    username = forms.SlugField(label=gettext_lazy("User name for the teacher"), max_length=150)


class LinkForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("Existing account"), max_length=150, required=False
    )


def _teacher_or_404(request, code: str) -> Teacher:
    """A teacher of a school whose records the caller keeps, else 404."""
    teacher = selectors.teacher_kept_get(scope=scope_for(request.user), code=code)
    if teacher is None:
        raise Http404(_("No such teacher at a school you manage."))
    return teacher


@login_required
def teachers(request):
    scope = scope_for(request.user)
    q = request.GET.get("q", "").strip()
    page = Paginator(selectors.teachers_kept(scope=scope, q=q), 50).get_page(
        request.GET.get("page")
    )
    rounds = [r for r in selectors.round_list(scope=scope) if r.status == RoundStatus.OPEN]
    return render(
        request,
        "talent/teachers.html",
        {
            "page": page,
            "q": q,
            "rounds": rounds,
            "invite_form": InviteForm(),
            "link_form": LinkForm(),
            "invited": request.session.pop("xietong_invite_link", None),
        },
    )


@login_required
@require_POST
def teacher_invite(request, code: str):
    teacher = _teacher_or_404(request, code)
    form = InviteForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("talent_teachers")
    try:
        _t, link = services.teacher_invite(
            teacher=teacher, username=form.cleaned_data["username"], actor=request.user
        )
    except (ValueError, OutOfScope) as exc:
        messages.error(request, str(exc))
    else:
        request.session["xietong_invite_link"] = {
            "teacher": teacher.name,
            "username": form.cleaned_data["username"],
            "url": request.build_absolute_uri(link),
        }
        messages.success(request, _("The account is made; give the teacher the link below."))
    return redirect("talent_teachers")


@login_required
@require_POST
def teacher_link(request, code: str):
    teacher = _teacher_or_404(request, code)
    form = LinkForm(request.POST)
    user = None
    if form.is_valid() and form.cleaned_data["username"].strip():
        user = selectors.account_by_username(form.cleaned_data["username"])
        if user is None:
            messages.error(request, _("There is no account with that user name."))
            return redirect("talent_teachers")
    try:
        services.teacher_link_user(teacher=teacher, user=user, actor=request.user)
    except (ValueError, OutOfScope) as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request,
            _("Teacher %(c)s is linked to %(u)s.") % {"c": teacher.code, "u": user.username}
            if user is not None
            else _("Teacher %(c)s is no longer linked to an account.") % {"c": teacher.code},
        )
    return redirect("talent_teachers")
