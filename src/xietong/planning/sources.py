"""Measured indicators: the platform computes their actual values from the other apps.

Each source is a function ``(indicator, year, scope) -> (value, inputs)`` registered under a code;
``value`` is a float or Decimal (None when the year has no data: the indicator then has no value
for that year and does not count), ``inputs`` the codes and numbers it read, stored with the
actual so that the figure can be checked. Sources read other apps only through their selectors
and services. ``scope`` is the caller's (the secretariat computing the plan's actuals).

Sources and their formulas (docs/planning.md):

``gap_between``
    The Theil T between-member component of a per-student ratio over the area's schools, weighted
    by enrolment: ``T_B = sum_m (N_m / N) (mu_m / mu) ln(mu_m / mu)`` with ``N_m`` the students
    and ``mu_m`` the enrolment-weighted mean of member ``m`` (``evaluation.gap.gap_report``,
    ``GapYear.between_members``). Parameters: ``indicator`` (one of
    ``evaluation.gap.GAP_INDICATORS``), ``stage`` (``all`` by default). Area-wide only.
``member_mean``
    The enrolment-weighted mean ``mu_m`` of the ratio over the member's schools
    (``GapYear.member_means[member]``). Needs the indicator's member.
``counties_meeting``
    The number of counties with status ``pass`` in the latest *published* evaluation run of the
    area for ``standard``, ``stage`` and the year (``evaluation.selectors.evaluation_list``);
    with a member, only that member's counties. No published run: no value.
``fund_disbursed``
    The area fund's expenditure of the calendar year, in yuan: expense lines of the year, net of
    reversals, closing entries excluded (``finance.selectors.fund_report``,
    ``expenditure_total``). Area-wide only.
``capacity_index``
    A supported school's capacity index of the year (``partnerships.capacity.school_capacity``:
    the weighted mean of the components with data, docs/partnerships-portfolio.md). Parameter:
    ``school`` (its code). No statistics for the year, or the school not visible: no value.
``obligation_compliance``
    The share of the area's cooperation obligations met in the period of the year (``"2025"``),
    pooled over the computed results, ``met / assessed``
    (``partnerships.portfolio.area_portfolio``). Area-wide only. No result: no value.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from xietong.accounts.scope import Scope


@dataclass(frozen=True)
class MeasuredSource:
    code: str
    label: object
    fn: Callable
    member: str  # "none" (area-wide only), "required", "optional"
    params: tuple[str, ...]


SOURCES: dict[str, MeasuredSource] = {}


def register(code: str, label, *, member: str, params: tuple[str, ...] = ()):
    def wrap(fn):
        SOURCES[code] = MeasuredSource(code, label, fn, member, params)
        return fn

    return wrap


def _area(indicator):
    return indicator.plan.body.area


def _gap_year(indicator, year: int):
    from xietong.evaluation.gap import gap_report

    p = indicator.params
    report = gap_report(
        area=_area(indicator), indicator=p["indicator"], years=[year], stage=p.get("stage", "all")
    )
    return next((y for y in report.years if y.year == year), None)


@register(
    "gap_between",
    _("Theil between-member part of a per-student ratio"),
    member="none",
    params=("indicator", "stage"),
)
def gap_between(indicator, year: int, scope: Scope):
    y = _gap_year(indicator, year)
    if y is None:
        return None, {"year": year, "schools": 0}
    return y.between_members, {
        "indicator": indicator.params["indicator"],
        "stage": indicator.params.get("stage", "all"),
        "year": year,
        "schools": y.schools,
        "mean": y.mean,
        "theil_total": y.total,
        "between_members": y.between_members,
        "member_means": y.member_means,
    }


@register(
    "member_mean",
    _("A member's mean of a per-student ratio"),
    member="required",
    params=("indicator", "stage"),
)
def member_mean(indicator, year: int, scope: Scope):
    y = _gap_year(indicator, year)
    code = indicator.member_id
    if y is None or code not in y.member_means:
        return None, {"year": year, "member": code, "schools": 0}
    return y.member_means[code], {
        "indicator": indicator.params["indicator"],
        "stage": indicator.params.get("stage", "all"),
        "year": year,
        "member": code,
        "member_mean": y.member_means[code],
        "area_mean": y.mean,
        "schools": y.schools,
    }


@register(
    "counties_meeting",
    _("Counties meeting a standard (latest published evaluation)"),
    member="optional",
    params=("standard", "stage"),
)
def counties_meeting(indicator, year: int, scope: Scope):
    from xietong.evaluation.selectors import evaluation_list

    p = indicator.params
    run = (
        evaluation_list(scope=scope, area=_area(indicator).slug, standard=p["standard"], year=year)
        .filter(stage=p["stage"], published_at__isnull=False)
        .order_by("-published_at", "-pk")
        .first()
    )
    if run is None:
        return None, {"standard": p["standard"], "stage": p["stage"], "year": year, "run": None}
    statuses = list(run.counties.values_list("county_id", "status"))
    if indicator.member_id:
        prefix = indicator.member.prefix
        statuses = [(c, s) for c, s in statuses if c.startswith(prefix)]
    passing = sorted(c for c, s in statuses if s == "pass")
    return len(passing), {
        "standard": p["standard"],
        "stage": p["stage"],
        "year": year,
        "run": run.pk,
        "published_at": run.published_at.isoformat(),
        "counties": len(statuses),
        "passing": passing,
    }


@register("fund_disbursed", _("Fund disbursed in the year (yuan)"), member="none")
def fund_disbursed(indicator, year: int, scope: Scope):
    from xietong.finance.selectors import fund_get, fund_report

    fund, _level = fund_get(scope=scope, slug=_area(indicator).slug)
    if fund is None:
        return None, {"year": year, "fund": None}
    report = fund_report(fund, date_from=dt.date(year, 1, 1), date_to=dt.date(year, 12, 31))
    total = report["expenditure_total"]
    return total, {
        "year": year,
        "fund": fund.pk,
        "currency": report["currency"],
        "expenditure_total": str(total),
        "closed": report["closed"],
    }


@register(
    "capacity_index", _("Capacity index of a supported school"), member="none", params=("school",)
)
def capacity_index_source(indicator, year: int, scope: Scope):
    from xietong.partnerships.capacity import school_capacity

    code = indicator.params.get("school", "")
    report = school_capacity(scope=scope, code=code)
    result = None if report is None else next((r for r in report.results if r.year == year), None)
    if result is None or result.index is None:
        return None, {"school": code, "year": year}
    index = Decimal(result.index.numerator) / Decimal(result.index.denominator)
    return index, {"school": code, "year": year, "index": str(result.index)}


@register("obligation_compliance", _("Share of cooperation obligations met"), member="none")
def obligation_compliance_source(indicator, year: int, scope: Scope):
    from xietong.partnerships.portfolio import area_portfolio

    body = area_portfolio(scope=scope, slug=_area(indicator).slug)
    row = None if body is None else body["compliance"].get(str(year))
    if not row:
        return None, {"year": year, "period": str(year)}
    return Decimal(row["met"]) / Decimal(row["assessed"]), {"period": str(year), **row}


def source_check(*, kind: str, params: dict, member) -> str | None:
    """Why a measured indicator's definition cannot be computed, or None when it can."""
    from xietong.algorithms.standards import list_standards
    from xietong.evaluation.gap import GAP_INDICATORS

    src = SOURCES.get(kind)
    if src is None:
        return _("unknown measure %(k)s") % {"k": kind}
    if src.member == "none" and member is not None:
        return _("this measure is computed for the whole area; leave the member empty")
    if src.member == "required" and member is None:
        return _("this measure needs a member")
    if "indicator" in src.params and params.get("indicator") not in GAP_INDICATORS:
        return _("indicator: expected one of %(v)s") % {"v": ", ".join(GAP_INDICATORS)}
    if "standard" in src.params and params.get("standard") not in list_standards():
        return _("standard: expected one of %(v)s") % {"v": ", ".join(list_standards())}
    if "school" in src.params and not params.get("school"):
        return _("school: give the code of a school")
    if src.params == ("standard", "stage") and params.get("stage") not in ("primary", "junior"):
        return _("stage: expected primary or junior")
    return None
