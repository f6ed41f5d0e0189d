"""Keyset pagination: a page of a list ordered by a unique, indexed key is the rows after the
last key of the previous page (``?after=<key>``), so each page reads one index range of
``size + 1`` rows instead of counting the whole list and skipping ``offset`` rows of a sort.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

MAX_KEY_LENGTH = 64  # longer than any code a key is made of: a longer ``after`` is refused


@dataclass
class KeysetPage:
    """One page: its rows, the key to ask for the next page (``""`` on the last page) and
    whether it is the first page."""

    rows: list = field(default_factory=list)
    next_after: str = ""
    first: bool = True

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_next(self) -> bool:
        return bool(self.next_after)


def keyset_page(qs: QuerySet, key: str, after: str | None, size: int) -> KeysetPage:
    """The ``size`` rows of ``qs`` (unordered or ordered by ``key``) whose ``key`` comes after
    ``after``; ``key`` must be unique within ``qs``."""
    after = (after or "").strip()[:MAX_KEY_LENGTH]
    if after:
        qs = qs.filter(**{f"{key}__gt": after})
    rows = list(qs.order_by(key)[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    nxt = str(getattr(rows[-1], key)) if more else ""
    return KeysetPage(rows=rows, next_after=nxt, first=not after)
