"""The page shown when an upload is refused for its size (HTTP 413), inside the site layout."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import render

from xietong.tabular import Limits, UploadTooLarge
from xietong.tabular.problems import megabytes


def upload_refused(
    request, exc: UploadTooLarge, *, back: str, template: str = "xietong/upload_refused.html", **ctx
):
    """Render ``template`` (by default a short page with a link back) with the refusal as an
    error message and the status of the refusal (413)."""
    messages.error(request, str(exc.problems[0]))
    ctx = {"back": back, "limit": megabytes(Limits.from_settings().max_bytes), **ctx}
    return render(request, template, ctx, status=exc.status)
