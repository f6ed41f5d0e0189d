"""LRMI metadata: a resource as schema.org ``LearningResource`` in JSON-LD, for the
``<script type="application/ld+json">`` of its page and ``GET /api/resources/{id}`` with
``Accept: application/ld+json``. Names come in the reader's language (Chinese by default)."""

from __future__ import annotations

import json

from django.urls import reverse
from django.utils.safestring import mark_safe

from .licences import REF_TOKEN
from .services import attribution

FRAMEWORK = "义务教育课程标准（2022年版）"


def _term(node, set_name: str) -> dict | None:
    if node is None:
        return None
    return {
        "@type": "DefinedTerm",
        "name": node.name,
        "termCode": node.code,
        "inDefinedTermSet": set_name,
    }


def _licence_url(expression: str) -> str:
    """A single SPDX identifier has a page on spdx.org; an expression stays as written."""
    if " " in expression or REF_TOKEN.fullmatch(expression):
        return expression
    return f"https://spdx.org/licenses/{expression}.html"


def _alignments(resource) -> list[dict]:
    out = []
    for kind, node in (
        ("educationalSubject", resource.subject),
        ("educationalLevel", resource.grade),
    ):
        if node is not None:
            out.append({"@type": "AlignmentObject", "alignmentType": kind, "targetName": node.name})
    for item in resource.standards.all():
        out.append(
            {
                "@type": "AlignmentObject",
                "alignmentType": "teaches",
                "educationalFramework": FRAMEWORK,
                "targetName": item.name,
                "targetDescription": item.code,
            }
        )
    return out


def learning_resource(resource, *, base_url: str) -> dict:
    page = base_url + reverse("resource_detail", args=[resource.pk])
    doc: dict = {
        "@context": "https://schema.org",
        "@type": "LearningResource",
        "@id": page,
        "identifier": str(resource.pk),
        "url": resource.external_url or page,
        "name": resource.title,
        "inLanguage": resource.language,
        "learningResourceType": _term(resource.kind, "xietong:kind"),
        "educationalLevel": _term(resource.stage, "xietong:stage"),
        "license": _licence_url(resource.licence),
        "version": resource.published_version or resource.version,
        "dateModified": resource.updated_at.isoformat(),
        "educationalAlignment": _alignments(resource),
    }
    if resource.description:
        doc["description"] = resource.description
    if resource.title_en and resource.title_en != doc["name"]:
        doc["alternateName"] = resource.title_en
    if resource.author_name:
        doc["author"] = {"@type": "Person", "name": resource.author_name}
    owner = resource.owner
    doc["sourceOrganization"] = {
        "@type": "Organization",
        "name": getattr(owner, "name", str(owner)),
    }
    chapters = [n for n in (resource.edition, resource.volume, resource.unit, resource.lesson) if n]
    if chapters:
        doc["isPartOf"] = {
            "@type": "Book",
            "name": " ".join(n.name for n in chapters[:2]),
            "identifier": chapters[-1].code,
        }
    if resource.published_at:
        doc["datePublished"] = resource.published_at.isoformat()
    if resource.file_id:
        doc["encoding"] = {
            "@type": "MediaObject",
            "encodingFormat": resource.file.mime_type,
            "contentSize": str(resource.file.size),
            "sha256": resource.file_id,
            "contentUrl": base_url + reverse("resource_file", args=[resource.pk]),
        }
    credit = attribution(resource)
    if credit:
        doc["isBasedOn"] = {
            "@type": "LearningResource",
            "@id": base_url + reverse("resource_detail", args=[credit["id"]]),
            "name": credit["title"],
            "license": _licence_url(credit["licence"]),
        }
    return {k: v for k, v in doc.items() if v not in (None, [], "")}


def script_tag(doc: dict) -> str:
    """The JSON-LD as a ``<script type="application/ld+json">`` block, with ``<``, ``>`` and ``&``
    escaped so no text of the resource can end the block."""
    text = (
        json.dumps(doc, ensure_ascii=False, indent=1)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308
