"""POST /talent/recruitment/vacancies/new/: a school publishes a vacancy across its area."""

from xietong.talent.models import Vacancy

from .pages import audit_rows, client, said

URL = "/talent/recruitment/vacancies/new/"


def _form(tw, school="A", **extra):
    form = {"school": tw["schools"][school].code, "title": "廊坊新教师招聘", "subject": "maths"}
    return form | {"stage": "primary", "positions": "3", "new_teachers": "1"} | extra


def test_the_school_publishes(tw):
    r = client(tw, "school-a").post(URL, _form(tw))
    assert r.status_code == 302 and r["Location"] == "/talent/recruitment/"
    assert said(r) == ["Vacancy published."]
    v = Vacancy.objects.get()
    assert (v.school, v.positions, v.new_teachers) == (tw["schools"]["A"], 3, True)


def test_another_schools_vacancy_changes_nothing(tw):
    before = audit_rows()
    r = client(tw, "jjj-sec").post(URL, _form(tw))  # sees school A, does not write for it
    assert any("jjj-sec may not publish vacancies of" in m for m in said(r)), said(r)
    r = client(tw, "school-a").post(URL, _form(tw, school="B"))  # does not see B
    assert any(m.startswith("School:") for m in said(r)), said(r)
    assert client(tw, None).post(URL, _form(tw))["Location"].startswith("/login/")
    assert not Vacancy.objects.exists() and audit_rows() == before


def test_bad_input_is_a_form_error(tw):
    before = audit_rows()
    c = client(tw, "school-a")
    for extra, field in (
        ({"positions": "0"}, "Positions"),
        ({"positions": "a few"}, "Positions"),
        ({"subject": "alchemy"}, "Subject"),
        ({"title": ""}, "Title"),
    ):
        assert any(m.startswith(f"{field}:") for m in said(c.post(URL, _form(tw, **extra))))
    assert not Vacancy.objects.exists() and audit_rows() == before
