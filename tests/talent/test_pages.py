import pytest
from django.test import Client

from .conftest import run_to


def _client(tw, who):
    c = Client()
    if who:
        c.force_login(tw["users"][who])
    return c


@pytest.mark.parametrize("path", ["/talent/", "/talent/training/", "/talent/recruitment/"])
def test_public_pages(tw, path):
    assert _client(tw, None).get(path).status_code == 200


def test_round_manager_flow_through_pages(tw):
    c = _client(tw, "jjj-sec")
    rnd = tw["round"]
    r = c.get(f"/talent/rounds/{rnd.pk}/")
    assert r.status_code == 200 and "PA" in r.content.decode()
    r = c.post(f"/talent/rounds/{rnd.pk}/step/open/", follow=True)
    assert "open" in r.content.decode().lower()
    rnd.refresh_from_db()
    assert rnd.status == "open"
    # out of order step: a message, no change
    c.post(f"/talent/rounds/{rnd.pk}/step/publish/")
    rnd.refresh_from_db()
    assert rnd.status == "open"


def test_draft_round_hidden_from_others(tw):
    r = _client(tw, "langfang").get(f"/talent/rounds/{tw['round'].pk}/")
    assert r.status_code == 404
    assert (
        _client(tw, "langfang").post(f"/talent/rounds/{tw['round'].pk}/step/open/").status_code
        == 404
    )


def test_teacher_application_page(tw):
    from xietong.talent import services

    services.round_open(rnd=tw["round"], actor=None)
    c = _client(tw, "teacher-a")
    r = c.get(f"/talent/rounds/{tw['round'].pk}/apply/")
    assert r.status_code == 200 and "PD" in r.content.decode()
    html = r.content.decode()
    assert 'name="choice_1"' in html and 'name="posts"' not in html  # picked, not typed
    # PA is at her own school: not offered, and refused when typed by hand
    assert '<option value="PD">' in html and '<option value="PA">' not in html
    url = f"/talent/rounds/{tw['round'].pk}/apply/"
    r = c.post(url, {"choice_1": "PD", "choice_2": "PE"}, follow=True)
    assert "<li>PD" in r.content.decode()
    r = c.post(url, {"choice_1": "PE", "choice_2": "PD", "home": "1"}, follow=True)
    from xietong.talent.models import Application
    from xietong.talent.services import listed_codes

    app = Application.objects.get(round=tw["round"], teacher__code="TA0")
    assert listed_codes(app) == ["PE", "HOME", "PD"]  # staying ranks before choice 2
    for typed in ("NOPE", "PA"):
        r = c.post(url, {"choice_1": typed}, follow=True)
        assert f"{typed} is not a post of this round you may rank." in r.content.decode()
    assert listed_codes(app) == ["PE", "HOME", "PD"]  # unchanged


def test_results_flows_and_csv(tw):
    rnd = run_to(tw, "published")
    c = _client(tw, "jjj-sec")
    r = c.get(f"/talent/rounds/{rnd.pk}/results/")
    assert r.status_code == 200 and "TB" in r.content.decode()
    csv = c.get(f"/talent/rounds/{rnd.pk}/results/?format=csv").content.decode()
    assert csv.startswith("teacher,home_school,post")
    r = c.get(f"/talent/rounds/{rnd.pk}/flows/")
    assert r.status_code == 200 and "sankey" in r.content.decode().lower()
    csv = c.get(f"/talent/rounds/{rnd.pk}/flows/?format=csv").content.decode()
    assert "from_code" in csv and "110000000000" in csv
    # the public sees the published round's flows but nobody's results
    pub = _client(tw, None)
    assert pub.get(f"/talent/rounds/{rnd.pk}/flows/").status_code == 200
    assert "TB0" not in pub.get(f"/talent/rounds/{rnd.pk}/results/").content.decode()
    # a teacher sees her own result
    mine = _client(tw, "teacher-a").get(f"/talent/rounds/{rnd.pk}/results/").content.decode()
    assert "TA0" in mine and "TB0" not in mine


def test_round_page_shows_certificate_policy_effect(tw):
    rnd = run_to(tw, "reviewed")
    html = _client(tw, "jjj-sec").get(f"/talent/rounds/{rnd.pk}/").content.decode()
    assert 'id="certificate"' in html and 'id="policy"' in html


def test_rank_page(tw):
    rnd = run_to(tw, "ranking")
    c = _client(tw, "school-a")
    r = c.get(f"/talent/rounds/{rnd.pk}/rank/?post=PA")
    assert r.status_code == 200 and "TB0" in r.content.decode()
    c.post(f"/talent/rounds/{rnd.pk}/rank/", {"post": "PA", "score:TB0": "77"})
    from xietong.talent.models import Choice

    assert Choice.objects.get(post__code="PA", application__teacher__code="TB0").score == 77
    assert c.get(f"/talent/rounds/{rnd.pk}/rank/?post=PD").status_code == 404


def test_import_and_other_pages(tw):
    c = _client(tw, "school-a")
    assert c.get("/talent/teachers/import/").status_code == 200
    from django.core.files.uploadedfile import SimpleUploadedFile

    f = SimpleUploadedFile(
        "t.csv", b"code,name,school_code,subject,stage\nZ1,z,NOPE,maths,primary\n"
    )
    html = c.post("/talent/teachers/import/", {"file": f}, follow=True).content.decode()
    assert "row 2" in html and "school_code" in html
    assert _client(tw, "tongzhou").get("/talent/appointments/").status_code == 200
    r = _client(tw, "tongzhou").post(
        "/talent/appointments/",
        {"teacher": "TB0", "school": tw["schools"]["B"].code, "weekly_hours": 2, "weekdays": "2"},
        follow=True,
    )
    assert "home school" in r.content.decode()
