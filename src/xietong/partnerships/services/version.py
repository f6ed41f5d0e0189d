"""The portfolio's version token: renewed by every write the portfolio page, the cooperation
list or the API list may show."""

from __future__ import annotations

import uuid

from django.utils import timezone

from ..models import PortfolioVersion


def portfolio_changed(**_signal) -> None:
    """A new ``PortfolioVersion`` token, in the caller's transaction: what the portfolio pages
    cached is recomputed on the next request (``portfolio.portfolio_cached``). A signal receiver
    on every saved or deleted cooperation, party, obligation, activity, compliance result,
    publication, social partner, school, division, joint plan, goal, plan task, area and area
    membership (``apps.PartnershipsConfig.ready``); called directly after the bulk writes that send no
    signal (``links.activities_link``, the portfolio import)."""
    token = uuid.uuid4().hex
    if not PortfolioVersion.objects.filter(pk=1).update(token=token, changed_at=timezone.now()):
        PortfolioVersion.objects.update_or_create(pk=1, defaults={"token": token})
