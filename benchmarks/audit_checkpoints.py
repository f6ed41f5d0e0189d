"""Cost of the audit log's guards: appending under the triggers, verifying the chain from genesis,
signing a checkpoint (which recomputes the chain up to the head first) and verifying against a
member's checkpoint, on SQLite and PostgreSQL.

    python benchmarks/audit_checkpoints.py                          # 200,000 entries, both
    python benchmarks/audit_checkpoints.py --entries 50000 --backends sqlite

The chain is loaded in bulk (hashes computed as audit_record does), then the timed steps run
through the services the CLI uses. --checkpoints stored checkpoints are held to the chain too
(a year of hourly ones is 8,760). Each database runs in its own process; PostgreSQL uses a
scratch database (default xietong_audit_bench on 127.0.0.1:5432), created and dropped here.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from import_statistics import pg  # the scratch-database helper of the import benchmark


def _load(n: int) -> None:
    """n entries in bulk, as audit_record would have written them one by one."""
    import datetime as dt

    from django.db import connection

    from xietong.audit import triggers
    from xietong.audit.chain import GENESIS, entry_digest
    from xietong.audit.models import AuditEntry, AuditHead

    triggers.uninstall(connection)  # the head may only move one step at a time
    t0 = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    prev, batch = GENESIS, []
    for seq in range(1, n + 1):
        fields = dict(
            seq=seq,
            created_at=t0 + dt.timedelta(seconds=seq),
            actor_id=None,
            actor_label="system",
            action="bench.write",
            object_type="school",
            object_id=str(seq),
            before={"name_zh": f"学校{seq}", "students": seq % 900},
            after={"name_zh": f"学校{seq}", "students": seq % 900 + 1},
            prev_hash=prev,
        )
        prev = entry_digest(**fields)
        batch.append(AuditEntry(entry_hash=prev, **fields))
        if len(batch) == 5000:
            AuditEntry.objects.bulk_create(batch)
            batch = []
    AuditEntry.objects.bulk_create(batch)
    AuditHead.objects.update_or_create(id=1, defaults={"seq": n, "entry_hash": prev})
    triggers.install(connection)


def child(url: str, n: int, n_checkpoints: int, workdir: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["XIETONG_DATA_DIR"] = workdir
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from xietong.audit import signing, triggers
    from xietong.audit.services import (
        audit_checkpoint_issue,
        audit_record,
        checkpoint_file_read,
        checkpoint_of,
        verify_chain,
    )

    call_command("migrate", verbosity=0)
    appends = 1000

    def append_rate() -> float:
        t = time.perf_counter()
        for i in range(appends):
            with transaction.atomic():
                audit_record(actor=None, action="bench.append", object_type="t", object_id=i)
        return appends / (time.perf_counter() - t)

    triggers.uninstall(connection)
    bare = append_rate()
    triggers.install(connection)
    guarded = append_rate()
    triggers.uninstall(connection)  # replace those entries by the bulk-loaded chain
    with connection.cursor() as cur:
        cur.execute("DELETE FROM audit_auditentry")
        cur.execute("DELETE FROM audit_audithead")
    _load(n)
    if n_checkpoints > 1:
        with transaction.atomic():
            audit_checkpoint_issue(actor=None)
        for _ in range(n_checkpoints - 2):
            _copy_last()  # the cost of holding the chain to stored checkpoints is per row
    t = time.perf_counter()
    with transaction.atomic():
        row = audit_checkpoint_issue(actor=None)
    issue_s = time.perf_counter() - t
    held = json.dumps(checkpoint_of(row).document()).encode()
    t = time.perf_counter()
    plain = verify_chain()
    verify_s = time.perf_counter() - t
    t = time.perf_counter()
    against = verify_chain(checkpoints=[checkpoint_file_read(data=held, source="held.json")])
    verify_cp_s = time.perf_counter() - t
    assert plain.ok and against.ok, (plain, against)
    cp = checkpoint_of(row)
    keys = signing.trusted_public_keys()
    t = time.perf_counter()
    for _ in range(1000):
        signing.signature_problem(cp, keys)
    sig_us = (time.perf_counter() - t) * 1000
    return {
        "entries": plain.checked,
        "checkpoints": n_checkpoints,
        "append_bare_per_s": bare,
        "append_per_s": guarded,
        "issue_s": issue_s,
        "verify_s": verify_s,
        "verify_cp_s": verify_cp_s,
        "sig_verify_us": sig_us,
    }


def _copy_last() -> None:
    """Another stored checkpoint row (signed, same head) without walking the chain again."""
    from xietong.audit.models import AuditCheckpoint

    last = AuditCheckpoint.objects.order_by("-id").first()
    AuditCheckpoint.objects.create(
        **{f: getattr(last, f) for f in ("size", "head_hash", "issued_at", "origin")},
        **{f: getattr(last, f) for f in ("key_id", "public_key", "signature")},
    )


def run_child(url: str, args) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                url,
                "--entries",
                str(args.entries),
                "--checkpoints",
                str(args.checkpoints),
                "--workdir",
                workdir,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        if out.returncode != 0:
            raise SystemExit(f"benchmark child failed for {url}:\n{out.stderr}")
        return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--entries", type=int, default=200_000)
    p.add_argument("--checkpoints", type=int, default=1000)
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--pg-db", default="xietong_audit_bench")
    p.add_argument("--child")
    p.add_argument("--workdir")
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.entries, args.checkpoints, args.workdir)))
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as d:
                results["sqlite"] = run_child(f"sqlite:///{d}/bench.sqlite3", args)
        elif backend == "postgres":
            pg(f"DROP DATABASE IF EXISTS {args.pg_db}")
            pg(f"CREATE DATABASE {args.pg_db}")
            try:
                results["postgres"] = run_child(
                    f"postgres://postgres@127.0.0.1:5432/{args.pg_db}", args
                )
            finally:
                pg(f"DROP DATABASE IF EXISTS {args.pg_db}")
    first = next(iter(results.values()))
    print(
        f"Audit chain of {first['entries']:,} entries, {first['checkpoints']:,} stored checkpoints:"
    )
    print(
        f"{'database':10} {'appends/s':>10} {'no triggers':>12} {'verify s':>9} {'entries/s':>10} "
        f"{'issue s':>8} {'verify+cp s':>12} {'sig check µs':>13}"
    )
    for name, r in results.items():
        print(
            f"{name:10} {r['append_per_s']:10,.0f} {r['append_bare_per_s']:12,.0f} "
            f"{r['verify_s']:9.2f} "
            f"{r['entries'] / r['verify_s']:10,.0f} {r['issue_s']:8.2f} "
            f"{r['verify_cp_s']:12.2f} {r['sig_verify_us']:13.0f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
