"""Writing to and verifying the audit chain, and signing checkpoints of it."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .chain import GENESIS, entry_digest, to_jsonable
from .models import AuditCheckpoint, AuditEntry, AuditHead
from .signing import (
    TIME_FORMAT,
    Checkpoint,
    from_document,
    sign,
    signature_problem,
    trusted_public_keys,
)
from .vocabulary import AuditAction, ObjectType, object_type_of


def _actor_label(actor: Any) -> str:
    if actor is None:
        return "system"
    return getattr(actor, "username", None) or str(actor)


def _coerce(vocabulary, value, what: str):
    try:
        return vocabulary(value)
    except ValueError:
        raise ValueError(
            f"unknown audit {what} {value!r}: use a member of {vocabulary.__name__} "
            "(xietong/audit/vocabulary.py)"
        ) from None


def _subject(obj, object_type, object_id) -> tuple[ObjectType, str]:
    if obj is not None:
        if object_type is not None or object_id is not None:
            raise TypeError("audit_record takes obj= or object_type= and object_id=, not both")
        return object_type_of(obj)
    if object_type is None or object_id is None:
        raise TypeError("audit_record needs obj=, or object_type= and object_id=")
    return _coerce(ObjectType, object_type, "object type"), str(object_id)


def audit_record(
    *,
    actor: Any,
    action: AuditAction,
    obj: Any = None,
    object_type: ObjectType | None = None,
    object_id: Any = None,
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one entry. Must run inside the caller's transaction so the change and its record
    commit or roll back together.

    ``action`` is an ``AuditAction``; the entry names its object either by ``obj`` (a model
    instance: its type and id come from the vocabulary's registry) or by ``object_type`` (an
    ``ObjectType``) and ``object_id`` for what is not a model row (a file, a tree, a period).
    A string that is not in the vocabulary raises ``ValueError`` before anything is written."""
    action = _coerce(AuditAction, action, "action")
    otype, oid = _subject(obj, object_type, object_id)
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
        action=action.value,
        object_type=otype.value,
        object_id=oid,
        before=before_j,
        after=after_j,
        prev_hash=prev,
    )
    entry = AuditEntry.objects.create(
        seq=seq,
        created_at=created_at,
        actor_id=actor_id,
        actor_label=label,
        action=action.value,
        object_type=otype.value,
        object_id=oid,
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


CHECKPOINT_ACTION = AuditAction.AUDIT_CHECKPOINT
_FIELDS = (
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


@dataclass
class _Walk:
    checked: int = 0
    last: str = GENESIS
    at: dict[int, str] = field(default_factory=dict)  # recomputed hash at the watched positions
    issued: list[tuple[int, Any]] = field(
        default_factory=list
    )  # (seq, after) of checkpoint records
    broken: ChainReport | None = None


def _check_row(row, *, expected_seq: int, prev: str, checked: int) -> ChainReport | None:
    pk, seq, created_at, actor_id, label, action, otype, oid, before, after, prev_hash, digest = row
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
    return None


def _walk(*, upto: int | None, watch: set[int], progress=None) -> _Walk:
    """Recompute the chain from genesis in sequence order, stopping at the first entry that does
    not fit; remembers the hash at each watched position (a checkpoint's size)."""
    walk = _Walk(at={0: GENESIS} if 0 in watch else {})
    qs = AuditEntry.objects.order_by("seq")
    if upto is not None:
        qs = qs.filter(seq__lte=upto)
    for row in qs.values_list(*_FIELDS).iterator(chunk_size=2000):
        walk.broken = _check_row(
            row, expected_seq=walk.checked + 1, prev=walk.last, checked=walk.checked
        )
        if walk.broken is not None:
            return walk
        seq, action, digest = row[1], row[5], row[11]
        walk.last = digest
        walk.checked += 1
        if seq in watch:
            walk.at[seq] = digest
        if action == CHECKPOINT_ACTION:
            walk.issued.append((seq, row[9]))
        if progress is not None:
            progress(1)
    return walk


@dataclass(frozen=True)
class Claim:
    """A checkpoint held against the chain: ``label`` names it for the reader."""

    label: str
    checkpoint: Checkpoint


def _stored_claims() -> list[Claim]:
    return [
        Claim(_("checkpoint #%(id)s") % {"id": row.pk}, checkpoint_of(row))
        for row in AuditCheckpoint.objects.order_by("size", "id")
    ]


def _signature_report(claims: list[Claim], trusted) -> ChainReport | None:
    for claim in claims:
        problem = signature_problem(claim.checkpoint, trusted)
        if problem:
            return ChainReport(False, 0, problem=f"{claim.label}: {problem}")
    return None


def _claims_report(walk: _Walk, claims: list[Claim]) -> ChainReport | None:
    """The chain must still extend every checkpoint: the entry at each checkpoint's size hashes,
    when recomputed from genesis, to the head the checkpoint signed."""
    matched = 0  # claims are checked smallest first, so every earlier one matched
    for claim in sorted(claims, key=lambda c: c.checkpoint.size):
        cp = claim.checkpoint
        if cp.size > walk.checked:
            return ChainReport(
                False,
                walk.checked,
                walk.checked + 1,
                None,
                _(
                    "%(label)s covers %(size)s entries but the log has only %(n)s: entries at "
                    "the end were deleted (truncated)"
                )
                % {"label": claim.label, "size": cp.size, "n": walk.checked},
            )
        if walk.at.get(cp.size) != cp.head:
            return ChainReport(
                False,
                walk.checked,
                None,
                None,
                _(
                    "entry #%(size)s no longer has the hash %(label)s signed: an entry from "
                    "#%(lo)s to #%(size)s was rewritten and the chain re-hashed"
                )
                % {"size": cp.size, "label": claim.label, "lo": matched + 1},
            )
        matched = cp.size
    return None


def _issued_report(walk: _Walk, stored: list[Claim]) -> ChainReport | None:
    """Every checkpoint the chain says was issued is still in the checkpoint table, unchanged."""
    rows = {c.checkpoint.id: c.checkpoint for c in stored}
    for seq, after in walk.issued:
        after = after if isinstance(after, dict) else {}
        row = rows.get(after.get("id"))
        if row is None or (row.size, row.head) != (after.get("size"), after.get("head")):
            return ChainReport(
                False,
                walk.checked,
                seq,
                None,
                _("entry #%(seq)s records checkpoint #%(id)s, which is missing or changed")
                % {"seq": seq, "id": after.get("id")},
            )
    return None


def _head_report(walk: _Walk, head: tuple[int, str] | None) -> ChainReport | None:
    if head is None:
        if walk.checked:
            return ChainReport(
                False, walk.checked, None, None, "the chain head row is missing (deleted)"
            )
        return None
    seq, digest = head
    if seq != walk.checked:
        return ChainReport(
            False,
            walk.checked,
            walk.checked + 1 if seq > walk.checked else seq,
            None,
            f"the chain head says {seq} entries but {walk.checked} were found "
            "(entries at the end were deleted)",
        )
    if walk.checked and digest != walk.last:
        return ChainReport(
            False, walk.checked, walk.checked, None, "the last entry does not match the chain head"
        )
    return None


def _head() -> tuple[int, str] | None:
    head = AuditHead.objects.filter(id=1).values_list("seq", "entry_hash").first()
    return (head[0], head[1] if head[0] else GENESIS) if head else None


def verify_chain(
    *, progress=None, checkpoints: list[Claim] | tuple = (), trusted_keys=()
) -> ChainReport:
    """Walk the chain from genesis and report the first thing that does not fit: an entry missing,
    out of order, unlinked or altered; a head that does not match; a checkpoint (stored ones and
    those passed in) that is badly signed or that the chain no longer extends."""
    stored = _stored_claims()
    claims = [*stored, *checkpoints]
    if claims:
        bad = _signature_report(claims, trusted_public_keys(trusted_keys))
        if bad is not None:
            return bad
    walk = _walk(upto=None, watch={c.checkpoint.size for c in claims}, progress=progress)
    if walk.broken is not None:
        return walk.broken
    return (
        _head_report(walk, _head())
        or _claims_report(walk, claims)
        or _issued_report(walk, stored)
        or ChainReport(True, walk.checked)
    )


class ChainBroken(ValueError):
    """The chain does not verify, so no checkpoint may be signed over it."""

    def __init__(self, report: ChainReport):
        super().__init__(report.problem)
        self.report = report


def checkpoint_of(row: AuditCheckpoint) -> Checkpoint:
    return Checkpoint(
        origin=row.origin,
        size=row.size,
        head=row.head_hash,
        issued_at=row.issued_at.astimezone(dt.UTC).strftime(TIME_FORMAT),
        key_id=row.key_id,
        public_key=row.public_key,
        signature=row.signature,
        id=row.pk,
    )


@transaction.atomic
def audit_checkpoint_issue(*, actor=None) -> AuditCheckpoint:
    """Sign the current head after recomputing the chain up to it and checking that it extends
    every stored checkpoint; store the checkpoint and record its issue in the chain.

    Writers are not held up: the head is read first and only the entries up to it are walked
    (entries cannot change underneath, the triggers refuse it)."""
    head = _head() or (0, GENESIS)
    stored = _stored_claims()
    walk = _walk(upto=head[0], watch={c.checkpoint.size for c in stored})
    report = (
        walk.broken
        or _head_report(walk, head)
        or _claims_report(walk, stored)
        or _issued_report(walk, stored)
    )
    if report is not None:
        raise ChainBroken(report)
    cp = sign(
        origin=settings.XIETONG_AUDIT_ORIGIN,
        size=head[0],
        head=head[1],
        issued_at=timezone.now(),
    )
    row = AuditCheckpoint.objects.create(
        size=cp.size,
        head_hash=cp.head,
        issued_at=dt.datetime.strptime(cp.issued_at, TIME_FORMAT).replace(tzinfo=dt.UTC),
        origin=cp.origin,
        key_id=cp.key_id,
        public_key=cp.public_key,
        signature=cp.signature,
    )
    audit_record(
        actor=actor,
        action=CHECKPOINT_ACTION,
        obj=row,
        after={"id": row.pk, "size": cp.size, "head": cp.head, "key_id": cp.key_id},
    )
    return row


def audit_checkpoint_due() -> bool:
    """False when nothing but the record of the latest checkpoint was appended since it."""
    last = AuditCheckpoint.objects.order_by("-id").first()
    if last is None:
        return True
    head = _head() or (0, GENESIS)
    if head[0] == last.size:
        return False
    return not (
        head[0] == last.size + 1
        and AuditEntry.objects.filter(
            seq=head[0], action=CHECKPOINT_ACTION, object_id=str(last.pk)
        ).exists()
    )


def checkpoint_file_read(*, data: bytes, source: str) -> Claim:
    """A member's downloaded checkpoint, to hold against the chain with ``verify_chain``.
    A malformed file raises ValueError naming the file and the field."""
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(
            _("%(file)s: not a JSON checkpoint (%(error)s).") % {"file": source, "error": exc}
        ) from exc
    return Claim(source, from_document(document, source))
