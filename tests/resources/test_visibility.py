"""The visibility ladder, role by role, for a resource of school A (Anci, Langfang, Hebei)
uploaded by school A's administrator with school B (Tongzhou, Beijing) as its partner; and the
search seam's grants give the same answers as the selectors."""

import pytest

from tests.resources.conftest import make, publish
from xietong.accounts.scope import scope_for
from xietong.resources import indexing
from xietong.resources.models import Resource, Visibility
from xietong.resources.selectors import resource_get, resource_list
from xietong.resources.services import resource_withdraw

MANAGERS = {"admin", "langfang", "school-a"}
LADDER_READERS = {
    "private": MANAGERS,
    "school": MANAGERS | {"teacher-a"},
    "partners": MANAGERS | {"teacher-a", "teacher-b", "tongzhou"},
    "county": MANAGERS | {"teacher-a", "teacher-b", "tongzhou", "teacher-f"},
    "city": MANAGERS | {"teacher-a", "teacher-b", "tongzhou", "teacher-f", "teacher-g"},
}
LADDER_READERS["province"] = LADDER_READERS["city"] | {"teacher-e", "shijiazhuang"}
LADDER_READERS["area"] = LADDER_READERS["province"] | {"jjj-sec", "twl-sec"}
EVERYONE = {
    "admin", "yrd-sec", "jjj-sec", "twl-sec", "jiangsu", "langfang", "tongzhou", "school-a",
    "teacher-a", "public", None, "teacher-f", "teacher-g", "teacher-e", "teacher-b",
    "shijiazhuang",
}  # fmt: skip
LADDER_READERS["public"] = EVERYONE


@pytest.fixture
def ladder(resworld):
    from xietong.resources.services import resource_update

    out = {}
    for level in Visibility.values:
        r = make(resworld, title_zh=f"可见范围 {level}", visibility=level)
        if level != "private":
            r = resource_update(
                resource=r, actor=resworld["users"]["school-a"], partners=[resworld["schools"]["B"]]
            )
        out[level] = publish(resworld, r)
    out["draft"] = make(resworld, title_zh="草稿", visibility="public")
    withdrawn = publish(resworld, make(resworld, title_zh="已出库", visibility="public"))
    out["withdrawn"] = resource_withdraw(
        resource=withdrawn, actor=resworld["users"]["langfang"], reason="outdated"
    )
    return out


def _user(world, who):
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser() if who is None else world["users"][who]


EXPECTED = {**LADDER_READERS, "draft": MANAGERS, "withdrawn": MANAGERS}


@pytest.mark.parametrize("who", sorted(EVERYONE, key=str))
def test_ladder(resworld, ladder, who):
    user = _user(resworld, who)
    seen = {r.pk for r in resource_list(actor=user)}
    for key, r in ladder.items():
        expected = who in EXPECTED[key]
        assert (r.pk in seen) == expected, (who, key)
        assert (resource_get(actor=user, pk=r.pk) is not None) == expected, (who, key)
        # the search seam's grants decide the same way
        held = indexing.caller_grants(scope_for(user))
        doc = indexing.document(Resource.objects.get(pk=r.pk))
        assert indexing.matches(doc["grants"], held) == expected, (who, key, doc["grants"])


def test_jurisdiction_owned_city_resource(resworld):
    from xietong.regions.models import Jurisdiction
    from xietong.resources.services import resource_create

    from .conftest import BASE, pdf

    r = resource_create(
        actor=resworld["users"]["langfang"],
        owner_jurisdiction=Jurisdiction.objects.get(code="131000000000"),
        upload=pdf(),
        **{**BASE, "visibility": "city"},
    )
    r = publish(resworld, r)
    readers = {w for w in EVERYONE if resource_get(actor=_user(resworld, w), pk=r.pk)}
    assert readers == {"admin", "langfang", "school-a", "teacher-a", "teacher-f", "teacher-g"}


def test_published_filter_and_facets(resworld, ladder):
    user = resworld["users"]["langfang"]
    published = {r.pk for r in resource_list(actor=user, published=True)}
    assert ladder["draft"].pk not in published and ladder["public"].pk in published
    assert {r.pk for r in resource_list(actor=user, edition="bnu")} == set()
    assert len(resource_list(actor=user, chapter="pep-math-g7a-u1")) == len(ladder)
    assert resource_get(actor=user, pk="not-a-uuid") is None


def test_document_fields(resworld, ladder):
    doc = indexing.document(Resource.objects.get(pk=ladder["public"].pk))
    assert doc["edition"] == "pep" and doc["subject"] == "math" and doc["stage"] == "junior"
    assert doc["kind"] == "lesson_design" and doc["licence"] == "CC-BY-4.0"
    assert doc["owner_member"] == "130000000000"
    assert doc["chapters"] == ["pep-math-g7a", "pep-math-g7a-u1"]
    assert "public" in doc["grants"] and doc["published"] is True
    assert {"id", "title", "description", "grade"} <= set(doc)
