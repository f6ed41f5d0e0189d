"""Funding adequacy: public operating funds of each school against the base rates.

国发〔2015〕67号 (《国务院关于进一步完善城乡义务教育经费保障机制的通知》) sets one per-pupil
base rate (基准定额) of public operating funds (公用经费) for urban and rural compulsory-education
schools, with three rules this module applies:

* the rate differs by stage and region: from 2016, 650 yuan a primary pupil and 850 a junior
  pupil a year in the eastern provinces, 600 and 800 in the central and western ones
  (``data/funding/compulsory-operating-2016.json``; a province may set higher rates of its own,
  ``province_rates``);
* boarding schools get a supplement per boarding pupil (200 yuan a year);
* rural small-scale schools and teaching points with fewer than 100 pupils are funded as if they
  had 100 (按100人核定公用经费). This is a *funding* rule: the per-100-pupil resource indicators of
  the balance standards always use the real enrolment.

教督〔2017〕6号 checks these among the government-guarantee items (item 6). A school is
*adequately funded* when the public operating funds it received in the year are at least the
amount the rates give it; a county meets the item when every school with data does, and is
``incomplete`` when a school lacks the funds or enrolment figures.

Senior-secondary pupils of a complete or twelve-year school are outside compulsory education and
outside these rates; the rule counts the school's primary and junior pupils only.

>>> rates = load_base_rates("compulsory-operating-2016")
>>> r = school_requirement(rates, province="34", primary=30, junior=0, boarding=0,
...                        rural=True)
>>> r.counted_pupils, r.required, r.floor_applied
(100.0, 60000.0, True)
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = [
    "BaseRates",
    "CountyFunding",
    "FundingResult",
    "Requirement",
    "evaluate_funding",
    "list_base_rates",
    "load_base_rates",
    "required_funds",
    "school_requirement",
]

_DATA = Path(__file__).parent / "data" / "funding"
STAGES = ("primary", "junior")


@dataclass(frozen=True)
class BaseRates:
    """One versioned set of base rates (yuan per pupil per year)."""

    id: str
    version: int
    applies_from: int
    source: str
    rates: dict[str, dict[str, float]]
    regions: dict[str, tuple[str, ...]]
    boarding_supplement: float
    small_school_floor: int
    province_rates: dict[str, dict[str, float]] = field(default_factory=dict)

    def region_of(self, province: str) -> str:
        """``east`` / ``central`` / ``west`` for a 2-digit province code."""
        for region, provinces in self.regions.items():
            if province[:2] in provinces:
                return region
        raise ValueError(f"province {province!r} is in no region of {self.id}")

    def rate(self, province: str, stage: str) -> float:
        """The rate of a stage in a province: its own rate where it set one, else its region's."""
        own = self.province_rates.get(province[:2], {})
        if stage in own:
            return float(own[stage])
        return float(self.rates[self.region_of(province)][stage])


def list_base_rates() -> list[str]:
    """Ids of the built-in rate files."""
    return sorted(p.stem for p in _DATA.glob("*.json"))


@lru_cache(maxsize=8)
def _builtin(id_: str) -> BaseRates:
    return _parse(json.loads((_DATA / f"{id_}.json").read_text("utf-8")), id_)


def load_base_rates(id_or_path: str | Path) -> BaseRates:
    """Load built-in rates by id, or a deployment's rate file (same fields) by path.

    Raises ValueError for an unknown id, a missing file or a rate that is not a positive number.
    """
    if isinstance(id_or_path, str) and id_or_path in list_base_rates():
        return _builtin(id_or_path)
    path = Path(id_or_path)
    if not path.is_file():
        raise ValueError(f"no base rates {id_or_path!r} (built-in: {', '.join(list_base_rates())})")
    try:
        spec = json.loads(path.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{path}: not a JSON file ({exc})") from None
    return _parse(spec, str(path))


def _positive(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not value > 0:
        raise ValueError(f"{where}: expected a positive number, got {value!r}")
    return float(value)


def _parse(spec: dict, where: str) -> BaseRates:
    try:
        rates = {
            region: {st: _positive(v[st], f"{where}: rates.{region}.{st}") for st in STAGES}
            for region, v in spec["rates"].items()
        }
        province_rates = {
            str(p): {st: _positive(x, f"{where}: province_rates.{p}.{st}") for st, x in v.items()}
            for p, v in spec.get("province_rates", {}).items()
        }
        for p, v in province_rates.items():
            unknown = set(v) - set(STAGES)
            if unknown:
                raise ValueError(f"{where}: province_rates.{p}: unknown stage {sorted(unknown)}")
        return BaseRates(
            id=str(spec["id"]),
            version=int(spec["version"]),
            applies_from=int(spec["applies_from"]),
            source=str(spec["source"]),
            rates=rates,
            regions={k: tuple(v) for k, v in spec["regions"].items()},
            boarding_supplement=float(spec.get("boarding_supplement", 0)),
            small_school_floor=int(spec.get("small_school_floor", 0)),
            province_rates=province_rates,
        )
    except KeyError as exc:
        raise ValueError(f"{where}: missing field {exc.args[0]!r}") from None


@dataclass(frozen=True)
class Requirement:
    """The public operating funds the rates give one school in a year."""

    counted_pupils: float
    required: float
    floor_applied: bool


def school_requirement(
    rates: BaseRates, *, province: str, primary: float, junior: float, boarding: float, rural: bool
) -> Requirement:
    """Funds the rates give a school with these compulsory-stage pupils.

    A rural school with fewer pupils than the floor is counted as having the floor, split over
    its stages in proportion to its pupils (a school with no pupils at all is not funded).

    >>> rates = load_base_rates("compulsory-operating-2016")
    >>> school_requirement(rates, province="32", primary=40, junior=20, boarding=10,
    ...                    rural=True).required  # 100 * (2/3*650 + 1/3*850) + 10*200
    73666.66666666667
    >>> school_requirement(rates, province="32", primary=40, junior=20, boarding=0,
    ...                    rural=False).required  # urban: real pupils, 40*650 + 20*850
    43000.0
    """
    pupils = primary + junior
    base = primary * rates.rate(province, "primary") + junior * rates.rate(province, "junior")
    floor = rates.small_school_floor
    applied = bool(rural and 0 < pupils < floor)
    if applied:
        base *= floor / pupils
    return Requirement(
        counted_pupils=float(floor if applied else pupils),
        required=base + boarding * rates.boarding_supplement,
        floor_applied=applied,
    )


def required_funds(
    rates: BaseRates,
    *,
    provinces: np.ndarray,
    primary: np.ndarray,
    junior: np.ndarray,
    boarding: np.ndarray,
    rural: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """:func:`school_requirement` for arrays of schools: (required yuan, floor applied)."""
    rate_p = np.empty(len(provinces))
    rate_j = np.empty(len(provinces))
    for prov in set(provinces.tolist()):
        m = provinces == prov
        rate_p[m] = rates.rate(prov, "primary")
        rate_j[m] = rates.rate(prov, "junior")
    pupils = primary + junior
    fl = rates.small_school_floor
    applied = np.asarray(rural, dtype=bool) & (pupils > 0) & (pupils < fl)
    base = primary * rate_p + junior * rate_j
    base = np.where(applied, base * fl / np.where(pupils > 0, pupils, 1.0), base)
    return base + boarding * rates.boarding_supplement, applied


@dataclass(frozen=True)
class CountyFunding:
    """Funding adequacy of one county: ``status`` is ``meets``, ``short`` or ``incomplete``."""

    county: str
    status: str
    n_schools: int
    n_adequate: int
    n_short: int
    n_missing: int
    n_floor: int
    required: float
    received: float
    short_schools: tuple[str, ...]
    missing_schools: tuple[str, ...]

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class FundingResult:
    rates_id: str
    rates_version: int
    counties: tuple[CountyFunding, ...]
    #: per school: school_id, county, required, received, ratio (NaN where data is missing)
    schools: dict[str, np.ndarray]


def evaluate_funding(rates: BaseRates, table: dict[str, np.ndarray]) -> FundingResult:
    """Check every compulsory-education school of ``table`` against the rates.

    ``table`` columns: ``school_id``, ``county`` (12-digit code), ``stage``, ``rural`` (bool),
    ``teaching_point`` (bool; a teaching point counts as rural), ``students_primary``,
    ``students_junior``, ``students``, ``boarding_students`` (NaN = none reported),
    ``public_operating_funds`` (yuan received in the year). Single-stage schools may leave the
    per-stage pupils empty: a primary school's pupils are ``students``, a junior school's too.

    >>> rates = load_base_rates("compulsory-operating-2016")
    >>> t = {"school_id": np.array(["a", "b", "c"], dtype=object),
    ...      "county": np.array(["340100000000"] * 3, dtype=object),
    ...      "stage": np.array(["primary", "primary", "junior"], dtype=object),
    ...      "rural": np.array([True, False, False]), "teaching_point": np.array([True, False, False]),
    ...      "students": np.array([30.0, 400.0, 500.0]),
    ...      "students_primary": np.full(3, np.nan), "students_junior": np.full(3, np.nan),
    ...      "boarding_students": np.full(3, np.nan),
    ...      "public_operating_funds": np.array([18000.0, 240000.0, 400000.0])}
    >>> c = evaluate_funding(rates, t).counties[0]
    >>> c.status, c.n_adequate, c.short_schools, c.n_floor  # a: 18,000 < 100 * 600
    ('short', 2, ('a',), 1)
    """
    n = len(table["school_id"])
    stage = table["stage"]

    def col(name: str) -> np.ndarray:
        return np.asarray(table.get(name, np.full(n, np.nan)), dtype=np.float64)

    students, prim, jun = col("students"), col("students_primary"), col("students_junior")
    prim = np.where(np.isnan(prim) & (stage == "primary"), students, prim)
    jun = np.where(np.isnan(jun) & (stage == "junior"), students, jun)
    prim = np.where(stage == "junior", 0.0, prim)
    jun = np.where(stage == "primary", 0.0, jun)
    boarding = np.nan_to_num(col("boarding_students"), nan=0.0)
    funds = col("public_operating_funds")
    rural = np.asarray(table["rural"], dtype=bool) | np.asarray(table["teaching_point"], dtype=bool)
    compulsory = np.isin(
        stage, ["primary", "junior", "nine_year", "complete_secondary", "twelve_year"]
    )
    known = compulsory & ~np.isnan(prim) & ~np.isnan(jun)
    required, floor = required_funds(
        rates,
        provinces=np.array([str(c)[:2] for c in table["county"]], dtype=object),
        primary=np.where(known, prim, 0.0),
        junior=np.where(known, jun, 0.0),
        boarding=boarding,
        rural=rural,
    )
    required = np.where(known, required, np.nan)
    floor &= known
    missing = compulsory & (np.isnan(required) | np.isnan(funds))
    ratio = np.where(
        missing | ~compulsory | (required <= 0),
        np.nan,
        funds / np.where(required > 0, required, 1.0),
    )
    counties = []
    for county in sorted({str(c) for c in table["county"][compulsory]}):
        m = compulsory & (table["county"] == county)
        short = m & ~missing & (funds < required - 0.005)
        ids = table["school_id"]
        n_missing = int((m & missing).sum())
        n_short = int(short.sum())
        counties.append(
            CountyFunding(
                county=county,
                status="incomplete" if n_missing else ("short" if n_short else "meets"),
                n_schools=int(m.sum()),
                n_adequate=int((m & ~missing & ~short).sum()),
                n_short=n_short,
                n_missing=n_missing,
                n_floor=int((m & floor).sum()),
                required=float(np.nansum(required[m & ~missing])),
                received=float(np.nansum(funds[m & ~missing])),
                short_schools=tuple(str(s) for s in ids[short]),
                missing_schools=tuple(str(s) for s in ids[m & missing]),
            )
        )
    return FundingResult(
        rates_id=rates.id,
        rates_version=rates.version,
        counties=tuple(counties),
        schools={
            "school_id": table["school_id"],
            "county": table["county"],
            "required": required,
            "received": funds,
            "ratio": ratio,
            "floor_applied": floor,
        },
    )
