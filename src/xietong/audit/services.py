"""Writing to and verifying the audit chain."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone

from .chain import GENESIS, entry_digest, to_jsonable
from .models import AuditEntry, AuditHead


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def audit_record(
    *,
    actor: Any,
    action: str,
    object_type: str,
    object_id: Any,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction so the change and its record
    commit or roll back together."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must be called inside transaction.atomic()")
    AuditHead.objects.get_or_create(id=1)
    head = AuditHead.objects.select_for_update().get(id=1)
    seq = head.seq + 1
    prev = head.entry_hash if head.seq else GENESIS
    created_at = timezone.now()
    actor_id = getattr(actor, "pk", None)
    label = _actor_label(actor)
    before_j = to_jsonable(before)
    after_j = to_jsonable(after)
    digest = entry_digest(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before_j,
        after=after_j,
        prev_hash=prev,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        before=before_j,
        after=after_j,
        prev_hash=prev,
        entry_hash=digest,
    )
    AuditHead.objects.filter(id=1).update(seq=seq, entry_hash=digest)
    return entry


@dataclass(frozen=True)
class ChainReport:
    ok: bool
    checked: int
    first_bad_seq: int | None = None
    first_bad_id: int | None = None
    problem: str = ""


def verify_chain(*, progress=None) -> ChainReport:
    """Walk the chain in sequence order and report the first entry that does not fit."""
    prev = GENESIS
    expected_seq = 1
    checked = 0
    qs = AuditEntry.objects.order_by("seq").values_list(
        "id",
        "seq",
        "created_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "before",
        "after",
        "prev_hash",
        "entry_hash",
    )
    for row in qs.iterator(chunk_size=2000):
        (
            pk,
            seq,
            created_at,
            actor_id,
            label,
            action,
            otype,
            oid,
            before,
            after,
            prev_hash,
            digest,
        ) = row
        if seq != expected_seq:
            problem = (
                f"entry #{expected_seq} is missing (next entry found is #{seq})"
                if seq > expected_seq
                else f"sequence number #{seq} out of order"
            )
            return ChainReport(False, checked, expected_seq, pk, problem)
        if prev_hash != prev:
            return ChainReport(
                False, checked, seq, pk, f"entry #{seq} does not link to the entry before it"
            )
        recomputed = entry_digest(
            seq=seq,
            created_at=created_at,
            actor_id=actor_id,
            actor_label=label,
            action=action,
            object_type=otype,
            object_id=oid,
            before=before,
            after=after,
            prev_hash=prev_hash,
        )
        if recomputed != digest:
            return ChainReport(
                False, checked, seq, pk, f"entry #{seq} was altered after it was written"
            )
        prev = digest
        expected_seq += 1
        checked += 1
        if progress is not None:
            progress(1)
    head = AuditHead.objects.filter(id=1).first()
    if head is not None and head.seq != checked:
        return ChainReport(
            False,
            checked,
            checked + 1 if head.seq > checked else head.seq,
            None,
            f"the chain head says {head.seq} entries but {checked} were found (entries at the end were deleted)",
        )
    if head is not None and checked and head.entry_hash != prev:
        return ChainReport(
            False, checked, checked, None, "the last entry does not match the chain head"
        )
    return ChainReport(True, checked)
