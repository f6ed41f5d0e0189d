"""`xietong import partnerships FILE` and `xietong export partnerships FILE`: the cooperation
portfolio in the columns of the import page (xietong.partnerships.io)."""

from __future__ import annotations

import sys
from pathlib import Path

from .common import actor_named, django_setup, progress_bar


def cmd_import(args) -> int:
    django_setup()
    from django.utils import translation

    with translation.override("en"):  # the command speaks English, its problems too
        return _import(args)


def _import(args) -> int:
    from xietong.partnerships.io import portfolio_import
    from xietong.tabular import ImportFailed, read_as_message

    path = Path(args.file)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    bar = progress_bar(None, "writing")
    try:
        from xietong.tabular import Limits
        from xietong.tabular.problems import too_large

        limit = Limits.from_settings().max_bytes
        if path.stat().st_size > limit:
            raise too_large(path.name, path.stat().st_size, limit)
        result = portfolio_import(
            data=path.read_bytes(),
            filename=path.name,
            actor=actor_named(args.as_user),
            mode=args.mode,
            dry_run=args.dry_run,
            progress=bar.update,
        )
    except ImportFailed as exc:
        bar.close()
        print(f"{exc.total} problem(s) in {path}; nothing was imported.", file=sys.stderr)
        for p in exc.problems:
            print(f"  {p}", file=sys.stderr)
        if exc.total > len(exc.problems):
            print(f"  ... and {exc.total - len(exc.problems)} more", file=sys.stderr)
        return 1
    bar.close()
    verb = "Would import" if args.dry_run else "Imported"
    print(
        f"{verb} {result.rows} records from {path} (mode {args.mode}): {result.added} added, "
        f"{result.updated} updated, {result.unchanged} unchanged."
        + (f" {read_as_message(result.encoding)}" if result.encoding else "")
    )
    return 0


def cmd_export(args) -> int:
    django_setup()
    from xietong.accounts.scope import scope_for
    from xietong.partnerships.io_export import export_rows
    from xietong.tabular import write_csv, xlsx_bytes

    header, rows = export_rows(scope=scope_for(actor_named(args.as_user)), area=args.area)
    path = Path(args.file)
    if path.suffix.lower() == ".xlsx":
        data = xlsx_bytes([("partnerships", header, rows)])
    else:
        data = write_csv(rows, header)
    path.write_bytes(data)
    print(f"Wrote {len(rows)} rows to {path}")
    return 0


def add_import(imp_sub) -> None:
    p = imp_sub.add_parser(
        "partnerships",
        help="cooperations with their parties, obligations and activities (CSV or XLSX; all "
        "or nothing)",
    )
    p.add_argument("file")
    p.add_argument(
        "--mode",
        choices=("add", "update", "add-or-update"),
        default="add-or-update",
        help="add: nothing may exist yet; update: everything must; default: add-or-update",
    )
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    p.set_defaults(func=cmd_import)


def add_export(exp_sub) -> None:
    p = exp_sub.add_parser("partnerships", help="cooperations in the import's columns")
    p.add_argument("file")
    p.add_argument("--area", help="a cooperation area's identifier")
    p.add_argument("--as", dest="as_user")
    p.set_defaults(func=cmd_export)
