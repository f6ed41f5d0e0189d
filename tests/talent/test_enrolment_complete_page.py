"""POST /talent/training/enrolments/<id>/complete/: the secretariat records completion."""

import datetime as dt

import pytest

from xietong.talent.circulation import credit_hours, enrol, programme_create
from xietong.talent.models import Enrolment

from .pages import audit_rows, client, said


@pytest.fixture
def enrolment(tw):
    p = programme_create(
        area=tw["areas"]["jjj"],
        code="JJJ-1",
        title="京津冀研修",
        credit_hours="24",
        starts=dt.date(2025, 7, 1),
        ends=dt.date(2025, 7, 10),
        actor=None,
    )
    return enrol(programme=p, teacher=tw["teachers"]["a0"], actor=None)


def _url(e):
    return f"/talent/training/enrolments/{e.pk}/complete/"


def _status(e) -> str:
    return Enrolment.objects.get(pk=e.pk).status


def test_the_secretariat_records_completion(tw, enrolment):
    r = client(tw, "jjj-sec").post(_url(enrolment))
    assert r.status_code == 302 and said(r) == ["Completion recorded."]
    assert _status(enrolment) == "completed" and credit_hours(tw["teachers"]["a0"]) == 24


def test_others_change_nothing(tw, enrolment):
    before = audit_rows()
    r = client(tw, "teacher-a").post(_url(enrolment))  # her own: she sees it, may not complete
    assert any("teacher-a may not record completion" in m for m in said(r)), said(r)
    for who in ("yrd-sec", "tongzhou", "public"):  # do not see it
        assert client(tw, who).post(_url(enrolment)).status_code == 404, who
    assert _status(enrolment) == "enrolled" and audit_rows() == before


def test_completing_twice_is_refused(tw, enrolment):
    c = client(tw, "jjj-sec")
    said(c.post(_url(enrolment)))
    before = audit_rows()
    assert said(c.post(_url(enrolment))) == ["Only an open enrolment can be completed."]
    assert c.get(_url(enrolment)).status_code == 405
    assert audit_rows() == before
