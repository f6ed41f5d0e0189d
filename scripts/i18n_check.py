"""Check the zh-Hans catalogue, the source of every Chinese string of the interface.

    python scripts/i18n_check.py [PO_FILE]          # the committed catalogue and its .mo
    python scripts/i18n_check.py --regenerate       # also: no source string is missing from it

Exits 1 and lists every entry that is untranslated, fuzzy, or whose placeholders differ from the
English, and (with --regenerate) every string in the code or templates that the catalogue lacks:
that one runs ``makemessages`` on a copy of the source tree, so the checkout is not touched.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "src/xietong/locale/zh_Hans/LC_MESSAGES/django.po"
PLACEHOLDER = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdrifgeExX]|%[sdrif]|\{\w*\}")


def placeholders(text: str) -> list[str]:
    return sorted(m.group(0) for m in PLACEHOLDER.finditer(text))


def problems(po_path: Path) -> list[str]:
    po = polib.pofile(str(po_path))
    out = []
    for entry in po:
        if entry.obsolete:
            continue
        label = repr(entry.msgid[:90])
        if "fuzzy" in entry.flags:
            out.append(f"fuzzy: {label}")
        texts = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if not all(t.strip() for t in texts):
            out.append(f"untranslated: {label}")
            continue
        for t in texts:
            if placeholders(t) != placeholders(entry.msgid):
                out.append(f"placeholders differ: {label}")
    return out


def mo_out_of_date(po_path: Path) -> list[str]:
    """Entries whose compiled translation (.mo) differs from the catalogue (.po)."""
    mo_path = po_path.with_suffix(".mo")
    if not mo_path.exists():
        return [f"{mo_path.name} is missing: run `xietong manage compilemessages`"]
    compiled = {
        (e.msgctxt, e.msgid): (e.msgstr, dict(e.msgstr_plural)) for e in polib.mofile(str(mo_path))
    }
    out = []
    for e in polib.pofile(str(po_path)):
        if e.obsolete or not e.msgid or "fuzzy" in e.flags:
            continue
        want = (e.msgstr, {int(k): v for k, v in e.msgstr_plural.items()})
        got = compiled.get((e.msgctxt, e.msgid))
        if got is None or (got[0], {int(k): v for k, v in got[1].items()}) != want:
            out.append(f"not compiled: {e.msgid[:90]!r}")
    return out


def regenerated_problems() -> list[str]:
    """makemessages on a copy of the tree, then the same checks: a string added to the code
    without a translation shows up as untranslated."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "xietong"
        shutil.copytree(ROOT / "src/xietong", copy, ignore=shutil.ignore_patterns("__pycache__"))
        env = {**os.environ, "DEBUG": "1", "XIETONG_DATA_DIR": tmp}
        subprocess.run(
            [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", "--no-obsolete"],
            cwd=copy,
            env={
                **env,
                "DJANGO_SETTINGS_MODULE": "xietong.settings",
                "PYTHONPATH": str(ROOT / "src"),
            },
            check=True,
            capture_output=True,
        )
        return problems(copy / "locale/zh_Hans/LC_MESSAGES/django.po")


def main(argv: list[str]) -> int:
    regenerate = "--regenerate" in argv
    paths = [Path(a) for a in argv if not a.startswith("--")] or [PO]
    found = []
    for p in paths:
        found += problems(p) + mo_out_of_date(p)
    if regenerate:
        found += [f"after makemessages: {m}" for m in regenerated_problems()]
    for line in found:
        print(line, file=sys.stderr)
    if found:
        print(f"{len(found)} problem(s) in the zh-Hans catalogue", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
