"""Import into one's collection; a changed published resource goes through review again and its
importers are told what changed; remixes with attribution and the licence check."""

import pytest

from tests.resources.conftest import BASE, make, pdf, publish
from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.resources.models import CollectionItem, ResourceChangeNotice, Status
from xietong.resources.selectors import collection_list, notices_for, resource_get
from xietong.resources.services import (
    attribution,
    collection_import,
    notice_read,
    resource_remix,
    resource_update,
)


def test_import_into_a_collection(resworld):
    r = publish(resworld, make(resworld, visibility="province"))
    teacher = resworld["users"]["teacher-e"]
    item = collection_import(resource=r, actor=teacher)
    assert item.imported_version == 1 and list(collection_list(actor=teacher)) == [item]
    assert AuditEntry.objects.filter(action="resources.import", object_id=str(r.pk)).count() == 1
    with pytest.raises(ValueError, match="already"):
        collection_import(resource=r, actor=teacher)
    with pytest.raises(ValueError, match="published"):  # outside the province: cannot read it
        collection_import(resource=r, actor=resworld["users"]["teacher-b"])
    assert CollectionItem.objects.count() == 1


def test_draft_cannot_be_imported(resworld):
    r = make(resworld, visibility="public")
    with pytest.raises(ValueError):
        collection_import(resource=r, actor=resworld["users"]["school-a"])


def test_change_goes_back_through_review_and_importers_are_told(resworld):
    r = publish(resworld, make(resworld, visibility="public"))
    teacher = resworld["users"]["teacher-b"]
    collection_import(resource=r, actor=teacher)
    old_hash = r.file_id
    r = resource_update(
        resource=r,
        actor=resworld["users"]["school-a"],
        title_zh="有理数的加法（修订）",
        upload=pdf(extra=b"revised"),
    )
    assert (r.status, r.version, r.published_version) == (Status.DRAFT, 2, 1)
    assert resource_get(actor=teacher, pk=r.pk) is None  # out of the library until reviewed
    assert not ResourceChangeNotice.objects.exists()
    r = publish(resworld, r)
    [notice] = notices_for(actor=teacher)
    changes = {c["field"]: (c["before"], c["after"]) for c in notice.changes}
    assert changes["title_zh"] == ("有理数的加法", "有理数的加法（修订）")
    assert changes["file_sha256"] == (old_hash, r.file_id) and old_hash != r.file_id
    assert (notice.from_version, notice.to_version) == (1, 2)
    assert "kind" not in changes
    with pytest.raises(OutOfScope):
        notice_read(notice=notice, actor=resworld["users"]["teacher-e"])
    notice_read(notice=notice, actor=teacher)
    assert not notices_for(actor=teacher).exists()
    assert CollectionItem.objects.get(user=teacher).imported_version == 2


def test_update_without_change_makes_no_version(resworld):
    r = make(resworld)
    r = resource_update(resource=r, actor=resworld["users"]["school-a"], title_zh=BASE["title_zh"])
    assert r.version == 1 and r.versions.count() == 1


def test_update_refuses_bad_input_and_other_users(resworld):
    from xietong.accounts.scope import OutOfScope

    r = make(resworld)
    with pytest.raises(OutOfScope):
        resource_update(resource=r, actor=resworld["users"]["teacher-a"], title_zh="x")
    with pytest.raises(ValueError, match="licence|SPDX"):
        resource_update(resource=r, actor=resworld["users"]["school-a"], licence="CC-BY-9.9")
    with pytest.raises(ValueError, match="unit"):
        resource_update(resource=r, actor=resworld["users"]["school-a"], unit="bnu-math-g7a-u1")
    r.refresh_from_db()
    assert r.version == 1 and r.licence == "CC-BY-4.0"


def test_remix_checks_the_licence_and_credits_the_source(resworld):
    source = publish(resworld, make(resworld, visibility="public", licence="CC-BY-SA-4.0"))
    bureau = resworld["users"]["tongzhou"]
    school_b = resworld["schools"]["B"]
    with pytest.raises(ValueError, match="share-alike|CC-BY-SA-4.0"):
        resource_remix(
            source=source, actor=bureau, owner_school=school_b, upload=pdf(extra=b"r"),
            **{**BASE, "licence": "CC-BY-4.0"},
        )  # fmt: skip
    remix = resource_remix(
        source=source, actor=bureau, owner_school=school_b, upload=pdf(extra=b"r"),
        **{**BASE, "licence": "CC-BY-SA-4.0", "title_zh": "改编：有理数的加法"},
    )  # fmt: skip
    assert remix.is_based_on_id == source.pk
    credit = attribution(remix)
    assert credit["title"] == source.title_zh and credit["licence"] == "CC-BY-SA-4.0"
    assert credit["author"] == "张老师" and credit["version"] == 1
    entry = AuditEntry.objects.get(action="resources.remix")
    assert entry.after["attribution"]["id"] == str(source.pk)


def test_remix_needs_a_readable_published_source(resworld):
    source = make(resworld, visibility="public")  # a draft
    with pytest.raises(ValueError):
        resource_remix(
            source=source, actor=resworld["users"]["tongzhou"],
            owner_school=resworld["schools"]["B"], upload=pdf(extra=b"q"), **BASE,
        )  # fmt: skip
