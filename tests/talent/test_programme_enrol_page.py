"""POST /talent/training/programmes/<id>/enrol/: a teacher (or her school) enrols."""

import datetime as dt

import pytest

from xietong.talent.circulation import programme_create
from xietong.talent.models import Enrolment

from .pages import audit_rows, client, said


@pytest.fixture
def programme(tw):
    return programme_create(
        area=tw["areas"]["jjj"],
        code="JJJ-1",
        title="京津冀研修",
        credit_hours="24",
        starts=dt.date(2025, 7, 1),
        ends=dt.date(2025, 7, 10),
        actor=None,
    )


def _url(p):
    return f"/talent/training/programmes/{p.pk}/enrol/"


def test_a_teacher_enrols_herself_and_a_bureau_its_teacher(tw, programme):
    r = client(tw, "teacher-a").post(_url(programme), {})
    assert r.status_code == 302 and said(r) == ["Enrolled in 京津冀研修."]
    client(tw, "tongzhou").post(_url(programme), {"teacher": "TB0"})
    assert {e.teacher.code for e in Enrolment.objects.all()} == {"TA0", "TB0"}


def test_someone_elses_teacher_is_refused(tw, programme):
    before = audit_rows()
    r = client(tw, "tongzhou").post(_url(programme), {"teacher": "TA1"})
    assert said(r) == ["Teacher: TA1 is not a teacher you may see."]
    r = client(tw, "twl-sec").post(_url(programme), {"teacher": "TA1"})  # reads, may not enrol
    assert any("twl-sec may not enrol teacher TA1" in m for m in said(r)), said(r)
    r = client(tw, "school-a").post(_url(programme), {})  # no teacher record of its own
    assert said(r) == ["Teacher: No teacher record is linked to your account."]
    assert client(tw, "teacher-a").post("/talent/training/programmes/999/enrol/").status_code == 404
    assert not Enrolment.objects.exists() and audit_rows() == before


def test_enrolling_twice_is_refused_with_the_reason(tw, programme):
    c = client(tw, "teacher-a")
    said(c.post(_url(programme), {}))
    before = audit_rows()
    assert said(c.post(_url(programme), {})) == ["The teacher is already enrolled."]
    r = c.post(_url(programme), {"teacher": "T" * 40})  # longer than a staff number
    assert any(m.startswith("Teacher:") for m in said(r)), said(r)
    assert Enrolment.objects.count() == 1 and audit_rows() == before
