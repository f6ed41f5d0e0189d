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
    return r_sub
