"""Reading the registry into the columnar tables the engines take."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
from django.db.models import FloatField, Q
from django.db.models.functions import Cast

from xietong.regions.selectors import prefixes_q
from xietong.schools.catalogue import BY_CODE, RAW_CODES
from xietong.schools.models import TEACHING_POINT, School, SchoolStatistic
from xietong.schools.selectors import past_counties


def school_table(*, prefixes: list[str], year: int, raw_codes: tuple[str, ...] = RAW_CODES) -> dict:
    """One row per open school in the prefixes with its raw values of ``year`` (NaN = not
    reported). Columns: ``school_id`` (code), ``pk``, ``county``, ``stage``, ``teaching_point``
    (school type 218), ``school_type`` (empty when the registry lacks it), ``location`` and each
    raw code."""
    past = past_counties(year)[year]
    schools = [
        (pk, code, past.get(pk, county), *rest)
        for pk, code, county, *rest in School.objects.filter(
            prefixes_q(prefixes, "county__code") | Q(pk__in=list(past)), is_open=True
        )
        .order_by("code")
        .values_list("id", "code", "county_id", "stage", "school_type", "location")
    ]
    # the county of the year: a school that moved since counts where it was then
    schools = [s for s in schools if any(s[2].startswith(p) for p in prefixes)]
    index = {pk: i for i, (pk, *_rest) in enumerate(schools)}
    n = len(schools)
    cols = {c: np.full(n, np.nan) for c in raw_codes}
    stats = SchoolStatistic.objects.filter(
        prefixes_q(prefixes, "school__county__code") | Q(school_id__in=list(past)),
        year=year,
        indicator_id__in=raw_codes,
    ).values_list("school_id", "indicator_id", "value")
    for school_id, ind, value in stats.iterator(chunk_size=20000):
        i = index.get(school_id)
        if i is not None:
            cols[ind][i] = float(value)
    return {
        "pk": np.array([s[0] for s in schools], dtype=np.int64),
        "school_id": np.array([s[1] for s in schools], dtype=object),
        "county": np.array([s[2] for s in schools], dtype=object),
        "stage": np.array([s[3] for s in schools], dtype=object),
        "school_type": np.array([s[4] for s in schools], dtype=object),
        "teaching_point": np.array([s[4] == TEACHING_POINT for s in schools], dtype=bool),
        "location": np.array([s[5] for s in schools], dtype=object),
        **cols,
    }


STAGE_SCHOOLS = {
    "primary": ("primary", "nine_year", "twelve_year"),
    "junior": ("junior", "nine_year", "complete_secondary", "twelve_year"),
    "senior": ("senior", "complete_secondary", "twelve_year"),
    "all": None,
}


def ratio_panel(
    *, prefixes: list[str], indicator: str, years: list[int], stage: str = "all"
) -> dict[int, dict[str, np.ndarray]]:
    """Per year: the schools' values of a derived ratio (or raw count) with their enrolment as
    weights, for the gap dashboards. Schools with no enrolment or a missing part are left out."""
    d = BY_CODE[indicator]
    num = d.numerator or d.code
    den = d.denominator
    needed = sorted({num, "students", *([den] if den else [])})
    past = past_counties(years)
    moved = sorted({pk for by_school in past.values() for pk in by_school})
    qs = SchoolStatistic.objects.filter(
        prefixes_q(prefixes, "school__county__code") | Q(school_id__in=moved),
        year__in=years,
        indicator_id__in=needed,
        school__is_open=True,
    )
    stages = STAGE_SCHOOLS.get(stage)
    if stages:
        qs = qs.filter(school__stage__in=stages)
    rows: dict[tuple[int, int], dict[str, float]] = defaultdict(dict)
    county_of: dict[int, str] = {}
    # as floats from the database: the same numbers as float(Decimal) without building a
    # Decimal per value (the gap dashboard reads every value of an area)
    qs = qs.annotate(v=Cast("value", FloatField()))
    for school_id, county, year, ind, value in qs.values_list(
        "school_id", "school__county_id", "year", "indicator_id", "v"
    ).iterator(chunk_size=20000):
        rows[(year, school_id)][ind] = value
        county_of[school_id] = county
    out: dict[int, dict[str, np.ndarray]] = {}
    for year in years:
        vals, weights, counties = [], [], []
        for (y, school_id), r in rows.items():
            if y != year:
                continue
            w = r.get("students")
            if not w or num not in r or (den and not r.get(den)):
                continue
            county = past[year].get(school_id, county_of[school_id])
            if not any(county.startswith(p) for p in prefixes):
                continue  # in the scope now, elsewhere that year
            v = r[num] / r[den] * float(d.scale) if den else r[num]
            vals.append(v)
            weights.append(w)
            counties.append(county)
        if vals:
            out[year] = {
                "values": np.array(vals),
                "weights": np.array(weights),
                "county": np.array(counties, dtype=object),
            }
    return out


def flow_panel(
    *, prefixes: list[str], count: str, years: list[int], actor=None
) -> tuple[dict[int, dict[str, np.ndarray]], int]:
    """Per year: the counties of the prefixes with their ``count`` (``imports`` or ``exports``,
    ``resources.selectors.county_import_flows``) per 100 teachers as values and their teachers
    (the county totals of ``teachers`` the statistics pages read) as weights; and how many
    county-years were left out because the count is withheld from the caller (1 to 4 events
    outside its scope). Counties without teachers that year are left out."""
    from django.contrib.auth.models import AnonymousUser

    from xietong.resources.selectors import county_import_flows
    from xietong.schools.models import CountyStatistic

    teachers: dict[int, dict[str, float]] = defaultdict(dict)
    for county, year, total in CountyStatistic.objects.filter(
        prefixes_q(prefixes, "county__code"), indicator_id="teachers", year__in=years
    ).values_list("county_id", "year", "total"):
        if total > 0:
            teachers[year][county] = float(total)
    counties = sorted({c[:6] for by_county in teachers.values() for c in by_county})
    flows = county_import_flows(
        actor=actor if actor is not None else AnonymousUser(), counties=counties, years=years
    )
    out: dict[int, dict[str, np.ndarray]] = {}
    withheld = 0
    for year in years:
        vals, weights, codes = [], [], []
        for county, t in sorted(teachers[year].items()):
            n = flows[(county[:6], year)][count]
            if n is None:
                withheld += 1
                continue
            vals.append(n / t * 100.0)
            weights.append(t)
            codes.append(county)
        if vals:
            out[year] = {
                "values": np.array(vals),
                "weights": np.array(weights),
                "county": np.array(codes, dtype=object),
            }
    return out, withheld
