"""A school administrator brings its teachers in: invite (the teacher sets a password on a
one-time link), link an existing account, apply on a teacher's behalf."""

import re

import pytest
from django.test import Client

from xietong.accounts.models import RoleAssignment, User
from xietong.audit.models import AuditEntry
from xietong.talent import services


def _client(user=None) -> Client:
    c = Client()
    if user is not None:
        c.force_login(user)
    return c


def test_school_admin_invites_a_teacher_who_sets_a_password_and_applies(tw):
    admin = _client(tw["users"]["school-a"])
    page = admin.get("/talent/teachers/").content.decode()
    assert 'data-teacher="TA1"' in page and 'data-teacher="TB0"' not in page  # own school only
    resp = admin.post("/talent/teachers/TA1/invite/", {"username": "lin-a1"}, follow=True)
    body = resp.content.decode()
    link = re.search(r"http://testserver(/account/set-password/[^<\s]+)", body).group(1)
    user = User.objects.get(username="lin-a1")
    assert not user.has_usable_password()
    assert RoleAssignment.objects.filter(user=user, role="teacher", school=tw["schools"]["A"])
    assert tw["teachers"]["a1"].__class__.objects.get(code="TA1").user == user
    assert AuditEntry.objects.filter(action="teacher.link_user", object_id="TA1").exists()
    # the teacher opens the link and sets a password
    teacher = Client()
    form = teacher.get(link, follow=True)
    assert form.status_code == 200 and b"password-set" in form.content
    done = teacher.post(
        form.redirect_chain[-1][0] if form.redirect_chain else link,
        {"new_password1": "plum-orchard-lantern-7", "new_password2": "plum-orchard-lantern-7"},
    )
    assert done.status_code == 302
    login = teacher.post(
        "/login/", {"username": "lin-a1", "password": "plum-orchard-lantern-7", "next": "/"}
    )
    assert login.status_code == 302 and teacher.get("/account/").status_code == 200
    # the link works once
    assert b"password-set" not in Client().get(link, follow=True).content
    # and the school applies on the teacher's behalf from the page's link
    rnd = services.round_open(rnd=tw["round"], actor=tw["users"]["jjj-sec"])
    page = admin.get("/talent/teachers/").content.decode()
    assert f"/talent/rounds/{rnd.pk}/apply/?teacher=TA1" in page
    admin.post(f"/talent/rounds/{rnd.pk}/apply/", {"teacher": "TA1", "choice_1": "PD"})
    assert services.listed_codes(rnd.applications.get(teacher__code="TA1")) == ["PD"]
    # the teacher sees their own application
    mine = teacher.get(f"/talent/rounds/{rnd.pk}/apply/").content.decode()
    assert "PD" in mine


@pytest.mark.parametrize("who", ["teacher-a", "public", "tongzhou", "jiangsu"])
def test_others_cannot_invite_or_link_teachers_of_school_a(tw, who):
    c = _client(tw["users"][who])
    assert 'data-teacher="TA1"' not in c.get("/talent/teachers/").content.decode()
    assert c.post("/talent/teachers/TA1/invite/", {"username": "x1"}).status_code == 404
    assert c.post("/talent/teachers/TA1/link/", {"username": "teacher-a"}).status_code == 404
    assert not User.objects.filter(username="x1").exists()


def test_anonymous_is_sent_to_log_in(tw):
    assert Client().get("/talent/teachers/").status_code == 302


def test_bad_input_is_refused_with_a_message(tw):
    admin = _client(tw["users"]["school-a"])
    # not a valid user name
    body = admin.post("/talent/teachers/TA1/invite/", {"username": "两 个"}, follow=True)
    assert body.status_code == 200 and not User.objects.filter(username="两 个").exists()
    # an account that is not a teacher of school A cannot be linked (no take-over of accounts)
    body = admin.post("/talent/teachers/TA2/link/", {"username": "tongzhou"}, follow=True)
    assert "is not a teacher of" in body.content.decode()
    assert tw["teachers"]["a2"].__class__.objects.get(code="TA2").user is None
    # an account already linked to another teacher
    body = admin.post("/talent/teachers/TA2/link/", {"username": "teacher-a"}, follow=True)
    assert "already linked" in body.content.decode()
    # an existing user name cannot be invited again
    body = admin.post("/talent/teachers/TA2/invite/", {"username": "teacher-a"}, follow=True)
    assert "already exists" in body.content.decode()
    assert User.objects.filter(username="teacher-a").count() == 1


def test_bureau_links_an_existing_teacher_account(tw):
    from xietong.accounts.services import role_grant, user_create

    u = user_create(username="wang", password=None, actor=None)
    role_grant(user=u, role="teacher", school=tw["schools"]["A"], actor=None)
    c = _client(tw["users"]["langfang"])
    c.post("/talent/teachers/TA3/link/", {"username": "wang"})
    assert tw["teachers"]["a3"].__class__.objects.get(code="TA3").user == u
    c.post("/talent/teachers/TA3/link/", {"username": ""})
    assert tw["teachers"]["a3"].__class__.objects.get(code="TA3").user is None


def test_a_new_round_proposes_the_statistics_year(tw):
    page = _client(tw["users"]["jjj-sec"]).get("/talent/").content.decode()
    assert 'name="year" type="number" value="2024"' in page  # the world's statistics year
