"""Training enrolments and resource imports linked as activities of a cooperation (services.links):
worked examples with known quantities, idempotence, the area rule and the scope rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from tests.resources.conftest import BASE, SEED, pdf
from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.partnerships.models import Activity
from xietong.partnerships.services import (
    activities_link,
    training_programme_attach,
    training_programme_detach,
)


def _programme(world, code="TWL-T-1", area="tongwulang", hours="24.0"):
    from xietong.talent.models import TrainingProgramme

    return TrainingProgramme.objects.create(
        area=world["areas"][area],
        code=code,
        title="跨区域骨干教师研修",
        provider="通州区第一小学",
        credit_hours=Decimal(hours),
        starts=dt.date(2025, 3, 1),
        ends=dt.date(2025, 6, 30),
    )


def _teacher(world, code, school):
    from xietong.talent.models import Teacher

    return Teacher.objects.create(
        code=code, name="李老师", school=world["schools"][school], subject="maths", stage="primary"
    )


def test_completed_enrolments_of_attached_programmes_become_training_hours(active, users, world):
    from xietong.talent.models import Enrolment

    coop, a, b = active
    prog = _programme(world)
    done = timezone.make_aware(dt.datetime(2025, 6, 20, 10))
    # a teacher of the supported school A with 18 recorded hours, one with none recorded (the
    # programme's 24 count), one still enrolled, and one of the lead school B itself
    Enrolment.objects.create(
        programme=prog,
        teacher=_teacher(world, "T-A-1", "A"),
        status="completed",
        credit_hours=Decimal("18.0"),
        completed_at=done,
    )
    Enrolment.objects.create(
        programme=prog, teacher=_teacher(world, "T-A-2", "A"), status="completed", completed_at=done
    )
    Enrolment.objects.create(programme=prog, teacher=_teacher(world, "T-A-3", "A"))
    Enrolment.objects.create(
        programme=prog, teacher=_teacher(world, "T-B-9", "B"), status="completed", completed_at=done
    )
    # not attached yet: nothing to link
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 0
    assert training_programme_attach(actor=users["twl-sec"], cooperation=coop, programme=prog)
    assert not training_programme_attach(actor=users["twl-sec"], cooperation=coop, programme=prog)
    assert AuditEntry.objects.filter(action="partnerships.training_attach").count() == 1

    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 2
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 0
    rows = Activity.objects.filter(source_app="talent.Enrolment").order_by("quantity")
    assert [(r.kind, r.quantity, r.date) for r in rows] == [
        ("training", Decimal("18.00"), dt.date(2025, 6, 20)),
        ("training", Decimal("24.00"), dt.date(2025, 6, 20)),
    ]
    assert all(r.provider == b and r.recipient == a and r.level == "self_reported" for r in rows)

    # detaching keeps what was linked; the programme no longer adds anything
    assert training_programme_detach(actor=users["twl-sec"], cooperation=coop, programme=prog)
    Enrolment.objects.filter(status="enrolled").update(status="completed", completed_at=done)
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 0
    assert Activity.objects.filter(source_app="talent.Enrolment").count() == 2


def test_a_programme_of_another_area_or_an_outsider_is_refused(active, users, world):
    coop, _a, _b = active
    other = _programme(world, code="YRD-T-1", area="yrd")
    with pytest.raises(ValueError, match="another cooperation area"):
        training_programme_attach(actor=users["twl-sec"], cooperation=coop, programme=other)
    prog = _programme(world)
    with pytest.raises(OutOfScope):
        training_programme_attach(actor=users["jiangsu"], cooperation=coop, programme=prog)
    assert not coop.training_programmes.exists()
    assert not AuditEntry.objects.filter(action="partnerships.training_attach").exists()


@pytest.fixture
def _resource_store(settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "resources": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "store")},
        },
    }


def test_imports_of_a_party_schools_resource_by_another_party_become_shared_resources(
    active, users, world, _resource_store
):
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant, user_create
    from xietong.resources.services import (
        collection_import,
        resource_approve,
        resource_create,
        resource_submit,
        vocabulary_load,
    )

    coop, a, b = active
    vocabulary_load(data=SEED.read_bytes(), name=SEED.name, actor=None)
    owner = user_create(username="school-b", password="kestrel-harbour-42", actor=None)
    role_grant(user=owner, role=Role.SCHOOL, actor=None, school=world["schools"]["B"])
    res = resource_create(
        actor=owner,
        owner_school=world["schools"]["B"],
        upload=pdf(),
        **{**BASE, "visibility": "public"},
    )
    res, codes = resource_submit(resource=res, actor=None, pledge=True)
    assert codes == []
    res = resource_approve(resource=res, actor=users["tongzhou"])
    # school A imports it (counts); the owner importing its own resource does not
    collection_import(resource=res, actor=users["school-a"])
    collection_import(resource=res, actor=owner)

    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 1
    assert activities_link(actor=users["twl-sec"], cooperation=coop) == 0
    [act] = Activity.objects.filter(source_app="resources.UsageEvent")
    # the vocabulary's "math" is kept as the subject code of lessons and posts, "maths"
    assert (act.kind, act.quantity, act.subject) == ("shared_resource", Decimal("1.00"), "maths")
    assert act.provider == b and act.recipient == a
    from xietong.resources.models import UsageEvent

    assert (
        act.date == UsageEvent.objects.get(kind="import", consumer_school=world["schools"]["A"]).day
    )


def test_resource_subjects_become_the_subject_codes_of_lessons():
    from xietong.partnerships.services.links import resource_subject
    from xietong.talent.models import Subject

    assert resource_subject("math") == "maths" and resource_subject("chinese") == "chinese"
    assert resource_subject("morality") == "politics" and resource_subject("arts") == "art"
    assert resource_subject("labour") == "other" and resource_subject("") == ""
    assert resource_subject("something-new") == "other"
    # every subject of the shipped vocabulary lands on a subject code
    import json

    seed = json.loads(SEED.read_text(encoding="utf-8"))
    subjects = [e["code"] for e in seed["entries"] if e.get("scheme") == "subject"]
    assert len(subjects) >= 10
    assert all(resource_subject(c) in Subject.values for c in subjects)
