"""A supported school against comparable schools without a partner: difference-in-differences.

For each indicator of :data:`DID_INDICATORS` (ratios of the school's raw statistics):

- **Start**: the earliest term start of a cooperation that came into force (any status but
  ``proposed``) in which the school is a school party other than the lead. ``before`` is the
  year before it, ``after`` the school's latest year with statistics (at least the start year).
- **Comparison set**: open schools of the same stage with no party in any cooperation that came
  into force, and with the indicator in both years, among the schools whose statistics the
  caller may read (so a figure never mixes in statistics the caller could not see). The set is
  taken from the school's county; with fewer than :data:`MIN_CONTROLS` there, from its city
  (first four digits of the code), then its province (first two). ``tier`` says which.
- **Estimate**: ``(y_after - y_before)`` of the school minus the mean of the same change over
  the comparison schools, with the uncertainty of ``algorithms.capacity.did_estimate`` (one
  treated school: ``se = s_c * sqrt(1 + 1/n_c)``, Student t with ``n_c - 1`` df, 95 %).

With no cooperation, no statistics in one of the two years or too few comparison schools there
is no estimate, and ``reason`` says why (a code the page words in the reader's language).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction

from django.db.models import Min

from xietong.accounts.scope import Scope
from xietong.algorithms.capacity import DidResult, did_estimate
from xietong.schools.models import School, SchoolStatistic

from .models import Party, PartyKind, PartyRole, Status

__all__ = [
    "DID_FORMULA",
    "DID_INDICATORS",
    "MIN_CONTROLS",
    "DidReport",
    "partner_start",
    "school_did",
]

#: code -> (numerator, denominator, scale): the indicator is ``scale * numerator / denominator``.
DID_INDICATORS: dict[str, tuple[str, str, int]] = {
    "backbone_per_100": ("teachers_backbone", "students", 100),
    "transfers_per_100": ("students_transferred_out", "students", 100),
}
MIN_CONTROLS = 3
LEVEL = 0.95
DID_FORMULA = (
    "(y[school, after] - y[school, before]) - mean_c(y[c, after] - y[c, before]); "
    "se = s_c * sqrt(1 + 1/n_c), t(n_c - 1)"
)
TIERS = (("county", 6), ("city", 4), ("province", 2))


@dataclass
class DidReport:
    """One indicator's estimate (``result``) or the ``reason`` there is none, with the years,
    the comparison tier and the records: the school's statistics and the comparison schools."""

    indicator: str
    start: date | None = None
    before: int | None = None
    after: int | None = None
    tier: str | None = None
    treated_before: Fraction | None = None
    treated_after: Fraction | None = None
    result: DidResult | None = None
    reason: str | None = None
    treated_records: list[int] = field(default_factory=list)
    controls: list[str] = field(default_factory=list)


def _partnered_schools():
    return Party.objects.filter(kind=PartyKind.SCHOOL, school__isnull=False).exclude(
        cooperation__status=Status.PROPOSED
    )


def partner_start(school: School) -> date | None:
    """The earliest term start of a cooperation that came into force in which the school is a
    school party other than the lead (None: it has no partner)."""
    return (
        _partnered_schools()
        .filter(school=school)
        .exclude(role=PartyRole.LEAD)
        .aggregate(first=Min("cooperation__term_start"))["first"]
    )


def _values(rows, code: str) -> dict[int, dict[int, Fraction]]:
    """school pk -> year -> indicator value, from (school, year, indicator, value) rows."""
    num, den, scale = DID_INDICATORS[code]
    raw: dict[tuple[int, int], dict[str, Fraction]] = {}
    for school, year, ind, value in rows:
        raw.setdefault((school, year), {})[ind] = Fraction(value)
    out: dict[int, dict[int, Fraction]] = {}
    for (school, year), v in raw.items():
        if num in v and v.get(den):
            out.setdefault(school, {})[year] = scale * v[num] / v[den]
    return out


def _stats(schools, years, code: str, scope: Scope | None):
    num, den, _ = DID_INDICATORS[code]
    qs = SchoolStatistic.objects.filter(
        school__in=schools, year__in=years, indicator_id__in=(num, den)
    )
    if scope is not None:
        qs = qs.filter(scope.statistics_q())
    return qs


def _controls(scope: Scope, school: School, years: tuple[int, int], code: str):
    """(tier, {school pk: (before, after)}, codes) of the first tier with enough schools."""
    for tier, digits in TIERS:
        candidates = (
            School.objects.filter(
                stage=school.stage, is_open=True, county__code__startswith=school.county_id[:digits]
            )
            .exclude(pk=school.pk)
            .exclude(pk__in=_partnered_schools().values("school_id"))
        )
        rows = _stats(candidates, years, code, scope).values_list(
            "school_id", "year", "indicator_id", "value"
        )
        values = _values(rows, code)
        pairs = {s: (v[years[0]], v[years[1]]) for s, v in values.items() if len(v) == 2}
        if len(pairs) >= MIN_CONTROLS:
            codes = dict(School.objects.filter(pk__in=pairs).values_list("pk", "code"))
            return tier, pairs, sorted(codes[s] for s in pairs)
    return None, {}, []


def _one(scope: Scope, school: School, code: str, start: date | None, latest: int | None):
    report = DidReport(code, start=start)
    if start is None:
        report.reason = "no_cooperation"
        return report
    report.before, report.after = start.year - 1, latest
    if latest is None or latest < start.year:
        report.reason = "no_year_after"
        return report
    years = (report.before, report.after)
    own = _stats([school], years, code, None)
    values = _values(own.values_list("school_id", "year", "indicator_id", "value"), code)
    mine = values.get(school.pk, {})
    if len(mine) < 2:
        report.reason = "no_values"
        return report
    report.treated_before, report.treated_after = mine[years[0]], mine[years[1]]
    report.treated_records = sorted(own.values_list("pk", flat=True))
    report.tier, pairs, report.controls = _controls(scope, school, years, code)
    if not pairs:
        report.reason = "too_few_controls"
        return report
    before = [b for b, _ in pairs.values()]
    after = [a for _, a in pairs.values()]
    report.result = did_estimate(
        [report.treated_before], [report.treated_after], before, after, level=LEVEL
    )
    return report


def school_did(*, scope: Scope, school: School) -> list[DidReport]:
    """One report per indicator of :data:`DID_INDICATORS`. Not scope-checked for the school
    itself (the capacity report calls it after checking); the comparison schools are limited
    to those whose statistics ``scope`` reads."""
    start = partner_start(school)
    latest = (
        SchoolStatistic.objects.filter(school=school)
        .order_by("-year")
        .values_list("year", flat=True)
        .first()
    )
    return [_one(scope, school, code, start, latest) for code in DID_INDICATORS]


def did_payload(r: DidReport) -> dict:
    res = r.result
    text = lambda v: None if v is None else str(v)  # noqa: E731
    return {
        "indicator": r.indicator,
        "start": None if r.start is None else r.start.isoformat(),
        "before": r.before,
        "after": r.after,
        "tier": r.tier,
        "reason": r.reason,
        "treated_before": text(r.treated_before),
        "treated_after": text(r.treated_after),
        "estimate": None if res is None else str(res.estimate),
        "estimate_float": None if res is None else float(res.estimate),
        "treated_change": None if res is None else str(res.treated_change),
        "control_change": None if res is None else str(res.control_change),
        "se": None if res is None else res.se,
        "ci_low": None if res is None else res.ci_low,
        "ci_high": None if res is None else res.ci_high,
        "level": LEVEL,
        "df": None if res is None else res.df,
        "method": None if res is None else res.method,
        "n_control": len(r.controls),
        "formula": DID_FORMULA,
        "records": {
            "treated": [
                {"model": "schools.schoolstatistic", "pk": str(pk)} for pk in r.treated_records
            ],
            "controls": [{"model": "schools.school", "pk": c} for c in r.controls],
        },
    }
