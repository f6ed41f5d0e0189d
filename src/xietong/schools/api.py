from decimal import Decimal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import ImportRefusedOut, LimitOffset, PatchIn, found, import_refused
from xietong.jobs.imports import runs_as_job
from xietong.jobs.schemas import JobOut, accepted
from xietong.regions.selectors import jurisdiction_get
from xietong.tabular.uploads import read_upload
from xietong.web.downloads import table_download

from . import selectors, services
from .job_kinds import statistics_import_submit
from .models import Indicator
from .tabular import ImportFailed

router = Router(tags=["schools"])


class IndicatorOut(Schema):
    code: str
    kind: str
    name_zh: str
    name_en: str
    unit_zh: str
    unit_en: str
    definition_zh: str
    definition_en: str
    numerator: str | None
    denominator: str | None
    scale: Decimal
    integral: bool

    @staticmethod
    def resolve_numerator(obj):
        return obj.numerator_id

    @staticmethod
    def resolve_denominator(obj):
        return obj.denominator_id


@router.get(
    "/indicators", response=list[IndicatorOut], auth=READ_AUTH, summary="Indicator catalogue"
)
def indicators(request):
    return Indicator.objects.all()


class SchoolOut(Schema):
    code: str
    name_zh: str
    name_en: str
    stage: str
    school_type: str  # 办学类型 code (218 = teaching point); empty when not recorded
    county: str
    county_name_zh: str
    location: str
    ownership: str
    longitude: float | None
    latitude: float | None
    is_open: bool
    is_synthetic: bool

    @staticmethod
    def resolve_county(obj):
        return obj.county_id

    @staticmethod
    def resolve_county_name_zh(obj):
        return obj.county.full_name_zh


class SchoolFilters(Schema):
    within: str | None = None
    area: str | None = None
    stage: str | None = None
    location: str | None = None
    ownership: str | None = None
    is_open: bool | None = None
    q: str | None = None


@router.get(
    "/schools", response=list[SchoolOut], auth=READ_AUTH, summary="Schools in the caller's scope"
)
@paginate(LimitOffset)
def schools(request, filters: Query[SchoolFilters]):
    return selectors.school_list(scope=request.scope, **filters.dict())


@router.get("/schools/{code}", response=SchoolOut, auth=READ_AUTH)
def school(request, code: str):
    return found(selectors.school_get(scope=request.scope, code=code))


class SchoolIn(Schema):
    code: str
    county: str
    name_zh: str
    name_en: str = ""
    stage: str = ""  # may be left out when school_type gives it
    school_type: str = ""
    location: str
    ownership: str = "public"
    longitude: float | None = None
    latitude: float | None = None


@router.post(
    "/schools", response={201: SchoolOut}, auth=WRITE_AUTH, summary="Register a school (bureau)"
)
def school_create(request, payload: SchoolIn):
    data = payload.dict()
    s = services.school_create(county_code=data.pop("county"), actor=request.actor, **data)
    return Status(201, s)


class SchoolPatch(PatchIn):
    NULLABLE = frozenset({"longitude", "latitude"})

    name_zh: str | None = None
    name_en: str | None = None
    stage: str | None = None
    school_type: str | None = None
    location: str | None = None
    ownership: str | None = None
    longitude: float | None = None
    latitude: float | None = None
    is_open: bool | None = None


@router.patch(
    "/schools/{code}", response=SchoolOut, auth=WRITE_AUTH, summary="Change a school (bureau)"
)
def school_patch(request, code: str, payload: SchoolPatch):
    s = found(selectors.school_get(scope=request.scope, code=code))
    return services.school_update(school=s, actor=request.actor, **payload.dict(exclude_unset=True))


class StatisticOut(Schema):
    school: str
    year: int
    indicator: str
    value: Decimal

    @staticmethod
    def resolve_school(obj):
        return obj.school.code

    @staticmethod
    def resolve_indicator(obj):
        return obj.indicator_id


class StatisticFilters(Schema):
    school: str | None = None
    year: int | None = None
    indicator: str | None = None
    within: str | None = None


@router.get(
    "/statistics",
    response=list[StatisticOut],
    auth=READ_AUTH,
    summary="School-level statistics in the caller's scope (never public)",
)
@paginate(LimitOffset)
def statistics(request, filters: Query[StatisticFilters]):
    return selectors.statistics_list(scope=request.scope, **filters.dict())


class StatisticsIn(Schema):
    values: dict[str, Decimal]


class WriteOut(Schema):
    created: int
    updated: int


@router.put(
    "/schools/{code}/statistics/{year}",
    response=WriteOut,
    auth=WRITE_AUTH,
    summary="Set raw values of one school-year",
)
def statistics_put(request, code: str, year: int, payload: StatisticsIn):
    s = found(selectors.school_registry_get(code))
    try:
        created, updated = services.statistics_set(
            school=s, year=year, values=payload.values, actor=request.actor
        )
    except ImportFailed as exc:
        from ninja.errors import HttpError

        raise HttpError(422, "; ".join(str(p) for p in exc.problems)) from exc
    return WriteOut(created=created, updated=updated)


class StatisticsImportOut(Schema):
    file: str
    sha256: str
    values: int
    rows: int
    schools: int
    years: list[int]
    created: int
    updated: int
    encoding: str | None = None  # how a CSV file's text was read ("UTF-8", "GB18030", ...)


@router.post(
    "/statistics/import",
    response={
        200: StatisticsImportOut,
        202: JobOut,
        413: ImportRefusedOut,
        422: ImportRefusedOut,
    },
    auth=WRITE_AUTH,
    summary="Import a CSV/XLSX statistics file: all of it or nothing (a large file: 202, a job)",
)
def statistics_import(request, file: File[UploadedFile], response: HttpResponse):
    try:
        data = read_upload(file)
        if runs_as_job(data):  # past XIETONG_IMPORT_JOB_BYTES: a worker imports it
            job, _created = statistics_import_submit(
                data=data, filename=file.name, actor=request.actor
            )
            return accepted(response, job)
        r = services.statistics_import(data=data, filename=file.name, actor=request.actor)
    except ValueError as exc:  # ImportFailed with its problems, or a file that cannot be read
        return import_refused(exc, file.name)
    return Status(200, StatisticsImportOut(**{**r.__dict__, "years": list(r.years)}))


class AggregateFilters(Schema):
    level: str = "province"
    within: str | None = None
    area: str | None = None
    year: int | None = None
    indicators: str | None = None


@router.get(
    "/aggregates",
    auth=READ_AUTH,
    summary="Totals and ratios per jurisdiction and year (public: released years only)",
)
def aggregates(request, filters: Query[AggregateFilters], format: str = "json"):
    data = filters.dict()
    if data["level"] not in ("province", "prefecture", "county"):
        from ninja.errors import HttpError

        raise HttpError(422, _("level must be province, prefecture or county"))
    raw = data.pop("indicators", None)
    inds = [s.strip() for s in raw.split(",")] if raw else None
    rows = selectors.aggregates(scope=request.scope, indicators=inds, **data)
    if format == "csv":
        header = list(rows[0].keys()) if rows else ["code", "year"]
        return table_download(
            [[r.get(h) for h in header] for r in rows], header, filename="aggregates"
        )
    return {"count": len(rows), "items": rows}


class ReleaseIn(Schema):
    jurisdiction: str
    year: int


class ReleaseOut(Schema):
    jurisdiction: str
    year: int


@router.post(
    "/releases",
    response={201: ReleaseOut},
    auth=WRITE_AUTH,
    summary="Publish a year's aggregates of a jurisdiction (bureau)",
)
def release(request, payload: ReleaseIn):
    j = found(jurisdiction_get(payload.jurisdiction))
    services.release_publish(jurisdiction=j, year=payload.year, actor=request.actor)
    return Status(201, ReleaseOut(jurisdiction=j.code, year=payload.year))
