"""The OAI-PMH 2.0 provider at /oai: the six verbs, datestamps, sets, resumption tokens, every
error code, tombstones of records no longer exposed; and the harvester, end to end against it."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import Client
from lxml import etree

from tests.resources.conftest import make, publish

NS = {
    "o": "http://www.openarchives.org/OAI/2.0/",
    "dc": "http://purl.org/dc/elements/1.1/",
    "oai_dc": "http://www.openarchives.org/OAI/2.0/oai_dc/",
    "lrmi": "urn:xietong:oai:lrmi-jsonld:1",
}


def oai(client=None, method="get", **params):
    c = client or Client()
    r = getattr(c, method)("/oai", params)
    assert r.status_code == 200
    assert r["Content-Type"].startswith("text/xml")
    root = etree.fromstring(r.content)
    assert root.tag == "{http://www.openarchives.org/OAI/2.0/}OAI-PMH"
    # responseDate then request come first (OAI-PMH 2.0 §3.2)
    assert [etree.QName(e).localname for e in root][:2] == ["responseDate", "request"]
    return root


def error(root) -> str:
    codes = root.xpath("o:error/@code", namespaces=NS)
    assert len(codes) == 1, etree.tostring(root)
    return codes[0]


def ids(root) -> list[str]:
    return root.xpath("//o:header/o:identifier/text()", namespaces=NS)


def ident(r) -> str:
    return f"oai:testserver:{r.pk}"


@pytest.fixture
def lib(resworld):
    """Three public resources of school A, one readable by its school only, one public draft."""
    out = {}
    for n in (1, 2, 3):
        fields = {"subject": "chinese"} if n == 3 else {}
        out[n] = publish(
            resworld, make(resworld, title_zh=f"公开资源{n}", visibility="public", **fields)
        )
    out["school"] = publish(resworld, make(resworld, title_zh="校内资源", visibility="school"))
    out["draft"] = make(resworld, title_zh="草稿资源", visibility="public")
    return out


def test_identify(lib):
    root = oai(verb="Identify")
    get = lambda p: root.findtext(f"o:Identify/o:{p}", namespaces=NS)  # noqa: E731
    assert get("baseURL") == "http://testserver/oai"
    assert get("protocolVersion") == "2.0"
    assert get("deletedRecord") == "persistent"
    assert get("granularity") == "YYYY-MM-DDThh:mm:ssZ"
    earliest = dt.datetime.strptime(get("earliestDatestamp"), "%Y-%m-%dT%H:%M:%SZ")
    assert earliest <= lib[1].updated_at.replace(tzinfo=None)
    assert "@" in get("adminEmail")
    assert root.xpath("o:request/@verb", namespaces=NS) == ["Identify"]


def test_post_is_answered_like_get(lib):
    root = oai(method="post", verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert len(ids(root)) == 3


def test_metadata_formats(lib):
    root = oai(verb="ListMetadataFormats")
    prefixes = root.xpath("//o:metadataPrefix/text()", namespaces=NS)
    assert prefixes == ["oai_dc", "lrmi"]
    assert root.xpath(
        "//o:metadataFormat[o:metadataPrefix='lrmi']/o:metadataNamespace/text()", namespaces=NS
    ) == [NS["lrmi"]]
    assert Client().get("/oai/lrmi-jsonld.xsd").status_code == 200
    one = oai(verb="ListMetadataFormats", identifier=ident(lib[1]))
    assert len(one.xpath("//o:metadataFormat", namespaces=NS)) == 2
    assert (
        error(oai(verb="ListMetadataFormats", identifier=ident(lib["school"]))) == "idDoesNotExist"
    )


def test_only_public_published_resources_are_listed(lib):
    root = oai(verb="ListRecords", metadataPrefix="oai_dc")
    assert sorted(ids(root)) == sorted(ident(lib[n]) for n in (1, 2, 3))
    titles = root.xpath("//dc:title/text()", namespaces=NS)
    assert "校内资源" not in titles and "草稿资源" not in titles
    assert {"公开资源1", "公开资源2", "公开资源3"} <= set(titles)
    for key in ("school", "draft"):
        got = oai(verb="GetRecord", identifier=ident(lib[key]), metadataPrefix="oai_dc")
        assert error(got) == "idDoesNotExist"


def test_get_record_in_both_formats(lib):
    r = lib[1]
    dc = oai(verb="GetRecord", identifier=ident(r), metadataPrefix="oai_dc")
    assert dc.xpath("//dc:title[@xml:lang='zh-Hans']/text()", namespaces=NS) == ["公开资源1"]
    assert dc.xpath("//dc:rights/text()", namespaces=NS) == ["CC-BY-4.0"]
    assert f"http://testserver/resources/{r.pk}/" in dc.xpath(
        "//dc:identifier/text()", namespaces=NS
    )
    lr = oai(verb="GetRecord", identifier=ident(r), metadataPrefix="lrmi")
    el = lr.xpath("//o:metadata/lrmi:learningResource", namespaces=NS)
    doc = json.loads(el[0].text)
    assert doc["@type"] == "LearningResource" and doc["name"] == "公开资源1"
    assert doc["learningResourceType"]["termCode"] == "lesson_design"
    specs = lr.xpath("//o:header/o:setSpec/text()", namespaces=NS)
    assert {"member:130000000000", "member:131000000000", "subject:math", "edition:pep"} <= set(
        specs
    )
    bad = oai(verb="GetRecord", identifier=ident(r), metadataPrefix="marc21")
    assert error(bad) == "cannotDisseminateFormat"


def test_sets(lib):
    root = oai(verb="ListSets")
    specs = root.xpath("//o:set/o:setSpec/text()", namespaces=NS)
    assert {"member", "subject", "edition", "member:130000000000", "subject:math"} <= set(specs)
    only = lambda s: sorted(ids(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set=s)))  # noqa: E731
    assert only("subject:chinese") == [ident(lib[3])]
    assert len(only("subject")) == 3
    assert len(only("member:131000000000")) == 3
    r = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="member:320000000000")
    assert error(r) == "noRecordsMatch"  # Jiangsu: a member, but none of these is there
    assert (
        error(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="colour:red"))
        == "noRecordsMatch"
    )
    assert error(oai(verb="ListSets", resumptionToken="x")) == "badResumptionToken"


def test_from_and_until(lib):
    from xietong.resources.models import Resource

    old = dt.datetime(2024, 3, 1, 8, 30, 5, tzinfo=dt.UTC)
    Resource.objects.filter(pk=lib[1].pk).update(updated_at=old)
    day = lambda **kw: sorted(ids(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **kw)))  # noqa: E731
    assert day(until="2024-03-01") == [ident(lib[1])]  # the whole day is included
    assert day(until="2024-03-01T08:30:05Z") == [ident(lib[1])]  # so is the whole second
    assert (
        error(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", until="2024-03-01T08:30:04Z"))
        == "noRecordsMatch"
    )
    assert ident(lib[1]) not in day(**{"from": "2024-03-01T08:30:06Z"})
    assert len(day(**{"from": "2024-03-01"})) == 3
    for bad in (
        {"from": "2024-3-1"},
        {"from": "2024-03-01", "until": "2024-03-02T00:00:00Z"},
        {"from": "2024-03-02", "until": "2024-03-01"},
    ):
        assert error(oai(verb="ListIdentifiers", metadataPrefix="oai_dc", **bad)) == "badArgument"


def test_resumption_tokens(lib, settings):
    settings.XIETONG_OAI_PAGE_SIZE = 2
    first = oai(verb="ListRecords", metadataPrefix="lrmi")
    token = first.find("o:ListRecords/o:resumptionToken", NS)
    assert len(ids(first)) == 2
    assert token.get("completeListSize") == "3" and token.get("cursor") == "0"
    assert token.get("expirationDate").endswith("Z")
    second = oai(verb="ListRecords", resumptionToken=token.text)
    last = second.find("o:ListRecords/o:resumptionToken", NS)
    assert len(ids(second)) == 1 and not (last.text or "")
    assert last.get("cursor") == "2" and last.get("completeListSize") == "3"
    assert sorted(ids(first) + ids(second)) == sorted(ident(lib[n]) for n in (1, 2, 3))
    # a token is for its verb, untampered, alone, and expires
    assert error(oai(verb="ListIdentifiers", resumptionToken=token.text)) == "badResumptionToken"
    assert (
        error(oai(verb="ListRecords", resumptionToken=token.text[:-2] + "xx"))
        == "badResumptionToken"
    )
    assert (
        error(oai(verb="ListRecords", resumptionToken=token.text, metadataPrefix="oai_dc"))
        == "badArgument"
    )
    settings.XIETONG_OAI_TOKEN_HOURS = -1
    assert error(oai(verb="ListRecords", resumptionToken=token.text)) == "badResumptionToken"


def test_protocol_errors(lib):
    bad_verb = oai(verb="Harvest")
    assert error(bad_verb) == "badVerb"
    assert bad_verb.find("o:request", NS).attrib == {}  # no attributes after badVerb (§3.2)
    assert error(oai()) == "badVerb"
    assert error(oai_raw("verb=Identify&verb=Identify")) == "badVerb"
    assert error(oai(verb="Identify", metadataPrefix="oai_dc")) == "badArgument"
    assert error(oai(verb="ListRecords")) == "badArgument"
    assert (
        error(oai_raw("verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=lrmi"))
        == "badArgument"
    )
    assert error(oai(verb="GetRecord", metadataPrefix="oai_dc")) == "badArgument"
    assert error(oai(verb="ListRecords", metadataPrefix="mods")) == "cannotDisseminateFormat"
    assert (
        error(oai(verb="GetRecord", metadataPrefix="oai_dc", identifier="oai:elsewhere:1"))
        == "idDoesNotExist"
    )


def oai_raw(query: str):
    r = Client().get(f"/oai?{query}")
    return etree.fromstring(r.content)


def test_no_records_match_on_an_empty_catalogue(resworld):
    assert error(oai(verb="ListRecords", metadataPrefix="oai_dc")) == "noRecordsMatch"


def test_withdrawn_or_non_public_resources_leave_tombstones(lib, resworld):
    from xietong.audit.models import AuditEntry
    from xietong.resources.models import OaiTombstone
    from xietong.resources.services import resource_update, resource_withdraw

    langfang = resworld["users"]["langfang"]
    before = AuditEntry.objects.count()
    resource_withdraw(resource=lib[1], actor=langfang, reason="outdated")
    assert AuditEntry.objects.count() == before + 1  # the withdrawal's own entry, nothing more
    resource_update(resource=lib[2], actor=langfang, visibility="school")
    assert OaiTombstone.objects.count() == 2
    root = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    deleted = root.xpath("//o:header[@status='deleted']/o:identifier/text()", namespaces=NS)
    assert sorted(deleted) == sorted([ident(lib[1]), ident(lib[2])])
    assert ident(lib[3]) in ids(root)
    got = oai(verb="GetRecord", identifier=ident(lib[1]), metadataPrefix="lrmi")
    assert got.xpath("//o:record/o:header/@status", namespaces=NS) == ["deleted"]
    assert got.xpath("//o:record/o:metadata", namespaces=NS) == []
    # a tombstone keeps its sets
    in_set = oai(verb="ListIdentifiers", metadataPrefix="oai_dc", set="member:131000000000")
    assert ident(lib[1]) in ids(in_set)
    # published and public again: the record is back, the tombstone gone
    changed = resource_update(resource=lib[2], actor=langfang, visibility="public")
    publish(resworld, changed)
    assert not OaiTombstone.objects.filter(resource_id=lib[2].pk).exists()
    root = oai(verb="GetRecord", identifier=ident(lib[2]), metadataPrefix="oai_dc")
    assert root.xpath("//o:header/@status", namespaces=NS) == []
    # a private draft that never was public leaves none
    resource_update(resource=lib["draft"], actor=langfang, visibility="school")
    assert not OaiTombstone.objects.filter(resource_id=lib["draft"].pk).exists()


def _fetch(url, params):
    assert url == "http://testserver/oai"
    return Client().get("/oai", params).content


def test_harvest_end_to_end(lib, resworld, settings):
    """Publish three public resources, harvest them into a second source namespace, withdraw
    one at the source, harvest again: the local copy is withdrawn."""
    from xietong.audit.models import AuditEntry
    from xietong.regions.models import Jurisdiction
    from xietong.resources.models import HarvestedRecord, Resource
    from xietong.resources.oai.harvest import harvest
    from xietong.resources.services import resource_withdraw

    settings.XIETONG_OAI_PAGE_SIZE = 2  # the harvester follows resumption tokens
    wuqing = Jurisdiction.objects.get(code="120114000000")
    run = lambda: harvest(  # noqa: E731
        url="http://testserver/oai", source="peer", actor=None, owner=wuqing, fetch=_fetch
    )
    first = run()
    assert (first.created, first.problems) == (3, [])
    copies = Resource.objects.filter(harvested_from__source="peer")
    assert sorted(copies.values_list("title_zh", flat=True)) == [
        "公开资源1",
        "公开资源2",
        "公开资源3",
    ]
    assert set(copies.values_list("status", "visibility", "owner_code")) == {
        ("published", "public", "120114000000")
    }
    assert copies.get(title_zh="公开资源3").subject.code == "chinese"
    assert copies.get(title_zh="公开资源1").licence == "CC-BY-4.0"
    assert HarvestedRecord.objects.filter(identifier=ident(lib[1])).exists()
    # the copies are not exposed again by this provider
    listed = oai(verb="ListIdentifiers", metadataPrefix="oai_dc")
    assert listed.find(".//o:resumptionToken", NS).get("completeListSize") == "3"
    run_entry = AuditEntry.objects.filter(action="resources.harvest").get()
    assert run_entry.after["created"] == 3
    again = run()  # incremental: from the last datestamp, nothing new
    assert (again.created, again.updated, again.withdrawn) == (0, 0, 0)
    resource_withdraw(resource=lib[2], actor=resworld["users"]["langfang"], reason="copyright")
    third = run()
    assert (third.created, third.withdrawn, third.problems) == (0, 1, [])
    local = Resource.objects.get(harvested_from__identifier=ident(lib[2]))
    assert (local.status, local.withdraw_reason) == ("withdrawn", "source_deleted")
    assert Resource.objects.get(harvested_from__identifier=ident(lib[1])).status == "published"


def test_harvest_as_a_named_account_in_its_scope(lib, resworld):
    from xietong.accounts.scope import OutOfScope
    from xietong.regions.models import Jurisdiction
    from xietong.resources.oai.harvest import harvest

    tongzhou = resworld["users"]["tongzhou"]
    own = Jurisdiction.objects.get(code="110112000000")
    result = harvest(
        url="http://testserver/oai",
        source="peer",
        actor=tongzhou,
        owner=own,
        fetch=_fetch,
        set_spec="subject:chinese",
    )
    assert result.created == 1
    with pytest.raises(OutOfScope):
        harvest(
            url="http://testserver/oai",
            source="peer",
            actor=tongzhou,
            owner=Jurisdiction.objects.get(code="120114000000"),
            fetch=_fetch,
        )
