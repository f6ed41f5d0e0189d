"""The search index kept from committed changes (resources/searching.py): a published resource
in Hebei is found from Beijing by a two-character word and by its edition; scope stays exact;
a rolled-back write leaves nothing; a change the index missed is caught up; deletes disappear."""

import json

import pytest
from django.db import transaction

from tests.resources.conftest import make, publish
from xietong.resources import searching
from xietong.resources.models import Resource, SearchChange


@pytest.fixture(autouse=True)
def _index_dir(settings, tmp_path):
    settings.XIETONG_SEARCH_DIR = str(tmp_path / "search")


def _ids(result):
    return [h.id for h in result.hits]


def test_found_from_another_province_by_word_and_edition(resworld):
    w = resworld
    r = publish(w, make(w, visibility="public"))
    private = make(w, title_zh="有理数的加法练习", visibility="private")
    searching.sync()
    teacher_b = w["users"]["teacher-b"]  # Tongzhou, Beijing
    assert _ids(searching.search(actor=teacher_b, text="加法")) == [str(r.pk)]
    by_edition = searching.search(actor=teacher_b, text="加法", filters={"edition": ["pep"]})
    assert _ids(by_edition) == [str(r.pk)]
    other = searching.search(actor=teacher_b, text="加法", filters={"edition": ["bsd"]})
    assert _ids(other) == []
    # the author's school reads its private draft too; the operator reads both
    mine = searching.search(actor=w["users"]["school-a"], text="加法")
    assert set(_ids(mine)) == {str(r.pk), str(private.pk)}
    assert set(_ids(searching.search(actor=None, text="加法"))) == {str(r.pk), str(private.pk)}


def test_rolled_back_write_leaves_no_change(resworld):
    before = SearchChange.objects.count()
    with pytest.raises(RuntimeError), transaction.atomic():
        make(resworld, visibility="public")
        assert SearchChange.objects.count() > before
        raise RuntimeError("abort")
    assert SearchChange.objects.count() == before


def test_missed_changes_are_caught_up_and_replays_do_nothing(resworld):
    w = resworld
    r = publish(w, make(w, visibility="public"))
    # a new process (its worker died before applying): nothing in memory, the outbox remains
    searching._indexes.clear()
    assert searching.sync() >= 1
    assert searching.sync() == 0
    assert _ids(searching.search(actor=None, text="加法")) == [str(r.pk)]


def test_withdrawn_and_deleted_resources_leave_the_results(resworld):
    w = resworld
    r = publish(w, make(w, visibility="public"))
    searching.sync()
    teacher_b = w["users"]["teacher-b"]
    assert _ids(searching.search(actor=teacher_b, text="加法")) == [str(r.pk)]
    Resource.objects.filter(pk=r.pk).delete()
    searching.sync()
    assert _ids(searching.search(actor=None, text="加法")) == []


def test_reindex_rebuilds_from_the_database(resworld):
    w = resworld
    r = publish(w, make(w, visibility="public"))
    assert searching.reindex() == Resource.objects.count()
    assert _ids(searching.search(actor=None, text="有理数")) == [str(r.pk)]
    assert searching.sync() == 0  # the rebuild's snapshot already holds every change


def test_search_command_prints_json_hits(resworld, capsys):
    from xietong.cli import main

    r = publish(resworld, make(resworld, visibility="public"))
    assert main(["resources", "search", "加法", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert [h["id"] for h in hits] == [str(r.pk)]
    assert hits[0]["title"] == "有理数的加法" and hits[0]["score"] > 0
