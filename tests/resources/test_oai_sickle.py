"""The OAI-PMH provider as a standard harvester sees it: Sickle (a widely used Python OAI-PMH
client) harvests /oai from a live server over HTTP, through every verb, with resumption tokens,
a set, a date range and a deleted record, and reads back what the catalogue holds."""

from __future__ import annotations

import datetime as dt

import pytest
from sickle import Sickle
from sickle.oaiexceptions import IdDoesNotExist, NoRecordsMatch

from tests.resources.conftest import make, publish


@pytest.fixture
def served(live_server, resworld, settings):
    settings.XIETONG_OAI_PAGE_SIZE = 2  # three public records: two pages and a token
    public = [
        publish(resworld, make(resworld, title_zh=f"公开资源{n}", visibility="public"))
        for n in (1, 2, 3)
    ]
    publish(resworld, make(resworld, title_zh="校内资源", visibility="school"))
    return Sickle(live_server.url + "/oai", max_retries=0, timeout=60), public


def test_sickle_harvests_every_verb(served):
    harvester, public = served
    identify = harvester.Identify()
    assert identify.protocolVersion == "2.0"
    assert identify.deletedRecord == "persistent"
    assert identify.baseURL.endswith("/oai")
    prefixes = {f.metadataPrefix for f in harvester.ListMetadataFormats()}
    assert {"oai_dc", "lrmi"} <= prefixes
    specs = {s.setSpec for s in harvester.ListSets()}
    # hierarchical sets (by member jurisdiction, subject and edition): each child's parent is listed
    assert {"edition", "subject"} <= specs and any(s.startswith("edition:") for s in specs)
    assert all(s.rsplit(":", 1)[0] in specs for s in specs if ":" in s)

    # ListRecords follows the resumption token to the end: the three public records, no other
    records = list(harvester.ListRecords(metadataPrefix="oai_dc"))
    titles = sorted(t for r in records for t in r.metadata["title"])
    assert titles == ["公开资源1", "公开资源2", "公开资源3"]
    assert not any(r.header.deleted for r in records)
    # dc:identifier carries the page of each resource on this server
    for r in records:
        assert any(
            i.startswith(harvester.endpoint.rsplit("/oai", 1)[0]) for i in r.metadata["identifier"]
        )

    headers = list(harvester.ListIdentifiers(metadataPrefix="oai_dc"))
    assert sorted(h.identifier for h in headers) == sorted(r.header.identifier for r in records)
    one = harvester.GetRecord(identifier=headers[0].identifier, metadataPrefix="lrmi")
    assert one.header.identifier == headers[0].identifier
    with pytest.raises(IdDoesNotExist):
        harvester.GetRecord(identifier="oai:nowhere:1", metadataPrefix="oai_dc")

    # a set of the records' own, and a date range that excludes them all
    spec = headers[0].setSpecs[0]
    in_set = list(harvester.ListIdentifiers(metadataPrefix="oai_dc", set=spec))
    assert headers[0].identifier in {h.identifier for h in in_set}
    tomorrow = (dt.datetime.now(dt.UTC) + dt.timedelta(days=1)).strftime("%Y-%m-%d")
    with pytest.raises(NoRecordsMatch):
        list(harvester.ListIdentifiers(metadataPrefix="oai_dc", **{"from": tomorrow}))


def test_sickle_sees_a_withdrawn_record_as_deleted(served, resworld):
    from xietong.resources.services import resource_withdraw

    harvester, public = served
    resource_withdraw(resource=public[0], actor=resworld["users"]["langfang"], reason="outdated")
    headers = {h.identifier: h for h in harvester.ListIdentifiers(metadataPrefix="oai_dc")}
    deleted = [h for h in headers.values() if h.deleted]
    assert len(deleted) == 1 and len(headers) == 3
    assert str(public[0].pk) in deleted[0].identifier
