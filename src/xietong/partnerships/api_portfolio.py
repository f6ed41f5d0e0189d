"""API of the portfolio and of a supported school's capacity (every input with its records)."""

from __future__ import annotations

from fractions import Fraction

from ninja import Router, Schema
from ninja.errors import HttpError

from xietong.accounts.auth import READ_AUTH

from .capacity import CapacityReport, school_capacity

router = Router(tags=["partnerships"])


class PartnershipsRecordOut(Schema):
    model: str
    pk: str


class PartnershipsComponentOut(Schema):
    code: str
    state: str
    ratio: str | None
    value: str | None
    weight: str
    formula: str
    meets_line: bool | None


class PartnershipsCapacityYearOut(Schema):
    year: int
    index: str | None
    index_float: float | None
    components: list[PartnershipsComponentOut]
    inputs: dict[str, str | None]
    records: dict[str, list[PartnershipsRecordOut]]


class PartnershipsTrendOut(Schema):
    years: list[int]
    shares: list[str]
    slope: str
    slope_se: float | None
    fte_slope: str


class PartnershipsExitOut(Schema):
    ready: bool
    failed: list[str]


class PartnershipsCapacityOut(Schema):
    school: str
    years: list[PartnershipsCapacityYearOut]
    trend: PartnershipsTrendOut | None
    exit: PartnershipsExitOut | None


def _text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)


INPUT_NAMES = (
    "own_lessons",
    "partner_lessons",
    "seconded_fte",
    "students",
    "backbone_teachers",
    "trained_1y",
    "retained_1y",
    "trained_3y",
    "retained_3y",
    "reused_resources",
    "satisfaction",
    "transfers_out",
)


def _year(traced, result) -> dict:
    return {
        "year": traced.year,
        "index": _text(result.index),
        "index_float": None if result.index is None else float(result.index),
        "components": [
            {
                "code": c.code,
                "state": c.state,
                "ratio": _text(c.ratio),
                "value": _text(c.value),
                "weight": str(c.weight),
                "formula": c.formula,
                "meets_line": c.meets_line,
            }
            for c in result.components
        ],
        "inputs": {n: _text(getattr(traced.inputs, n)) for n in INPUT_NAMES},
        "records": {
            n: [{"model": r.model, "pk": str(r.pk)} for r in refs]
            for n, refs in traced.trace.items()
        },
    }


def capacity_payload(report: CapacityReport) -> dict:
    """The report as plain data (the API's body, also the page's table)."""
    t, e = report.trend, report.exit
    return {
        "school": report.school.code,
        "years": [_year(tr, r) for tr, r in zip(report.years, report.results, strict=True)],
        "trend": None
        if t is None
        else {
            "years": list(t.years),
            "shares": [str(s) for s in t.shares],
            "slope": str(t.slope),
            "slope_se": t.slope_se,
            "fte_slope": str(t.fte_slope),
        },
        "exit": None if e is None else {"ready": e.ready, "failed": list(e.failed)},
    }


@router.get("/schools/{code}/capacity", response=PartnershipsCapacityOut, auth=READ_AUTH)
def school_capacity_api(request, code: str):
    """A supported school's capacity index per year, every input with the records behind it,
    the dependence trend and the exit-ready decision (rules: docs/partnerships-portfolio.md)."""
    report = school_capacity(scope=request.scope, code=code)
    if report is None:
        raise HttpError(404, "Not found")
    return capacity_payload(report)
