"""Pages with forms for the everyday work on the fund (POST + CSRF). Thin: they parse the form,
call the service (which checks scope and every rule again, in one transaction) and report the
outcome as a message; a refused write changes nothing."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.regions.models import Jurisdiction
from xietong.web.actions import run_service

from . import closing, forms, ledger, services
from .models import (
    Agreement,
    Charge,
    ContributionRound,
    Criterion,
    JointProject,
    ProjectRule,
    SettlementTransfer,
)
from .views import fund_or_404


def _is_member_bureau(scope, fund) -> bool:
    return any(scope.acts_for(m.code) for m in ledger.fund_members(fund))


def _form_page(request, fund, form, *, title: str, intro: str = "", status: int = 200, **extra):
    if request.method == "POST" and form.is_bound and form.errors and status == 200:
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        status = 400
    return render(
        request,
        "finance/form.html",
        {"fund": fund, "form": form, "title": title, "intro": intro, **extra},
        status=status,
    )


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied(_("You may not use this form."))


# ---- contribution rounds -------------------------------------------------------------------


@login_required
def round_create(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("New contribution round")
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        return _form_page(request, fund, forms.RoundForm(fund=fund), title=title)
    form = forms.RoundForm(request.POST, fund=fund)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title)
    d = form.cleaned_data
    r, status = run_service(
        request,
        lambda: services.round_create(
            fund=fund,
            title=d["title"],
            year=d["year"],
            total=d["total"],
            mix=form.mix(),
            project=d["project"],
            actor=request.user,
        ),
        _("Round created. Now enter every member's weights."),
    )
    if r is None:
        return _form_page(request, fund, form, title=title, status=status)
    return redirect("finance_round", slug=slug, pk=r.pk)


@login_required
@require_POST
def round_weights(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    rnd = get_object_or_404(ContributionRound, fund=fund, pk=pk)
    member = get_object_or_404(Jurisdiction, code=request.POST.get("member", ""))
    values = {
        c: request.POST.get(c, "").strip()
        for c in rnd.mix
        if c != Criterion.EQUAL and c in Criterion.values
    }
    run_service(
        request,
        lambda: services.round_weights_set(
            round=rnd, member=member, values=values, actor=request.user
        ),
        _("Weights of %(m)s saved.") % {"m": member.display_name},
    )
    return redirect("finance_round", slug=slug, pk=pk)


@login_required
@require_POST
def round_freeze(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    rnd = get_object_or_404(ContributionRound, fund=fund, pk=pk)
    run_service(
        request,
        lambda: services.round_freeze(round=rnd, actor=request.user),
        _("Rule frozen and shares computed; members now approve their shares."),
    )
    return redirect("finance_round", slug=slug, pk=pk)


@login_required
@require_POST
def round_call(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    rnd = get_object_or_404(ContributionRound, fund=fund, pk=pk)
    form = forms.CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dates must be written as YYYY-MM-DD."))
    else:
        run_service(
            request,
            lambda: services.round_call(
                round=rnd,
                actor=request.user,
                date=form.cleaned_data["date"],
                due_date=form.cleaned_data["due_date"],
            ),
            _("Members called for payment."),
        )
    return redirect("finance_round", slug=slug, pk=pk)


@login_required
@require_POST
def payment_record(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    charge = get_object_or_404(Charge, fund=fund, pk=pk)
    form = forms.PaymentForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("Give a positive amount with at most two decimals and a date (YYYY-MM-DD).")
        )
    else:
        run_service(
            request,
            lambda: services.payment_record(
                charge=charge,
                amount=form.cleaned_data["amount"],
                date=form.cleaned_data["date"],
                actor=request.user,
            ),
            _("Payment recorded."),
        )
    if charge.round_id:
        return redirect("finance_round", slug=slug, pk=charge.round_id)
    return redirect("finance_project", slug=slug, pk=charge.project_id)


# ---- joint projects ------------------------------------------------------------------------


@login_required
def project_create(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("New joint project")
    extra = {
        "shapley_note": True,
        "shapley_max": forms.SHAPLEY_FORM_MAX,
        "shapley_url": reverse("finance_project_create_shapley", kwargs={"slug": slug}),
    }
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        return _form_page(request, fund, forms.ProjectForm(fund=fund), title=title, **extra)
    form = forms.ProjectForm(request.POST, fund=fund)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title, **extra)
    d = form.cleaned_data
    values = d["values"]
    if d["rule"] == ProjectRule.PROPORTIONAL:
        inputs = {"weights": values}
    else:
        inputs = {"costs": values}
    p, status = run_service(
        request,
        lambda: services.project_create(
            fund=fund,
            title=d["title"],
            programme=d["programme"],
            rule=d["rule"],
            participants=list(values),
            inputs=inputs,
            total=d["total"] if d["rule"] == ProjectRule.PROPORTIONAL else None,
            actor=request.user,
        ),
        _("Project created. Freeze it to compute the shares."),
    )
    if p is None:
        return _form_page(request, fund, form, title=title, status=status, **extra)
    return redirect("finance_project", slug=slug, pk=p.pk)


@login_required
def project_create_shapley(request, slug: str):
    """Step 1: title, programme and participants; step 2: one cost per group of them. "Check"
    shows the Shapley shares, subadditivity and the core without writing; "Save" creates."""
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("New joint project shared by the Shapley value")
    intro = _(
        "Enter what each group of participants would pay if it carried out the project on its "
        "own. Each member then pays its Shapley value: its extra cost when joining the others, "
        "averaged over every order of joining. Up to %(n)d participants here; for more, use the "
        "API."
    ) % {"n": forms.SHAPLEY_FORM_MAX}
    ctx = {"title": title, "intro": intro}
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        form = forms.ShapleyProjectForm(fund=fund)
        return render(request, "finance/project_shapley.html", {"fund": fund, "form": form, **ctx})
    _require(services.can_manage(scope, fund))
    step_costs = request.POST.get("step") == "costs"
    form = forms.ShapleyProjectForm(request.POST, fund=fund, with_costs=step_costs)
    status, preview = 200, None
    if not form.is_valid():
        messages.error(request, _("Please correct the errors below; nothing was saved."))
        status = 400
    elif not step_costs:  # participants chosen: now ask for the costs
        form = forms.ShapleyProjectForm(fund=fund, with_costs=True, initial={**form.cleaned_data})
    else:
        d = form.cleaned_data
        inputs = {"coalitions": form.coalitions()}
        if request.POST.get("action") != "save":
            try:
                _total, amounts, _x = services.project_compute(
                    rule=ProjectRule.SHAPLEY, participants=d["participants"], inputs=inputs
                )
            except ValueError as exc:
                messages.error(request, str(exc))
                status = 400
            else:
                preview = [
                    (m.display_name, ledger.from_fen(a))
                    for m, a in zip(form.chosen, amounts, strict=True)
                ]
        else:
            p, status = run_service(
                request,
                lambda: services.project_create(
                    fund=fund,
                    title=d["title"],
                    programme=d["programme"],
                    rule=ProjectRule.SHAPLEY,
                    participants=d["participants"],
                    inputs=inputs,
                    actor=request.user,
                ),
                _("Project created. Freeze it to compute the shares."),
            )
            if p is not None:
                for text in _analysis_warnings(form.analysis):
                    messages.warning(request, text)
                return redirect("finance_project", slug=slug, pk=p.pk)
    return render(
        request,
        "finance/project_shapley.html",
        {
            "fund": fund,
            "form": form,
            "preview": preview,
            "analysis": form.analysis,
            "warnings": _analysis_warnings(form.analysis),
            **ctx,
        },
        status=status,
    )


def _analysis_warnings(analysis: dict | None) -> list[str]:
    if not analysis:
        return []
    out = []
    if not analysis["subadditive"]:
        pairs = "; ".join(f"{a} / {b}" for a, b in analysis["violations"])
        out.append(
            _(
                "The costs are not subadditive: %(k)d pairs of groups would pay less apart than "
                "together (e.g. %(p)s)."
            )
            % {"k": analysis["n_violations"], "p": pairs}
        )
    if not analysis["core_nonempty"]:
        out.append(
            _(
                "The core is empty: whatever the sharing, some group would pay more than its own "
                "cost."
            )
        )
    elif not analysis["shapley_in_core"]:
        out.append(
            _(
                "The core is not empty, but the Shapley value is outside it: %(g)s would pay "
                "more than its own cost."
            )
            % {"g": analysis["worst"]}
        )
    return out


@login_required
@require_POST
def project_freeze(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    project = get_object_or_404(JointProject, fund=fund, pk=pk)
    run_service(
        request,
        lambda: services.project_freeze(project=project, actor=request.user),
        _("Shares computed; members now approve their shares."),
    )
    return redirect("finance_project", slug=slug, pk=pk)


@login_required
@require_POST
def project_call(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    project = get_object_or_404(JointProject, fund=fund, pk=pk)
    form = forms.CallForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Dates must be written as YYYY-MM-DD."))
    else:
        run_service(
            request,
            lambda: services.project_call(
                project=project, actor=request.user, date=form.cleaned_data["date"]
            ),
            _("Members called for payment."),
        )
    return redirect("finance_project", slug=slug, pk=pk)


# ---- withdrawing a draft, cancelling a call ------------------------------------------------


def _source_action(request, slug, pk, model, view_name, fn, ok):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    source = get_object_or_404(model, fund=fund, pk=pk)
    reason = request.POST.get("reason", "")[:200]
    run_service(request, lambda: fn(source=source, actor=request.user, reason=reason), ok)
    return redirect(view_name, slug=slug, pk=pk)


@login_required
@require_POST
def round_withdraw(request, slug: str, pk: int):
    return _source_action(
        request,
        slug,
        pk,
        ContributionRound,
        "finance_round",
        services.draft_withdraw,
        _("Draft withdrawn."),
    )


@login_required
@require_POST
def project_withdraw(request, slug: str, pk: int):
    return _source_action(
        request,
        slug,
        pk,
        JointProject,
        "finance_project",
        services.draft_withdraw,
        _("Draft withdrawn."),
    )


@login_required
@require_POST
def round_call_cancel(request, slug: str, pk: int):
    return _source_action(
        request,
        slug,
        pk,
        ContributionRound,
        "finance_round",
        services.call_cancel,
        _("Call cancelled; its entry is reversed and the shares await a new call."),
    )


@login_required
@require_POST
def project_call_cancel(request, slug: str, pk: int):
    return _source_action(
        request,
        slug,
        pk,
        JointProject,
        "finance_project",
        services.call_cancel,
        _("Call cancelled; its entry is reversed and the shares await a new call."),
    )


# ---- reciprocal agreements and settlements -------------------------------------------------


@login_required
def agreement_create(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("New reciprocal agreement")
    intro = _(
        "The payer's students (or teachers) go to the payee; the payer owes the rate per person "
        "per period. Both sides' bureaus approve before flows are recorded."
    )
    if request.method != "POST":
        _require(services.can_manage(scope, fund) or _is_member_bureau(scope, fund))
        return _form_page(request, fund, forms.AgreementForm(fund=fund), title=title, intro=intro)
    form = forms.AgreementForm(request.POST, fund=fund)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title, intro=intro)
    d = form.cleaned_data
    a, status = run_service(
        request,
        lambda: services.agreement_create(
            fund=fund,
            kind=d["kind"],
            title=d["title"],
            payer=Jurisdiction.objects.get(code=d["payer"]),
            payee=Jurisdiction.objects.get(code=d["payee"]),
            rates=d["rates"],
            actor=request.user,
        ),
        _("Agreement proposed; it is in force once both sides approve it."),
    )
    if a is None:
        return _form_page(request, fund, form, title=title, intro=intro, status=status)
    return redirect("finance_agreement", slug=slug, pk=a.pk)


def agreement_view(request, slug: str, pk: int):
    scope, fund, level = fund_or_404(request, slug, full=True)
    a = get_object_or_404(Agreement.objects.select_related("payer", "payee"), fund=fund, pk=pk)
    sides = [s for s in ("payer", "payee") if scope.acts_for(getattr(a, f"{s}_id"))]
    may_approve = any(getattr(a, f"{s}_approved_at") is None for s in sides)
    may_record = a.is_active and (
        services.can_manage(scope, fund) or scope.acts_for(a.payer_id) or scope.acts_for(a.payee_id)
    )
    return render(
        request,
        "finance/agreement.html",
        {
            "fund": fund,
            "agreement": a,
            "flows": a.flows.select_related("settlement").order_by("-period", "stage"),
            "may_approve": may_approve,
            "flow_form": forms.FlowForm(stages=list(a.rates)) if may_record else None,
            "level": level,
        },
    )


@login_required
@require_POST
def agreement_approve(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    a = get_object_or_404(Agreement, fund=fund, pk=pk)
    run_service(
        request,
        lambda: services.agreement_approve(agreement=a, actor=request.user),
        _("Agreement approved for your side."),
    )
    return redirect("finance_agreement", slug=slug, pk=pk)


@login_required
@require_POST
def flow_record(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    a = get_object_or_404(Agreement, fund=fund, pk=pk)
    form = forms.FlowForm(request.POST, stages=list(a.rates))
    if not form.is_valid():
        messages.error(
            request,
            _("Give a period, one of the agreement's stages and a whole number of people >= 0."),
        )
    else:
        d = form.cleaned_data
        run_service(
            request,
            lambda: services.flow_record(
                agreement=a,
                period=d["period"].strip(),
                stage=d["stage"],
                count=d["count"],
                actor=request.user,
            ),
            _("Flows recorded."),
        )
    return redirect("finance_agreement", slug=slug, pk=pk)


@login_required
def settlement_propose(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("Propose a settlement")
    intro = _(
        "Nets every unsettled flow of the period across all agreements of the area; each member "
        "involved then approves its position."
    )
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        return _form_page(request, fund, forms.SettlementForm(), title=title, intro=intro)
    form = forms.SettlementForm(request.POST)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title, intro=intro)
    s, status = run_service(
        request,
        lambda: services.settlement_propose(
            fund=fund,
            period=form.cleaned_data["period"].strip(),
            method=form.cleaned_data["method"],
            actor=request.user,
        ),
        _("Settlement proposed."),
    )
    if s is None:
        return _form_page(request, fund, form, title=title, intro=intro, status=status)
    return redirect("finance_settlement", slug=slug, pk=s.pk)


@login_required
@require_POST
def transfer_paid(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    t = get_object_or_404(SettlementTransfer, settlement__fund=fund, pk=pk)
    form = forms.CallForm(request.POST)  # an optional date
    date = form.cleaned_data["date"] if form.is_valid() else None
    run_service(
        request,
        lambda: services.transfer_paid(transfer=t, actor=request.user, date=date),
        _("Transfer recorded as paid."),
    )
    return redirect("finance_settlement", slug=slug, pk=t.settlement_id)


# ---- society's money and disbursements -----------------------------------------------------


@login_required
def donation_record(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("Record a donation")
    intro = _(
        "Society's money goes to its own account, apart from members' contributions; an "
        "earmarked donation is spent only on its programme."
    )
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        form = forms.DonationForm(fund=fund, scope=scope, initial={"date": services.today()})
        return _form_page(request, fund, form, title=title, intro=intro)
    form = forms.DonationForm(request.POST, fund=fund, scope=scope)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title, intro=intro)
    d = form.cleaned_data

    def write():
        with transaction.atomic():  # a new donor is kept only if the donation is recorded
            donor = d["donor"] or services.donor_create(
                fund=fund,
                name=d["new_donor"],
                kind=d["new_donor_kind"] or "other",
                anonymous=d["anonymous"],
                actor=request.user,
            )
            return services.donation_record(
                donor=donor,
                amount=d["amount"],
                date=d["date"],
                earmark=d["earmark"],
                cooperation=d["cooperation"],
                actor=request.user,
            )

    x, status = run_service(request, write, _("Donation recorded."))
    if x is None:
        return _form_page(request, fund, form, title=title, intro=intro, status=status)
    return redirect("finance_fund", slug=slug)


@login_required
def disbursement_record(request, slug: str):
    scope, fund, _level = fund_or_404(request, slug, full=True)
    title = _("Record a disbursement")
    intro = _(
        "Pays from the fund's cash to a programme. A teacher exchange disbursement may name the "
        "exchange round it paid for, a training disbursement the training programme; any "
        "disbursement may name the cooperation between schools it funds."
    )
    if request.method != "POST":
        _require(services.can_manage(scope, fund))
        form = forms.DisbursementForm(fund=fund, scope=scope, initial={"date": services.today()})
        return _form_page(request, fund, form, title=title, intro=intro)
    form = forms.DisbursementForm(request.POST, fund=fund, scope=scope)
    if not form.is_valid():
        return _form_page(request, fund, form, title=title, intro=intro)
    d = form.cleaned_data
    x, status = run_service(
        request,
        lambda: services.disbursement_record(
            fund=fund,
            programme=d["programme"],
            function_code=d["function_code"],
            label=d["label"],
            amount=d["amount"],
            date=d["date"],
            beneficiary=(
                Jurisdiction.objects.get(code=d["beneficiary"]) if d["beneficiary"] else None
            ),
            from_society=d["from_society"],
            project=d["project"],
            exchange_round=d["exchange_round"],
            training_programme=d["training_programme"],
            cooperation=d["cooperation"],
            actor=request.user,
        ),
        _("Disbursement recorded."),
    )
    if x is None:
        return _form_page(request, fund, form, title=title, intro=intro, status=status)
    return redirect("finance_fund", slug=slug)


# ---- fund accounting: closing a project, releasing an earmark, closing a period ------------


@login_required
@require_POST
def project_close(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    project = get_object_or_404(JointProject, fund=fund, pk=pk)
    reason = request.POST.get("reason", "")[:200]
    run_service(
        request,
        lambda: closing.project_close(project=project, reason=reason, actor=request.user),
        _("Project closed; what was left in its fund is now unrestricted money."),
    )
    return redirect("finance_project", slug=slug, pk=pk)


@login_required
@require_POST
def earmark_release(request, slug: str, programme: str):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    reason = request.POST.get("reason", "")[:200]
    run_service(
        request,
        lambda: closing.earmark_release(
            fund=fund, programme=programme, reason=reason, actor=request.user
        ),
        _("Earmark released."),
    )
    return redirect("finance_fund", slug=slug)


@login_required
@require_POST
def period_close(request, slug: str):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    form = forms.PeriodCloseForm(request.POST)
    period = ""
    if not form.is_valid():
        messages.error(request, _("Give the period to close, e.g. 2024 or 2024-03."))
    else:
        period = form.cleaned_data["period"].strip()
        run_service(
            request,
            lambda: closing.period_close(fund=fund, period=period, actor=request.user),
            _("Period %(p)s closed.") % {"p": period},
        )
    url = reverse("finance_report", kwargs={"slug": slug})
    return redirect(f"{url}?period={period}" if period else url)
