"""Password changes and role grants or revocations made in the admin land in the audit chain
with what changed: the role and its scope, never a password hash."""

import json

from django.forms import CheckboxInput, MultiWidget
from django.test import Client

from xietong.accounts.models import Role, RoleAssignment, User
from xietong.audit.models import AuditEntry
from xietong.audit.services import verify_chain

NEW_PASSWORD = "a-Long-new-passphrase-4711"


def _admin(world) -> Client:
    c = Client()
    c.force_login(world["users"]["admin"])
    return c


def _entries_since(seq, action):
    return list(AuditEntry.objects.filter(seq__gt=seq, action=action).order_by("seq"))


def _last_seq():
    return AuditEntry.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _value(v):
    return getattr(v, "pk", v)


def _bound_fields(form, data):
    for bf in form:
        if bf.field.disabled:
            continue
        v, w = bf.value(), bf.field.widget
        if isinstance(w, CheckboxInput):
            if v:
                data[bf.html_name] = "on"
        elif isinstance(w, MultiWidget):
            parts = v if isinstance(v, list) else w.decompress(v)
            for name, sub, part in zip(w.widgets_names, w.widgets, parts, strict=True):
                data[f"{bf.html_name}{name}"] = sub.format_value(part) or ""
        elif isinstance(v, list | tuple):
            data[bf.html_name] = [_value(x) for x in v]
        elif v is not None:
            data[bf.html_name] = _value(v)


def _change_form(c, user) -> dict:
    """The admin's change form of a user as the browser would post it back unchanged."""
    page = c.get(f"/admin/accounts/user/{user.pk}/change/")
    assert page.status_code == 200
    data = {}
    _bound_fields(page.context["adminform"].form, data)
    for inline in page.context["inline_admin_formsets"]:
        _bound_fields(inline.formset.management_form, data)
        for form in inline.formset.forms:
            _bound_fields(form, data)
    return data


def test_password_change_in_admin_is_audited_without_the_hash(world):
    c, user = _admin(world), world["users"]["langfang"]
    seq = _last_seq()
    r = c.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert r.status_code == 302, r.content[:3000]
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    [entry] = _entries_since(seq, "user.password_change")
    assert entry.actor == world["users"]["admin"]
    assert entry.object_id == str(user.pk)
    assert entry.after == {"username": "langfang", "usable_password": True, "via": "admin"}
    stored = json.dumps([entry.before, entry.after])
    assert user.password not in stored and NEW_PASSWORD not in stored
    assert verify_chain().ok


def test_refused_password_change_is_not_audited(world):
    c, user = _admin(world), world["users"]["langfang"]
    seq = _last_seq()
    r = c.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "something else"},
    )
    assert r.status_code == 200  # the form again, with the error
    assert _entries_since(seq, "user.password_change") == []


def test_role_grant_change_and_revoke_in_admin_are_audited_with_scope(world):
    c, user = _admin(world), world["users"]["public"]
    school = world["schools"]["B"]
    data = _change_form(c, user)
    n = int(data["roles-TOTAL_FORMS"])
    data.update(
        {
            "roles-TOTAL_FORMS": n + 1,
            f"roles-{n}-user": user.pk,
            f"roles-{n}-role": Role.TEACHER,
            f"roles-{n}-school": school.pk,
        }
    )
    seq = _last_seq()
    r = c.post(f"/admin/accounts/user/{user.pk}/change/", data)
    assert r.status_code == 302, r.content[:3000]
    [grant] = _entries_since(seq, "role.grant")
    assert grant.actor == world["users"]["admin"]
    assert grant.after == {
        "user": "public",
        "role": "teacher",
        "area": None,
        "jurisdiction": None,
        "school": school.code,
    }
    teacher = RoleAssignment.objects.get(user=user, role=Role.TEACHER)

    # the same row changed to another school: revoked and granted anew
    other = world["schools"]["D"]
    data = _change_form(c, user)
    row = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == teacher.pk)
    data[f"{row}-school"] = other.pk
    seq = _last_seq()
    assert c.post(f"/admin/accounts/user/{user.pk}/change/", data).status_code == 302
    [revoke] = _entries_since(seq, "role.revoke")
    [grant] = _entries_since(seq, "role.grant")
    assert revoke.before["school"] == school.code and grant.after["school"] == other.code
    assert revoke.seq < grant.seq

    # and removed
    teacher = RoleAssignment.objects.get(user=user, role=Role.TEACHER)
    data = _change_form(c, user)
    row = next(k[: -len("-id")] for k, v in data.items() if k.endswith("-id") and v == teacher.pk)
    data[f"{row}-DELETE"] = "on"
    seq = _last_seq()
    assert c.post(f"/admin/accounts/user/{user.pk}/change/", data).status_code == 302
    [revoke] = _entries_since(seq, "role.revoke")
    assert revoke.before == {
        "user": "public",
        "role": "teacher",
        "area": None,
        "jurisdiction": None,
        "school": other.code,
    }
    assert not RoleAssignment.objects.filter(user=user, role=Role.TEACHER).exists()
    assert verify_chain().ok


def test_unchanged_roles_write_no_role_entries(world):
    c, user = _admin(world), world["users"]["langfang"]
    seq = _last_seq()
    assert (
        c.post(f"/admin/accounts/user/{user.pk}/change/", _change_form(c, user)).status_code == 302
    )
    assert _entries_since(seq, "role.grant") == _entries_since(seq, "role.revoke") == []


def test_deleting_a_user_in_admin_audits_each_role_revoked(world):
    user = User.objects.create_user(username="leaving", password=NEW_PASSWORD)
    RoleAssignment.objects.create(user=user, role=Role.SCHOOL, school=world["schools"]["C"])
    seq = _last_seq()
    r = _admin(world).post(f"/admin/accounts/user/{user.pk}/delete/", {"post": "yes"})
    assert r.status_code == 302, r.content[:3000]
    assert not User.objects.filter(username="leaving").exists()
    [revoke] = _entries_since(seq, "role.revoke")
    assert revoke.before["role"] == "school" and revoke.before["school"] == "3206120003"
    assert _entries_since(seq, "admin.delete")[0].seq > revoke.seq
