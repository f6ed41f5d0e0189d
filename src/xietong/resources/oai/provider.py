"""The OAI-PMH 2.0 provider behind ``/oai``: the six verbs, selective harvesting by datestamp
(day and seconds granularity, UTC) and set, stateless resumption tokens, every error code of
the protocol (§3.6), ``deletedRecord=persistent`` (tombstones, ``records``).

Metadata formats: ``oai_dc`` (unqualified Dublin Core, required by §3.4) and ``lrmi``: the
resource's schema.org ``LearningResource`` JSON-LD (``resources.jsonld``, the same document its
page carries) as the text of one ``<lrmi:learningResource>`` element in the namespace
``urn:xietong:oai:lrmi-jsonld:1`` (XSD served at ``/oai/lrmi-jsonld.xsd``)."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Min, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from ..models import OaiTombstone, Resource, VocabularyNode
from ..models.vocabulary import Scheme
from . import records, tokens

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
OAI_DC = "http://www.openarchives.org/OAI/2.0/oai_dc/"
DC = "http://purl.org/dc/elements/1.1/"
LRMI = "urn:xietong:oai:lrmi-jsonld:1"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
FORMATS = {
    "oai_dc": (f"{OAI_DC} http://www.openarchives.org/OAI/2.0/oai_dc.xsd", OAI_DC),
    "lrmi": ("", LRMI),
}
DAY, SECONDS = "%Y-%m-%d", "%Y-%m-%dT%H:%M:%SZ"
DAY_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}")
SECONDS_SHAPE = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z")
LIST_ARGS = {"metadataPrefix", "from", "until", "set"}
VERBS = {
    "Identify": (set(), set()),
    "ListMetadataFormats": (set(), {"identifier"}),
    "ListSets": (set(), set()),
    "GetRecord": ({"identifier", "metadataPrefix"}, set()),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}),
}
WITH_TOKEN = {"ListSets", "ListIdentifiers", "ListRecords"}


class OaiError(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass
class Context:
    base_url: str  # scheme://host, no slash at the end
    repo_id: str

    @property
    def endpoint(self) -> str:
        return self.base_url + "/oai"

    def identifier(self, pk) -> str:
        return f"oai:{self.repo_id}:{pk}"

    def resource_id(self, identifier: str) -> uuid.UUID | None:
        head = f"oai:{self.repo_id}:"
        if not identifier.startswith(head):
            return None
        try:
            return uuid.UUID(identifier[len(head) :])
        except ValueError:
            return None


def _e(parent, tag: str, text: str | None = None, **attrs) -> etree._Element:
    el = etree.SubElement(parent, tag, {k: v for k, v in attrs.items() if v is not None})
    if text is not None:
        el.text = text
    return el


def stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime(SECONDS)


# ---- arguments -----------------------------------------------------------------------------


def _check_args(params: dict[str, list[str]]) -> tuple[str, dict[str, str]]:
    verbs = params.get("verb", [])
    if len(verbs) != 1 or verbs[0] not in VERBS:
        raise OaiError("badVerb", _("The verb is missing, repeated or not an OAI-PMH verb."))
    verb = verbs[0]
    args = {k: v for k, v in params.items() if k != "verb"}
    repeated = sorted(k for k, v in args.items() if len(v) != 1)
    if repeated:
        raise OaiError("badArgument", _("Repeated argument: %(a)s.") % {"a": ", ".join(repeated)})
    flat = {k: v[0] for k, v in args.items()}
    required, optional = VERBS[verb]
    if "resumptionToken" in flat and verb in WITH_TOKEN:
        if len(flat) != 1:
            raise OaiError(
                "badArgument", _("resumptionToken is an exclusive argument: give it alone.")
            )
        return verb, flat
    unknown = sorted(set(flat) - required - optional)
    if unknown:
        raise OaiError(
            "badArgument",
            _("Illegal argument for %(v)s: %(a)s.") % {"v": verb, "a": ", ".join(unknown)},
        )
    missing = sorted(required - set(flat))
    if missing:
        raise OaiError(
            "badArgument",
            _("Missing argument for %(v)s: %(a)s.") % {"v": verb, "a": ", ".join(missing)},
        )
    return verb, flat


def parse_datestamp(text: str, name: str) -> tuple[dt.datetime, str]:
    """A ``from``/``until`` value: (UTC datetime, granularity format)."""
    for fmt, shape in ((DAY, DAY_SHAPE), (SECONDS, SECONDS_SHAPE)):
        if not shape.fullmatch(text):
            continue
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC), fmt
        except ValueError:
            continue
    raise OaiError(
        "badArgument",
        _("%(n)s: “%(v)s” is not a UTC date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ).")
        % {"n": name, "v": text},
    )


def _window(args: dict[str, str]) -> tuple[str | None, str | None]:
    """``from`` (inclusive) and ``until`` (inclusive at its granularity: a day or a second) as
    ISO datetimes, the upper one exclusive."""
    lo = hi = None
    grains = set()
    if "from" in args:
        start, fmt = parse_datestamp(args["from"], "from")
        lo, grains = start, grains | {fmt}
    if "until" in args:
        end, fmt = parse_datestamp(args["until"], "until")
        hi = end + (dt.timedelta(days=1) if fmt == DAY else dt.timedelta(seconds=1))
        grains |= {fmt}
    if len(grains) > 1:
        raise OaiError("badArgument", _("from and until must have the same granularity."))
    if lo is not None and hi is not None and lo >= hi:
        raise OaiError("badArgument", _("from is later than until."))
    return (lo.isoformat() if lo else None), (hi.isoformat() if hi else None)


# ---- the records -----------------------------------------------------------------------------


def _filters(state: dict, members: dict[str, str]) -> tuple[Q, Q]:
    rq, tq = Q(), Q()
    if state.get("lo"):
        lo = dt.datetime.fromisoformat(state["lo"])
        rq &= Q(updated_at__gte=lo)
        tq &= Q(datestamp__gte=lo)
    if state.get("hi"):
        hi = dt.datetime.fromisoformat(state["hi"])
        rq &= Q(updated_at__lt=hi)
        tq &= Q(datestamp__lt=hi)
    if state.get("set"):
        found = records.set_q(state["set"], members)
        if found is None:
            raise OaiError("noRecordsMatch", _("There is no such set."))
        rq &= found
        tq &= records.tombstone_set_q(state["set"])
    return rq, tq


def _after(state: dict, field: str, key: str) -> Q:
    if not state.get("after"):
        return Q()
    moment, pk = dt.datetime.fromisoformat(state["after"][0]), state["after"][1]
    return Q(**{f"{field}__gt": moment}) | Q(**{field: moment, f"{key}__gt": pk})


def _page(state: dict, members: dict[str, str]) -> tuple[list, int]:
    """The next page of (datestamp, id, resource or None) in (datestamp, id) order, and the
    size of the whole list."""
    rq, tq = _filters(state, members)
    size = int(settings.XIETONG_OAI_PAGE_SIZE)
    live = records.exposed().filter(rq)
    dead = OaiTombstone.objects.filter(tq)
    total = live.count() + dead.count()
    rows = [
        (r.updated_at, str(r.pk), r)
        for r in live.filter(_after(state, "updated_at", "pk")).order_by("updated_at", "pk")[
            : size + 1
        ]
    ] + [
        (t.datestamp, str(t.resource_id), t)
        for t in dead.filter(_after(state, "datestamp", "resource_id")).order_by(
            "datestamp", "resource_id"
        )[: size + 1]
    ]
    rows.sort(key=lambda row: (row[0], row[1]))
    return rows, total


def _header(parent, ctx: Context, row, members) -> None:
    moment, pk, obj = row
    deleted = isinstance(obj, OaiTombstone)
    h = _e(parent, "header", status="deleted" if deleted else None)
    _e(h, "identifier", ctx.identifier(pk))
    _e(h, "datestamp", stamp(moment))
    specs = obj.set_specs if deleted else records.set_specs(obj, members)
    for spec in specs:
        _e(h, "setSpec", spec)


def _record(parent, ctx: Context, row, prefix: str, members) -> None:
    rec = _e(parent, "record")
    _header(rec, ctx, row, members)
    if not isinstance(row[2], OaiTombstone):
        metadata(_e(rec, "metadata"), row[2], prefix, ctx)


def _list(el, verb: str, args: dict[str, str], ctx: Context) -> None:
    if "resumptionToken" in args:
        state = tokens.read(args["resumptionToken"])
        if state is None or state.get("verb") != verb:
            raise OaiError(
                "badResumptionToken", _("The resumption token is invalid or has expired.")
            )
    else:
        if args["metadataPrefix"] not in FORMATS:
            raise OaiError(
                "cannotDisseminateFormat",
                _("Unknown metadataPrefix: %(p)s.") % {"p": args["metadataPrefix"]},
            )
        lo, hi = _window(args)
        state = {
            "verb": verb,
            "prefix": args["metadataPrefix"],
            "lo": lo,
            "hi": hi,
            "set": args.get("set", ""),
            "cursor": 0,
            "after": None,
        }
    members = records.member_prefixes()
    rows, total = _page(state, members)
    if not rows and not state["cursor"]:
        raise OaiError("noRecordsMatch", _("No record matches the arguments."))
    size = int(settings.XIETONG_OAI_PAGE_SIZE)
    body = _e(el, verb)
    for row in rows[:size]:
        if verb == "ListRecords":
            _record(body, ctx, row, state["prefix"], members)
        else:
            _header(body, ctx, row, members)
    if len(rows) > size or state["cursor"]:
        more = len(rows) > size
        token = ""
        expires = None
        if more:
            last = rows[size - 1]
            nxt = {
                **state,
                "cursor": state["cursor"] + size,
                "after": [last[0].isoformat(), last[1]],
            }
            token = tokens.issue(nxt)
            expires = stamp(timezone.now() + tokens.lifetime())
        _e(
            body,
            "resumptionToken",
            token,
            completeListSize=str(total),
            cursor=str(state["cursor"]),
            expirationDate=expires,
        )


# ---- the verbs -------------------------------------------------------------------------------


def _identify(el, ctx: Context) -> None:
    body = _e(el, "Identify")
    _e(body, "repositoryName", _("Xietong shared teaching resources"))
    _e(body, "baseURL", ctx.endpoint)
    _e(body, "protocolVersion", "2.0")
    _e(body, "adminEmail", settings.XIETONG_OAI_ADMIN_EMAIL or f"admin@{ctx.repo_id}")
    first = [
        m
        for m in (
            records.exposed().aggregate(m=Min("updated_at"))["m"],
            OaiTombstone.objects.aggregate(m=Min("datestamp"))["m"],
        )
        if m is not None
    ]
    earliest = min(first) if first else dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    _e(body, "earliestDatestamp", stamp(earliest))
    _e(body, "deletedRecord", "persistent")
    _e(body, "granularity", "YYYY-MM-DDThh:mm:ssZ")


def _find(ctx: Context, identifier: str):
    pk = ctx.resource_id(identifier)
    if pk is not None:
        live = records.exposed().filter(pk=pk).first()
        if live is not None:
            return (live.updated_at, str(pk), live)
        dead = OaiTombstone.objects.filter(resource_id=pk).first()
        if dead is not None:
            return (dead.datestamp, str(pk), dead)
    raise OaiError("idDoesNotExist", _("No record has the identifier %(i)s.") % {"i": identifier})


def _formats(el, args: dict[str, str], ctx: Context) -> None:
    if "identifier" in args:
        _find(ctx, args["identifier"])
    body = _e(el, "ListMetadataFormats")
    for prefix, (_location, namespace) in FORMATS.items():
        fmt = _e(body, "metadataFormat")
        _e(fmt, "metadataPrefix", prefix)
        schema = (
            "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"
            if prefix == "oai_dc"
            else ctx.base_url + "/oai/lrmi-jsonld.xsd"
        )
        _e(fmt, "schema", schema)
        _e(fmt, "metadataNamespace", namespace)


def _sets(el, args: dict[str, str]) -> None:
    if "resumptionToken" in args:
        raise OaiError("badResumptionToken", _("The resumption token is invalid or has expired."))
    from xietong.regions.models import Jurisdiction

    body = _e(el, "ListSets")
    tops = (
        ("member", _("Member jurisdictions of the cooperation areas")),
        ("subject", _("Subjects")),
        ("edition", _("Textbook editions")),
    )
    names = {
        "member": {
            j.code: j.name for j in Jurisdiction.objects.filter(code__in=records.member_prefixes())
        },
        "subject": {n.code: n.name for n in _current(Scheme.SUBJECT)},
        "edition": {n.code: n.name for n in _current(Scheme.EDITION)},
    }
    for kind, label in tops:
        s = _e(body, "set")
        _e(s, "setSpec", kind)
        _e(s, "setName", str(label))
        for code, name in sorted(names[kind].items()):
            s = _e(body, "set")
            _e(s, "setSpec", f"{kind}:{code}")
            _e(s, "setName", name)


def _current(scheme: str):
    return VocabularyNode.objects.filter(scheme=scheme, release__is_current=True)


def _get_record(el, args: dict[str, str], ctx: Context) -> None:
    if args["metadataPrefix"] not in FORMATS:
        raise OaiError(
            "cannotDisseminateFormat",
            _("Unknown metadataPrefix: %(p)s.") % {"p": args["metadataPrefix"]},
        )
    row = _find(ctx, args["identifier"])
    _record(_e(el, "GetRecord"), ctx, row, args["metadataPrefix"], records.member_prefixes())


def respond(params: dict[str, list[str]], ctx: Context) -> bytes:
    """The OAI-PMH response document for the request's arguments (``params``: each name with
    every value it was given)."""
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", f"{OAI} http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd")
    _e(root, "responseDate", stamp(timezone.now()))
    request = _e(root, "request", ctx.endpoint)
    try:
        verb, args = _check_args(params)
        request.set("verb", verb)
        for k, v in sorted(args.items()):
            request.set(k, v)
        with translation.override("zh-hans"):
            _dispatch(root, verb, args, ctx)
    except OaiError as err:
        if err.code in ("badVerb", "badArgument"):
            request.attrib.clear()
        for child in list(root)[2:]:
            root.remove(child)
        _e(root, "error", err.message, code=err.code)
    _qualify(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _dispatch(root, verb: str, args: dict[str, str], ctx: Context) -> None:
    if verb == "Identify":
        _identify(root, ctx)
    elif verb == "ListMetadataFormats":
        _formats(root, args, ctx)
    elif verb == "ListSets":
        _sets(root, args)
    elif verb == "GetRecord":
        _get_record(root, args, ctx)
    else:
        _list(root, verb, args, ctx)


def _qualify(root) -> None:
    """Elements made with a bare tag belong to the OAI namespace."""
    for el in root.iter():
        if isinstance(el.tag, str) and not el.tag.startswith("{"):
            el.tag = f"{{{OAI}}}{el.tag}"


# ---- metadata --------------------------------------------------------------------------------


def metadata(parent, resource: Resource, prefix: str, ctx: Context) -> None:
    if prefix == "oai_dc":
        _dublin_core(parent, resource, ctx)
    else:
        from ..jsonld import learning_resource

        doc = learning_resource(resource, base_url=ctx.base_url)
        el = etree.SubElement(parent, f"{{{LRMI}}}learningResource", nsmap={"lrmi": LRMI})
        el.set("type", "application/ld+json")
        el.text = json.dumps(doc, ensure_ascii=False, sort_keys=True)


def _dublin_core(parent, resource: Resource, ctx: Context) -> None:
    from django.urls import reverse

    dc = etree.SubElement(parent, f"{{{OAI_DC}}}dc", nsmap={"oai_dc": OAI_DC, "dc": DC, "xsi": XSI})
    dc.set(f"{{{XSI}}}schemaLocation", FORMATS["oai_dc"][0])

    def add(name: str, text, lang: str | None = None) -> None:
        if text:
            el = etree.SubElement(dc, f"{{{DC}}}{name}")
            el.text = str(text)
            if lang:
                el.set(XML_LANG, lang)

    add("title", resource.title_zh, "zh-Hans")
    add("title", resource.title_en, "en")
    add("creator", resource.author_name)
    for node in (resource.subject, resource.edition):
        add("subject", node.name if node else "")
    add("description", resource.description_zh, "zh-Hans")
    add("description", resource.description_en, "en")
    add("publisher", getattr(resource.owner, "name", ""))
    add("date", resource.published_at.date().isoformat() if resource.published_at else "")
    add("type", resource.kind.name)
    add("format", resource.file.mime_type if resource.file_id else "")
    add("identifier", ctx.base_url + reverse("resource_detail", args=[resource.pk]))
    add("identifier", resource.external_url)
    add("language", resource.language)
    add("rights", resource.licence)
