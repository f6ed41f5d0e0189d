"""The harvester behind ``xietong harvest``: copies another OAI-PMH provider's records into the
catalogue, incrementally, through the catalogue's services (each create, update, submission,
approval and withdrawal audited by its service; the run itself by ``harvest``).

Records are keyed by the source's name and their OAI identifier (``HarvestedRecord``). A run
without ``from`` starts at the latest datestamp seen from the source (inclusive: a record seen
again with the same datestamp is left alone). A new record becomes a resource owned by the
given jurisdiction, submitted with the harvesting account's pledge and approved by it (the
same machine checks as an upload: a failing record stays a draft and is reported); a changed
record updates the local copy and publishes it again; a deleted record (``status="deleted"``)
withdraws the local copy (reason ``source_deleted``).

The ``lrmi`` format (ours, ``provider``) is preferred when the provider lists it; otherwise
``oai_dc``, whose records need ``--kind``/``--stage`` (and ``--licence`` when ``dc:rights`` is
no SPDX expression)."""

from __future__ import annotations

import datetime as dt
import json
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _
from lxml import etree

from xietong.accounts.scope import OutOfScope, scope_for
from xietong.audit.services import audit_record
from xietong.audit.vocabulary import AuditAction, ObjectType

from ..models import HarvestedRecord, Status, VocabularyNode, WithdrawReason
from .provider import DC, LRMI, OAI, OAI_DC, SECONDS

Fetch = Callable[[str, dict[str, str]], bytes]
NS = {"o": OAI, "dc": DC, "oai_dc": OAI_DC, "lrmi": LRMI}
SPDX_PAGE = "https://spdx.org/licenses/"


class HarvestError(Exception):
    """The provider answered with an OAI error (other than noRecordsMatch) or no OAI-PMH."""


def http_fetch(url: str, params: dict[str, str]) -> bytes:
    with urllib.request.urlopen(  # noqa: S310 -- the operator names the provider
        f"{url}?{urllib.parse.urlencode(params)}", timeout=120
    ) as reply:
        return reply.read()


@dataclass
class Defaults:
    """What a record that lacks it gets: codes of the current vocabulary, an SPDX licence."""

    kind: str = ""
    stage: str = ""
    licence: str = ""
    visibility: str = "public"


@dataclass
class Result:
    created: int = 0
    updated: int = 0
    withdrawn: int = 0
    unchanged: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)  # (identifier, message)
    last_datestamp: str = ""


def _call(fetch: Fetch, url: str, params: dict[str, str]):
    try:
        root = etree.fromstring(fetch(url, params))  # noqa: S320 -- lxml resolves no entities
    except etree.XMLSyntaxError as exc:
        raise HarvestError(_("%(u)s: not XML (%(e)s).") % {"u": url, "e": exc}) from None
    if root.tag != f"{{{OAI}}}OAI-PMH":
        raise HarvestError(_("%(u)s: not an OAI-PMH response.") % {"u": url})
    errors = root.findall("o:error", NS)
    if errors:
        codes = [e.get("code") for e in errors]
        if codes == ["noRecordsMatch"]:
            return None
        raise HarvestError(
            _("%(u)s answered %(c)s: %(m)s")
            % {"u": url, "c": ", ".join(codes), "m": " ".join(e.text or "" for e in errors)}
        )
    return root


def _prefix(fetch: Fetch, url: str) -> str:
    root = _call(fetch, url, {"verb": "ListMetadataFormats"})
    spaces = {
        f.findtext("o:metadataPrefix", namespaces=NS): f.findtext(
            "o:metadataNamespace", namespaces=NS
        )
        for f in root.iterfind(".//o:metadataFormat", NS)
    }
    return "lrmi" if spaces.get("lrmi") == LRMI else "oai_dc"


def _since(source: str, fetch: Fetch, url: str) -> str:
    last = HarvestedRecord.objects.filter(source=source).aggregate(m=Max("datestamp"))["m"]
    if last is None:
        return ""
    root = _call(fetch, url, {"verb": "Identify"})
    grain = root.findtext(".//o:granularity", namespaces=NS) or "YYYY-MM-DD"
    return last.strftime(SECONDS if "hh" in grain else "%Y-%m-%d")


def _node_code(scheme: str, code: str) -> str:
    exists = VocabularyNode.objects.filter(scheme=scheme, code=code, release__is_current=True)
    return code if code and exists.exists() else ""


def _licence(text: str) -> str:
    if text.startswith(SPDX_PAGE) and text.endswith(".html"):
        return text[len(SPDX_PAGE) : -len(".html")]
    return text


def _fields_lrmi(meta, sets: list[str]) -> dict:
    el = meta.find("lrmi:learningResource", NS)
    doc = json.loads(el.text or "{}") if el is not None else {}
    fields = {
        "title_zh": doc.get("name", ""),
        "title_en": doc.get("alternateName", ""),
        "description_zh": doc.get("description", ""),
        "language": doc.get("inLanguage", "zh-Hans"),
        "author_name": (doc.get("author") or {}).get("name", ""),
        "external_url": doc.get("url", ""),
        "licence": _licence(doc.get("license", "")),
        "kind": (doc.get("learningResourceType") or {}).get("termCode", ""),
        "stage": (doc.get("educationalLevel") or {}).get("termCode", ""),
    }
    for spec in sets:
        kind, _sep, code = spec.partition(":")
        if kind in ("subject", "edition"):
            fields[kind] = code
    return fields


def _fields_dc(meta) -> dict:
    dc = meta.find("oai_dc:dc", NS)

    def first(name: str) -> str:
        return dc.findtext(f"dc:{name}", default="", namespaces=NS) if dc is not None else ""

    links = [t for t in dc.xpath("dc:identifier/text()", namespaces=NS) if t.startswith("http")]
    return {
        "title_zh": first("title"),
        "description_zh": first("description"),
        "language": first("language") or "zh-Hans",
        "author_name": first("creator"),
        "external_url": links[-1] if links else "",
        "licence": first("rights"),
    }


def _complete(fields: dict, defaults: Defaults) -> dict:
    """Vocabulary codes this catalogue knows, the defaults where the record has none."""
    from ..licences import normalise

    for scheme in ("kind", "stage", "subject", "edition"):
        fields[scheme] = _node_code(scheme, fields.get(scheme, "")) or getattr(defaults, scheme, "")
    try:
        fields["licence"] = normalise(fields.get("licence", ""))
    except ValueError:
        fields["licence"] = defaults.licence
    fields["visibility"] = defaults.visibility
    return {k: (v or "")[:1000] if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def _publish(resource, actor) -> list[str]:
    from ..services import resource_approve, resource_submit

    resource, codes = resource_submit(resource=resource, actor=actor, pledge=True)
    if not codes:
        resource_approve(resource=resource, actor=actor)
    return codes


def _apply(rec, *, source, actor, owner, prefix, defaults, result: Result) -> None:
    from ..services import resource_create, resource_update, resource_withdraw

    header = rec.find("o:header", NS)
    ident = header.findtext("o:identifier", namespaces=NS)
    text = (header.findtext("o:datestamp", namespaces=NS) or "").strip()
    stamp = dt.datetime.strptime(text, SECONDS if "T" in text else "%Y-%m-%d")
    stamp = stamp.replace(tzinfo=dt.UTC)
    result.last_datestamp = max(result.last_datestamp, stamp.strftime(SECONDS))
    known = HarvestedRecord.objects.filter(source=source, identifier=ident).first()
    if header.get("status") == "deleted":
        if known is None or known.deleted:
            result.unchanged += 1
            return
        if known.resource.status == Status.PUBLISHED:
            resource_withdraw(
                resource=known.resource, actor=actor, reason=WithdrawReason.SOURCE_DELETED
            )
        known.deleted, known.datestamp = True, stamp
        known.save(update_fields=["deleted", "datestamp", "harvested_at"])
        result.withdrawn += 1
        return
    if known is not None and known.datestamp == stamp and not known.deleted:
        result.unchanged += 1
        return
    meta = rec.find("o:metadata", NS)
    sets = [s.text for s in header.findall("o:setSpec", NS)]
    raw = _fields_lrmi(meta, sets) if prefix == "lrmi" else _fields_dc(meta)
    fields = _complete(raw, defaults)
    if known is None:
        resource = resource_create(actor=actor, owner_jurisdiction=owner, **fields)
        HarvestedRecord.objects.create(
            source=source, identifier=ident, resource=resource, datestamp=stamp
        )
        result.created += 1
    else:
        if known.resource.status == Status.WITHDRAWN:
            raise ValueError(_("the local copy was withdrawn here; it is not published again"))
        resource = resource_update(resource=known.resource, actor=actor, **fields)
        known.deleted, known.datestamp = False, stamp
        known.save(update_fields=["deleted", "datestamp", "harvested_at"])
        result.updated += 1
    if resource.status in (Status.DRAFT, Status.REJECTED):
        codes = _publish(resource, actor)
        if codes:
            result.problems.append((ident, _("kept as a draft: %(c)s") % {"c": ", ".join(codes)}))


def harvest(
    *,
    url: str,
    source: str,
    actor,
    owner,
    set_spec: str = "",
    from_: str = "",
    defaults: Defaults | None = None,
    fetch: Fetch = http_fetch,
) -> Result:
    """Harvest ``url`` (an OAI-PMH base URL) into the catalogue as resources of ``owner`` (a
    jurisdiction the ``actor`` acts for). Each record is applied on its own (all or nothing);
    one that fails is reported in ``Result.problems`` with its identifier and the reason."""
    scope = scope_for(actor)
    scope.require(scope.acts_for(owner.code), _("harvest resources for %(o)s") % {"o": owner})
    defaults = defaults or Defaults()
    prefix = _prefix(fetch, url)
    params = {"verb": "ListRecords", "metadataPrefix": prefix}
    since = from_ or _since(source, fetch, url)
    if since:
        params["from"] = since
    if set_spec:
        params["set"] = set_spec
    result = Result()
    while True:
        root = _call(fetch, url, params)
        if root is None:
            break
        for rec in root.iterfind("o:ListRecords/o:record", NS):
            try:
                with transaction.atomic():
                    _apply(
                        rec,
                        source=source,
                        actor=actor,
                        owner=owner,
                        prefix=prefix,
                        defaults=defaults,
                        result=result,
                    )
            except (ValueError, OutOfScope) as exc:
                ident = rec.findtext("o:header/o:identifier", namespaces=NS) or "?"
                result.problems.append((ident, str(exc)))
        token = root.findtext("o:ListRecords/o:resumptionToken", namespaces=NS)
        if not token:
            break
        params = {"verb": "ListRecords", "resumptionToken": token}
    _record_run(actor=actor, url=url, source=source, prefix=prefix, since=since, result=result)
    return result


@transaction.atomic
def _record_run(*, actor, url, source, prefix, since, result: Result) -> None:
    audit_record(
        actor=actor,
        action=AuditAction.RESOURCES_HARVEST,
        object_type=ObjectType.HARVEST_SOURCE,
        object_id=source,
        after={
            "url": url,
            "metadata_prefix": prefix,
            "from": since,
            "created": result.created,
            "updated": result.updated,
            "withdrawn": result.withdrawn,
            "unchanged": result.unchanged,
            "problems": len(result.problems),
            "last_datestamp": result.last_datestamp,
        },
    )
