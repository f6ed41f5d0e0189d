"""The portfolio page of an area or of one member (issue 14, section 3): breakdowns by model,
content, subject, kind of party and origin, each a chart with its table; the member x member
matrix as a heat map and a table; a map of the members' cooperations; the plan -> task ->
cooperation -> activity tree with its stated rule; compliance per period with the dates the
figures were published. Thin: the selectors count, the roll-up adds, the service publishes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from xietong.accounts.scope import scope_for
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.talent.models import Subject
from xietong.web import charts, maps
from xietong.web.actions import run_service

from . import services
from .models import Cooperation, CooperationKind, Measure, Origin, PartyKind, Status
from .portfolio import (
    CONTENTS,
    area_members,
    area_portfolio,
    cooperations_visible,
    portfolio_cached,
    scope_parts,
)
from .portfolio import member_cooperations as with_member
from .portfolio_tree import HIDDEN, MONEY_MEASURES, UNPLANNED, portfolio_tree

MONEY_LABELS = {
    "disbursed": gettext_lazy("Disbursed (yuan)"),
    "donated": gettext_lazy("Donated, earmarked (yuan)"),
}


def _yuan(amount) -> str:
    """An exact Fraction of yuan (sums of amounts to the fen) with two places and groups."""
    value = Decimal(amount.numerator) / Decimal(amount.denominator)
    return f"{value.quantize(Decimal('0.01')):,}"


def _amounts(node) -> list[tuple[str, object, int]]:
    """Per measure with a value under ``node``: its label, the sum, and how many are behind it;
    the obligations' measures first, then money (yuan, to the fen)."""
    rows = [
        (str(Measure(m).label), node.amounts[m], node.valued[m])
        for m in Measure.values
        if m in node.amounts
    ]
    return rows + [
        (str(MONEY_LABELS[m]), _yuan(node.amounts[m]), node.valued[m])
        for m in MONEY_MEASURES
        if m in node.amounts
    ]


PARTY_KIND_LABELS = {
    PartyKind.JURISDICTION: gettext_lazy("Government (bureau)"),
    PartyKind.SCHOOL: gettext_lazy("School"),
    PartyKind.SOCIAL: gettext_lazy("Social force"),
}


def _content_labels() -> dict:
    return {c: Cooperation._meta.get_field(f"covers_{c}").verbose_name for c in CONTENTS}


def _list_url(**filters) -> str:
    """The cooperation list filtered so that it holds the records behind a figure."""
    return reverse("partnerships_home") + "?" + urlencode({k: v for k, v in filters.items() if v})


def _breakdowns(body: dict) -> list[dict]:
    """(id, heading, filter key, counts, labels) of every breakdown the page charts."""
    specs = [
        ("by-kind", _("By model"), "kind", body["by_kind"], dict(CooperationKind.choices)),
        ("by-content", _("By content"), "content", body["by_content"], _content_labels()),
        ("by-subject", _("By subject"), "subject", body["by_subject"], dict(Subject.choices)),
        ("by-party-kind", _("By kind of party"), "party_kind", body["by_party_kind"],
         PARTY_KIND_LABELS),
        ("by-origin", _("By origin"), "origin", body["by_origin"], dict(Origin.choices)),
        ("by-status", _("By status"), "", body["by_status"], dict(Status.choices)),
    ]  # fmt: skip
    out = []
    for ident, heading, key, counts, labels in specs:
        rows = [
            {
                "label": str(labels.get(code, code)),
                "n": n,
                "url": _list_url(area=body["area"], member=body["member"], **{key: code})
                if key
                else "",
            }
            for code, n in counts.items()
        ]
        chart = charts.bars(
            [r["label"] for r in rows],
            {_("Cooperations"): [r["n"] for r in rows]},
            title=heading,
            ytitle=_("Cooperations"),
        )
        out.append({"id": ident, "heading": heading, "rows": rows, "chart": chart})
    return out


def _matrix(body: dict, members: list[Jurisdiction]) -> dict:
    names = {m.code: m.display_name for m in members}
    cell = {(c["a"], c["b"]): c["cooperations"] for c in body["matrix"]}
    codes = [m.code for m in members]
    rows = [
        {
            "name": names[a],
            "cells": [
                {"n": cell[(a, b)], "url": _list_url(area=body["area"], member=a, partner=b)}
                for b in codes
            ],
        }
        for a in codes
    ]
    labels = [names[c] for c in codes]
    heat = charts.heatmap(
        labels,
        labels,
        [[cell[(a, b)] for b in codes] for a in codes],
        title=_("Cooperations linking two members"),
        label=_("cooperations"),
    )
    return {"columns": labels, "rows": rows, "chart": heat}


def _map(scope, body: dict, members: list[Jurisdiction]) -> str:
    links = [
        (c["a"], c["b"], c["cooperations"])
        for c in body["matrix"]
        if c["a"] < c["b"] and c["cooperations"]
    ]
    return maps.count_map(
        scope=scope,
        units=[(m, body["by_area_member"][m.code]) for m in members],
        title=_("Cooperations per member"),
        label=_("Cooperations"),
        links=links,
    )


def _tree_rows(node, items: dict, body: dict) -> dict:
    """The rolled-up node with what the page shows: label, link to its record and to the
    filtered list of the cooperations under it."""
    item = items.get(node.key)
    area, member = body["area"], body["member"]
    label, record_url, list_url = (item.label if item else node.key), "", ""
    if node.key == UNPLANNED:
        label, list_url = _("Not in a joint plan"), _list_url(area=area, member=member, task="none")
    elif node.key == HIDDEN:
        label = _("In a plan you cannot read")
    elif node.level == "plan" and node.key != "area":
        record_url = reverse("planning_plan", args=[item.plan])
        list_url = _list_url(area=area, member=member, plan=item.plan)
    elif node.level == "task":
        record_url = reverse("planning_plan", args=[item.plan])
        list_url = _list_url(area=area, member=member, task=item.task)
    elif node.level == "cooperation":
        record_url = reverse("partnerships_cooperation", args=[item.cooperation.pk])
    elif node.key == "area":
        list_url = _list_url(area=area, member=member)
    return {
        "node": node,
        "label": label,
        "record_url": record_url,
        "list_url": list_url,
        "amounts": _amounts(node),
        "children": [_tree_rows(c, items, body) for c in node.children if c.level != "activity"],
        "activities": sum(c.records for c in node.children if c.level == "activity"),
    }


def _figures(scope, user, area: CooperationArea, member, members, asked: str) -> dict | None:
    """Everything the page shows that follows from the portfolio (counts, charts, map, the
    rendered tree); None when the caller may not read it."""
    body = area_portfolio(scope=scope, slug=area.slug, member=member.code if member else None)
    if body is None:
        return None
    names = {j.code: j.name for j in Jurisdiction.objects.filter(code__in=list(body["by_member"]))}
    period = asked or max(body["compliance"], default=str(dt.date.today().year))
    qs = cooperations_visible(scope).filter(area=area)
    if member is not None:
        qs = with_member(qs, member)
    tree, items = portfolio_tree(scope=scope, area=area, cooperations=qs, period=period, user=user)
    publications = body["publications"]
    return {
        "body": body,
        "breakdowns": _breakdowns(body),
        "province_members": [(c, names.get(c, c), n) for c, n in body["by_member"].items()],
        "area_members": [
            (m, body["by_area_member"][m.code], _list_url(area=area.slug, member=m.code))
            for m in members
        ],
        "matrix": _matrix(body, members),
        "map": _map(scope, body, members),
        "period": period,
        "tree_html": render_to_string(
            "partnerships/includes/portfolio_node.html",
            {"row": _tree_rows(tree, items, body), "open": True},
        ),
        "periods": [(p, c, publications.get(p)) for p, c in body["compliance"].items()],
    }


def _render(request, area: CooperationArea, member: Jurisdiction | None):
    """The page from the figures cached under the portfolio token (and what else they depend
    on: the caller's scope and readable plans, the area's members, the outlines, the language,
    the period asked); only the request's own parts (publish form, links) are made each time."""
    from xietong.planning.selectors import plan_list
    from xietong.regions.selectors import boundaries_version

    scope = scope_for(request.user)
    members = area_members(area)
    asked = (request.GET.get("period") or "").strip()[:7]
    plans = plan_list(scope=scope, user=request.user).filter(body__area=area)
    parts = (
        area.slug,
        member.code if member else "",
        asked,
        get_language(),
        scope_parts(scope),
        tuple((m.code, m.name) for m in members),
        tuple(plans.values_list("pk", flat=True)),
        boundaries_version(),
    )
    shown = portfolio_cached(
        "page", parts, lambda: _figures(scope, request.user, area, member, members, asked)
    )
    if shown is None:
        raise Http404
    ctx = {
        **shown,
        "area": area,
        "member": member,
        "members": members,
        "can_publish": member is None and scope.can_manage_area(area.pk),
        "api_url": f"/api/partnerships/portfolio/{area.slug}"
        + (f"?member={member.code}" if member else ""),
    }
    return render(request, "partnerships/portfolio.html", ctx)


def portfolio_page(request, area: str):
    """The area's portfolio; ``?member=<code>`` is the member's (as its own URL)."""
    found = CooperationArea.objects.filter(slug=area).first()
    if found is None:
        raise Http404
    member = (request.GET.get("member") or "").strip()[:12]
    if member:
        return portfolio_member_page(request, area, member)
    return _render(request, found, None)


def portfolio_member_page(request, area: str, member: str):
    """One member's portfolio: 404 for an unknown area or member, and for a reader who may not
    read that member's portfolio (partnerships.portfolio.member_readable)."""
    found = CooperationArea.objects.filter(slug=area).first()
    chosen = (
        None if found is None else next((m for m in area_members(found) if m.code == member), None)
    )
    if chosen is None:
        raise Http404
    return _render(request, found, chosen)


@login_required
@require_POST
def portfolio_publish(request, area: str):
    """Publish the area's figures of a period (the secretariat; the service checks again)."""
    found = CooperationArea.objects.filter(slug=area).first()
    if found is None:
        raise Http404
    period = (request.POST.get("period") or "").strip()[:10]
    run_service(
        request,
        lambda: services.portfolio_publish(actor=request.user, area=found, period=period),
        _("Figures of %(p)s published.") % {"p": period},
    )
    return redirect("partnerships_portfolio", area=found.slug)
