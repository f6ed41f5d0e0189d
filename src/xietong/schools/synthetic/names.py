"""School names, codes and coordinates: Chinese names with their pinyin, unique within a
county, and positions jittered around the county's centroid."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from pypinyin import Style, lazy_pinyin

from .assumptions import Profile
from .model import Provinces, SchoolDraw
from .vocabulary import (
    LOCATIONS,
    OWNERSHIPS,
    SCHOOL_TYPES,
    STAGES,
    TEACHING_POINT_TYPE,
    CountySpec,
    SyntheticSchool,
)

# ---------------------------------------------------------------------------------------------
# Names
# ---------------------------------------------------------------------------------------------

_TOWN_FIRST = "东西南北新大小高马李王张石白黄青龙凤金双三平安永和兴福清柳桃杨梅花古"
_TOWN_SECOND = "桥庄集店湖河山塘口坝岗林沟湾圩埠铺营寨渡港墩坊"
_VILLAGE_FIRST = "李王张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈彭吕苏"
_VILLAGE_SECOND = "庄家营寨屯湾岗圩楼集"
_ROADS = (
    "人民", "解放", "建设", "中山", "新华", "文化", "和平", "胜利", "东风", "健康", "光明",
    "青年", "长江", "滨河", "府前", "北关", "南关", "东关", "西关", "文昌", "振兴", "学府",
    "新建", "团结", "友谊", "工农", "幸福", "迎宾", "环城", "花园", "公园", "体育", "城南",
    "城北",
)  # fmt: skip
_BRANDS = ("育英", "启明", "博雅", "华英", "英才", "明德", "崇文", "致远", "新星", "培德")
_ETHNIC = ("蒙古族", "回族", "满族", "畲族")
_CN_DIGITS = "零一二三四五六七八九"


def _cn_number(n: int) -> str:
    """Chinese numeral for 1 <= n <= 99 (e.g. 12 -> 十二, 20 -> 二十)."""
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    head = "" if tens == 1 else _CN_DIGITS[tens]
    return head + "十" + (_CN_DIGITS[ones] if ones else "")


@lru_cache(maxsize=8192)
def _pinyin(text: str) -> str:
    """Capitalised pinyin word without tones, with apostrophes before a/o/e syllables."""
    syllables = lazy_pinyin(text, style=Style.NORMAL, v_to_u=True)
    out = ""
    for i, s in enumerate(syllables):
        if i and s[:1] in ("a", "o", "e"):
            out += "'"
        out += s
    return out[:1].upper() + out[1:]


def _short_name(name: str) -> str:
    """The name used in school names: 通州区 -> 通州, 丰县 -> 丰县, 大厂回族自治县 -> 大厂."""
    if name.endswith("自治县"):
        base = name[: -len("自治县")]
        changed = True
        while changed:
            changed = False
            for e in _ETHNIC:
                if base.endswith(e) and len(base) > len(e):
                    base = base[: -len(e)]
                    changed = True
        return base
    if name.endswith("新区") and len(name) > 3:
        return name[:-2]
    if name.endswith("矿区"):
        return name
    if len(name) > 2 and name[-1] in "区县市":
        return name[:-1]
    return name


_TOWN_NAMES: tuple[str, ...] = tuple(a + b for a in _TOWN_FIRST for b in _TOWN_SECOND)
_VILLAGE_NAMES: tuple[str, ...] = tuple(a + b for a in _VILLAGE_FIRST for b in _VILLAGE_SECOND)
_PRIVATE_SUFFIX: dict[str, tuple[str, str]] = {
    "primary": ("小学", "Primary School"),
    "junior": ("初级中学", "Junior Middle School"),
    "nine_year": ("学校", "School"),
    "senior": ("高级中学", "Senior High School"),
    "complete_secondary": ("中学", "Middle School"),
    "twelve_year": ("外国语学校", "Foreign Languages School"),
    "vocational": ("职业学校", "Vocational School"),
    "special": ("特殊教育学校", "Special Education School"),
}
_VOCATIONAL_NAMES = (
    ("职业教育中心", "Vocational Education Centre"),
    ("中等专业学校", "Secondary Specialised School"),
    ("职业技术学校", "Vocational and Technical School"),
    ("职业高级中学", "Vocational High School"),
)
_SPECIAL_NAMES = (
    ("特殊教育学校", "Special Education School"),
    ("启智学校", "Qizhi School"),
    ("启聪学校", "Qicong School"),
    ("培智学校", "Peizhi School"),
)


class _CountyNamer:
    """Deterministic name factory for the schools of one county.

    Parameters
    ----------
    county : CountySpec
        The county.
    seed : int
        Generator seed; names depend only on it and the county code.
    n_rural : int
        Number of town and rural schools to name (sets how many towns the county has).
    """

    def __init__(self, county: CountySpec, seed: int, n_rural: int) -> None:
        self.short = _short_name(county.name_zh)
        self.short_en = _pinyin(self.short)
        self.rng = np.random.default_rng([seed, int(county.code[:6]), 7])
        n_towns = min(max(4, n_rural // 5), 40)
        picks = self.rng.choice(len(_TOWN_NAMES), size=n_towns + 1, replace=False)
        towns = [_TOWN_NAMES[i] for i in picks if _TOWN_NAMES[i] != self.short]
        self.towns = towns[:n_towns]
        self.villages = [_VILLAGE_NAMES[i] for i in self.rng.permutation(len(_VILLAGE_NAMES))]
        self.brands = [_BRANDS[i] for i in self.rng.permutation(len(_BRANDS))]
        self.roads = [_ROADS[i] for i in self.rng.permutation(len(_ROADS))]
        self.used: set[str] = set()
        self.counters: dict[str, int] = {}

    def _next(self, key: str) -> int:
        k = self.counters.get(key, 0)
        self.counters[key] = k + 1
        return k

    def _town(self) -> str:
        return self.towns[self._next("town") % len(self.towns)]

    def _village(self) -> str:
        return self.villages[self._next("village") % len(self.villages)]

    def _unique(self, zh: str, en: str) -> tuple[str, str]:
        if zh not in self.used:
            self.used.add(zh)
            return zh, en
        k = 2
        while f"{zh}（{_cn_number(k)}）" in self.used:
            k += 1
        zh2 = f"{zh}（{_cn_number(k)}）"
        self.used.add(zh2)
        return zh2, f"{en} ({k})"

    def _numbered_middle(self) -> int:
        """Next number of the county's 第N中学 series (shared by secondary schools)."""
        return self._next("middle") + 1

    def name(self, stage: str, location: str, ownership: str, teaching_point: bool):
        """Chinese and English name of the next school of this kind."""
        if ownership == "private":
            return self._private_name(stage)
        if teaching_point:
            t, v = self._town(), self._village()
            return self._unique(f"{t}镇{v}教学点", f"{_pinyin(t)} Town {_pinyin(v)} Teaching Point")
        if stage in ("primary", "junior", "nine_year") and location != "urban":
            return self._rural_name(stage, location)
        urban = {
            "primary": self._urban_primary,
            "junior": self._urban_junior,
            "nine_year": self._urban_nine_year,
            "senior": self._senior,
            "complete_secondary": self._complete_secondary,
            "twelve_year": self._twelve_year,
        }
        if stage in urban:
            return urban[stage]()
        return self._vocational_or_special(stage)

    def _private_name(self, stage: str) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("private")
        brand = self.brands[k % len(self.brands)]
        brand_en = _pinyin(brand)
        if k >= len(self.brands):
            extra, extra_en = (
                ("实验", "Experimental") if k < 2 * len(self.brands) else ("双语", "Bilingual")
            )
            brand, brand_en = brand + extra, f"{brand_en} {extra_en}"
        zh_suffix, en_suffix = _PRIVATE_SUFFIX[stage]
        return self._unique(f"{s}{brand}{zh_suffix}", f"{se} {brand_en} {en_suffix}")

    def _urban_primary(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("urban_primary")
        if k == 0:
            return self._unique(f"{s}实验小学", f"{se} Experimental Primary School")
        if k % 3 == 0 and k // 3 <= len(self.roads):
            road = self.roads[k // 3 - 1]
            return self._unique(f"{s}{road}路小学", f"{se} {_pinyin(road)} Road Primary School")
        n = self._next("numbered_primary") + 1
        return self._unique(f"{s}第{_cn_number(n)}小学", f"{se} No. {n} Primary School")

    def _urban_junior(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        if self._next("urban_junior") == 0:
            return self._unique(f"{s}实验初级中学", f"{se} Experimental Junior Middle School")
        n = self._numbered_middle()
        return self._unique(f"{s}第{_cn_number(n)}中学", f"{se} No. {n} Middle School")

    def _urban_nine_year(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("urban_nine")
        if k == 0:
            return self._unique(f"{s}实验学校", f"{se} Experimental School")
        if k <= len(self.roads):
            road = self.roads[-k]
            return self._unique(f"{s}{road}路学校", f"{se} {_pinyin(road)} Road School")
        return self._unique(f"{s}第{_cn_number(k)}实验学校", f"{se} No. {k} Experimental School")

    def _senior(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        n = self._numbered_middle()
        if self._next("senior") == 0:
            return self._unique(f"{s}高级中学", f"{se} Senior High School")
        return self._unique(f"{s}第{_cn_number(n)}高级中学", f"{se} No. {n} Senior High School")

    def _complete_secondary(self) -> tuple[str, str]:
        n = self._numbered_middle()
        return self._unique(
            f"{self.short}第{_cn_number(n)}中学", f"{self.short_en} No. {n} Middle School"
        )

    def _twelve_year(self) -> tuple[str, str]:
        s, se = self.short, self.short_en
        k = self._next("twelve")
        if k == 0:
            return self._unique(f"{s}外国语学校", f"{se} Foreign Languages School")
        return self._unique(
            f"{s}第{_cn_number(k + 1)}实验学校", f"{se} No. {k + 1} Experimental School"
        )

    def _vocational_or_special(self, stage: str) -> tuple[str, str]:
        s, se = self.short, self.short_en
        options = _VOCATIONAL_NAMES if stage == "vocational" else _SPECIAL_NAMES
        k = self._next(stage)
        zh, en = options[k % len(options)]
        if k >= len(options):
            n = k // len(options) + 1
            return self._unique(f"{s}第{_cn_number(n)}{zh}", f"{se} No. {n} {en}")
        return self._unique(f"{s}{zh}", f"{se} {en}")

    def _rural_name(self, stage: str, location: str) -> tuple[str, str]:
        t = self._town()
        te = _pinyin(t)
        if location == "rural" and stage == "primary":
            v = self._village()
            return self._unique(f"{t}镇{v}小学", f"{te} Town {_pinyin(v)} Primary School")
        if stage == "primary":
            k = self._next("town_primary:" + t)
            if k == 0:
                return self._unique(f"{t}镇中心小学", f"{te} Town Central Primary School")
            return self._unique(
                f"{t}镇第{_cn_number(k + 1)}小学", f"{te} Town No. {k + 1} Primary School"
            )
        if stage == "junior":
            k = self._next("town_junior:" + t)
            if k == 0:
                return self._unique(f"{t}镇初级中学", f"{te} Town Junior Middle School")
            return self._unique(
                f"{t}镇第{_cn_number(k + 1)}初级中学",
                f"{te} Town No. {k + 1} Junior Middle School",
            )
        k = self._next("town_nine:" + t)
        if k == 0:
            return self._unique(f"{t}镇九年一贯制学校", f"{te} Town Nine-Year School")
        v = self._village()
        return self._unique(f"{t}镇{v}学校", f"{te} Town {_pinyin(v)} School")


def school_coordinates(
    rng: np.random.Generator, counties: Sequence[CountySpec], prov: Provinces, sch: SchoolDraw
) -> tuple[np.ndarray, np.ndarray]:
    """Coordinates jittered around the county centroid (farther out for rural schools)."""
    lon_c, lat_c = _county_coordinates(counties, prov.prof, prov.c_prov)
    radius = np.array([0.04, 0.09, 0.13])[sch.loc_of] * np.sqrt(rng.uniform(0.15, 1.0, sch.n))
    angle = rng.uniform(0.0, 2.0 * np.pi, sch.n)
    lons = np.round(lon_c[sch.county_of] + radius * np.cos(angle), 6)
    lats = np.round(lat_c[sch.county_of] + radius * np.sin(angle) * 0.8, 6)
    return lons, lats


def named_schools(
    counties: Sequence[CountySpec], sch: SchoolDraw, lons: np.ndarray, lats: np.ndarray, seed: int
) -> tuple[SyntheticSchool, ...]:
    """Codes (county prefix and a serial) and names of the schools."""
    n_c = len(counties)
    n_rural = np.bincount(sch.county_of[sch.loc_of > 0], minlength=n_c).tolist()
    per_county = np.bincount(sch.county_of, minlength=n_c)
    if per_county.max() > 9999:
        worst = counties[int(per_county.argmax())].code
        raise ValueError(f"county {worst} would need more than 9999 school codes")
    namers = [_CountyNamer(c, seed, n_rural[i]) for i, c in enumerate(counties)]
    serial = [0] * n_c
    schools: list[SyntheticSchool] = []
    for ci, st_i, lo_i, pv, tp, x, y in zip(
        sch.county_of.tolist(),
        sch.stage_of.tolist(),
        sch.loc_of.tolist(),
        sch.private.tolist(),
        sch.is_tp.tolist(),
        lons.tolist(),
        lats.tolist(),
        strict=True,
    ):
        county = counties[ci]
        serial[ci] += 1
        stage, location = STAGES[st_i], LOCATIONS[lo_i]
        ownership = OWNERSHIPS[1 if pv else 0]
        zh, en = namers[ci].name(stage, location, ownership, tp)
        schools.append(
            SyntheticSchool(
                f"{county.code[:6]}{serial[ci]:04d}",
                zh,
                en,
                county.code,
                stage,
                location,
                ownership,
                x,
                y,
                TEACHING_POINT_TYPE if tp else SCHOOL_TYPES[stage],
            )
        )
    return tuple(schools)


def _county_coordinates(
    counties: Sequence[CountySpec], prof: list[Profile], c_prov: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """County centroids, filling gaps from the prefecture, the province or the capital."""
    lon = np.array([np.nan if c.lon is None else float(c.lon) for c in counties])
    lat = np.array([np.nan if c.lat is None else float(c.lat) for c in counties])
    missing = np.flatnonzero(np.isnan(lon))
    for i in missing:
        c = counties[i]
        for key in (lambda d: d.prefecture_code, lambda d: d.province_code):
            near = [
                j
                for j, d in enumerate(counties)
                if key(d) == key(c) and d.lon is not None and d.lat is not None
            ]
            if near:
                lon[i] = float(np.mean([counties[j].lon for j in near]))
                lat[i] = float(np.mean([counties[j].lat for j in near]))
                break
        else:
            lon[i], lat[i] = prof[c_prov[i]].centroid
    return lon, lat
