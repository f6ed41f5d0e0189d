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
