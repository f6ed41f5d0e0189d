"""Pages with forms for the work on a cooperation (POST + CSRF): propose (a school, bottom-up),
set up (a bureau or secretariat, top-down), edit the agreement, set obligations, record an
activity, suspend / resume / exit / renew, and register a social partner. Thin: the form parses,
the service checks scope and every rule again in one transaction, and the outcome is a message;
a refused write changes nothing. A cooperation outside the reader's scope is a 404; a form the
reader may not use on one it sees is a 403."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from xietong.accounts.scope import scope_for
from xietong.schools.selectors import school_search
from xietong.web import pickers
from xietong.web.actions import run_service

from . import forms, selectors, services
from .services.common import parties_acted_for
from .views import coop_or_404, may_establish, may_propose


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not use this form."))


def _page(request, form, *, title, coop=None, status=200, intro="", template="form.html"):
    if request.method == "POST" and form.is_bound and form.errors and status == 200:
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        status = 400
    ctx = {"form": form, "title": title, "coop": coop, "intro": intro}
    return render(request, f"partnerships/{template}", ctx, status=status)


def may_edit_agreement(scope, coop) -> bool:
    return bool(parties_acted_for(scope, coop)) or services.can_manage(scope, coop)


def may_record(scope, coop) -> bool:
    return bool(parties_acted_for(scope, coop))


# ---- setting a cooperation up --------------------------------------------------------------


def _create(request, *, form_class, title, intro, allowed, call, ok):
    scope = scope_for(request.user)
    _require(allowed(scope))
    if request.method != "POST":
        return _page(
            request, form_class(scope=scope), title=title, intro=intro, template="create.html"
        )
    form = form_class(request.POST, scope=scope)
    if not form.is_valid():
        return _page(request, form, title=title, intro=intro, template="create.html")
    coop, status = run_service(request, lambda: call(form), ok)
    if coop is None:
        return _page(request, form, title=title, intro=intro, status=status, template="create.html")
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
def propose(request):
    return _create(
        request,
        form_class=forms.ProposeForm,
        title=_("Propose a cooperation"),
        intro=_(
            "Your school proposes a cooperation it takes part in. It comes into force once every "
            "party and, for each school, the bureau above it have approved the agreement."
        ),
        allowed=may_propose,
        call=lambda form: services.cooperation_propose(
            actor=request.user,
            school=form.cleaned_data["school"],
            fields=form.service_fields(),
            parties=form.cleaned_data["parties"],
        ),
        ok=_("Cooperation proposed. The parties and the bureaus above them now approve it."),
    )


@login_required
def establish(request):
    return _create(
        request,
        form_class=forms.CooperationForm,
        title=_("Set up a cooperation"),
        intro=_(
            "A cooperation area's secretariat, or a bureau above the lead party, sets up a "
            "cooperation. Every party still approves the agreement before it is in force."
        ),
        allowed=may_establish,
        call=lambda form: services.cooperation_establish(
            actor=request.user,
            fields=form.service_fields(),
            parties=form.cleaned_data["parties"],
        ),
        ok=_("Cooperation set up. The parties and the bureaus above them now approve it."),
    )


def picker_schools(request):
    """Picker endpoint of the party fields: the schools the caller may name as a party (none
    for a caller who may use neither set-up form)."""
    scope = scope_for(request.user)
    qs = selectors.partner_school_choices(scope)
    if not (may_propose(scope) or may_establish(scope)):
        qs = qs.none()
    found = school_search(qs, pickers.search_query(request))
    return pickers.search_response(found, pickers.search_limit(request), pickers.school_label)


@login_required
def social_partner_create(request):
    scope = scope_for(request.user)
    _require(services.may_register_partner(scope))
    title = _("Register a social partner")
    if request.method != "POST":
        return _page(request, forms.SocialPartnerForm(), title=title)
    form = forms.SocialPartnerForm(request.POST)
    if not form.is_valid():
        return _page(request, form, title=title)
    sp, status = run_service(
        request,
        lambda: services.social_partner_create(actor=request.user, **form.cleaned_data),
        _("Social partner registered: it can now be named as a party."),
    )
    if sp is None:
        return _page(request, form, title=title, status=status)
    return redirect("partnerships_home")


# ---- one cooperation -----------------------------------------------------------------------


@login_required
def agreement_edit(request, pk):
    scope, coop = coop_or_404(request, pk)
    _require(may_edit_agreement(scope, coop))
    title = _("Edit the agreement")
    intro = _(
        "Saving makes a new version with a new content hash. Approvals of earlier versions stay "
        "in the history but no longer count: every party approves the new version again."
    )
    current = services.current_version(coop)
    if request.method != "POST":
        form = forms.AgreementEditForm(
            initial={"content": services.canonical_json(current.content)}
        )
        return _page(request, form, title=title, coop=coop, intro=intro)
    form = forms.AgreementEditForm(request.POST)
    if not form.is_valid():
        return _page(request, form, title=title, coop=coop, intro=intro)
    v, status = run_service(
        request,
        lambda: services.agreement_edit(
            actor=request.user, cooperation=coop, content=form.cleaned_data["content"]
        ),
        _("Agreement saved as a new version; the parties approve it again."),
    )
    if v is None:
        return _page(request, form, title=title, coop=coop, intro=intro, status=status)
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
def obligation_set(request, pk, code: str | None = None):
    scope, coop = coop_or_404(request, pk)
    ob = None
    if code is not None:
        ob = coop.obligations.filter(code=code).first()
        if ob is None:
            raise Http404(_("No such obligation."))
    _require(services.can_manage(scope, coop))
    title = _("Edit obligation %(c)s") % {"c": ob.code} if ob else _("Add an obligation")
    initial = {}
    if ob is not None:
        initial = {
            f: getattr(ob, f)
            for f in ("code", "measure", "quota", "period_kind", "standard", "min_subjects")
        } | {"activity_kinds": ob.activity_kinds, "subjects": ob.subjects}
    if request.method != "POST":
        form = forms.ObligationForm(initial=initial, editing=ob is not None)
        return _page(request, form, title=title, coop=coop)
    form = forms.ObligationForm(request.POST, initial=initial, editing=ob is not None)
    if not form.is_valid():
        return _page(request, form, title=title, coop=coop)
    result, status = run_service(
        request,
        lambda: services.obligation_set(actor=request.user, cooperation=coop, **form.cleaned_data),
        _("Obligation saved."),
    )
    if result is None:
        return _page(request, form, title=title, coop=coop, status=status)
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
def activity_record(request, pk):
    scope, coop = coop_or_404(request, pk)
    _require(may_record(scope, coop))
    title = _("Record an activity")
    intro = _(
        "The activity is recorded as self-reported; a partner confirms it and an authority "
        "verifies it on the cooperation's page."
    )
    if request.method != "POST":
        form = forms.ActivityForm(cooperation=coop)
        return _page(request, form, title=title, coop=coop, intro=intro)
    form = forms.ActivityForm(request.POST, cooperation=coop)
    if not form.is_valid():
        return _page(request, form, title=title, coop=coop, intro=intro)
    d = form.cleaned_data
    act, status = run_service(
        request,
        lambda: services.activity_record(
            actor=request.user,
            cooperation=coop,
            kind=d["kind"],
            date=d["date"],
            amount=d["quantity"],
            obligation=d["obligation"],
            provider=d["provider"],
            recipient=d["recipient"],
            subject=d["subject"],
            online=d["online"],
        ),
        _("Activity recorded (self-reported)."),
    )
    if act is None:
        return _page(request, form, title=title, coop=coop, intro=intro, status=status)
    return redirect("partnerships_cooperation", pk=coop.pk)


# lazy: worded in the reader's language when a page uses them, not once at import
STEPS = {
    "suspend": (
        services.cooperation_suspend,
        gettext_lazy("Suspend the cooperation"),
        gettext_lazy("Suspended."),
    ),
    "resume": (
        services.cooperation_resume,
        gettext_lazy("Resume the cooperation"),
        gettext_lazy("Resumed."),
    ),
    "exit": (
        services.cooperation_exit,
        gettext_lazy("Exit the cooperation"),
        gettext_lazy("Exited."),
    ),
}


@login_required
def status_change(request, pk, step: str):
    if step not in STEPS:
        raise Http404(_("No such step."))
    scope, coop = coop_or_404(request, pk)
    _require(services.can_manage(scope, coop))
    fn, title, ok = (STEPS[step][0], str(STEPS[step][1]), str(STEPS[step][2]))
    if request.method != "POST":
        return _page(request, forms.StatusForm(), title=title, coop=coop)
    form = forms.StatusForm(request.POST)
    if not form.is_valid():
        return _page(request, form, title=title, coop=coop)
    d = form.cleaned_data
    result, status = run_service(
        request,
        lambda: fn(actor=request.user, cooperation=coop, reason=d["reason"], note=d["note"]),
        ok,
    )
    if result is None:
        return _page(request, form, title=title, coop=coop, status=status)
    return redirect("partnerships_cooperation", pk=coop.pk)


@login_required
def renew(request, pk):
    scope, coop = coop_or_404(request, pk)
    _require(services.can_manage(scope, coop))
    title = _("Renew for a new term")
    intro = _(
        "The renewal round goes up by one and the agreement gets a new version with the new "
        "term; every party approves it again before the cooperation is in force."
    )
    if request.method != "POST":
        return _page(request, forms.RenewForm(), title=title, coop=coop, intro=intro)
    form = forms.RenewForm(request.POST)
    if not form.is_valid():
        return _page(request, form, title=title, coop=coop, intro=intro)
    result, status = run_service(
        request,
        lambda: services.cooperation_renew(
            actor=request.user, cooperation=coop, term_end=form.cleaned_data["term_end"]
        ),
        _("Cooperation renewed; the parties approve the new term."),
    )
    if result is None:
        return _page(request, form, title=title, coop=coop, intro=intro, status=status)
    return redirect("partnerships_cooperation", pk=coop.pk)
