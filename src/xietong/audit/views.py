"""The checkpoints page: members download signed checkpoints to hold the log to its history."""

from __future__ import annotations

import json

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xietong.accounts.scope import scope_for
from xietong.web.downloads import file_download

from . import selectors
from .services import checkpoint_of
from .signing import key_id, public_key, public_key_pem


@login_required
@require_GET
def checkpoints(request):
    qs = selectors.checkpoint_list(scope=scope_for(request.user))
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    key = public_key()
    return render(
        request,
        "audit/checkpoints.html",
        {
            "page": page,
            "rows": [(row, checkpoint_of(row)) for row in page],
            "key_id": key_id(key),
            "key_pem": public_key_pem(key),
        },
    )


@login_required
@require_GET
def checkpoint_download(request, pk: int):
    row = selectors.checkpoint_get(scope=scope_for(request.user), pk=pk)
    if row is None:
        raise Http404
    body = json.dumps(checkpoint_of(row).document(), indent=2) + "\n"
    return file_download(
        body.encode(),
        filename=f"xietong-audit-checkpoint-{row.pk}.json",
        content_type="application/json",
    )


@require_GET
def public_key_download(request):
    return file_download(
        public_key_pem(public_key()).encode("ascii"),
        filename="xietong-audit-public-key.pem",
        content_type="application/x-pem-file",
    )
