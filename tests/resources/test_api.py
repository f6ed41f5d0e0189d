"""The API: read through the selectors (404 outside the ladder), upload, review actions, import;
JSON-LD on request."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.resources.conftest import BASE, EXE, PDF, make, publish
from xietong.resources.models import Resource, Status


def client(world, who):
    c = Client()
    if who:
        c.force_login(world["users"][who])
    return c


def _post(c, path, body=None):
    return c.post(path, json.dumps(body or {}), content_type="application/json")


def test_get_json_and_json_ld(resworld):
    r = publish(resworld, make(resworld, visibility="public", title_en="Adding rational numbers"))
    c = Client()
    data = c.get(f"/api/resources/{r.pk}").json()
    assert data["id"] == str(r.pk) and data["edition"] == "pep" and data["status"] == "published"
    assert data["file_sha256"] == r.file_id and data["file_type"] == "application/pdf"
    ld = c.get(f"/api/resources/{r.pk}", HTTP_ACCEPT="application/ld+json")
    assert ld["Content-Type"].startswith("application/ld+json")
    doc = ld.json()
    assert doc["@context"] == "https://schema.org" and doc["@type"] == "LearningResource"
    assert doc["license"] == "https://spdx.org/licenses/CC-BY-4.0.html"
    assert doc["encoding"]["sha256"] == r.file_id
    assert doc["learningResourceType"]["termCode"] == "lesson_design"
    assert {a["alignmentType"] for a in doc["educationalAlignment"]} == {
        "educationalSubject",
        "educationalLevel",
    }
    assert c.get("/api/resources/00000000-0000-0000-0000-000000000000").status_code == 404


def test_list_follows_the_ladder(resworld):
    county = publish(resworld, make(resworld, visibility="county"))
    public = publish(resworld, make(resworld, visibility="public"))
    ids = lambda who: {i["id"] for i in client(resworld, who).get("/api/resources").json()["items"]}  # noqa: E731
    assert ids(None) == {str(public.pk)}
    assert ids("teacher-f") == {str(county.pk), str(public.pk)}
    assert client(resworld, None).get(f"/api/resources/{county.pk}").status_code == 404
    assert client(resworld, "teacher-f").get(f"/api/resources/{county.pk}").status_code == 200


def _upload(c, content=PDF, name="l.pdf", **extra):
    fields = {**BASE, **extra}
    return c.post("/api/resources", {**fields, "file": SimpleUploadedFile(name, content)})


def test_upload_review_publish_import(resworld):
    school_a = resworld["schools"]["A"].code
    c = client(resworld, "school-a")
    r = _upload(
        c, owner=school_a, visibility="province", standards="math-2022-s4-number-expression"
    )
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    assert r.json()["standards"] == ["math-2022-s4-number-expression"]
    assert _post(c, f"/api/resources/{pk}/submit", {"pledge": False}).status_code == 422
    s = _post(c, f"/api/resources/{pk}/submit", {"pledge": True}).json()
    assert s == {"status": "pending", "problems": []}
    queue = client(resworld, "langfang").get("/api/resources/queue").json()["items"]
    assert [i["id"] for i in queue] == [pk]
    assert client(resworld, "tongzhou").get("/api/resources/queue").json()["items"] == []
    assert _post(client(resworld, "school-a"), f"/api/resources/{pk}/approve").status_code == 403
    ok = _post(client(resworld, "langfang"), f"/api/resources/{pk}/approve")
    assert ok.status_code == 200 and ok.json()["status"] == "published"
    teacher = client(resworld, "teacher-e")
    assert _post(teacher, f"/api/resources/{pk}/import").status_code == 201
    assert teacher.get("/api/resources/collection").json()[0]["resource"] == pk
    assert _post(client(resworld, "teacher-b"), f"/api/resources/{pk}/import").status_code == 404
    w = _post(client(resworld, "langfang"), f"/api/resources/{pk}/withdraw", {"reason": "nope"})
    assert w.status_code == 422
    w = _post(client(resworld, "langfang"), f"/api/resources/{pk}/withdraw", {"reason": "outdated"})
    assert w.json()["status"] == "withdrawn"


@pytest.mark.parametrize(
    "extra, status, word",
    [
        ({"licence": "CC-BY-9.9"}, 422, "CC-BY-9.9"),
        ({"owner": "999999999999"}, 422, "owner"),
        ({"kind": "no-such-kind"}, 422, "kind"),
        ({"visibility": "everyone"}, 422, "visibility"),
    ],
)
def test_upload_bad_input(resworld, extra, status, word):
    c = client(resworld, "school-a")
    r = _upload(c, **{"owner": resworld["schools"]["A"].code, **extra})
    assert r.status_code == status and word in r.json()["detail"]
    assert not Resource.objects.exists()


def test_upload_refuses_renamed_executable_and_large_files(resworld, settings):
    c = client(resworld, "school-a")
    owner = resworld["schools"]["A"].code
    r = _upload(c, content=EXE, name="lesson.pdf", owner=owner)
    assert r.status_code == 422 and "lesson.pdf" in r.json()["detail"]
    settings.XIETONG_RESOURCE_MAX_BYTES = 10
    assert _upload(c, owner=owner).status_code == 413
    assert not Resource.objects.exists()


def test_upload_for_another_school_is_refused(resworld):
    r = _upload(client(resworld, "teacher-a"), owner=resworld["schools"]["B"].code)
    assert r.status_code == 403
    r = _upload(Client(), owner=resworld["schools"]["A"].code)
    assert r.status_code == 401
    assert not Resource.objects.exists()


def test_reject_and_vocabulary(resworld):
    r, _codes = __import__("xietong.resources.services", fromlist=["x"]).resource_submit(
        resource=make(resworld), actor=None, pledge=True
    )
    c = client(resworld, "langfang")
    assert _post(c, f"/api/resources/{r.pk}/reject", {"reason": ""}).status_code == 422
    out = _post(c, f"/api/resources/{r.pk}/reject", {"reason": "content_error"})
    assert out.json()["status"] == Status.REJECTED
    editions = {e["code"] for e in Client().get("/api/resources/vocabulary/edition").json()}
    assert {"pep", "tongbian", "hujiao"} <= editions
