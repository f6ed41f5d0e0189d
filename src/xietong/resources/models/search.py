"""The outbox of the search index: one row per committed change of a resource.

A row is written in the same transaction as the change (by the signal handlers in
``resources/searching.py``), so a rolled-back write leaves none and a committed write always
leaves one; ``seq`` (the auto-increment key) orders them. The index remembers the last seq it
applied, so a worker that died between a commit and the index update catches up on its next run
(no lost update), and a change is applied from the resource's state at apply time (no phantom:
a row whose resource is gone becomes a delete).
"""

from __future__ import annotations

from django.db import models


class SearchChange(models.Model):
    resource_id = models.UUIDField(db_index=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pk}:{self.resource_id}"


class SearchMiss(models.Model):
    """Unmet demand: a query that found nothing the caller may see, counted per normalised query
    (the analyzer's form: ``SearchResult.normalized``) and per place of the caller.

    ``jurisdiction`` is the 12-digit code of the caller's place (the county of a school or
    teacher role, the division of a bureau; ``""`` for an anonymous caller or a secretariat,
    which has no place), never the person: no user, no school, no address is kept. Read through
    ``misses.miss_summary``, scoped by ``jurisdiction`` prefix."""

    query = models.CharField(max_length=200)
    jurisdiction = models.CharField(max_length=12, blank=True, db_index=True)
    count = models.PositiveIntegerField(default=1)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()

    class Meta:
        ordering = ["-last_seen", "id"]
        constraints = [
            models.UniqueConstraint(fields=["query", "jurisdiction"], name="search_miss_unique")
        ]

    def __str__(self) -> str:
        return f"{self.query} @ {self.jurisdiction or '-'} x{self.count}"
