"""The typed HTTP API; its OpenAPI schema is served at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from ninja import NinjaAPI

from xietong import __version__
from xietong.accounts.api import router as accounts_router
from xietong.audit.api import router as audit_router
from xietong.evaluation.api import router as evaluation_router
from xietong.finance.api import router as finance_router
from xietong.regions.api import router as regions_router
from xietong.schools.api import router as schools_router
from xietong.talent.api import router as talent_router

api = NinjaAPI(
    title="Xietong API",
    version=__version__,
    description=(
        "Registry of jurisdictions, cooperation areas, schools and yearly statistics. "
        "Authenticate with `Authorization: Bearer xt_...` (an API token) or a browser session; "
        "anonymous callers are the public and see reference data and released aggregates only."
    ),
    openapi_url="/openapi.json",
    docs_url="/docs",
    urls_namespace="api",
)
api.add_router("/", regions_router)
api.add_router("/", schools_router)
api.add_router("/", accounts_router)
api.add_router("/", evaluation_router)
api.add_router("/", talent_router)
api.add_router("/", finance_router)
api.add_router("/", audit_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValueError)
def _bad_input(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)
