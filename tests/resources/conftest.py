"""Resources over the scope matrix's world: the seed vocabulary, a file store in a temporary
directory, and more roles placed along the ladder of school A (Anci district, Langfang, Hebei)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

SEED = (
    Path(__file__).resolve().parents[2]
    / "src/xietong/resources/data/vocabulary/cn-compulsory-2022-demo.json"
)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64


def pdf(name: str = "lesson.pdf", extra: bytes = b"") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF + extra, "application/pdf")


@pytest.fixture(autouse=True)
def _store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }
    return tmp_path / "store"


@pytest.fixture
def vocab(db):
    from xietong.resources.services import vocabulary_load

    return vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)


# extra roles of the ladder: (school key, county, role) -- F in A's county, G in A's city, E's
# teacher in A's province, the Shijiazhuang bureau (Hebei, not Langfang)
EXTRA_SCHOOLS = {"F": "131002000000", "G": "131003000000"}


@pytest.fixture
def resworld(world, vocab):
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.regions.models import Jurisdiction
    from xietong.schools.models import School

    for key, county in EXTRA_SCHOOLS.items():
        world["schools"][key] = School.objects.create(
            code=f"{county[:6]}000{key}",
            name_zh=f"学校{key}",
            stage="junior",
            county_id=county,
            location="urban",
            ownership="public",
        )
    spec = {
        "teacher-f": (Role.TEACHER, {"school": world["schools"]["F"]}),
        "teacher-g": (Role.TEACHER, {"school": world["schools"]["G"]}),
        "teacher-e": (Role.TEACHER, {"school": world["schools"]["E"]}),
        "teacher-b": (Role.TEACHER, {"school": world["schools"]["B"]}),
        "shijiazhuang": (
            Role.BUREAU,
            {"jurisdiction": Jurisdiction.objects.get(code="130100000000")},
        ),
    }
    for name, (role, kw) in spec.items():
        world["users"][name] = user_create(username=name, password="kestrel-harbour-42", actor=None)
        role_grant(user=world["users"][name], role=role, actor=None, **kw)
    world["vocab"] = vocab
    return world


BASE = {
    "title_zh": "有理数的加法",
    "description_zh": "七年级上册第一章教学设计",
    "kind": "lesson_design",
    "stage": "junior",
    "grade": "g7",
    "subject": "math",
    "edition": "pep",
    "volume": "pep-math-g7a",
    "unit": "pep-math-g7a-u1",
    "licence": "CC-BY-4.0",
    "author_name": "张老师",
}


def make(world, *, by="school-a", school="A", upload=None, **fields):
    from xietong.resources.services import resource_create

    return resource_create(
        actor=world["users"][by] if by else None,
        owner_school=world["schools"][school] if school else None,
        upload=upload if upload is not None else pdf(extra=repr(fields).encode()),
        **{**BASE, **fields},
    )


def publish(world, resource, *, reviewer="langfang"):
    from xietong.resources.services import resource_approve, resource_submit

    resource, codes = resource_submit(resource=resource, actor=None, pledge=True)
    assert codes == []
    return resource_approve(resource=resource, actor=world["users"][reviewer])


@pytest.fixture(autouse=True)
def _english_messages(settings):
    """These tests read English messages; the interface's default language is zh-Hans."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
