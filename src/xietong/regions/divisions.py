"""Reading the real administrative divisions shipped by the `cpca` package, kept up to date.

Codes, Chinese names and coordinates come from cpca's ``adcodes.csv`` (GB/T 2260 12-digit codes);
English names are derived from the Chinese with pypinyin. cpca's table is older than the package
(mid-2016), so the official changes since then (``data/division_changes.json``: effective date,
old codes -> new codes) are applied on top of it, and every division carries the years it is
valid for: statistics of year Y describe the divisions as they stand at the end of Y.
"""

from __future__ import annotations

import csv
import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from pypinyin import Style, lazy_pinyin, load_phrases_dict

# Province-level members of the cooperation areas Xietong ships with.
MEMBER_PROVINCES = {
    "31": "Shanghai",
    "32": "Jiangsu",
    "33": "Zhejiang",
    "34": "Anhui",
    "11": "Beijing",
    "12": "Tianjin",
    "13": "Hebei",
}
MUNICIPALITIES = {"11", "12", "31", "50"}

_ETHNIC = {
    "回族": "Hui",
    "满族": "Manchu",
    "蒙古族": "Mongol",
    "畲族": "She",
}

_SUFFIXES = [
    ("省直辖县级行政区划", " (county-level divisions under the province)"),
    ("市辖区", " City Districts"),
    ("自治县", " Autonomous County"),
    ("新区", " New Area"),
    ("矿区", " Mining District"),
    ("省", " Province"),
    ("区", " District"),
    ("县", " County"),
    ("市", " City"),
]


# Readings that pypinyin's general dictionary gets wrong for place names (长 is "chang" in place
# names, 闵行 is "Minhang"). Corrections of pronunciation only; every name still comes from cpca.
_PLACE_READINGS = {
    "长宁": [["cháng"], ["níng"]],
    "长丰": [["cháng"], ["fēng"]],
    "长兴": [["cháng"], ["xīng"]],
    "长安": [["cháng"], ["ān"]],
    "闵行": [["mǐn"], ["háng"]],
    "行唐": [["xíng"], ["táng"]],
}
load_phrases_dict(_PLACE_READINGS)


@dataclass(frozen=True)
class Division:
    code: str
    level: str  # province | prefecture | county
    parent_code: str | None
    name_zh: str
    name_en: str
    full_name_zh: str
    longitude: float | None
    latitude: float | None
    is_placeholder: bool
    valid_from: int | None = None  # first statistics year; None: before the cpca table's date
    valid_until: int | None = None  # last statistics year; None: still valid

    def valid_in(self, year: int) -> bool:
        return _valid_in(self.valid_from, self.valid_until, year)


def _valid_in(valid_from: int | None, valid_until: int | None, year: int) -> bool:
    return (valid_from is None or valid_from <= year) and (
        valid_until is None or year <= valid_until
    )


def pinyin_name(text: str, context: str | None = None) -> str:
    """Hanyu pinyin written as one word, with an apostrophe before a vowel-initial syllable.

    ``context`` is the whole name the text starts: reading the stem inside it lets pypinyin's
    phrase dictionary pick the place-name reading (朝阳区 is Chaoyang, 朝阳 alone is zhaoyang).
    """
    source = context if context and context.startswith(text) else text
    syllables = lazy_pinyin(source, style=Style.NORMAL, errors="ignore")[: len(text)]
    out = ""
    for i, syl in enumerate(syllables):
        if i and syl[:1] in ("a", "o", "e"):
            out += "'"
        out += syl
    return out[:1].upper() + out[1:]


def english_name(name_zh: str, *, level: str, code: str) -> str:
    if level == "province" and code[:2] in MUNICIPALITIES:
        return pinyin_name(name_zh.removesuffix("市"), name_zh)
    if name_zh == "市辖区":
        return "City Districts"
    if name_zh == "省直辖县级行政区划":
        return "County-level divisions under the province"
    for suffix, english in _SUFFIXES:
        if name_zh.endswith(suffix) and len(name_zh) > len(suffix):
            stem, peoples = name_zh[: -len(suffix)], []
            if suffix == "自治县":
                stem, peoples = _peoples(stem)
            base = pinyin_name(stem, name_zh)
            if peoples:
                return f"{base} {' and '.join(peoples)}{english}"
            return base + english
    return pinyin_name(name_zh, name_zh)


def _peoples(stem: str) -> tuple[str, list[str]]:
    """An autonomous county's stem without the peoples at its end, and those peoples in English
    in the order the name gives them (围场满族蒙古族 -> 围场, Manchu and Mongol)."""
    peoples: list[str] = []
    changed = True
    while changed:
        changed = False
        for zh, en in _ETHNIC.items():
            if stem.endswith(zh):
                peoples.insert(0, en)
                stem = stem[: -len(zh)]
                changed = True
    return stem, peoples


def level_of(code: str) -> str:
    if code[2:] == "0" * 10:
        return "province"
    if code[4:] == "0" * 8:
        return "prefecture"
    return "county"


def parent_of(code: str, level: str) -> str | None:
    if level == "province":
        return None
    if level == "prefecture":
        return code[:2] + "0" * 10
    return code[:4] + "0" * 8


def read_cpca_rows() -> list[dict[str, str]]:
    source = resources.files("cpca") / "resources" / "adcodes.csv"
    with source.open("r", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


# ---------------------------------------------------------------------------------------------
# Official changes since the cpca table
# ---------------------------------------------------------------------------------------------

CHANGES_FILE = Path(__file__).with_name("data") / "division_changes.json"
CHANGES_SCHEMA = 1
KINDS = ("rename", "recode", "upgrade", "merge", "split", "new")
_EFFECTIVE = re.compile(r"^(\d{4})(?:-(0[1-9]|1[0-2]))?$")


@dataclass(frozen=True)
class ChangeSource:
    code: str
    name: str
    remains: bool = False  # only part of its territory changed hands


@dataclass(frozen=True)
class ChangeTarget:
    code: str
    name: str
    new: bool = False  # the change creates this division
    coordinates_from: str | None = None  # a new division takes this division's coordinates


@dataclass(frozen=True)
class DivisionChange:
    """One official change: the divisions in ``sources`` hand territory (or a name, or a code) to
    those in ``targets``. ``effective`` is "YYYY-MM", or "YYYY" when the month is unknown."""

    id: str
    effective: str
    kind: str
    approval: str
    sources: tuple[ChangeSource, ...]
    targets: tuple[ChangeTarget, ...]
    approx: bool = False
    note: str = ""

    @property
    def year(self) -> int:
        return int(self.effective[:4])

    @property
    def when(self) -> tuple[int, int]:
        return _when(self.effective)

    @property
    def abolished(self) -> tuple[str, ...]:
        """Codes this change ends (a renamed division keeps its code and goes on)."""
        kept = {t.code for t in self.targets}
        return tuple(s.code for s in self.sources if not s.remains and s.code not in kept)

    @property
    def created(self) -> tuple[str, ...]:
        return tuple(t.code for t in self.targets if t.new)

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(
            dict.fromkeys([*(s.code for s in self.sources), *(t.code for t in self.targets)])
        )


@dataclass(frozen=True)
class ChangeList:
    data_date: str  # the cpca table's date: changes effective after it are applied
    changes: tuple[DivisionChange, ...]

    def applied(self) -> tuple[DivisionChange, ...]:
        """The changes the cpca table does not reflect yet, oldest first."""
        base = _when(self.data_date)
        return tuple(c for c in self.changes if c.when > base)

    def get(self, change_id: str) -> DivisionChange:
        for c in self.changes:
            if c.id == change_id:
                return c
        raise KeyError(change_id)


def _when(effective: str) -> tuple[int, int]:
    m = _EFFECTIVE.match(effective)
    return (int(m.group(1)), int(m.group(2) or 0))


class _Reader:
    """Checks a change file field by field; every problem names the file, change and field."""

    def __init__(self, name: str):
        self.name = name

    def fail(self, where: str, problem: str):
        raise ValueError(f"{self.name}: {where}: {problem}")

    def code(self, value, where: str) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{12}", value):
            self.fail(where, f"{value!r} is not a 12-digit code")
        return value

    def text(self, value, where: str) -> str:
        if not isinstance(value, str) or not value.strip():
            self.fail(where, "must be a non-empty text")
        return value.strip()

    def effective(self, value, where: str) -> str:
        if not isinstance(value, str) or not _EFFECTIVE.match(value):
            self.fail(where, f"{value!r} is not YYYY-MM or YYYY")
        return value

    def change(self, raw, n: int) -> DivisionChange:
        if not isinstance(raw, dict):
            self.fail(f"changes[{n}]", "must be an object")
        cid = self.text(raw.get("id"), f"changes[{n}].id")
        at = f"change {cid!r}"
        kind = raw.get("kind")
        if kind not in KINDS:
            self.fail(f"{at}, field kind", f"{kind!r} is not one of {', '.join(KINDS)}")
        sources = tuple(
            ChangeSource(
                code=self.code(s.get("code"), f"{at}, field from[{i}].code"),
                name=self.text(s.get("name"), f"{at}, field from[{i}].name"),
                remains=bool(s.get("remains", False)),
            )
            for i, s in enumerate(raw.get("from") or [])
        )
        targets = tuple(
            ChangeTarget(
                code=self.code(t.get("code"), f"{at}, field to[{i}].code"),
                name=self.text(t.get("name"), f"{at}, field to[{i}].name"),
                new=bool(t.get("new", False)),
                coordinates_from=(
                    self.code(t["coordinates_from"], f"{at}, field to[{i}].coordinates_from")
                    if t.get("coordinates_from")
                    else None
                ),
            )
            for i, t in enumerate(raw.get("to") or [])
        )
        change = DivisionChange(
            id=cid,
            effective=self.effective(raw.get("effective"), f"{at}, field effective"),
            kind=kind,
            approval=self.text(raw.get("approval"), f"{at}, field approval"),
            sources=sources,
            targets=targets,
            approx=bool(raw.get("approx", False)),
            note=str(raw.get("note", "")),
        )
        self.shape(change, at)
        return change

    def shape(self, c: DivisionChange, at: str) -> None:
        """What each kind of change must look like."""
        if not c.sources or not c.targets:
            self.fail(at, "needs at least one division in 'from' and one in 'to'")
        one_to_one = len(c.sources) == 1 and len(c.targets) == 1
        remaining = [s.code for s in c.sources if s.remains]
        if c.kind == "rename" and not (
            one_to_one and c.sources[0].code == c.targets[0].code and not c.targets[0].new
        ):
            self.fail(at, "a rename has one division in 'from' and the same code in 'to'")
        if c.kind in ("recode", "upgrade") and not (one_to_one and c.targets[0].new):
            article = "an" if c.kind == "upgrade" else "a"
            self.fail(at, f"{article} {c.kind} turns one division into one new code ('new': true)")
        if c.kind == "merge" and len(c.targets) != 1:
            self.fail(at, "a merge has exactly one division in 'to'")
        if c.kind == "split" and (len(c.sources) != 1 or len(c.targets) < 2):
            self.fail(at, "a split has one division in 'from' and several in 'to'")
        if c.kind == "new" and len(remaining) != len(c.sources):
            self.fail(at, "the divisions a new one is carved from remain ('remains': true)")
        if c.kind != "new" and remaining:
            self.fail(at, f"only a 'new' change keeps its sources; {remaining[0]} remains")
        if len({code[:2] for code in c.codes}) != 1:
            self.fail(at, "a change stays within one province")


def read_changes(path: Path | str | None = None) -> ChangeList:
    """The official changes since the cpca table (``data/division_changes.json`` by default)."""
    if path is None:
        return _default_changes()
    return _read_changes(Path(path))


@functools.cache
def _default_changes() -> ChangeList:
    return _read_changes(CHANGES_FILE)


def _read_changes(path: Path) -> ChangeList:
    reader = _Reader(path.name)
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as e:
        reader.fail(f"line {e.lineno}, column {e.colno}", e.msg)
    if doc.get("schema") != CHANGES_SCHEMA:
        reader.fail("field schema", f"{doc.get('schema')!r}; this Xietong reads {CHANGES_SCHEMA}")
    data_date = reader.effective((doc.get("base") or {}).get("data_date"), "field base.data_date")
    changes = tuple(reader.change(raw, n) for n, raw in enumerate(doc.get("changes") or []))
    seen: set[str] = set()
    for prev, c in zip((None, *changes), changes, strict=False):
        if c.id in seen:
            reader.fail(f"change {c.id!r}, field id", "is used twice")
        seen.add(c.id)
        if prev is not None and c.when < prev.when:
            reader.fail(f"change {c.id!r}, field effective", f"is earlier than {prev.id!r}'s")
    return ChangeList(data_date=data_date, changes=changes)


def _apply_changes(table: dict[str, dict], changes: ChangeList, prefixes: set[str]) -> None:
    """Apply the changes to the cpca rows of ``prefixes`` in place: rename, end the abolished
    (valid_until = the year before the change), create the new (valid_from = its year)."""
    name = CHANGES_FILE.name
    for c in changes.applied():
        provinces = {code[:2] for code in c.codes}
        if not provinces & prefixes:
            continue
        at = f"{name}: change {c.id!r}"
        for s in c.sources:
            _check_source(table, s, c, at)
        for t in c.targets:
            if t.new:
                _create_target(table, t, c, at)
            else:
                _check_target(table, t, c, at)
        for code in c.abolished:
            table[code]["valid_until"] = c.year - 1
    _end_empty_groups(table)


def _check_source(table: dict[str, dict], s, c, at: str) -> None:
    """A division a change starts from exists in its year under the name the change gives."""
    row = table.get(s.code)
    if row is None or not _valid_in(row["valid_from"], row["valid_until"], c.year):
        raise ValueError(f"{at}: {s.code} {s.name} is not a division in {c.year}")
    if row["name"] != s.name:
        raise ValueError(f"{at}: {s.code} is {row['name']}, not {s.name}")


def _create_target(table: dict[str, dict], t, c, at: str) -> None:
    """A new division, from the change's year, at the coordinates of the row it names."""
    row = table.get(t.code)
    if row is not None:
        raise ValueError(f"{at}: new code {t.code} is already used by {row['name']}")
    origin = table.get(t.coordinates_from) if t.coordinates_from else None
    if t.coordinates_from and origin is None:
        raise ValueError(f"{at}: coordinates_from {t.coordinates_from} is unknown")
    table[t.code] = {
        "adcode": t.code,
        "name": t.name,
        "longitude": origin["longitude"] if origin else "",
        "latitude": origin["latitude"] if origin else "",
        "valid_from": c.year,
        "valid_until": None,
    }


def _check_target(table: dict[str, dict], t, c, at: str) -> None:
    """A kept division exists in the change's year; a rename gives it its new name."""
    row = table.get(t.code)
    if row is None or not _valid_in(row["valid_from"], row["valid_until"], c.year):
        raise ValueError(f"{at}: {t.code} {t.name} is not a division in {c.year}")
    if c.kind == "rename":
        row["name"] = t.name
    elif row["name"] != t.name:
        raise ValueError(f"{at}: {t.code} is {row['name']}, not {t.name}")


def _end_empty_groups(table: dict[str, dict]) -> None:
    """A grouping row (省直辖县级行政区划) ends when every division under it has ended."""
    for code, row in table.items():
        if level_of(code) != "prefecture" or row["name"] != "省直辖县级行政区划":
            continue
        children = [r for c, r in table.items() if c != code and c[:4] == code[:4]]
        if children and all(r["valid_until"] is not None for r in children):
            row["valid_until"] = max(r["valid_until"] for r in children)


def successors(
    code: str, *, year: int | None = None, changes: ChangeList | None = None
) -> tuple[str, ...]:
    """The divisions that hold the territory of ``code`` in ``year`` (default: today).

    A division no change has ended (or ended only after ``year``) is its own successor; an
    abolished one is followed through every later change: 330104000000 (江干区, abolished in
    2021) -> 330102000000 (上城区), 330114000000 (钱塘区).
    """
    changes = changes or read_changes()
    ended = {a: c for c in changes.applied() for a in c.abolished}
    out: list[str] = []

    def walk(current: str) -> None:
        change = ended.get(current)
        if change is None or (year is not None and year < change.year):
            if current not in out:
                out.append(current)
            return
        for t in change.targets:
            walk(t.code)

    walk(code)
    return tuple(out)


def load_divisions(
    province_prefixes: list[str] | None = None, *, changes: ChangeList | None = None
) -> list[Division]:
    """Every division of the given provinces (default: the seven member provinces), parents
    first, with the official changes since the cpca table applied (``changes``: the shipped
    change file by default)."""
    prefixes = set(province_prefixes or MEMBER_PROVINCES)
    rows = [
        {**r, "valid_from": None, "valid_until": None}
        for r in read_cpca_rows()
        if r["adcode"][:2] in prefixes
    ]
    if not rows:
        raise ValueError(f"cpca ships no divisions for province prefixes {sorted(prefixes)}")
    by_code = {r["adcode"]: r for r in rows}
    _apply_changes(by_code, changes or read_changes(), prefixes)
    divisions: list[Division] = []
    for r in sorted(
        by_code.values(),
        key=lambda r: (
            ["province", "prefecture", "county"].index(level_of(r["adcode"])),
            r["adcode"],
        ),
    ):
        code = r["adcode"]
        if len(code) != 12 or not code.isdigit():
            raise ValueError(f"cpca adcodes.csv: code {code!r} is not 12 digits")
        level = level_of(code)
        parent = parent_of(code, level)
        if parent is not None and parent not in by_code:
            raise ValueError(f"cpca adcodes.csv: parent {parent} of {code} is missing")
        name = r["name"].strip()
        parts = []
        if parent is not None:
            prov = by_code[code[:2] + "0" * 10]["name"]
            parts.append(prov)
            if level == "county":
                pref = by_code[parent]["name"]
                if pref not in ("市辖区", "县", "省直辖县级行政区划"):
                    parts.append(pref)
        parts.append(name)
        full = "".join(parts) if name not in ("市辖区",) else "".join(parts[:-1]) + "市辖区"
        lon = float(r["longitude"]) if r["longitude"] else None
        lat = float(r["latitude"]) if r["latitude"] else None
        placeholder = name in ("市辖区", "省直辖县级行政区划", "县")
        divisions.append(
            Division(
                code=code,
                level=level,
                parent_code=parent,
                name_zh=name,
                name_en=english_name(name, level=level, code=code),
                full_name_zh=full,
                longitude=lon,
                latitude=lat,
                is_placeholder=placeholder,
                valid_from=r["valid_from"],
                valid_until=r["valid_until"],
            )
        )
    return divisions
