"""Stateless resumption tokens (OAI-PMH 2.0 §3.5): the list's arguments and a cursor -- the
datestamp and id of the last record sent, and how many were sent -- signed with the site's
secret (``django.core.signing``) and valid for ``XIETONG_OAI_TOKEN_HOURS`` (24 by default).
Nothing is stored: any worker answers any token, and a tampered or expired one is refused."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core import signing

SALT = "xietong.resources.oai.token"


def lifetime() -> dt.timedelta:
    return dt.timedelta(hours=float(getattr(settings, "XIETONG_OAI_TOKEN_HOURS", 24)))


def issue(state: dict) -> str:
    return signing.dumps(state, salt=SALT, compress=True)


def read(token: str) -> dict | None:
    """The state in ``token``, or None for one that is malformed, tampered with or expired."""
    try:
        state = signing.loads(token, salt=SALT, max_age=lifetime())
    except signing.BadSignature:
        return None
    return state if isinstance(state, dict) else None
