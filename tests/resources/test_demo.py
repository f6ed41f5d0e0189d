"""The demo catalogue: written through the services' bulk paths (one audit entry each), with the
vocabulary's chains, cross-member use within the cooperation areas, and kept when run again."""

from __future__ import annotations

import pytest
from django.db.models import F

from xietong.accounts.scope import OutOfScope
from xietong.audit.models import AuditEntry
from xietong.resources import demo
from xietong.resources.models import Resource, SearchChange, UsageEvent
from xietong.schools.models import School


@pytest.fixture
def demo_world(world):
    School.objects.update(is_synthetic=True)  # the loader spreads over the demo's schools
    return world


def test_demo_catalogue_and_its_year_of_use(demo_world):
    summary = demo.resources_demo_load(scale=0.005, seed=7)
    assert summary["resources"] == 100 == Resource.objects.filter(is_synthetic=True).count()
    assert AuditEntry.objects.filter(action="resources.bulk_load").count() == 1
    assert AuditEntry.objects.filter(action="resources.usage_bulk_load").count() == 1
    assert AuditEntry.objects.filter(action="resources.vocabulary_load").count() == 1
    assert SearchChange.objects.count() >= 100  # the search outbox has every new resource
    for r in Resource.objects.select_related("unit", "volume", "edition", "lesson", "grade"):
        assert r.version == 1 and r.versions.count() == 1
        assert any("\u4e00" <= ch <= "\u9fff" for ch in r.title_zh)
        if r.unit is not None:
            assert r.unit.parent_id == r.volume_id and r.volume.parent_id == r.edition_id
        if r.grade is not None:
            assert r.grade.parent_id == r.stage_id
        if r.is_based_on is not None:
            assert r.is_based_on.owner_code[:2] != r.owner_code[:2]
    events = UsageEvent.objects.all()
    assert events.count() == summary["usage_events"] > 500
    assert {e.kind for e in events} >= {"view", "download", "import", "rating"}
    assert all(1 <= e.value <= 5 for e in events.filter(kind="rating"))
    assert not events.exclude(resource__status="published").exists()
    # use crosses members, but only within a cooperation area (JJJ here: 11, 12, 13)
    crossing = events.exclude(consumer_province="").exclude(consumer_province=F("source_province"))
    assert crossing.count() > 50
    assert set(crossing.values_list("consumer_province", flat=True)) <= {"11", "12", "13"}
    assert {e.period[:4] for e in events.exclude(kind="remix")} == {"2024"}
    again = demo.resources_demo_load(scale=0.005, seed=7)
    assert again["kept"] is True and Resource.objects.count() == 100
    assert AuditEntry.objects.filter(action="resources.bulk_load").count() == 1


def test_the_same_seed_gives_the_same_catalogue(demo_world):
    demo.resources_demo_load(scale=0.0025, seed=3)
    first = sorted(Resource.objects.values_list("pk", "title_zh", "owner_school_id"))
    Resource.objects.update(is_based_on=None)
    Resource.objects.all().delete()
    demo.resources_demo_load(scale=0.0025, seed=3)
    assert sorted(Resource.objects.values_list("pk", "title_zh", "owner_school_id")) == first


def test_the_bulk_paths_are_the_operators_only(demo_world):
    from xietong.resources.services import resources_bulk_load
    from xietong.resources.usage import usage_bulk_load

    bureau = demo_world["users"]["langfang"]
    with pytest.raises(OutOfScope):
        resources_bulk_load(actor=bureau, resources=[], standards={})
    with pytest.raises(OutOfScope):
        usage_bulk_load(actor=bureau, events=[])
    bad = Resource(
        title_zh="无链接", kind=None, stage=None, owner_school=demo_world["schools"]["A"]
    )
    with pytest.raises(ValueError):
        resources_bulk_load(actor=None, resources=[bad], standards={})
    assert not Resource.objects.exists()
