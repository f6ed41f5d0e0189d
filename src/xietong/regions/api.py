from django.shortcuts import get_object_or_404
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate

from xietong.accounts.auth import READ_AUTH, WRITE_AUTH
from xietong.api_support import LimitOffset, PatchIn

from . import selectors, services
from .models import CooperationArea, Jurisdiction

router = Router(tags=["regions"])


class JurisdictionOut(Schema):
    code: str
    level: str
    parent: str | None
    name_zh: str
    name_en: str
    full_name_zh: str
    longitude: float | None
    latitude: float | None
    is_placeholder: bool
    valid_from: int | None  # first statistics year (empty: predates the cpca table)
    valid_until: int | None  # last statistics year (empty: still in force)

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent_id


class JurisdictionFilters(Schema):
    level: str | None = None
    parent: str | None = None
    within: str | None = None
    q: str | None = None
    include_placeholders: bool = True
    valid_in: int | None = Field(None, ge=1949, le=2100, description="divisions valid that year")


@router.get(
    "/jurisdictions",
    response=list[JurisdictionOut],
    auth=READ_AUTH,
    summary="Jurisdictions (12-digit codes), filterable",
)
@paginate(LimitOffset)
def jurisdictions(request, filters: Query[JurisdictionFilters]):
    return selectors.jurisdiction_list(**filters.dict())


@router.get("/jurisdictions/{code}", response=JurisdictionOut, auth=READ_AUTH)
def jurisdiction(request, code: str):
    return get_object_or_404(Jurisdiction, code=code)


class MemberOut(Schema):
    code: str
    level: str
    name_zh: str
    name_en: str


class AreaOut(Schema):
    slug: str
    name_zh: str
    name_en: str
    parent: str | None
    description_zh: str
    description_en: str
    secretariat_name_zh: str
    secretariat_name_en: str
    secretariat_host: str | None
    members: list[MemberOut]

    @staticmethod
    def resolve_parent(obj) -> str | None:
        return obj.parent.slug if obj.parent_id else None

    @staticmethod
    def resolve_secretariat_host(obj) -> str | None:
        return obj.secretariat_host_id

    @staticmethod
    def resolve_members(obj) -> list[dict]:
        return [
            {
                "code": m.jurisdiction.code,
                "level": m.jurisdiction.level,
                "name_zh": m.jurisdiction.name_zh,
                "name_en": m.jurisdiction.name_en,
            }
            for m in obj.memberships.all()
        ]


@router.get("/areas", response=list[AreaOut], auth=READ_AUTH, summary="Cooperation areas")
@paginate(LimitOffset)
def areas(request):
    return selectors.area_list()


@router.get("/areas/{slug}", response=AreaOut, auth=READ_AUTH)
def area(request, slug: str):
    return get_object_or_404(selectors.area_list(), slug=slug)


class AreaPatch(PatchIn):
    name_zh: str | None = None
    name_en: str | None = None
    description_zh: str | None = None
    description_en: str | None = None
    secretariat_name_zh: str | None = None
    secretariat_name_en: str | None = None


@router.patch(
    "/areas/{slug}",
    response=AreaOut,
    auth=WRITE_AUTH,
    summary="Edit an area's description (its secretariat)",
)
def area_patch(request, slug: str, payload: AreaPatch):
    a = get_object_or_404(CooperationArea, slug=slug)
    services.area_update(area=a, actor=request.actor, **payload.dict(exclude_unset=True))
    return get_object_or_404(selectors.area_list(), slug=slug)
