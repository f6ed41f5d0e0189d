"""API of the portfolio and of a supported school's capacity (every input with its records)."""

from __future__ import annotations

import datetime as dt

from ninja import Router, Schema, Status

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import found
from xietong.schools.selectors import school_get

from . import services
from .capacity import capacity_payload, school_capacity, survey_payload
from .portfolio import area_portfolio

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


class PartnershipsSurveyOut(Schema):
    pk: int
    year: int
    respondents: int
    satisfied: int
    share: str
    share_float: float
    meets_line: bool
    conducted_by: str
    conducted_on: str
    source: str


class PartnershipsDidRecordsOut(Schema):
    treated: list[PartnershipsRecordOut]
    controls: list[PartnershipsRecordOut]


class PartnershipsDidOut(Schema):
    indicator: str
    start: str | None
    before: int | None
    after: int | None
    tier: str | None
    reason: str | None
    treated_before: str | None
    treated_after: str | None
    estimate: str | None
    estimate_float: float | None
    treated_change: str | None
    control_change: str | None
    se: float | None
    ci_low: float | None
    ci_high: float | None
    level: float
    df: float | None
    method: str | None
    n_control: int
    formula: str
    records: PartnershipsDidRecordsOut


class PartnershipsCapacityOut(Schema):
    school: str
    years: list[PartnershipsCapacityYearOut]
    trend: PartnershipsTrendOut | None
    exit: PartnershipsExitOut | None
    surveys: list[PartnershipsSurveyOut]
    did: list[PartnershipsDidOut]


@router.get("/schools/{code}/capacity", response=PartnershipsCapacityOut, auth=READ_AUTH)
def school_capacity_api(request, code: str):
    """A supported school's capacity index per year, every input with the records behind it,
    the dependence trend, the exit-ready decision, its satisfaction surveys and, per indicator,
    the difference-in-differences against comparable schools without a partner (estimate, se,
    interval, comparison schools; rules: docs/partnerships-portfolio.md)."""
    report = found(school_capacity(scope=request.scope, code=code))
    return capacity_payload(report)


class PartnershipsSurveyIn(Schema):
    year: int
    respondents: int
    satisfied: int
    conducted_by: str
    conducted_on: dt.date
    source: str


@router.post(
    "/schools/{code}/satisfaction-surveys",
    response={201: PartnershipsSurveyOut},
    auth=WRITE_AUTH,
    summary="Record a school's satisfaction survey of a year (replaces that year's)",
)
def satisfaction_survey_api(request, code: str, body: PartnershipsSurveyIn):
    """The result of a satisfaction survey at the school: respondents, satisfied, who ran it,
    when and the source document. The school's bureaus or the secretariat of an area it lies in
    record it (403 otherwise); the capacity index reads it against the 85 % line of
    教督〔2017〕6号 (rules: docs/partnerships-portfolio.md)."""
    school = found(school_get(scope=request.scope, code=code))
    row = services.satisfaction_survey_record(actor=request.actor, school=school, **body.dict())
    return Status(201, survey_payload(row))


class PartnershipsComplianceOut(Schema):
    assessed: int
    met: int
    unmet: int
    share: str


class PartnershipsMatrixCellOut(Schema):
    a: str
    b: str
    cooperations: int


class PartnershipsPublicationFiguresOut(Schema):
    cooperations: int
    assessed: int
    met: int
    unmet: int
    share: str


class PartnershipsPublicationOut(Schema):
    published_at: str
    figures: PartnershipsPublicationFiguresOut


class PartnershipsPortfolioOut(Schema):
    area: str
    member: str
    cooperations: int
    by_kind: dict[str, int]
    by_origin: dict[str, int]
    by_status: dict[str, int]
    by_member: dict[str, int]
    by_content: dict[str, int]
    by_subject: dict[str, int]
    by_party_kind: dict[str, int]
    by_area_member: dict[str, int]
    matrix: list[PartnershipsMatrixCellOut]
    compliance: dict[str, PartnershipsComplianceOut]
    publications: dict[str, PartnershipsPublicationOut]


@router.get("/partnerships/portfolio/{area}", response=PartnershipsPortfolioOut, auth=READ_AUTH)
def portfolio_api(request, area: str, member: str = ""):
    """An area's cooperations as the caller sees them: counts by kind, origin, status, content,
    subject, kind of party (jurisdiction, school, social), member (``by_member``: province-level
    code; ``by_area_member``: the area's own members), the member x member ``matrix``
    (cooperations with a party in ``a`` and another in ``b``), obligation compliance per period
    (pooled: met / assessed) and when each period's figures were published. ``member`` (a
    member's code) narrows to the cooperations with a party in it; 404 when it is no member or
    the caller may not read that member's portfolio (rules: docs/partnerships-portfolio.md)."""
    body = found(area_portfolio(scope=request.scope, slug=area, member=member.strip() or None))
    return body
