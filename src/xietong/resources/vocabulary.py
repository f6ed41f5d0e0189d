"""Reading a vocabulary file (JSON or CSV) into rows to load, every problem with its file, row
and field; ``services.vocabulary_load`` writes them, all or nothing.

JSON: ``{"schema": 1, "version", "title_zh", "title_en", "source", "illustrative", "entries":
[...]}``; CSV: one entry a row with the columns of ``CSV_COLUMNS`` (the release's version and
title come from the caller). An entry has ``scheme`` (see ``Scheme``), ``code`` (lower-case
letters, digits, ``.``, ``_``, ``-``), ``name_zh``, optional ``name_en``, ``aliases`` (a list, or
``;``-separated in CSV), ``parent`` (required for grades, volumes, units and lessons), ``subject``
/ ``grade`` / ``stage`` (codes; a volume names its subject and grade), ``standards`` (the
curriculum-standard items a chapter teaches: the crosswalk) and ``illustrative``. Every code an
entry names must be defined in the same file: a release is whole.
"""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from xietong.tabular.problems import ImportFailed, Problem

from .models.vocabulary import CHAPTER_SCHEMES, PARENT_SCHEME, Scheme

CODE = re.compile(r"^[a-z0-9][a-z0-9._\-]{0,79}$")
VERSION = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]{0,39}$")
CSV_COLUMNS = [
    "scheme",
    "code",
    "parent",
    "subject",
    "grade",
    "stage",
    "name_zh",
    "name_en",
    "aliases",
    "standards",
    "illustrative",
]
MAX_NAME = 500
REFS = {"subject": Scheme.SUBJECT, "grade": Scheme.GRADE, "stage": Scheme.STAGE}
# load order: every node's parent and references come from an earlier scheme
ORDER = [
    Scheme.STAGE,
    Scheme.SUBJECT,
    Scheme.KIND,
    Scheme.GRADE,
    Scheme.EDITION,
    Scheme.STANDARD,
    Scheme.VOLUME,
    Scheme.UNIT,
    Scheme.LESSON,
]


@dataclass
class Entry:
    row: int
    scheme: str
    code: str
    name_zh: str
    name_en: str = ""
    parent: str = ""
    subject: str = ""
    grade: str = ""
    stage: str = ""
    aliases: list[str] = field(default_factory=list)
    standards: list[str] = field(default_factory=list)
    illustrative: bool = False


@dataclass
class ParsedRelease:
    version: str
    title_zh: str
    title_en: str
    source: str
    illustrative: bool
    entries: list[Entry]


def _truthy(value) -> bool:
    if isinstance(value, bool):
        return value
    return str(value or "").strip().lower() in {"1", "true", "yes", "y", "是"}


def _list(value) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if str(v).strip()]
    return [v.strip() for v in str(value or "").split(";") if v.strip()]


def _too_long(n: int) -> str:
    return _("at most %(n)d characters") % {"n": n}


def _entry(raw: dict, row: int, name: str, problems: list[Problem]) -> Entry | None:
    if not isinstance(raw, dict):
        problems.append(Problem(name, row, "", _("an entry must be an object")))
        return None
    text = {k: str(raw.get(k) or "").strip() for k in ("scheme", "code", "name_zh", "name_en")}
    text.update({k: str(raw.get(k) or "").strip() for k in ("parent", *REFS)})
    ok = True
    if text["scheme"] not in Scheme.values:
        problems.append(
            Problem(
                name,
                row,
                "scheme",
                _("“%(v)s” is not a scheme; use one of %(all)s")
                % {"v": text["scheme"], "all": ", ".join(Scheme.values)},
            )
        )
        ok = False
    if not CODE.match(text["code"]):
        problems.append(
            Problem(
                name,
                row,
                "code",
                _(
                    "“%(v)s” is not a code: lower-case letters, digits, “.”, “_” and “-”, at most "
                    "80 characters"
                )
                % {"v": text["code"]},
            )
        )
        ok = False
    if not text["name_zh"]:
        problems.append(Problem(name, row, "name_zh", _("the Chinese name is required")))
        ok = False
    for column in ("name_zh", "name_en"):
        if len(text[column]) > MAX_NAME:
            problems.append(Problem(name, row, column, _too_long(MAX_NAME)))
            ok = False
    if not ok:
        return None
    return Entry(
        row=row,
        aliases=_list(raw.get("aliases")),
        standards=_list(raw.get("standards")),
        illustrative=_truthy(raw.get("illustrative")),
        **text,
    )


def _check_refs(entries: list[Entry], name: str, problems: list[Problem]) -> None:
    seen: dict[tuple[str, str], Entry] = {}
    for e in entries:
        if (e.scheme, e.code) in seen:
            problems.append(
                Problem(
                    name,
                    e.row,
                    "code",
                    _("%(scheme)s “%(code)s” is defined twice (also in row %(other)d)")
                    % {"scheme": e.scheme, "code": e.code, "other": seen[e.scheme, e.code].row},
                )
            )
        seen.setdefault((e.scheme, e.code), e)

    def need(e: Entry, column: str, code: str, scheme: str) -> None:
        if code and (scheme, code) not in seen:
            problems.append(
                Problem(
                    name,
                    e.row,
                    column,
                    _("“%(code)s” is not a %(scheme)s defined in this file")
                    % {"code": code, "scheme": scheme},
                )
            )

    for e in entries:
        _check_entry(e, name, problems, need)


def _check_entry(e: Entry, name: str, problems: list[Problem], need) -> None:
    parent_scheme = PARENT_SCHEME[Scheme(e.scheme)]
    if parent_scheme is None and e.parent:
        problems.append(Problem(name, e.row, "parent", _("this scheme has no parent")))
    elif parent_scheme is not None:
        if not e.parent:
            problems.append(
                Problem(
                    name,
                    e.row,
                    "parent",
                    _("a %(scheme)s needs its parent %(parent)s")
                    % {"scheme": e.scheme, "parent": parent_scheme},
                )
            )
        need(e, "parent", e.parent, parent_scheme)
    for column, scheme in REFS.items():
        need(e, column, getattr(e, column), scheme)
    if e.scheme == Scheme.VOLUME and not e.subject:
        problems.append(Problem(name, e.row, "subject", _("a volume names its subject")))
    if e.standards and e.scheme not in CHAPTER_SCHEMES:
        problems.append(
            Problem(name, e.row, "standards", _("only chapters are linked to standards"))
        )
    for code in e.standards:
        need(e, "standards", code, Scheme.STANDARD)


def _release_meta(meta: dict, name: str, problems: list[Problem]) -> dict:
    version = str(meta.get("version") or "").strip()
    if not VERSION.match(version):
        problems.append(
            Problem(
                name,
                0,
                "version",
                _("the release needs a version (letters, digits, “.”, “_”, “-”; up to 40)"),
            )
        )
    title = str(meta.get("title_zh") or "").strip()
    if not title:
        problems.append(Problem(name, 0, "title_zh", _("the release needs a Chinese title")))
    for column, limit in (("title_zh", 200), ("title_en", 300)):
        if len(str(meta.get(column) or "").strip()) > limit:
            problems.append(Problem(name, 0, column, _too_long(limit)))
    return {
        "version": version,
        "title_zh": title,
        "title_en": str(meta.get("title_en") or "").strip(),
        "source": str(meta.get("source") or "").strip(),
        "illustrative": _truthy(meta.get("illustrative")),
    }


def _read_json(data: bytes, name: str, problems: list[Problem]) -> tuple[dict, list[tuple]]:
    try:
        doc = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ImportFailed(
            [Problem(name, 0, "", _("not a JSON file: %(e)s") % {"e": exc})]
        ) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), list):
        raise ImportFailed([Problem(name, 0, "entries", _("the file needs a list “entries”"))])
    if doc.get("schema", 1) != 1:
        problems.append(Problem(name, 0, "schema", _("only schema 1 is known")))
    # rows of a JSON file are entries, numbered from 1
    return doc, [(i, raw) for i, raw in enumerate(doc["entries"], start=1)]


def _read_csv(data: bytes, name: str) -> list[tuple]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFailed([Problem(name, 0, "", _("the file is not UTF-8 text"))]) from None
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in ("scheme", "code", "name_zh") if c not in (reader.fieldnames or [])]
    if missing:
        raise ImportFailed(
            [Problem(name, 1, c, _("the header lacks this column")) for c in missing]
        )
    return [(i, row) for i, row in enumerate(reader, start=2)]


def parse(data: bytes, name: str, *, meta: dict | None = None) -> ParsedRelease:
    """The release in ``data`` (JSON when ``name`` ends in .json, else CSV), or ImportFailed with
    every problem. ``meta`` gives or overrides the release's version and titles."""
    problems: list[Problem] = []
    if name.lower().endswith(".json"):
        doc, rows = _read_json(data, name, problems)
    else:
        doc, rows = {}, _read_csv(data, name)
    release = _release_meta({**doc, **(meta or {})}, name, problems)
    entries = [e for row, raw in rows if (e := _entry(raw, row, name, problems)) is not None]
    if not problems:
        _check_refs(entries, name, problems)
    if problems:
        raise ImportFailed(problems)
    order = {s: i for i, s in enumerate(ORDER)}
    entries.sort(key=lambda e: (order[Scheme(e.scheme)], e.row))
    return ParsedRelease(entries=entries, **release)
