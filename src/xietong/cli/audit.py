"""`xietong audit`: verify the chain, issue checkpoints, print the public key."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import django_setup


def cmd_audit_verify(args) -> int:
    django_setup()
    from django.db import connection

    from xietong.audit import triggers
    from xietong.audit.services import checkpoint_file_read, verify_chain
    from xietong.audit.signing import load_public_key

    try:
        keys = [load_public_key(Path(f).read_bytes(), f) for f in getattr(args, "public_key", [])]
        held = [
            checkpoint_file_read(data=Path(f).read_bytes(), source=f)
            for f in getattr(args, "checkpoint", [])
        ]
    except (OSError, ValueError) as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        return 2
    report = verify_chain(checkpoints=held, trusted_keys=keys)
    missing = triggers.missing(connection)
    if missing:
        print(
            f"AUDIT TRIGGERS MISSING: {', '.join(missing)}. The database no longer refuses "
            "changes to the audit tables; `xietong migrate` puts the triggers back.",
            file=sys.stderr,
        )
    if not report.ok:
        where = f" at entry #{report.first_bad_seq}" if report.first_bad_seq else ""
        row = f" (row id {report.first_bad_id})" if report.first_bad_id else ""
        print(
            f"AUDIT CHAIN BROKEN{where}{row}: {report.problem}. "
            f"{report.checked} entries before it verified.",
            file=sys.stderr,
        )
        return 1
    extends = "".join(
        f"; it extends {c.label} (entry #{c.checkpoint.size}, {c.checkpoint.issued_at})"
        for c in held
    )
    print(f"Audit chain intact: {report.checked} entries verified{extends}.")
    return 1 if missing else 0


def cmd_audit_checkpoint(args) -> int:
    django_setup()
    import json

    from xietong.audit.models import AuditCheckpoint
    from xietong.audit.services import (
        ChainBroken,
        audit_checkpoint_due,
        audit_checkpoint_issue,
        checkpoint_of,
    )

    if args.if_changed and not audit_checkpoint_due():
        row = AuditCheckpoint.objects.order_by("-id").first()
        note = "nothing new since the latest checkpoint; kept"
    else:
        try:
            row = audit_checkpoint_issue(actor=None)
        except ChainBroken as exc:
            print(f"AUDIT CHAIN BROKEN: {exc}. No checkpoint was issued.", file=sys.stderr)
            return 1
        note = "issued"
    document = json.dumps(checkpoint_of(row).document(), indent=2) + "\n"
    if not args.out:
        sys.stdout.write(document)
        return 0
    Path(args.out).write_text(document, encoding="utf-8")
    print(
        f"Checkpoint #{row.pk} {note}: {row.size} entries, head {row.head_hash}, "
        f"key {row.key_id}; written to {args.out}"
    )
    return 0


def cmd_audit_public_key(args) -> int:
    django_setup()
    from xietong.audit.signing import key_id, public_key, public_key_pem

    key = public_key()
    if args.out:
        Path(args.out).write_text(public_key_pem(key), encoding="ascii")
        print(f"Public key {key_id(key)} written to {args.out}")
    else:
        sys.stdout.write(public_key_pem(key))
    return 0


def add_parsers(sub) -> None:
    """`audit verify`, `audit checkpoint` and `audit public-key`."""
    au = sub.add_parser("audit", help="audit trail")
    au_sub = au.add_subparsers(dest="what", required=True)
    av = au_sub.add_parser(
        "verify", help="check the hash chain; non-zero exit names the first bad entry"
    )
    av.add_argument(
        "--checkpoint",
        action="append",
        default=[],
        metavar="FILE",
        help="a downloaded checkpoint the chain must still extend (repeatable)",
    )
    av.add_argument(
        "--public-key",
        action="append",
        default=[],
        metavar="PEM",
        help="also trust this public key (checkpoints signed before a key change)",
    )
    av.set_defaults(func=cmd_audit_verify)
    ac = au_sub.add_parser("checkpoint", help="sign and record a checkpoint of the chain")
    ac.add_argument("--out", metavar="FILE", help="write the checkpoint JSON here (else stdout)")
    ac.add_argument(
        "--if-changed", action="store_true", help="keep the latest one when nothing was added"
    )
    ac.set_defaults(func=cmd_audit_checkpoint)
    ak = au_sub.add_parser("public-key", help="print the key that verifies checkpoints (PEM)")
    ak.add_argument("--out", metavar="FILE")
    ak.set_defaults(func=cmd_audit_public_key)
