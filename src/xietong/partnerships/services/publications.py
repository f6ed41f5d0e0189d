"""Publishing an area's portfolio figures of a reporting period (issue 14, section 3).

The area's secretariat (or the administrator) publishes a period once its compliance results
are computed; the row keeps the date and the pooled figures as they stood, so the portfolio
page can say when each period's figures were published. Publishing again replaces the row
(the audit log keeps every publication)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from ..models import PortfolioPublication
from .common import scope_of

PERIOD = re.compile(r"^\d{4}(-[12])?$")


@transaction.atomic
def portfolio_publish(*, actor, area, period: str) -> PortfolioPublication:
    """Publish ``area``'s portfolio figures of ``period`` ("2025", "2025-1" or "2025-2"):
    refused for anyone but the area's secretariat and the administrator, for a malformed
    period, and for a period without computed compliance results."""
    from ..portfolio import area_portfolio

    scope = scope_of(actor)
    scope.require(scope.can_manage_area(area.pk), _("publish the portfolio of %(a)s") % {"a": area})
    period = (period or "").strip()
    if not PERIOD.match(period):
        raise ValueError(
            _("period: expected a year (2025) or a semester (2025-1, 2025-2), not %(p)r")
            % {"p": period}
        )
    body = area_portfolio(scope=scope, slug=area.slug)
    figures = body["compliance"].get(period)
    if not figures:
        raise ValueError(
            _("period: no compliance results are computed for %(p)s yet") % {"p": period}
        )
    row, created = PortfolioPublication.objects.update_or_create(
        area=area,
        period=period,
        defaults={
            "figures": {"cooperations": body["cooperations"], **figures},
            "published_at": timezone.now(),
            "published_by": actor,
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.PARTNERSHIPS_PORTFOLIO_PUBLISH,
        object_type=ObjectType.PORTFOLIO_PUBLICATION,
        object_id=f"{area.slug}:{period}",
        after={"period": period, "replaced": not created, **row.figures},
    )
    return row
