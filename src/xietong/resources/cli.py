"""``xietong resources ...``: the catalogue's commands (``register`` adds them to the parser of
``xietong.cli``; the search engine adds ``search`` and ``reindex`` beside them)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path


def cmd_load_vocabulary(args) -> int:
    args.setup()
    from xietong.resources.services import vocabulary_load
    from xietong.tabular.problems import ImportFailed

    path = Path(args.file)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    meta = {k: v for k, v in (("version", args.version), ("title_zh", args.title)) if v}
    try:
        release = vocabulary_load(data=path.read_bytes(), name=path.name, actor=None, meta=meta)
    except ImportFailed as exc:
        print(str(exc), file=sys.stderr)
        return 1
    print(f"Vocabulary {release.version}: {release.nodes.count()} entries, current.")
    return 0


def cmd_import_resources(args) -> int:
    """``xietong import resources FILE``: the catalogue's metadata from CSV/XLSX (all or nothing;
    ``--dry-run`` checks and lists what would happen)."""
    args.setup()
    from django.utils import translation

    with translation.override("en"):  # the command speaks English, its problems too
        return _import_resources(args)


def _import_resources(args) -> int:
    from xietong.resources import metadata
    from xietong.tabular import ImportFailed, read_as_message, refusal_lines
    from xietong.tabular.problems import Problem

    path = Path(args.file)
    if not path.is_file():
        print(f"xietong: {path}: no such file", file=sys.stderr)
        return 2
    actor = args.actor(args.as_user)
    try:
        from xietong.tabular import Limits
        from xietong.tabular.problems import too_large

        size, limit = path.stat().st_size, Limits.from_settings().max_bytes
        if size > limit:  # refused unread
            raise too_large(path.name, size, limit)
        data = path.read_bytes()
        if args.dry_run:
            plan = metadata.import_plan(data=data, filename=path.name, actor=actor, mode=args.mode)
            if plan.total_problems:
                raise metadata.failed(path.name, plan.problems, plan.total_problems)
            for r in plan.rows:
                print(f"row {r.row}: {r.action} {r.id or ''} {r.title} ({', '.join(r.changed)})")
            print(
                f"Dry run: {plan.count('add')} to add, {plan.count('update')} to update, "
                f"{plan.count('unchanged')} unchanged; nothing was written."
            )
            return 0
        r = metadata.resources_import(data=data, filename=path.name, actor=actor, mode=args.mode)
    except ImportFailed as exc:
        listed = [Problem(p.file, p.row, p.column, p.message) for p in exc.problems]
        print("\n".join(refusal_lines(path, exc.total, listed)), file=sys.stderr)
        return 1
    print(
        f"Imported {r.rows} rows from {path}: {r.created} created, {r.updated} updated, "
        f"{r.unchanged} unchanged." + (f" {read_as_message(r.encoding)}" if r.encoding else "")
    )
    return 0


def cmd_export_resources(args) -> int:
    """``xietong export resources FILE``: the metadata of the resources the user can see."""
    args.setup()
    from xietong.resources import metadata
    from xietong.tabular import write_csv, xlsx_bytes

    header, rows = metadata.export_rows(
        actor=args.actor(args.as_user),
        **{k: getattr(args, k) for k in metadata.FILTERS if getattr(args, k)},
    )
    path = Path(args.file)
    if path.suffix.lower() == ".xlsx":
        path.write_bytes(xlsx_bytes([("resources", header, rows)]))
    else:
        path.write_bytes(write_csv(rows, header))
    print(f"Wrote {len(rows)} resources to {path}")
    return 0


# metadata.MODES and metadata.FILTERS, written out: the parser is built before Django is set up
IMPORT_MODES = ("add", "update", "add-or-update")
EXPORT_FILTERS = ("edition", "subject", "stage", "grade", "kind")


def register_files(imp_sub, exp_sub, *, setup, actor) -> None:
    """``xietong import resources`` and ``xietong export resources`` (beside the statistics)."""
    ir = imp_sub.add_parser(
        "resources", help="resource metadata from CSV or XLSX (all or nothing; docs/resources.md)"
    )
    ir.add_argument("file")
    ir.add_argument("--mode", choices=IMPORT_MODES, default="add-or-update")
    ir.add_argument("--dry-run", action="store_true", help="check and list, write nothing")
    ir.add_argument("--as", dest="as_user", help="act with this user's scope (default: operator)")
    ir.set_defaults(func=cmd_import_resources, setup=setup, actor=actor)
    er = exp_sub.add_parser("resources", help="resource metadata to CSV or XLSX (import layout)")
    er.add_argument("file")
    for name in EXPORT_FILTERS:
        er.add_argument(f"--{name}", help=f"only this {name} (a vocabulary code)")
    er.add_argument("--as", dest="as_user")
    er.set_defaults(func=cmd_export_resources, setup=setup, actor=actor)


def cmd_reindex(args) -> int:
    args.setup()
    from tqdm import tqdm

    from xietong.resources.models import Resource
    from xietong.resources.searching import reindex

    with tqdm(total=Resource.objects.count(), unit="resource", disable=args.quiet) as bar:
        n = reindex(progress=lambda done: bar.update(done - bar.n))
    print(f"Search index rebuilt: {n} resources.")
    return 0


def cmd_search(args) -> int:
    args.setup()
    import json

    from xietong.resources.models import Resource
    from xietong.resources.searching import search, sync

    if not 1 <= args.limit <= 1000:
        print("xietong: --limit must be between 1 and 1000", file=sys.stderr)
        return 2
    sync()  # what was committed since the workers' last pass
    result = search(actor=None, text=args.query, limit=args.limit)
    titles = dict(
        Resource.objects.filter(pk__in=[h.id for h in result.hits]).values_list("pk", "title_zh")
    )
    hits = [
        {"id": h.id, "title": titles.get(_uuid(h.id), ""), "score": round(h.score, 6)}
        for h in result.hits
    ]
    if args.json:
        print(json.dumps(hits, ensure_ascii=False, indent=1))
    else:
        for h in hits:
            print(f"{h['score']:9.3f}  {h['id']}  {h['title']}")
        print(f"{result.count} found")
    return 0


def cmd_previews(args) -> int:
    """Queue (or, with --here, make at once) the PDF previews of stored office documents: those
    without a ready preview, or every one with --all."""
    args.setup()
    from tqdm import tqdm

    from xietong.resources import previews
    from xietong.resources.models import ResourceFile
    from xietong.resources.storage import OFFICE_TYPES

    if previews.converter() is None:
        print(
            "xietong: no converter: install LibreOffice (soffice) or set "
            "XIETONG_OFFICE_CONVERTER to its path",
            file=sys.stderr,
        )
        return 2
    files = [
        f
        for f in ResourceFile.objects.filter(mime_type__in=sorted(OFFICE_TYPES)).order_by("sha256")
        if args.all or previews.preview_wanted(f)
    ]
    if not args.here:
        queued = sum(
            1
            for f in files
            if (previews.preview_submit(file=f, force=args.all) or (None, False))[1]
        )
        print(
            f"{queued} preview job(s) queued for {len(files)} document(s); `xietong worker` runs them."
        )
        return 0
    ready = 0
    for f in tqdm(files, unit="document", disable=args.quiet):
        ready += previews.preview_build(file=f).status == "ready"
    print(f"Previews made: {ready} of {len(files)} document(s); the others are recorded as failed.")
    return 0 if ready == len(files) else 1


def cmd_harvest(args) -> int:
    args.setup()
    from django.contrib.auth import get_user_model

    from xietong.accounts.scope import OutOfScope
    from xietong.regions.models import Jurisdiction
    from xietong.resources.oai.harvest import Defaults, HarvestError, harvest
    from xietong.resources.oai.provider import OaiError, parse_datestamp

    owner = Jurisdiction.objects.filter(code=args.owner).first()
    if owner is None:
        print(f"xietong: --owner {args.owner}: no such jurisdiction", file=sys.stderr)
        return 2
    actor = None
    if args.as_user:
        actor = get_user_model().objects.filter(username=args.as_user, is_active=True).first()
        if actor is None:
            print(f"xietong: --as {args.as_user}: no such active user", file=sys.stderr)
            return 2
    if args.from_:
        try:
            parse_datestamp(args.from_, "--from")
        except OaiError as exc:
            print(f"xietong: {exc.message}", file=sys.stderr)
            return 2
    defaults = Defaults(kind=args.kind, stage=args.stage, licence=args.licence)
    try:
        result = harvest(
            url=args.url,
            source=args.source or args.url,
            actor=actor,
            owner=owner,
            set_spec=args.set or "",
            from_=args.from_ or "",
            defaults=defaults,
        )
    except (HarvestError, OutOfScope, OSError) as exc:
        print(f"xietong: {exc}", file=sys.stderr)
        return 1
    print(
        f"Harvested {args.url}: {result.created} new, {result.updated} updated, "
        f"{result.withdrawn} withdrawn, {result.unchanged} unchanged, "
        f"{len(result.problems)} with problems; last datestamp {result.last_datestamp or '-'}."
    )
    for ident, message in result.problems:
        print(f"{ident}: {message}", file=sys.stderr)
    return 1 if result.problems else 0


def register_harvest(sub, *, setup) -> None:
    """Add ``xietong harvest``."""
    h = sub.add_parser(
        "harvest", help="harvest an OAI-PMH provider into the catalogue, incrementally"
    )
    h.add_argument("url", help="the provider's base URL, e.g. https://example.org/oai")
    h.add_argument("--owner", required=True, help="code of the jurisdiction owning the copies")
    h.add_argument("--set", help="harvest only this setSpec")
    h.add_argument(
        "--from",
        dest="from_",
        help="start here (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ; default: the last datestamp seen)",
    )
    h.add_argument("--source", help="the source's name (default: the URL)")
    h.add_argument("--as", dest="as_user", help="the harvesting account (default: the operator)")
    h.add_argument("--kind", default="", help="kind code for records without one (oai_dc)")
    h.add_argument("--stage", default="", help="stage code for records without one (oai_dc)")
    h.add_argument("--licence", default="", help="SPDX licence for records without a valid one")
    h.set_defaults(func=cmd_harvest, setup=setup)


def _uuid(text: str):
    import uuid

    return uuid.UUID(text)


def register(sub, *, setup) -> argparse.ArgumentParser:
    """Add ``xietong resources``; ``setup`` loads Django and migrates the database."""
    r = sub.add_parser("resources", help="the shared teaching-resource catalogue")
    r_sub = r.add_subparsers(dest="what", required=True)
    lv = r_sub.add_parser(
        "load-vocabulary",
        help="load a vocabulary release (JSON or CSV), all or nothing, and make it current",
    )
    lv.add_argument("file")
    lv.add_argument("--version", help="the release's version (CSV files; overrides JSON)")
    lv.add_argument("--title", help="the release's Chinese title (CSV files)")
    lv.set_defaults(func=cmd_load_vocabulary, setup=setup)
    ri = r_sub.add_parser("reindex", help="rebuild the search index from the database")
    ri.add_argument("--quiet", action="store_true", help="no progress bar")
    ri.set_defaults(func=cmd_reindex, setup=setup)
    se = r_sub.add_parser("search", help="search the catalogue as the operator (every resource)")
    se.add_argument("query")
    se.add_argument("--limit", type=int, default=20, help="hits to print (1-1000, default 20)")
    se.add_argument("--json", action="store_true", help="a JSON list of {id, title, score}")
    se.set_defaults(func=cmd_search, setup=setup)
    pv = r_sub.add_parser(
        "previews", help="make the PDF previews of stored office documents (LibreOffice)"
    )
    pv.add_argument(
        "--all", action="store_true", help="every office document, not only those without a preview"
    )
    pv.add_argument(
        "--here", action="store_true", help="convert here and now instead of queueing jobs"
    )
    pv.add_argument("--quiet", action="store_true", help="no progress bar")
    pv.set_defaults(func=cmd_previews, setup=setup)
    return r_sub
