"""One cache lookup for figures computed under a version token (the statistics version, a
fund's ledger version, the divisions version): the token is part of the key, so a write that
moves the token makes the next read compute afresh, and nothing has to be deleted."""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
CACHE_SECONDS = 3600
MEMO_SIZE = 64  # entries of versioned_memo per process

_memo: OrderedDict[tuple, tuple] = OrderedDict()
_memo_lock = threading.Lock()


def versioned_cached(prefix: str, parts: tuple, build: Callable[[], T]) -> T:
    """``build()``, cached under ``prefix`` (which holds the version token) and ``parts``
    (everything else the result depends on: scope key, language, arguments)."""
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()
    key = f"{prefix}:{digest}"
    found = cache.get(key)
    if found is None:
        found = (build(),)  # a tuple, so that a result of None is cached as well
        cache.set(key, found, CACHE_SECONDS)
    return found[0]


def versioned_memo(prefix: str, parts: tuple, build: Callable[[], T]) -> T:
    """``versioned_cached`` with this process's own reference kept in front of the cache, for
    results that cost more to unpickle than to hold: model instances (the division tree of a
    country is 1,100 ``Jurisdiction`` rows, about 30 ms to unpickle from the cache on every
    request). The key holds the version token as ``versioned_cached``'s does, so a write that
    moves the token is seen on the next read; the oldest of ``MEMO_SIZE`` entries is dropped.
    Readers share the object: they must not change it."""
    key = (prefix, parts)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found[0]
    value = versioned_cached(prefix, parts, build)
    with _memo_lock:
        _memo[key] = (value,)
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)
    return value


def memo_clear() -> None:
    """Forget every ``versioned_memo`` entry of this process (tests; with ``cache.clear()``)."""
    with _memo_lock:
        _memo.clear()
