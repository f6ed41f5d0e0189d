"""Incremental updates from the change log: idempotent, ordered, nothing lost, nothing revived."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xietong.search import Change, SearchDocument, SearchRequest, TantivyIndex


def doc(i, title, grants=("public",)):
    return SearchDocument(i, title, grants=frozenset(grants))


def up(seq, i, title):
    return Change(seq, "upsert", i, doc(i, title))


def gone(seq, i):
    return Change(seq, "delete", i)


def state(index):
    """id -> title of every live document, as the operator sees it."""
    hits = index.search(SearchRequest("", grants=None, limit=1000)).hits
    return {h.id: h.title.fragment for h in hits}


def test_apply_then_replay_changes_nothing(index):
    log = [up(1, "a", "数学"), up(2, "b", "语文"), up(3, "a", "英语"), gone(4, "b")]
    first = index.apply(log)
    assert (first.applied, first.skipped, first.last_seq) == (4, 0, 4)
    assert state(index) == {"a": "英语"}
    again = index.apply(log)
    assert (again.applied, again.skipped, again.last_seq) == (0, 4, 4)
    assert state(index) == {"a": "英语"}


def test_an_older_change_never_overwrites_a_newer_one(index):
    index.apply([up(5, "a", "新的标题")])
    result = index.apply([up(3, "a", "旧的标题"), up(6, "b", "别的")])
    assert (result.applied, result.skipped) == (1, 1)
    assert state(index) == {"a": "新的标题", "b": "别的"}


def test_a_replayed_upsert_does_not_bring_a_deleted_document_back(index):
    index.apply([up(1, "a", "数学"), gone(2, "a")])
    index.apply([up(1, "a", "数学")])
    assert state(index) == {}
    assert index.search(SearchRequest("数学", grants=None)).count == 0
    assert len(index) == 0


def test_a_late_change_of_another_document_is_not_lost(index):
    index.apply([up(10, "a", "数学")])
    index.apply([up(7, "b", "语文")])  # committed late with a lower number: still applied
    assert state(index) == {"a": "数学", "b": "语文"}
    assert index.last_seq == 10


def test_a_batch_out_of_order_is_refused_before_anything_is_written(index):
    with pytest.raises(ValueError, match="increasing sequence order: 2 after 3"):
        index.apply([up(1, "a", "数学"), up(3, "b", "语文"), up(2, "c", "英语")])
    assert state(index) == {} and index.last_seq == 0


def test_the_position_survives_reopening(index):
    index.apply([up(1, "a", "数学"), up(9, "b", "语文")])
    reopened = TantivyIndex(index.path)
    assert reopened.last_seq == 9
    assert reopened.apply([up(9, "b", "改过")]).skipped == 1


def test_rebuild_replaces_everything_and_skips_changes_its_snapshot_held(index):
    index.apply([up(1, "x", "旧")])
    seen = []
    written = index.rebuild(
        (doc(f"r{i}", "数学") for i in range(2500)), last_seq=40, progress=seen.append
    )
    assert written == 2500 and seen[-1] == 2500 and seen[0] == 1000
    assert "x" not in state(index) and index.last_seq == 40
    assert index.apply([gone(30, "r1")]).skipped == 1  # the snapshot already had it
    assert index.apply([gone(41, "r1")]).applied == 1
    assert len(index) == 2499


def test_purged_tombstones_are_forgotten(index):
    index.apply([up(1, "a", "数学"), gone(2, "a"), up(3, "b", "语文"), gone(4, "b")])
    index.purge_tombstones(up_to_seq=2)
    assert index.apply([up(2, "a", "数学")]).skipped == 1  # below the purge line
    assert index.apply([up(4, "b", "语文")]).skipped == 1  # b's tombstone is kept


def test_bad_changes_are_refused():
    with pytest.raises(ValueError, match="op must be"):
        Change(1, "move", "a")
    with pytest.raises(ValueError, match="carries the document"):
        Change(1, "upsert", "a", doc("b", "x"))
    with pytest.raises(ValueError, match="start at 1"):
        Change(0, "delete", "a")


LOG = st.lists(
    st.tuples(st.booleans(), st.sampled_from("abcd"), st.sampled_from(["数学", "语文", "英语"])),
    max_size=25,
)


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    log=LOG,
    cuts=st.lists(st.integers(0, 25), max_size=4),
    replays=st.lists(st.integers(0, 25), max_size=3),
)
def test_any_chunking_with_replays_ends_in_the_state_of_the_log(
    tmp_path_factory, log, cuts, replays
):
    changes = [
        up(seq, i, title) if is_up else gone(seq, i)
        for seq, (is_up, i, title) in enumerate(log, start=1)
    ]
    expected = {}
    for change in changes:
        if change.op == "upsert":
            expected[change.id] = change.document.title
        else:
            expected.pop(change.id, None)
    index = TantivyIndex(tmp_path_factory.mktemp("log"))
    bounds = sorted({0, len(changes), *(c for c in cuts if c <= len(changes))})
    for start, end in zip(bounds, bounds[1:], strict=False):
        index.apply(changes[start:end])
        for replay in replays:  # the job restarts and reads again from an older position
            index.apply(changes[min(replay, start) : end])
    assert state(index) == expected
    assert index.last_seq == len(changes)


def test_a_rebuild_that_fails_halfway_leaves_the_old_index(index):
    index.apply([up(1, "a", "数学"), up(2, "b", "语文")])

    def broken():
        yield doc("n1", "英语")
        raise OSError("the database went away")

    with pytest.raises(OSError, match="went away"):
        index.rebuild(broken(), last_seq=50)
    assert state(index) == {"a": "数学", "b": "语文"} and index.last_seq == 2
    assert TantivyIndex(index.path).last_seq == 2
    assert index.apply([up(3, "c", "物理")]).applied == 1  # the writer lock was released
    assert set(state(index)) == {"a", "b", "c"}
