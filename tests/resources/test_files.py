"""Files: stored once by SHA-256, typed by content, size-limited."""

import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tests.resources.conftest import EXE, PDF, PNG, make, pdf
from xietong.resources.models import Resource, ResourceFile
from xietong.resources.storage import resource_storage


def test_same_content_is_stored_once(resworld, _store):
    a = make(resworld, upload=pdf("a.pdf"))
    b = make(resworld, upload=pdf("copy-with-another-name.pdf"), by="langfang")
    assert a.file_id == b.file_id == hashlib.sha256(PDF).hexdigest()
    assert ResourceFile.objects.count() == 1
    stored = [p for p in _store.rglob("*") if p.is_file()]
    assert len(stored) == 1 and stored[0].read_bytes() == PDF
    assert stored[0].name == f"{a.file_id}.pdf"
    assert (a.file_name, b.file_name) == ("a.pdf", "copy-with-another-name.pdf")


def test_type_is_read_from_content(resworld):
    r = make(resworld, upload=SimpleUploadedFile("picture.pdf", PNG, "application/pdf"))
    assert r.file.mime_type == "image/png" and r.file.preview == "image"
    with resource_storage().open(r.file.storage_name) as f:
        assert f.read() == PNG


@pytest.mark.parametrize(
    "content", [EXE, b"\x7fELF\x02\x01\x01" + b"\x00" * 60, b"plain text, no magic"]
)
def test_renamed_executable_is_refused(resworld, content):
    before = Resource.objects.count()
    with pytest.raises(ValueError, match="lesson.pdf"):
        make(resworld, upload=SimpleUploadedFile("lesson.pdf", content, "application/pdf"))
    assert Resource.objects.count() == before
    assert ResourceFile.objects.count() == 0


def test_size_limit_comes_from_the_setting(resworld, settings):
    settings.XIETONG_RESOURCE_MAX_BYTES = len(PDF) + 10
    make(resworld, upload=pdf(extra=b"x" * 10))
    with pytest.raises(ValueError, match=str(len(PDF) + 10)):
        make(resworld, upload=pdf(extra=b"x" * 11))
    assert Resource.objects.count() == 1


def test_external_link_needs_no_file(resworld):
    from xietong.resources.services import resource_create

    r = resource_create(
        actor=resworld["users"]["school-a"],
        owner_school=resworld["schools"]["A"],
        external_url="https://basic.smartedu.cn/",
        **{k: v for k, v in __import__("tests.resources.conftest").resources.conftest.BASE.items()},
    )
    assert r.file is None and r.external_url.startswith("https://")
    with pytest.raises(ValueError, match="file"):
        resource_create(
            actor=resworld["users"]["school-a"],
            owner_school=resworld["schools"]["A"],
            title_zh="无内容",
            kind="courseware",
            stage="junior",
            licence="CC-BY-4.0",
        )
