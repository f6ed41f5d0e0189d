"""The gap between and within members: exact Theil decompositions over years and convergence."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
from django.utils.translation import gettext_lazy as _

from xietong.algorithms import inequality
from xietong.regions.models import CooperationArea
from xietong.schools.catalogue import DERIVED
from xietong.schools.selectors import statistics_cached

from .inputs import flow_panel, ratio_panel

#: the per-student ratios the gap dashboard and its API decompose (and planning's sources read)
GAP_INDICATORS = [d.code for d in DERIVED if d.denominator == "students"]

#: indicators the resources app provides per county and year: ``code -> (what is counted, name,
#: unit)``, the count read from ``resources.selectors.county_import_flows`` (docs/evaluation.md)
FLOW_INDICATORS = {
    "resource_imports_per_100_teachers": (
        "imports",
        _("Resource imports per 100 teachers"),
        _("imports per 100 teachers"),
    ),
    "resource_exports_per_100_teachers": (
        "exports",
        _("Resource exports per 100 teachers"),
        _("imports by others per 100 teachers"),
    ),
}

#: every indicator the gap dashboard's picker and the gap API offer
DASHBOARD_INDICATORS = [*GAP_INDICATORS, *FLOW_INDICATORS]
#: the dashboard's landing view (evaluation.warm computes it as a web process starts)
DEFAULT_INDICATOR = "building_area_per_student"
DEFAULT_STAGE = "primary"


@dataclass(frozen=True)
class GapYear:
    year: int
    schools: int
    mean: float
    total: float
    between_members: float
    between_counties: float  # between counties within members
    within_counties: float
    cv: float
    gini: float
    member_means: dict[str, float]
    member_cv: dict[str, float]


@dataclass(frozen=True)
class GapReport:
    indicator: str
    stage: str
    members: tuple[tuple[str, str], ...]  # (code, label)
    years: tuple[GapYear, ...]
    sigma_slope: float | None
    sigma_declining: bool | None
    beta: float | None
    beta_stderr: float | None
    half_life: float | None
    unit: str = "schools"  # what ``GapYear.schools`` counts: schools, or counties (flows)
    withheld: int = 0  # county-years left out: a count of 1 to 4 withheld from this reader

    def rows(self) -> list[dict]:
        """One dict a year (the CSV download and the API): the second key says what the units
        are, ``schools`` or ``counties`` (``unit``), and holds how many were decomposed."""
        out = []
        for y in self.years:
            row = {
                "year": y.year,
                self.unit: y.schools,
                "mean": y.mean,
                "theil_t": y.total,
                "between_members": y.between_members,
                "between_counties_within_members": y.between_counties,
                "within_counties": y.within_counties,
                "cv": y.cv,
                "gini": y.gini,
            }
            for code, _label in self.members:
                row[f"mean_{code}"] = y.member_means.get(code)
                row[f"cv_{code}"] = y.member_cv.get(code)
            out.append(row)
        return out


def gap_report(
    *,
    area: CooperationArea,
    indicator: str,
    years: list[int],
    stage: str = "all",
    actor=None,
) -> GapReport:
    """The decomposition of ``indicator`` over the area's schools in ``years``: computed once per
    statistics version (``schools.selectors.statistics_cached``) for the area's members as they
    stand, since it reads every school value of the area.

    A resource-flow indicator (``FLOW_INDICATORS``) is decomposed over the area's counties
    instead, each weighted by its teachers, as ``actor`` may see the counts (no actor: the
    public); it is not cached, the usage events changing apart from the statistics."""
    members = tuple(
        (m.jurisdiction.code, m.jurisdiction.prefix, m.jurisdiction.name)
        for m in area.memberships.select_related("jurisdiction")
    )
    if indicator in FLOW_INDICATORS:
        prefixes = [p for _c, p, _n in members]
        panel, withheld = flow_panel(
            prefixes=prefixes, count=FLOW_INDICATORS[indicator][0], years=years, actor=actor
        )
        report = _decompose(members=list(members), indicator=indicator, stage="all", panel=panel)
        return dataclasses.replace(report, unit="counties", withheld=withheld)
    return statistics_cached(
        "gap_report",
        (members, indicator, tuple(years), stage),
        lambda: _gap_report(members=list(members), indicator=indicator, years=years, stage=stage),
    )


def _by_county(values, weights, county) -> tuple[dict[str, float], dict[str, float]]:
    """Each county's enrolment-weighted mean and enrolment: one stable sort, then each county's
    slice in the schools' own order (the same sums as selecting them one county at a time)."""
    codes, inverse = np.unique(county.astype(str), return_inverse=True)
    order = np.argsort(inverse, kind="stable")
    bounds = np.searchsorted(inverse[order], np.arange(len(codes) + 1))
    cm, cw = {}, {}
    for i, c in enumerate(codes):
        sel = order[bounds[i] : bounds[i + 1]]
        cm[str(c)] = float(np.average(values[sel], weights=weights[sel]))
        cw[str(c)] = float(weights[sel].sum())
    return cm, cw


def _gap_report(
    *, members: list[tuple[str, str, str]], indicator: str, years: list[int], stage: str
) -> GapReport:
    prefixes = [p for _c, p, _n in members]
    panel = ratio_panel(prefixes=prefixes, indicator=indicator, years=years, stage=stage)
    return _decompose(members=members, indicator=indicator, stage=stage, panel=panel)


def _decompose(
    *, members: list[tuple[str, str, str]], indicator: str, stage: str, panel: dict
) -> GapReport:
    """The report over a panel of units (schools, or counties) with their values, weights and
    counties per year."""
    out = []
    county_means: dict[int, dict[str, float]] = {}
    county_weights: dict[int, dict[str, float]] = {}
    for year in sorted(panel):
        d = panel[year]
        values, weights, county = d["values"], d["weights"], d["county"]
        member = np.empty(len(county), dtype=object)
        for code, prefix, _n in members:
            member[np.char.startswith(county.astype(str), prefix)] = code
        ok = member != None  # noqa: E711  (schools of a county outside every member)
        values, weights, county, member = values[ok], weights[ok], county[ok], member[ok]
        if len(values) < 2 or not np.any(values > 0):
            continue
        dec = inequality.decompose(
            values, [member.astype(str), county.astype(str)], weights=weights, measure="theil_t"
        )
        m_means, m_cv = {}, {}
        for code, _p, _n in members:
            sel = member == code
            if sel.sum() >= 1:
                m_means[code] = float(np.average(values[sel], weights=weights[sel]))
                m_cv[code] = inequality.cv(values[sel], weights[sel]) if sel.sum() > 1 else 0.0
        county_means[year], county_weights[year] = _by_county(values, weights, county)
        out.append(
            GapYear(
                year=year,
                schools=int(len(values)),
                mean=float(np.average(values, weights=weights)),
                total=dec.total,
                between_members=dec.levels[0].between,
                between_counties=dec.levels[1].between,
                within_counties=dec.within,
                cv=inequality.cv(values, weights),
                gini=inequality.gini(values, weights),
                member_means=m_means,
                member_cv=m_cv,
            )
        )
    sigma_slope = sigma_declining = beta = beta_se = half_life = None
    common = None
    for y in county_means:
        common = set(county_means[y]) if common is None else common & set(county_means[y])
    ys = sorted(county_means)
    if len(ys) >= 2 and common and len(common) >= 3:
        cs = sorted(common)
        mat = np.array([[county_means[y][c] for c in cs] for y in ys]).T
        wts = np.array([[county_weights[y][c] for c in cs] for y in ys]).T
        sig = inequality.sigma_convergence(mat, weights_by_year=wts, measure="cv", years=ys)
        sigma_slope, sigma_declining = float(sig.slope), bool(sig.declining)
        if np.all(mat > 0):
            b = inequality.beta_convergence(
                mat[:, 0], mat[:, -1], years=ys[-1] - ys[0], weights=wts[:, 0]
            )
            beta, beta_se = float(b.beta), float(b.stderr)
            half_life = float(b.half_life) if np.isfinite(b.half_life) else None
    return GapReport(
        indicator=indicator,
        stage=stage,
        members=tuple((c, n) for c, _p, n in members),
        years=tuple(out),
        sigma_slope=sigma_slope,
        sigma_declining=sigma_declining,
        beta=beta,
        beta_stderr=beta_se,
        half_life=half_life,
    )
