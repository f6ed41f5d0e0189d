"""Usage events and the flows matrix: events carry source and consumer members, views count once
a day per user, ratings are audited and bounded, the public sees no cell below k=5."""

import pytest
from django.contrib.auth.models import AnonymousUser

from tests.resources.conftest import make, pdf, publish
from xietong.audit.models import AuditEntry
from xietong.resources import flows
from xietong.resources.models import UsageEvent
from xietong.resources.services import collection_import
from xietong.resources.usage import resource_rate, usage_record


def test_import_records_a_flow_from_hebei_to_beijing(resworld):
    r = publish(resworld, make(resworld, visibility="public"))  # school A, Langfang (13)
    collection_import(resource=r, actor=resworld["users"]["teacher-b"])  # Tongzhou (11)
    e = UsageEvent.objects.get(kind="import")
    assert (e.source_province, e.source_county) == ("13", "131002")
    assert (e.consumer_province, e.consumer_county) == ("11", "110112")
    assert e.consumer_school == resworld["schools"]["B"]


def test_views_count_once_a_day_per_user(resworld, client):
    r = publish(resworld, make(resworld, visibility="public"))
    teacher = resworld["users"]["teacher-b"]
    assert usage_record(kind="view", resource=r, user=teacher) is not None
    assert usage_record(kind="view", resource=r, user=teacher) is None
    assert usage_record(kind="download", resource=r, user=teacher) is not None
    client.force_login(teacher)
    assert client.get(f"/resources/{r.pk}/").status_code == 200
    assert UsageEvent.objects.filter(kind="view").count() == 1


def test_the_pages_own_preview_is_not_a_download(resworld, client):
    """The resource page's iframe (or img, video, audio) loads the file: the view is counted,
    not a download per request; following the file link, or a client saying nothing, is one."""
    r = publish(resworld, make(resworld, visibility="public"))
    client.force_login(resworld["users"]["teacher-b"])
    url = f"/resources/{r.pk}/file"
    for dest in ("iframe", "video", "image"):
        assert client.get(url, HTTP_SEC_FETCH_DEST=dest).status_code == 200
    assert not UsageEvent.objects.filter(kind="download").exists()
    assert client.get(url, HTTP_SEC_FETCH_DEST="document").status_code == 200
    assert client.get(url).status_code == 200
    assert UsageEvent.objects.filter(kind="download").count() == 2


def test_rating_is_audited_and_bounded(resworld):
    r = publish(resworld, make(resworld, visibility="public"))
    teacher = resworld["users"]["teacher-b"]
    with pytest.raises(ValueError, match="1 to 5"):
        resource_rate(resource=r, actor=teacher, value=6)
    resource_rate(resource=r, actor=teacher, value=4)
    assert UsageEvent.objects.get(kind="rating").value == 4
    assert AuditEntry.objects.filter(action="resources.rate", object_id=str(r.pk)).count() == 1


def test_public_matrix_suppresses_small_cells(resworld):
    r = publish(resworld, make(resworld, visibility="public"))
    b, e = resworld["users"]["teacher-b"], resworld["users"]["teacher-e"]
    for _ in range(5):
        usage_record(kind="download", resource=r, user=b)
    for _ in range(2):
        usage_record(kind="download", resource=r, user=e)
    public = {
        (c["source"], c["consumer"]): c["count"] for c in flows.flow_matrix(actor=AnonymousUser())
    }
    admin = resworld["users"]["langfang"]
    scoped = {(c["source"], c["consumer"]): c["count"] for c in flows.flow_matrix(actor=admin)}
    consumer_e = UsageEvent.objects.filter(user=e).first().consumer_province
    assert public[("13", "11")] == 5 and public[("13", consumer_e)] is None
    assert scoped[("13", consumer_e)] == 2
    net = {row["member"]: row for row in flows.net_balance(flows.flow_matrix(actor=admin))}
    assert net["13"]["exports"] == 5 + (2 if consumer_e != "13" else 0)
    assert net["11"]["imports"] == 5 and net["11"]["net"] == -5


def test_remix_lineage_and_most_used(resworld):
    from xietong.resources.services import resource_remix

    r = publish(resworld, make(resworld, visibility="public"))
    remix = resource_remix(
        source=r,
        actor=resworld["users"]["school-a"],
        owner_school=resworld["schools"]["A"],
        title_zh="有理数的加法（改编）",
        description_zh="改编",
        kind="lesson_design",
        stage="junior",
        grade="g7",
        subject="math",
        edition="pep",
        licence="CC-BY-4.0",
        author_name="李老师",
        upload=pdf(extra=b"remix"),
        visibility="public",
    )
    remix = publish(resworld, remix)
    tree = flows.remix_lineage(actor=AnonymousUser(), resource=r)
    assert tree["resource"] == r and [c["resource"] for c in tree["children"]] == [remix]
    assert UsageEvent.objects.filter(kind="remix", resource=r).count() == 1
    b = resworld["users"]["teacher-b"]
    for _ in range(3):
        usage_record(kind="download", resource=remix, user=b)
    top = flows.most_used(actor=resworld["users"]["langfang"])["13"]
    assert [t["id"] for t in top] == [remix.pk, r.pk] and top[0]["count"] == 3
    assert flows.most_used(actor=AnonymousUser()) == {}  # 3 and 1 are below k=5


def test_rating_form(resworld, client):
    r = publish(resworld, make(resworld, visibility="public"))
    client.force_login(resworld["users"]["teacher-b"])
    assert client.post(f"/resources/{r.pk}/rate/", {"value": "9"}).status_code == 302
    assert not UsageEvent.objects.filter(kind="rating").exists()
    client.post(f"/resources/{r.pk}/rate/", {"value": "5"})
    assert UsageEvent.objects.get(kind="rating").value == 5
    assert 'id="rate"' in client.get(f"/resources/{r.pk}/").content.decode()
