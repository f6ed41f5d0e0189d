"""A page shows a form only to the roles that may use it (the rule the service enforces), and a
POST from any other role is still refused. Roles as in tests/accounts/test_scope_matrix.py."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from tests.accounts.test_scope_matrix import ROLES, WRITE_STATS
from tests.talent.conftest import talent_world
from xietong.schools.tabular import write_csv
from xietong.talent import services

WRITERS = set(WRITE_STATS)  # admin, the three bureaus, school A's administrator
BUREAUS = {"admin", "jiangsu", "langfang", "tongzhou"}


def client_for(world, who) -> Client:
    c = Client()
    if who is not None:
        c.force_login(world["users"][who])
    return c


@pytest.mark.parametrize("who", ROLES)
def test_statistics_upload_form(world, who):
    from xietong.schools.models import SchoolStatistic

    c = client_for(world, who)
    page = c.get("/statistics/import/")
    if who is None:
        assert page.status_code == 302 and "/login/" in page["Location"]
        return
    html = page.content.decode()
    assert ('id="import-form"' in html) == (who in WRITERS), who
    assert ('href="/statistics/import/"' in html) == (who in WRITERS)  # the navigation link
    if who in WRITERS:
        return
    assert 'id="import-not-allowed"' in html
    school = world["schools"]["A"]
    data = write_csv([[school.code, 2024, 999]], ["school_code", "year", "students"])
    r = c.post("/statistics/import/", {"file": SimpleUploadedFile("s.csv", data, "text/csv")})
    assert r.status_code == 403
    assert (
        SchoolStatistic.objects.get(school=school, year=2024, indicator_id="students").value == 500
    )


@pytest.mark.parametrize("who", ROLES)
def test_teachers_upload_form(world, who):
    from xietong.talent.models import Teacher

    c = client_for(world, who)
    page = c.get("/talent/teachers/import/")
    if who is None:
        assert page.status_code == 302
        return
    html = page.content.decode()
    assert ('id="teachers-import-form"' in html) == (who in WRITERS), who
    if who in WRITERS:
        return
    school = world["schools"]["A"]
    data = write_csv(
        [["Z1", "新教师", school.code, "maths", "primary"]],
        ["code", "name", "school_code", "subject", "stage"],
    )
    r = c.post("/talent/teachers/import/", {"file": SimpleUploadedFile("t.csv", data, "text/csv")})
    assert r.status_code == 403
    assert not Teacher.objects.filter(code="Z1").exists()


# a draft evaluation of Langfang: read by those who read Langfang, published by its bureau
EVALUATION_SEEN = {"admin", "jjj-sec", "twl-sec", "langfang"}
PUBLISHERS = {"admin", "langfang"}


@pytest.mark.parametrize("who", ROLES)
def test_evaluation_publish_form(world, who):
    from xietong.evaluation.services import evaluation_run
    from xietong.regions.models import Jurisdiction

    run = evaluation_run(
        standard="basic-balance-2012",
        stage="primary",
        year=2024,
        jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        actor=world["users"]["langfang"],
    )
    c = client_for(world, who)
    page = c.get(f"/evaluation/runs/{run.pk}/")
    assert page.status_code == (200 if who in EVALUATION_SEEN else 404), who
    if page.status_code == 200:
        assert ('id="publish-form"' in page.content.decode()) == (who in PUBLISHERS), who
    if who in PUBLISHERS:
        return
    c.post(f"/evaluation/runs/{run.pk}/publish/")
    run.refresh_from_db()
    assert run.published_at is None


@pytest.fixture
def tw(world):
    return talent_world(world)


# applying for TA0 (school A, Langfang) in the jjj round: herself, the round's managers, and
# those who write school A (services.can_apply_for)
APPLIERS = {"admin", "jjj-sec", "langfang", "school-a", "teacher-a"}


@pytest.mark.parametrize("who", ROLES)
def test_application_form(tw, who):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    c = client_for(tw, who)
    page = c.get(f"/talent/rounds/{rnd.pk}/apply/?teacher=TA0")
    if page.status_code != 200:
        assert who not in APPLIERS
    else:
        html = page.content.decode()
        assert ('id="apply-form"' in html) == (who in APPLIERS), who
    if who in APPLIERS:
        return
    c.post(f"/talent/rounds/{rnd.pk}/apply/", {"teacher": "TA0", "choice_1": "PD"})
    assert not rnd.applications.exists()


@pytest.mark.parametrize("who", ROLES)
def test_appointment_form(tw, who):
    from xietong.talent.models import Appointment

    c = client_for(tw, who)
    page = c.get("/talent/appointments/")
    if who is None:
        assert page.status_code == 302
        return
    assert ('id="appointment-form"' in page.content.decode()) == (who in BUREAUS), who
    if who in BUREAUS:
        return
    r = c.post(
        "/talent/appointments/",
        {"teacher": "TA1", "school": tw["schools"]["A"].code, "weekly_hours": 2, "weekdays": "2"},
    )
    assert r.status_code == 302
    assert not Appointment.objects.exists()


# offering a post in the open jjj round: its managers, and the bureaus and schools that write a
# school of its territory (services.post_create); the round is not shown to Jiangsu or the public
POST_OFFERERS = {"admin", "jjj-sec", "langfang", "tongzhou", "school-a"}


@pytest.mark.parametrize("who", ROLES)
def test_post_form(tw, who):
    rnd = services.round_open(rnd=tw["round"], actor=None)
    c = client_for(tw, who)
    page = c.get(f"/talent/rounds/{rnd.pk}/")
    if page.status_code == 200:
        html = page.content.decode()
        assert ('id="post-form"' in html) == (who in POST_OFFERERS), who
        assert ('id="posts-import-form"' in html) == (who in {"admin", "jjj-sec"})
    else:
        assert who not in POST_OFFERERS
    if who in POST_OFFERERS:
        return
    form = {"code": "PZ", "subject": "maths", "stage": "primary", "kind": "rotation"}
    form |= {"term_years": 1, "seats": 1, "school": tw["schools"]["A"].code}
    c.post(f"/talent/rounds/{rnd.pk}/posts/", form)
    assert not rnd.posts.filter(code="PZ").exists()


# ranking applicants at a post: the round's managers, and those who write the host school
RANKERS = {"admin", "jjj-sec", "langfang", "school-a"}  # posts at A, D and E


@pytest.mark.parametrize("who", ROLES)
def test_rank_form(tw, who):
    from tests.talent.conftest import run_to

    rnd = run_to(tw, "ranking")
    c = client_for(tw, who)
    page = c.get(f"/talent/rounds/{rnd.pk}/rank/")
    if page.status_code != 200:
        assert who not in RANKERS
        return
    html = page.content.decode()
    assert ('id="rank-post-form"' in html) == (who in RANKERS), who
    if who not in RANKERS:
        assert c.get(f"/talent/rounds/{rnd.pk}/rank/?post=PA").status_code == 404
