"""POST /talent/recruitment/candidacies/<id>/status/: the school moves an application on; the
applicant withdraws or accepts."""

import pytest

from xietong.talent.circulation import candidacy_submit, vacancy_publish
from xietong.talent.models import Candidacy

from .pages import audit_rows, client, said


@pytest.fixture
def candidacy(tw):
    v = vacancy_publish(
        school=tw["schools"]["A"],
        title="廊坊新教师招聘",
        subject="maths",
        stage="primary",
        actor=tw["users"]["school-a"],
    )
    return candidacy_submit(vacancy=v, actor=tw["users"]["tongzhou"])


def _url(c):
    return f"/talent/recruitment/candidacies/{c.pk}/status/"


def _status(c) -> str:
    return Candidacy.objects.get(pk=c.pk).status


def test_the_bureau_over_the_school_decides_too(tw, candidacy):
    client(tw, "langfang").post(_url(candidacy), {"status": "rejected"})
    assert _status(candidacy) == "rejected"


def test_the_school_shortlists_and_the_applicant_withdraws(tw, candidacy):
    r = client(tw, "school-a").post(_url(candidacy), {"status": "shortlisted"})
    assert r.status_code == 302 and said(r) == ["Status saved."]
    assert _status(candidacy) == "shortlisted"
    client(tw, "tongzhou").post(_url(candidacy), {"status": "withdrawn"})
    assert _status(candidacy) == "withdrawn"


def test_others_change_nothing(tw, candidacy):
    before = audit_rows()
    # neither the school (or the bureau over it) nor the applicant
    for who in ("jjj-sec", "jiangsu", "teacher-a"):
        assert client(tw, who).post(_url(candidacy), {"status": "offered"}).status_code == 404
    r = client(tw, "tongzhou").post(_url(candidacy), {"status": "offered"})  # not the school's step
    assert any("tongzhou may not decide on applications" in m for m in said(r)), said(r)
    assert _status(candidacy) == "submitted" and audit_rows() == before


def test_an_unknown_or_impossible_status_is_refused(tw, candidacy):
    before = audit_rows()
    c = client(tw, "school-a")
    assert any(m.startswith("Status:") for m in said(c.post(_url(candidacy), {"status": "hired"})))
    r = c.post(_url(candidacy), {"status": "submitted"})
    assert said(r) == ["An application that is submitted cannot become submitted."]
    assert _status(candidacy) == "submitted" and audit_rows() == before
