"""The portfolio's IATI-like export on the API (see :mod:`.iati`), scoped by the caller."""

from ninja import Query, Router, Schema

from xietong.accounts.auth import READ_AUTH

from .iati import iati_activities

router = Router(tags=["partnerships"])


class PartnershipsIatiFilters(Schema):
    kind: str | None = None
    area: str | None = None


@router.get(
    "/partnerships/export/iati",
    response=dict,
    auth=READ_AUTH,
    summary="The cooperations in the caller's scope as IATI-like JSON (IATI Standard 2.03 names)",
)
def partnerships_iati(request, filters: Query[PartnershipsIatiFilters]):
    return iati_activities(scope=request.scope, **filters.dict())
