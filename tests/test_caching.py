"""xietong.caching: a version token in the key makes the next read after a write compute afresh;
versioned_memo keeps this process's reference in front of the cache, bounded."""

from __future__ import annotations

from django.core.cache import cache

from xietong import caching


def test_versioned_memo_hands_back_the_same_object_without_reading_the_cache(monkeypatch):
    built = []

    def build():
        built.append(1)
        return [object()]

    first = caching.versioned_memo("xt:test:v1", ("a",), build)
    reads = []
    monkeypatch.setattr(cache, "get", lambda *a, **k: reads.append(a) or None)
    again = caching.versioned_memo("xt:test:v1", ("a",), build)
    assert again is first and built == [1] and reads == []


def test_a_new_token_or_other_parts_build_again():
    calls = []
    one = caching.versioned_memo("xt:test:v1", ("a",), lambda: calls.append("v1") or "v1")
    two = caching.versioned_memo("xt:test:v2", ("a",), lambda: calls.append("v2") or "v2")
    other = caching.versioned_memo("xt:test:v2", ("b",), lambda: calls.append("b") or "b")
    assert (one, two, other) == ("v1", "v2", "b") and calls == ["v1", "v2", "b"]


def test_another_process_reads_the_shared_cache_not_its_own_build():
    caching.versioned_memo("xt:test:v1", ("a",), lambda: "computed once")
    caching.memo_clear()  # as in a second web process: its memo is empty, the cache is shared
    assert caching.versioned_memo("xt:test:v1", ("a",), lambda: "again") == "computed once"


def test_the_memo_keeps_at_most_memo_size_entries(monkeypatch):
    monkeypatch.setattr(caching, "MEMO_SIZE", 3)
    for i in range(5):
        caching.versioned_memo("xt:test:v1", (i,), lambda i=i: i)
    assert len(caching._memo) == 3
    assert [key[1] for key in caching._memo] == [(2,), (3,), (4,)]  # the oldest dropped
