"""One cache lookup for figures computed under a version token (the statistics version, a
fund's ledger version, the divisions version): the token is part of the key, so a write that
moves the token makes the next read compute afresh, and nothing has to be deleted."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")
CACHE_SECONDS = 3600


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
