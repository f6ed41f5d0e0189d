"""The regional fund over HTTP, one module per workflow (``funds``, ``contributions``,
``settlement``, ``donations``; fund accounting in ``finance.api_accounting``), mounted on one
router. Endpoints only parse, call one service or selector, and shape the answer."""

from ninja import Router

from .common import fund_or_404, member
from .contributions import router as contributions_router
from .donations import router as donations_router
from .funds import EntryOut
from .funds import router as funds_router
from .settlement import router as settlement_router

router = Router()  # each part tags its own operations
for part in (funds_router, contributions_router, settlement_router, donations_router):
    router.add_router("", part)

# the fund-accounting endpoints (restricted funds, periods, statements) live in their own module
from ..api_accounting import router as accounting_router  # noqa: E402 - needs EntryOut above

router.add_router("", accounting_router)

__all__ = ["EntryOut", "fund_or_404", "member", "router"]
