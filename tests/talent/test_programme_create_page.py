"""POST /talent/training/programmes/new/: an area's secretariat sets up a shared programme."""

from xietong.talent.models import TrainingProgramme

from .pages import audit_rows, client, said

URL = "/talent/training/programmes/new/"
FORM = {
    "area": "jjj",
    "code": "JJJ-1",
    "title": "京津冀数学骨干研修",
    "credit_hours": "24",
    "starts": "2025-07-01",
    "ends": "2025-07-10",
}


def test_the_secretariat_creates_a_programme(tw):
    r = client(tw, "jjj-sec").post(URL, FORM)
    assert r.status_code == 302 and r["Location"] == "/talent/training/"
    assert said(r) == ["Programme JJJ-1 created."]
    p = TrainingProgramme.objects.get(code="JJJ-1")
    assert (p.area, str(p.credit_hours)) == (tw["areas"]["jjj"], "24.0")


def test_another_area_or_role_changes_nothing(tw):
    before = audit_rows()
    for who in ("yrd-sec", "langfang", "teacher-a"):
        r = client(tw, who).post(URL, FORM)
        assert any(f"{who} may not set up training in" in m for m in said(r)), (who, said(r))
    assert client(tw, None).post(URL, FORM)["Location"].startswith("/login/")
    assert not TrainingProgramme.objects.exists() and audit_rows() == before


def test_bad_input_is_a_form_error_and_no_500(tw):
    before = audit_rows()
    c = client(tw, "jjj-sec")
    for extra, field in (
        ({"starts": "July"}, "Starts"),
        ({"credit_hours": "a day"}, "Credit hours"),
        ({"ends": "2025-06-01"}, "Ends"),
        ({"area": "atlantis"}, "Cooperation area"),
    ):
        r = c.post(URL, FORM | extra)
        assert r.status_code == 302 and any(m.startswith(f"{field}:") for m in said(r)), extra
    assert not TrainingProgramme.objects.exists() and audit_rows() == before
