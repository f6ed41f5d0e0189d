"""API of the portfolio and of a supported school's capacity (every input with its records)."""

from __future__ import annotations

from ninja import Router, Schema

from xietong.accounts.auth import READ_AUTH
from xietong.api_support import found

from .capacity import capacity_payload, school_capacity
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


class PartnershipsCapacityOut(Schema):
    school: str
    years: list[PartnershipsCapacityYearOut]
    trend: PartnershipsTrendOut | None
    exit: PartnershipsExitOut | None


@router.get("/schools/{code}/capacity", response=PartnershipsCapacityOut, auth=READ_AUTH)
def school_capacity_api(request, code: str):
    """A supported school's capacity index per year, every input with the records behind it,
    the dependence trend and the exit-ready decision (rules: docs/partnerships-portfolio.md)."""
    report = found(school_capacity(scope=request.scope, code=code))
    return capacity_payload(report)


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
