"""Pages: the resource page (metadata, preview, LRMI JSON-LD), upload, collection, review queue
and its actions, in zh-Hans and English."""

import json
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.resources.conftest import BASE, PNG, make, publish
from xietong.resources.models import CollectionItem, Resource, Status
from xietong.resources.services import resource_submit


def client(world, who, lang="zh-hans"):
    c = Client(HTTP_ACCEPT_LANGUAGE=lang)
    if who:
        c.force_login(world["users"][who])
    return c


def _jsonld(html: str) -> dict:
    m = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert m, "no JSON-LD block"
    return json.loads(m.group(1))


@pytest.mark.parametrize("lang, word", [("zh-hans", 'lang="zh-hans"'), ("en", "Licence")])
def test_resource_page(resworld, lang, word):
    r = publish(resworld, make(resworld, visibility="public", title_zh="<b>有理数</b>"))
    html = client(resworld, None, lang).get(f"/resources/{r.pk}/").content.decode()
    assert word in html and "<iframe" in html  # a PDF is previewed in the page
    doc = _jsonld(html)
    assert doc["@type"] == "LearningResource" and doc["name"] == "<b>有理数</b>"
    assert "<b>" not in html.split('application/ld+json">')[1].split("</script>")[0]
    file = client(resworld, None).get(f"/resources/{r.pk}/file")
    assert file.status_code == 200 and file["Content-Type"] == "application/pdf"
    assert b"".join(file.streaming_content).startswith(b"%PDF")
    # the page frames its own file, nobody else's page does; the type is never sniffed
    assert file["X-Frame-Options"] == "SAMEORIGIN" and file["X-Content-Type-Options"] == "nosniff"
    assert "frame-ancestors 'self'" in file["Content-Security-Policy"]


def test_image_preview_and_hidden_page(resworld):
    r = publish(
        resworld,
        make(resworld, visibility="school", upload=SimpleUploadedFile("p.png", PNG)),
    )
    assert "<img" in client(resworld, "teacher-a").get(f"/resources/{r.pk}/").content.decode()
    assert client(resworld, "teacher-e").get(f"/resources/{r.pk}/").status_code == 404
    assert client(resworld, None).get(f"/resources/{r.pk}/file").status_code == 404


def test_upload_form(resworld):
    c = client(resworld, "teacher-a")
    assert c.get("/resources/upload/").status_code == 200
    data = {
        **{k: v for k, v in BASE.items()},
        "owner": resworld["schools"]["A"].code,
        "visibility": "school",
        "language": "zh-Hans",
        "file": SimpleUploadedFile("l.pdf", b"%PDF-1.4\n%%EOF\n"),
    }
    r = c.post("/resources/upload/", data)
    assert r.status_code == 302
    created = Resource.objects.get()
    assert created.author == resworld["users"]["teacher-a"] and created.status == Status.DRAFT


@pytest.mark.parametrize(
    "lang, edition, unit",
    [
        ("zh-hans", "苏科版", "苏科版 · 七年级上册 · 第4章 一元一次方程"),
        (
            "en",
            "Jiangsu Science and Technology Press edition",
            "Jiangsu Science and Technology Press edition · Grade 7, volume 1 · 第4章 一元一次方程",
        ),
    ],
)
def test_upload_form_names_vocabulary_in_the_readers_language(resworld, lang, edition, unit):
    """The choices read as names in the page's language, a chapter after its edition and
    volume (seven editions have a “七年级上册”), not as the stored Chinese name and code."""
    html = client(resworld, "teacher-a", lang).get("/resources/upload/").content.decode()
    assert f'<option value="suke">{edition}</option>' in html
    assert f'<option value="suke-math-g7a-u4">{unit}</option>' in html
    assert "(suke)" not in html and "(pep-math-g7a)" not in html


def test_upload_form_refuses_bad_input_and_strangers(resworld):
    c = client(resworld, "teacher-a")
    bad = {**BASE, "owner": resworld["schools"]["B"].code, "visibility": "school"}
    r = c.post("/resources/upload/", {**bad, "file": SimpleUploadedFile("l.pdf", b"%PDF-1.4")})
    assert r.status_code == 400  # school B is not among the choices
    ok_owner = {**bad, "owner": resworld["schools"]["A"].code, "licence": "not a licence"}
    r = c.post("/resources/upload/", {**ok_owner, "file": SimpleUploadedFile("l.pdf", b"%PDF-1.4")})
    assert r.status_code == 400 and "not a licence" in r.content.decode()
    assert client(resworld, "public").get("/resources/upload/").status_code == 403
    assert client(resworld, None).get("/resources/upload/").status_code == 302
    assert not Resource.objects.exists()


def test_review_queue_actions(resworld):
    r, _ = resource_submit(resource=make(resworld), actor=None, pledge=True)
    page = client(resworld, "langfang").get("/resources/review/").content.decode()
    assert str(r.pk) in page
    assert client(resworld, "tongzhou").get("/resources/review/").status_code == 200
    assert str(r.pk) not in client(resworld, "tongzhou").get("/resources/review/").content.decode()
    assert client(resworld, "teacher-a").get("/resources/review/").status_code == 403
    client(resworld, "school-a").post(f"/resources/{r.pk}/approve/")
    r.refresh_from_db()
    assert r.status == Status.PENDING  # the school is not its own reviewer
    resp = client(resworld, "langfang").post(
        f"/resources/{r.pk}/approve/", {"next": "/resources/review/"}
    )
    assert resp.status_code == 302 and resp["Location"] == "/resources/review/"
    r.refresh_from_db()
    assert r.status == Status.PUBLISHED
    client(resworld, "langfang").post(f"/resources/{r.pk}/withdraw/", {"reason": "bogus"})
    r.refresh_from_db()
    assert r.status == Status.PUBLISHED
    client(resworld, "langfang").post(f"/resources/{r.pk}/withdraw/", {"reason": "outdated"})
    r.refresh_from_db()
    assert (r.status, r.withdraw_reason) == (Status.WITHDRAWN, "outdated")


def test_submit_page_action_needs_the_pledge(resworld):
    r = make(resworld)
    c = client(resworld, "school-a")
    c.post(f"/resources/{r.pk}/submit/", {})
    r.refresh_from_db()
    assert r.status == Status.DRAFT
    c.post(f"/resources/{r.pk}/submit/", {"pledge": "on"})
    r.refresh_from_db()
    assert r.status == Status.PENDING
    assert client(resworld, "langfang").post(f"/resources/{r.pk}/reject/", {"reason": "other"})
    r.refresh_from_db()
    assert r.status == Status.REJECTED


@pytest.mark.parametrize("lang", ["zh-hans", "en"])
def test_collection_page_shows_imports_and_changes(resworld, lang):
    from xietong.resources.services import resource_update

    r = publish(resworld, make(resworld, visibility="public"))
    c = client(resworld, "teacher-b", lang)
    assert c.post(f"/resources/{r.pk}/import/").status_code == 302
    assert CollectionItem.objects.filter(user=resworld["users"]["teacher-b"]).count() == 1
    r = resource_update(
        resource=r, actor=resworld["users"]["school-a"], title_zh="新标题", kind="courseware"
    )
    publish(resworld, r)
    html = c.get("/resources/collection/").content.decode()
    assert "新标题" in html and "有理数的加法" in html  # the diff: before and after
    assert ("课件" if lang == "zh-hans" else "Courseware") in html  # entries by name, not code
    assert "courseware" not in html
    assert 'lang="en"' in html if lang == "en" else 'lang="zh-hans"' in html
    assert client(resworld, None).get("/resources/collection/").status_code == 302


def test_list_page(resworld):
    r = publish(resworld, make(resworld, visibility="public"))
    draft = make(resworld, visibility="public", title_zh="草稿资源")
    html = client(resworld, None).get("/resources/?edition=pep").content.decode()
    assert r.title_zh in html and draft.title_zh not in html
    assert r.title_zh not in client(resworld, None).get("/resources/?edition=bnu").content.decode()
