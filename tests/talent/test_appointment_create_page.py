"""POST /talent/appointments/: a bureau appoints a teacher to also serve another school."""

from xietong.talent.models import Appointment

from .pages import audit_rows, client, said

URL = "/talent/appointments/"


def _form(tw, teacher="TB0", school="D", **extra):
    form = {"teacher": teacher, "school": tw["schools"][school].code, "weekly_hours": 2}
    return form | {"weekdays": ["2", "4"], "starts": "2025-09-01"} | extra


def test_the_bureau_appoints_its_teacher(tw):
    r = client(tw, "tongzhou").post(URL, _form(tw, school="B", teacher="TB0") | {})
    # B is TB0's own school: the service refuses it, with the reason
    assert said(r) == ["通州区第一小学 is the teacher's home school."]
    client_ = client(tw, "admin")
    r = client_.post(URL, _form(tw))
    assert r.status_code == 302 and said(r) == ["Appointment recorded."]
    a = Appointment.objects.get()
    assert (a.teacher.code, a.school, a.weekdays) == ("TB0", tw["schools"]["D"], "2,4")


def test_a_teacher_or_school_outside_the_scope_changes_nothing(tw):
    before = audit_rows()
    r = client(tw, "tongzhou").post(URL, _form(tw, teacher="TA1", school="B"))
    assert said(r) == ["Teacher: TA1 is not a teacher you may see."]
    r = client(tw, "school-a").post(URL, _form(tw, teacher="TA1", school="A"))
    assert r.status_code == 302 and any("school-a may not appoint" in m for m in said(r))
    assert client(tw, None).post(URL, _form(tw))["Location"].startswith("/login/")
    assert not Appointment.objects.exists() and audit_rows() == before


def test_bad_input_is_a_form_error(tw):
    before = audit_rows()
    c = client(tw, "admin")
    r = c.post(URL, _form(tw, weekly_hours="many", weekdays=["9"]))
    (message,) = said(r)
    assert "Lessons a week: Enter a whole number." in message and "Weekdays:" in message
    r = c.post(URL, _form(tw, starts="first of May"))
    assert said(r) == ["From: Enter a valid date."]
    assert not Appointment.objects.exists() and audit_rows() == before
