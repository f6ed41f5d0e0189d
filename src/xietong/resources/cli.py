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
    return r_sub
