"""The typed HTTP API; its OpenAPI schema is served at /api/openapi.json."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import DataError
from django.utils.translation import gettext as _
from ninja import NinjaAPI

from xietong import __version__
from xietong.accounts.api import router as accounts_router
from xietong.api_support import DEFAULT_PAGE_SIZE, max_page_size
from xietong.audit.api import router as audit_router
from xietong.consultation.api import router as consultation_router
from xietong.evaluation.api import router as evaluation_router
from xietong.finance.api import router as finance_router
from xietong.finance.ledger import AlreadyReversed
from xietong.jobs.api import router as jobs_router
from xietong.partnerships.api import router as partnerships_router
from xietong.partnerships.api_io import router as partnerships_io_router
from xietong.partnerships.api_portfolio import router as partnerships_portfolio_router
from xietong.planning.api import router as planning_router
from xietong.regions.api import router as regions_router
from xietong.resources.api import router as resources_router
from xietong.schools.api import router as schools_router
from xietong.talent.api import router as talent_router

api = NinjaAPI(
    title="Xietong API",
    version=__version__,
    description=(
        "Registry of jurisdictions, cooperation areas, schools and yearly statistics. "
        "Authenticate with `Authorization: Bearer xt_...` (an API token) or a browser session; "
        "anonymous callers are the public and see reference data and released aggregates only. "
        f"Lists are paged with `limit` (1 to {max_page_size()} items, {DEFAULT_PAGE_SIZE} by "
        "default; the server's XIETONG_API_MAX_PAGE_SIZE) and `offset` (0 to 10^9); a value "
        "outside is a 422 that names the parameter."
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
api.add_router("/", consultation_router)
api.add_router("/", planning_router)
api.add_router("/", partnerships_router)
api.add_router("/", audit_router)
api.add_router("/", jobs_router)
api.add_router("/", resources_router)
api.add_router("/", partnerships_portfolio_router)
api.add_router("/", partnerships_io_router)


@api.exception_handler(PermissionDenied)
def _forbidden(request, exc):
    return api.create_response(request, {"detail": str(exc) or "forbidden"}, status=403)


@api.exception_handler(ValueError)
def _bad_input(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=422)


@api.exception_handler(AlreadyReversed)
def _conflict(request, exc):
    return api.create_response(request, {"detail": str(exc)}, status=409)


@api.exception_handler(DataError)
@api.exception_handler(OverflowError)
def _out_of_range(request, exc):
    """The last guard behind the services' own checks: a value the database cannot hold (a
    number beyond 64 bits, a text longer than its column) is the caller's error, not a 500."""
    detail = _("A value does not fit in the database: %(error)s") % {"error": exc}
    return api.create_response(request, {"detail": detail}, status=422)
