import json

from django.test import Client

from xietong.accounts.models import ApiToken
from xietong.accounts.services import token_create, token_revoke


def _bearer(secret):
    return {"HTTP_AUTHORIZATION": f"Bearer {secret}"}


def test_token_acts_with_its_users_scope_and_can_be_revoked(world):
    user = world["users"]["langfang"]
    token, secret = token_create(user=user, name="provincial system", actor=user)
    assert secret.startswith("xt_") and token.key_hash != secret
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    c = Client()
    listed = {s["code"] for s in c.get("/api/schools", **_bearer(secret)).json()["items"]}
    assert listed == {world["schools"]["A"].code}
    r = c.put(
        f"/api/schools/{world['schools']['A'].code}/statistics/2023",
        data=json.dumps({"values": {"students": 10}}),
        content_type="application/json",
        **_bearer(secret),
    )
    assert r.status_code == 200
    r = c.put(
        f"/api/schools/{world['schools']['C'].code}/statistics/2023",
        data=json.dumps({"values": {"students": 10}}),
        content_type="application/json",
        **_bearer(secret),
    )
    assert r.status_code == 403
    token_revoke(token=token, actor=user)
    assert c.get("/api/schools", **_bearer(secret)).status_code == 401  # never the public
    r = c.put(
        f"/api/schools/{world['schools']['A'].code}/statistics/2023",
        data=json.dumps({"values": {"students": 11}}),
        content_type="application/json",
        **_bearer(secret),
    )
    assert r.status_code == 401


def test_token_bound_to_one_role_is_narrowed(world):
    from xietong.accounts.models import Role
    from xietong.accounts.services import role_grant

    user = world["users"]["langfang"]
    extra = role_grant(user=user, role=Role.SCHOOL, school=world["schools"]["E"], actor=None)
    _token, secret = token_create(
        user=user, name="school E only", role_assignment=extra, actor=user
    )
    listed = {s["code"] for s in Client().get("/api/schools", **_bearer(secret)).json()["items"]}
    assert listed == {world["schools"]["E"].code}


def test_wrong_token_and_other_users_tokens(world):
    c = Client()
    r = c.put(
        "/api/schools/x/statistics/2023",
        data="{}",
        content_type="application/json",
        **_bearer("xt_not-a-real-token"),
    )
    assert r.status_code == 401
    user, other = world["users"]["langfang"], world["users"]["jiangsu"]
    token, _secret = token_create(user=user, name="t", actor=user)
    import pytest

    from xietong.accounts.scope import OutOfScope

    with pytest.raises(OutOfScope):
        token_revoke(token=token, actor=other)
    with pytest.raises(OutOfScope):
        token_create(user=user, name="sneaky", actor=other)


def test_token_pages_and_api(world):
    c = Client()
    c.force_login(world["users"]["langfang"])
    r = c.post("/api/tokens", data=json.dumps({"name": "etl"}), content_type="application/json")
    # session writes need the CSRF token like a browser form
    assert r.status_code in (201, 403)
    page = c.post("/account/", {"name": "from page"})
    assert page.status_code == 200 and b"xt_" in page.content
    assert ApiToken.objects.filter(user=world["users"]["langfang"], name="from page").exists()


def test_bad_token_is_refused_on_read_endpoints(world):
    """A caller who sends a wrong token is told so, not served public data (or her session's)."""
    bad = _bearer("xt_not-a-real-token")
    c = Client()
    assert c.get("/api/schools").status_code == 200  # no token: the public
    for path in ("/api/schools", "/api/aggregates?level=province", "/api/talent/rounds"):
        r = c.get(path, **bad)
        assert r.status_code == 401, (path, r.status_code)
    assert c.get("/api/schools", HTTP_AUTHORIZATION="Bearer ").status_code == 401
    c.force_login(world["users"]["langfang"])
    assert c.get("/api/schools").json()["count"] == 1  # the session alone
    assert c.get("/api/schools", **bad).status_code == 401
    assert c.get("/api/me", **bad).status_code == 401


def test_bad_token_is_refused_on_every_endpoint(world):
    """Every operation of the API, whatever its parameters, answers a wrong token with 401."""
    import re

    from xietong.api import api

    c = Client()
    bad = _bearer("xt_not-a-real-token")
    paths = api.get_openapi_schema()["paths"]
    assert len(paths) > 50
    for path, methods in paths.items():
        for method in methods:
            # a path parameter is a number or a UUID (resources): the first URL that resolves
            for value in ("1", "00000000-0000-4000-8000-000000000001"):
                url = re.sub(r"\{[^}]+\}", value, path)
                r = getattr(c, method)(url, content_type="application/json", **bad)
                if r.status_code != 404:
                    break
            assert r.status_code == 401, (method, path, r.status_code)
