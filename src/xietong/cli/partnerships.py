"""`xietong import partnerships FILE` and `xietong export partnerships FILE`: the cooperation
portfolio in the columns of the import page (xietong.partnerships.io)."""

from __future__ import annotations

from pathlib import Path

from .common import (
    actor_named,
    django_setup,
    import_file,
    import_refused,
    in_english,
    progress_bar,
)


@in_english
def cmd_import(args) -> int:
    from xietong.partnerships.io import portfolio_import
    from xietong.tabular import ImportFailed

    given = import_file(args.file)
    if isinstance(given, int):
        return given
    path, data = given
    bar = progress_bar(None, "writing")
    try:
        result = portfolio_import(
            data=data,
            filename=path.name,
            actor=actor_named(args.as_user),
            mode=args.mode,
            dry_run=args.dry_run,
            progress=bar.update,
        )
    except ImportFailed as exc:
        return import_refused(exc, path, bar)
    bar.close()
    from xietong.tabular import read_as_message

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
