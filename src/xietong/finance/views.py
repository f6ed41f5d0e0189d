"""Fund pages: position, contributions against shares, rounds and projects, settlement flows and
member statements (CSV/XLSX). Thin: reads come from selectors, writes from services."""

from __future__ import annotations

import plotly.graph_objects as go
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.jobs.exports import ExportTable
from xietong.regions.models import Jurisdiction
from xietong.web import charts
from xietong.web.downloads import download_or_job, table_download

from . import explain, exports, forms, ledger, selectors, services
from .models import Charge, Criterion, JointProject, Programme, Settlement, Stage


def fund_or_404(request, slug: str, *, full: bool = False):
    scope = scope_for(request.user)
    fund, level = selectors.fund_get(scope=scope, slug=slug)
    if fund is None or (full and level == "public"):
        raise Http404(_("No such fund in your scope."))
    return scope, fund, level


def _download(rows: list[list], header: list[str], filename: str, fmt: str) -> HttpResponse:
    # money stays Decimal (a number cell to the fen), text is never a formula
    return table_download(rows, header, filename=filename, fmt=fmt)


def home(request):
    funds = selectors.fund_list(scope=scope_for(request.user))
    return render(request, "finance/home.html", {"funds": funds})


def fund_view(request, slug: str):
    scope, fund, level = fund_or_404(request, slug)
    ctx = {"fund": fund, "level": level, "totals": selectors.public_totals(fund)}
    programme_names = dict(Programme.choices)
    ctx["by_programme"] = [
        (programme_names[k], v) for k, v in ctx["totals"]["disbursed_by_programme"].items()
    ]
    if level != "public":
        tb = ledger.trial_balance(fund)
        ctx.update(
            trial_balance=tb,
            rounds=selectors.round_list(fund=fund),
            projects=selectors.project_list(fund=fund),
            agreements=selectors.agreement_list(fund=fund),
            settlements=selectors.settlement_list(fund=fund),
            donations=fund.donations.select_related("donor", "entry", "cooperation"),
            disbursements=fund.disbursements.select_related(
                "beneficiary",
                "entry",
                "project",
                "exchange_round",
                "training_programme",
                "cooperation",
            ),
            can_manage=services.can_manage(scope, fund),
            members=[
                m
                for m in ledger.fund_members(fund)
                if selectors.may_see_member(scope, fund, m.code)
            ],
        )
        ctx["restricted_funds"] = selectors.restricted_funds(fund)
        ctx["position_chart"] = selectors.ledger_cached(
            fund, "cash_chart", (get_language(),), lambda: cash_chart(ctx["totals"])
        )
    return render(request, "finance/fund.html", ctx)


def cash_chart(totals: dict) -> str:
    """Cash at hand: public and society's money in two panels, each on its own scale (society's
    money is often a hundredth of the public money and would vanish beside it), each bar split
    into what only its purposes may spend (restricted) and the rest, labelled with amounts."""
    from plotly.subplots import make_subplots

    kinds = [
        (_("Public money"), totals["cash_public"], totals["restricted_public"]),
        (_("Society's money"), totals["cash_society"], totals["restricted_society"]),
    ]
    parts = [
        (_("Unrestricted"), "#1f5fa8", lambda cash, restricted: cash - restricted),
        (_("Restricted (joint projects, earmarked donations)"), "#c77c02", lambda c, r: r),
    ]
    fig = make_subplots(rows=1, cols=2, subplot_titles=[k[0] for k in kinds])
    for col, (label, cash, restricted) in enumerate(kinds, start=1):
        both = restricted > 0 and cash - restricted > 0
        for name, colour, value in parts:
            v = value(cash, restricted)
            fig.add_trace(
                go.Bar(
                    x=[label],
                    y=[float(v)],
                    name=name,
                    legendgroup=name,
                    showlegend=col == 1,
                    marker_color=colour,
                    text=[explain.yuan(v) if both and v else ""],
                    textposition="inside",
                    customdata=[explain.yuan(v)],
                    hovertemplate=f"{label} · {name}: %{{customdata}}<extra></extra>",
                ),
                row=1,
                col=col,
            )
        fig.add_trace(
            go.Scatter(
                x=[label],
                y=[float(cash)],
                mode="text",
                text=[_("Total %(a)s") % {"a": explain.yuan(cash)}],
                textposition="top center",
                showlegend=False,
                hoverinfo="skip",
            ),
            row=1,
            col=col,
        )
        top = float(cash) * 1.15 or 1.0
        fig.update_yaxes(tickformat=",.0f", gridcolor="#eef1f5", range=[0, top], row=1, col=col)
    fig.update_layout(title=_("Cash at hand (yuan)"), barmode="stack", legend=dict(orientation="h"))
    fig.update_xaxes(showticklabels=False)
    return charts.to_div(fig)


def contributions(request, slug: str):
    scope, fund, level = fund_or_404(request, slug, full=True)
    rows = selectors.contributions_by_member(fund)
    if request.GET.get("format") in ("csv", "xlsx"):
        header = ["member", "name", "share", "called", "paid", "arrears"]
        return _download(
            [[r[h] for h in header] for r in rows],
            header,
            f"contributions-{fund.area.slug}",
            request.GET["format"],
        )
    chart = charts.bars(
        [r["name"] for r in rows],
        {
            _("Share"): [float(r["share"]) for r in rows],
            _("Paid"): [float(r["paid"]) for r in rows],
            _("Arrears"): [float(r["arrears"]) for r in rows],
        },
        title=_("Contributions against shares per member (yuan)"),
    )
    return render(
        request,
        "finance/contributions.html",
        {"fund": fund, "rows": rows, "chart": chart, "level": level},
    )


def round_view(request, slug: str, pk: int):
    scope, fund, level = fund_or_404(request, slug, full=True)
    rnd = get_object_or_404(selectors.round_list(fund=fund).select_related("project"), pk=pk)
    charges = [(c, services.charge_paid(c), scope.acts_for(c.member_id)) for c in rnd.charges.all()]
    criteria = dict(Criterion.choices)
    recorded = {(w.member_id, w.criterion): w.value for w in rnd.weights.all()}
    weight_rows = []
    if rnd.status == Stage.DRAFT:
        crits = [c for c in rnd.mix if c in criteria and c != Criterion.EQUAL]
        if crits:
            weight_rows = [
                (
                    m,
                    [(c, criteria[c], recorded.get((m.code, c))) for c in crits],
                    services.can_manage(scope, fund) or scope.acts_for(m.code),
                )
                for m in ledger.fund_members(fund)
            ]
    return render(
        request,
        "finance/round.html",
        {
            "fund": fund,
            "round": rnd,
            "charges": charges,
            "level": level,
            "weight_rows": weight_rows,
            "can_manage": services.can_manage(scope, fund),
        },
    )


def project_view(request, slug: str, pk: int):
    scope, fund, level = fund_or_404(request, slug, full=True)
    project = get_object_or_404(JointProject, fund=fund, pk=pk)
    charges = [
        (c, services.charge_paid(c), scope.acts_for(c.member_id))
        for c in project.charges.select_related("member").order_by("member")
    ]
    chart = ""
    if charges:
        chart = charts.bars(
            [c.member.display_name for c, _p, _a in charges],
            {_("Share"): [float(c.amount) for c, _p, _a in charges]},
            title=_("Shares of the project (yuan)"),
        )
    code = ledger.project_fund(project)
    restricted = next((f for f in selectors.restricted_funds(fund) if f["code"] == code), None)
    return render(
        request,
        "finance/project.html",
        {
            "fund": fund,
            "project": project,
            "restricted": restricted,
            "charges": charges,
            "chart": chart,
            "level": level,
            "can_manage": services.can_manage(scope, fund),
        },
    )


@login_required
@require_POST
def charge_approve(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    charge = get_object_or_404(Charge, fund=fund, pk=pk)
    try:
        services.charge_approve(charge=charge, actor=request.user)
        messages.success(request, _("Share approved."))
    except (ValueError, OutOfScope) as exc:
        messages.error(request, str(exc))
    if charge.round_id:
        return redirect("finance_round", slug=slug, pk=charge.round_id)
    return redirect("finance_project", slug=slug, pk=charge.project_id)


def _sankey(settlement: Settlement, *, gross: bool) -> str:
    """Gross obligations (left: payers, right: payees) or netted transfers."""
    if gross:
        links = [
            (
                f.agreement.payer_id,
                f.agreement.payer.display_name,
                f.agreement.payee_id,
                f.agreement.payee.display_name,
                float(f.amount),
            )
            for f in settlement.flows.select_related("agreement__payer", "agreement__payee")
        ]
    else:
        links = [
            (t.payer_id, t.payer.display_name, t.payee_id, t.payee.display_name, float(t.amount))
            for t in settlement.transfers.select_related("payer", "payee")
        ]
    title = _("Obligations before netting (yuan)") if gross else _("Transfers after netting (yuan)")
    return charts.flows(links, title=title, height=360)


def settlement_view(request, slug: str, pk: int):
    scope, fund, level = fund_or_404(request, slug, full=True)
    s = get_object_or_404(selectors.settlement_list(fund=fund), pk=pk)
    positions = [(p, scope.acts_for(p.member_id)) for p in s.positions.all()]
    flows = s.flows.select_related("agreement__payer", "agreement__payee")
    if request.GET.get("format") in ("csv", "xlsx"):
        header = ["payer", "payee", "amount"]
        return _download(
            [[t.payer_id, t.payee_id, t.amount] for t in s.transfers.all()],
            header,
            f"settlement-{s.pk}",
            request.GET["format"],
        )
    return render(
        request,
        "finance/settlement.html",
        {
            "fund": fund,
            "settlement": s,
            "positions": positions,
            "flows": flows,
            "gross_chart": _sankey(s, gross=True),
            "net_chart": _sankey(s, gross=False) if s.transfers.exists() else "",
            "can_pay": services.can_manage(scope, fund),
            "my_members": [t.payer_id for t in s.transfers.all() if scope.acts_for(t.payer_id)],
            "level": level,
        },
    )


@login_required
@require_POST
def settlement_approve(request, slug: str, pk: int):
    _scope, fund, _level = fund_or_404(request, slug, full=True)
    s = get_object_or_404(Settlement, fund=fund, pk=pk)
    try:
        services.settlement_approve(settlement=s, actor=request.user)
        messages.success(request, _("Settlement approved."))
    except (ValueError, OutOfScope) as exc:
        messages.error(request, str(exc))
    return redirect("finance_settlement", slug=slug, pk=pk)


def _period(request) -> tuple[str, object, object]:
    period = request.GET.get("period") or str(timezone.localdate().year)
    try:
        date_from, date_to = ledger.period_bounds(period)
    except ValueError as exc:
        messages.error(request, str(exc))
        period = str(timezone.localdate().year)
        date_from, date_to = ledger.period_bounds(period)
    return period, date_from, date_to


def report(request, slug: str):
    """The statement of a period: income, expenditure by functional classification, net
    assets; CSV/XLSX with ``format=``; the close-period form for the secretariat."""
    scope, fund, level = fund_or_404(request, slug, full=True)
    period, date_from, date_to = _period(request)
    rep = selectors.fund_report(fund, date_from=date_from, date_to=date_to)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):
        header = ["section", "code", "name", "opening", "amount"]
        rows = [["income", r["code"], r["name"], "", r["amount"]] for r in rep["income"]]
        rows.append(["income", "", _("Total income"), "", rep["income_total"]])
        rows += [
            ["expenditure", r["code"], r["name"] or _("Not classified"), "", r["amount"]]
            for r in rep["expenditure"]
        ]
        rows.append(["expenditure", "", _("Total expenditure"), "", rep["expenditure_total"]])
        na = rep["net_assets"]
        rows.append(
            [
                "net_assets",
                ledger.UNRESTRICTED,
                _("Unrestricted net assets"),
                na["unrestricted"]["opening"],
                na["unrestricted"]["closing"],
            ]
        )
        rows += [
            ["net_assets", r["code"], r["name"], r["opening"], r["closing"]]
            for r in na["restricted"]
        ]
        rows.append(
            [
                "net_assets",
                "",
                _("Total net assets"),
                na["total"]["opening"],
                na["total"]["closing"],
            ]
        )
        return _download(rows, header, f"report-{fund.area.slug}-{period}", fmt)
    return render(
        request,
        "finance/report.html",
        {
            "fund": fund,
            "level": level,
            "period": period,
            "rep": rep,
            "periods": selectors.period_list(fund=fund),
            "can_manage": services.can_manage(scope, fund),
            "close_form": forms.PeriodCloseForm(initial={"period": period}),
        },
    )


def statement(request, slug: str, code: str):
    scope, fund, level = fund_or_404(request, slug, full=True)
    member = get_object_or_404(Jurisdiction, code=code)
    if member.code not in [m.code for m in ledger.fund_members(fund)] or not (
        selectors.may_see_member(scope, fund, member.code)
    ):
        raise Http404(_("No such statement in your scope."))
    period, date_from, date_to = _period(request)
    st = selectors.member_statement(fund, member, date_from=date_from, date_to=date_to)
    fmt = request.GET.get("format")
    if fmt in ("csv", "xlsx"):  # a long one becomes an export job
        rows = exports.statement_rows(st)
        return download_or_job(
            request,
            export=exports.STATEMENT,
            params={"fund": slug, "member": member.code, "period": period},
            fmt=fmt,
            rows=len(rows),
            build=lambda: ExportTable(
                filename=exports.statement_filename(fund, member.code, period),
                header=exports.STATEMENT_HEADER,
                rows=rows,
            ),
        )
    charges = selectors.charge_list(fund=fund, member=member.code)
    return render(
        request,
        "finance/statement.html",
        {
            "fund": fund,
            "member": member,
            "st": st,
            "period": period,
            "charges": [(c, services.charge_paid(c)) for c in charges],
            "level": level,
        },
    )
