"""The partnerships API: cooperations (scoped list and detail) and their writes.

The portfolio roll-up and a school's capacity live in ``api_portfolio.py`` on their own router.
"""

from __future__ import annotations

from ninja import Router

router = Router(tags=["partnerships"])
