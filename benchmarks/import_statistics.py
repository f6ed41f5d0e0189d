"""Import speed of `xietong import statistics`: N school-year-indicator values from one CSV file,
on SQLite and on PostgreSQL, through the same service the CLI and the upload page use (parse,
validate every cell, scope-check every school, upsert in one transaction, audit).

    python benchmarks/import_statistics.py                 # 1,000,000 values, both databases
    python benchmarks/import_statistics.py --values 100000 --backends sqlite

Each database runs in its own process (Django settings are per process). PostgreSQL is reached
through DATABASE_URL-style URLs; the default uses a scratch database `xietong_bench` on
127.0.0.1:5432, created and dropped by this script. The target from the foundation issue is at
least 50,000 values/s on SQLite.
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

TARGET_SQLITE = 50_000
PG_ADMIN = "postgres://postgres@127.0.0.1:5432/postgres"
PG_BENCH = "postgres://postgres@127.0.0.1:5432/xietong_bench"


def child(url: str, n_values: int, workdir: str) -> dict:
    os.environ["DATABASE_URL"] = url
    os.environ["XIETONG_DATA_DIR"] = workdir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xietong.settings")
    import django

    django.setup()
    from django.core.management import call_command

    from xietong.regions.services import jurisdictions_load
    from xietong.schools.catalogue import RAW_CODES
    from xietong.schools.models import School
    from xietong.schools.services import statistics_import

    call_command("migrate", verbosity=0)
    jurisdictions_load()
    years = (2021, 2022, 2023, 2024)
    per_row = len(RAW_CODES)
    n_schools = -(-n_values // (per_row * len(years)))
    counties = ["131002000000", "320612000000", "110112000000", "340102000000"]
    School.objects.bulk_create(
        [
            School(
                code=f"B{i:09d}",
                name_zh=f"基准学校{i}",
                stage="primary",
                county_id=counties[i % 4],
                location="urban",
                ownership="public",
            )
            for i in range(n_schools)
        ],
        batch_size=5000,
    )
    lines = [",".join(["school_code", "year", *RAW_CODES])]
    written = 0
    for i in range(n_schools):
        for y in years:
            if written >= n_values:
                break
            k = min(per_row, n_values - written)
            cells = [str((i * 7 + j * 13 + y) % 5000 + 10) for j in range(k)] + [""] * (per_row - k)
            lines.append(",".join([f"B{i:09d}", str(y), *cells]))
            written += k
    data = ("\n".join(lines) + "\n").encode()
    t0 = time.perf_counter()
    first = statistics_import(data=data, filename="bench.csv", actor=None)
    t1 = time.perf_counter()
    again = statistics_import(data=data, filename="bench.csv", actor=None)
    t2 = time.perf_counter()
    assert first.values == n_values and first.created == n_values, first
    assert again.updated == n_values, again
    return {"values": n_values, "insert_s": t1 - t0, "update_s": t2 - t1, "mb": len(data) / 1e6}


def run_child(url: str, n_values: int) -> dict:
    with tempfile.TemporaryDirectory() as workdir:
        out = subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                url,
                "--values",
                str(n_values),
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


def pg(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)


def main() -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--values", type=int, default=1_000_000)
    p.add_argument("--backends", default="sqlite,postgres")
    p.add_argument("--child")
    p.add_argument("--workdir")
    args = p.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.values, args.workdir)))
        return 0
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))
    results = {}
    for backend in args.backends.split(","):
        if backend == "sqlite":
            with tempfile.TemporaryDirectory() as d:
                results["sqlite"] = run_child(f"sqlite:///{d}/bench.sqlite3", args.values)
        elif backend == "postgres":
            pg("DROP DATABASE IF EXISTS xietong_bench")
            pg("CREATE DATABASE xietong_bench")
            try:
                results["postgres"] = run_child(PG_BENCH, args.values)
            finally:
                pg("DROP DATABASE IF EXISTS xietong_bench")
    print(
        f"Import of {args.values:,} values from one CSV ({next(iter(results.values()))['mb']:.1f} MB):"
    )
    print(f"{'database':10} {'insert s':>9} {'values/s':>11} {'re-import s':>12} {'values/s':>11}")
    for name, r in results.items():
        print(
            f"{name:10} {r['insert_s']:9.2f} {r['values'] / r['insert_s']:11,.0f} "
            f"{r['update_s']:12.2f} {r['values'] / r['update_s']:11,.0f}"
        )
    if "sqlite" in results:
        rate = results["sqlite"]["values"] / results["sqlite"]["insert_s"]
        verdict = "met" if rate >= TARGET_SQLITE else "NOT met"
        print(f"target >= {TARGET_SQLITE:,} values/s on SQLite: {verdict} ({rate:,.0f})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
