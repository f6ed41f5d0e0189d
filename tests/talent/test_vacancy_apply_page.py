"""POST /talent/recruitment/vacancies/<id>/apply/: anyone signed in applies to a vacancy."""

import pytest

from xietong.talent.circulation import vacancy_close, vacancy_publish
from xietong.talent.models import Candidacy

from .pages import audit_rows, client, said


@pytest.fixture
def vacancy(tw):
    return vacancy_publish(
        school=tw["schools"]["A"],
        title="廊坊新教师招聘",
        subject="maths",
        stage="primary",
        actor=tw["users"]["school-a"],
    )


def _url(v):
    return f"/talent/recruitment/vacancies/{v.pk}/apply/"


def test_a_teacher_applies(tw, vacancy):
    r = client(tw, "tongzhou").post(_url(vacancy), {"statement": "八年数学教龄"})
    assert r.status_code == 302 and said(r) == ["Application sent."]
    c = Candidacy.objects.get()
    assert (c.applicant, c.statement) == (tw["users"]["tongzhou"], "八年数学教龄")


def test_nobody_applies_anonymously_or_to_a_missing_vacancy(tw, vacancy):
    before = audit_rows()
    assert client(tw, None).post(_url(vacancy), {})["Location"].startswith("/login/")
    missing = "/talent/recruitment/vacancies/999/apply/"
    assert client(tw, "tongzhou").post(missing, {}).status_code == 404
    assert not Candidacy.objects.exists() and audit_rows() == before


def test_a_closed_vacancy_or_a_second_application_is_refused(tw, vacancy):
    c = client(tw, "tongzhou")
    said(c.post(_url(vacancy), {}))
    before = audit_rows()
    assert said(c.post(_url(vacancy), {})) == ["You have already applied."]
    r = c.post(_url(vacancy), {"statement": "x" * 5001})
    assert any(m.startswith("Statement:") for m in said(r)), said(r)
    vacancy_close(vacancy=vacancy, actor=tw["users"]["school-a"])
    before = audit_rows()
    assert said(client(tw, "langfang").post(_url(vacancy), {})) == ["This vacancy is closed."]
    assert Candidacy.objects.count() == 1 and audit_rows() == before
