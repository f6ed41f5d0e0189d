"""OAI-PMH: the tombstones of records the provider stopped exposing (``deletedRecord``
persistent) and the harvester's bookkeeping of records it copied from other providers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class OaiTombstone(models.Model):
    """A resource that was exposed at ``/oai`` (published and public) and is no longer: withdrawn
    (出库), made non-public, or taken back to a draft by a change. OAI-PMH 2.0 §2.5.1 with
    ``deletedRecord=persistent``: the provider keeps answering for it with
    ``<header status="deleted">``. ``sets`` holds the setSpecs it had, space-separated with a
    space at either end (so a set matches by ``contains``). Removed when the resource is exposed
    again."""

    resource_id = models.UUIDField(_("resource"), unique=True)
    datestamp = models.DateTimeField(_("datestamp"), db_index=True)
    sets = models.TextField(_("sets"), blank=True, default=" ")

    class Meta:
        ordering = ["datestamp", "resource_id"]
        verbose_name = _("OAI tombstone")
        verbose_name_plural = _("OAI tombstones")

    def __str__(self) -> str:
        return f"{self.resource_id} (deleted {self.datestamp:%Y-%m-%d})"

    @property
    def set_specs(self) -> list[str]:
        return self.sets.split()


class HarvestedRecord(models.Model):
    """One record harvested from another OAI-PMH provider: keyed by the source's name and the
    record's OAI identifier, with the local copy in the catalogue and the datestamp last seen
    (the next harvest of the source starts from the latest one)."""

    source = models.CharField(_("source"), max_length=200)
    identifier = models.CharField(_("OAI identifier"), max_length=500)
    resource = models.ForeignKey(
        "resources.Resource", on_delete=models.PROTECT, related_name="harvested_from"
    )
    datestamp = models.DateTimeField(_("datestamp"))
    deleted = models.BooleanField(_("deleted at the source"), default=False)
    harvested_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["source", "identifier"]
        constraints = [
            models.UniqueConstraint(fields=["source", "identifier"], name="harvested_record_unique")
        ]

    def __str__(self) -> str:
        return f"{self.source} {self.identifier}"
