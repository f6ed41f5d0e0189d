"""Who is knocking: the client address that login throttling (django-axes) counts failures by."""

from __future__ import annotations

from django.conf import settings


def client_ip(request) -> str | None:
    """REMOTE_ADDR, or behind ``XIETONG_PROXY_COUNT`` = N reverse proxies the address the
    outermost of them saw: the N-th entry from the right of X-Forwarded-For. Entries further left
    were written by the client and are not trusted; with fewer entries than proxies the header
    did not come through them, so REMOTE_ADDR stands."""
    count = getattr(settings, "XIETONG_PROXY_COUNT", 0)
    if count:
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= count:
            return hops[-count]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out login gets (HTTP 429), in the reader's language, on the site's and
    the admin's login alike."""
    from django.shortcuts import render

    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return render(
        request,
        "registration/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "minutes": minutes},
        status=429,
    )
