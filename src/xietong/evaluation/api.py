import datetime as dt

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, found
from xietong.jobs.schemas import JobOut, accepted
from xietong.regions.models import CooperationArea, Jurisdiction

from . import job_kinds, selectors, services
from .gap import DASHBOARD_INDICATORS, FLOW_INDICATORS, gap_report

router = Router(tags=["evaluation"])


class RunOut(Schema):
    id: int
    standard_id: str
    standard_version: int
    stage: str
    year: int
    split_rule: str
    area: str | None
    jurisdiction: str | None
    fingerprint: str
    n_schools: int
    n_counties: int
    n_passing: int
    created_at: dt.datetime
    published_at: dt.datetime | None

    @staticmethod
    def resolve_area(obj):
        return obj.area.slug if obj.area_id else None

    @staticmethod
    def resolve_jurisdiction(obj):
        return obj.jurisdiction_id


class RunFilters(Schema):
    area: str | None = None
    jurisdiction: str | None = None
    standard: str | None = None
    year: int | None = None


@router.get(
    "/evaluations",
    response=list[RunOut],
    auth=READ_AUTH,
    summary="Evaluations: published ones, and drafts in the caller's scope",
)
@paginate(LimitOffset)
def runs(request, filters: Query[RunFilters]):
    return selectors.evaluation_list(scope=request.scope, **filters.dict())


class RunIn(Schema):
    standard: str
    stage: str
    year: int
    area: str | None = None
    jurisdiction: str | None = None
    split_rule: str | None = None


@router.post(
    "/evaluations",
    response={202: JobOut},
    auth=WRITE_AUTH,
    summary="Evaluate an area or jurisdiction against a standard (a job: 202, then GET its URL)",
)
def run_create(request, payload: RunIn, response: HttpResponse):
    area = get_object_or_404(CooperationArea, slug=payload.area) if payload.area else None
    j = get_object_or_404(Jurisdiction, code=payload.jurisdiction) if payload.jurisdiction else None
    job, _created = job_kinds.run_submit(
        standard=payload.standard,
        stage=payload.stage,
        year=payload.year,
        area=area,
        jurisdiction=j,
        split_rule=payload.split_rule,
        actor=request.actor,
    )
    return accepted(response, job)


def _get(request, run_id: int):
    run = found(selectors.evaluation_get(scope=request.scope, pk=run_id))
    return run


@router.get("/evaluations/{run_id}", response=RunOut, auth=READ_AUTH)
def run_detail(request, run_id: int):
    return _get(request, run_id)


class CountyOut(Schema):
    county: str
    name_zh: str
    status: str
    n_schools: int
    n_excluded: int
    enrolment: float
    composite_cv: float | None
    composite_threshold: float | None
    n_schools_passing: int | None
    school_pass_rate: float | None
    indicators: list[dict]
    reasons: list[dict]
    notes: list[dict]
    funding: dict | None = Field(
        None,
        description="Government-guarantee item 6: public operating funds against the base "
        "rates of 国发〔2015〕67号 (status meets/short/incomplete, counts, totals in yuan); "
        "the schools behind it are on the county page for the bureaus concerned",
    )

    @staticmethod
    def resolve_funding(obj):
        if obj.funding is None:
            return None
        return {k: v for k, v in obj.funding.items() if not k.endswith("_schools")}

    @staticmethod
    def resolve_county(obj):
        return obj.county_id

    @staticmethod
    def resolve_name_zh(obj):
        return obj.county.full_name_zh


@router.get(
    "/evaluations/{run_id}/counties",
    response=list[CountyOut],
    auth=READ_AUTH,
    summary="Each county's indicators, CVs, pass/fail and reasons",
)
def run_counties(request, run_id: int):
    return _get(request, run_id).counties.select_related("county")


class ShortfallOut(Schema):
    county: str
    school: str
    indicator: str
    value: float
    minimum: float
    shortfall: float
    ratio: float
    below_floor: bool

    @staticmethod
    def resolve_county(obj):
        return obj.county_id

    @staticmethod
    def resolve_school(obj):
        return obj.school.code


@router.get(
    "/evaluations/{run_id}/shortfalls",
    response=list[ShortfallOut],
    auth=WRITE_AUTH,
    summary="Schools below a minimum, and by how much (the schools the caller's role reaches)",
)
@paginate(LimitOffset)
def run_shortfalls(request, run_id: int, county: str | None = None):
    if not selectors.school_rows_visible(request.scope):
        raise HttpError(403, _("School rows are never public; county results are."))
    return selectors.shortfall_list(scope=request.scope, run=_get(request, run_id), county=county)


@router.post("/evaluations/{run_id}/publish", response=RunOut, auth=WRITE_AUTH)
def run_publish(request, run_id: int):
    return services.evaluation_publish(run=_get(request, run_id), actor=request.actor)


@router.get(
    "/evaluations/{run_id}/reproduce",
    auth=WRITE_AUTH,
    summary="Compare the stored input fingerprint with the current registry",
)
def run_reproduce(request, run_id: int):
    return services.evaluation_reproduce(run=_get(request, run_id), actor=request.actor)


@router.get(
    "/gap/{area}",
    auth=READ_AUTH,
    summary="Between-member and within-member inequality of an indicator over years",
)
def gap(request, area: str, indicator: str = "building_area_per_student", stage: str = "primary"):
    a = get_object_or_404(CooperationArea, slug=area)
    if indicator not in DASHBOARD_INDICATORS:
        raise HttpError(422, f"indicator must be one of {', '.join(DASHBOARD_INDICATORS)}")
    if stage not in ("primary", "junior", "senior", "all"):
        raise HttpError(422, _("stage must be primary, junior, senior or all"))
    if indicator in FLOW_INDICATORS:
        stage = "all"  # counties' teachers of every stage
    years = selectors.gap_years(scope=request.scope, area=a, years=selectors.statistics_years())
    report = gap_report(area=a, indicator=indicator, years=years, stage=stage, actor=request.actor)
    return {
        "area": a.slug,
        "indicator": indicator,
        "stage": stage,
        "unit": report.unit,
        "withheld": report.withheld,
        "members": [{"code": c, "name": n} for c, n in report.members],
        "years": report.rows(),
        "sigma_slope": report.sigma_slope,
        "sigma_declining": report.sigma_declining,
        "beta": report.beta,
        "beta_stderr": report.beta_stderr,
        "half_life": report.half_life,
    }
