"""``/oai``: the OAI-PMH 2.0 provider (``oai.provider``), public, GET or POST (§3.1.1), and the
XSD of its ``lrmi`` metadata format."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .oai import provider

XSD = Path(__file__).resolve().parent / "data/oai/lrmi-jsonld.xsd"


def context(request) -> provider.Context:
    host = request.get_host()
    return provider.Context(
        base_url=f"{request.scheme}://{host}",
        repo_id=settings.XIETONG_OAI_REPOSITORY_ID or host.split(":")[0],
    )


@csrf_exempt  # a harvester's POST carries no session and changes nothing
@require_http_methods(["GET", "POST"])
def endpoint(request):
    source = request.POST if request.method == "POST" else request.GET
    body = provider.respond(dict(source.lists()), context(request))
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


@require_http_methods(["GET"])
def lrmi_schema(request):
    return HttpResponse(XSD.read_bytes(), content_type="text/xml; charset=utf-8")
