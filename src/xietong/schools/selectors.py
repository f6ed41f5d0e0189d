"""Reads on schools and statistics, already filtered to the caller's scope."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from xietong.accounts.scope import Scope
from xietong.caching import versioned_cached
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import area_member_prefixes, prefix_q, prefixes_q

from .catalogue import BY_CODE, DERIVED, RAW_CODES, derive
from .models import School, SchoolStatistic, StatisticsRelease, StatisticsVersion

T = TypeVar("T")


def statistics_version() -> str:
    """The token of the statistics as they stand (``StatisticsVersion``); "" before any."""
    return StatisticsVersion.objects.filter(pk=1).values_list("token", flat=True).first() or ""


def statistics_cached(name: str, parts: tuple, build: Callable[[], T]) -> T:
    """``build()``, cached under ``name``, ``parts`` and the statistics token read first: a new
    release, import, school change or county-total refresh gives a new token, so the next call
    computes afresh (each process keeps its own cache unless settings.CACHES shares one).
    ``parts`` must hold everything the result depends on besides the statistics (the scope's
    key, the language, the page's arguments)."""
    return versioned_cached(f"xt:{name}:{statistics_version()}", parts, build)


def scope_key(scope: Scope, *, schools: bool = False) -> tuple:
    """What a cached aggregate depends on in ``scope``: the subtrees it reads (``schools``: and
    the schools it reads one by one, for pages that show school rows or dots)."""
    if scope.is_admin:
        return ("admin",)
    key = (tuple(sorted(scope.read_prefixes)),)
    return (*key, tuple(sorted(scope.read_school_ids))) if schools else key


def school_list(
    *,
    scope: Scope,
    within: str | None = None,
    area: str | None = None,
    stage: str | None = None,
    location: str | None = None,
    ownership: str | None = None,
    is_open: bool | None = None,
    q: str | None = None,
) -> QuerySet[School]:
    qs = School.objects.filter(scope.schools_q()).select_related("county", "county__parent")
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        qs = qs.filter(prefix_q(j.prefix, "county__code")) if j else qs.none()
    if area:
        a = CooperationArea.objects.filter(slug=area).first()
        qs = qs.filter(prefixes_q(area_member_prefixes(a), "county__code")) if a else qs.none()
    if stage:
        qs = qs.filter(stage=stage)
    if location:
        qs = qs.filter(location=location)
    if ownership:
        qs = qs.filter(ownership=ownership)
    if is_open is not None:
        qs = qs.filter(is_open=is_open)
    if q:
        qs = qs.filter(Q(name_zh__icontains=q) | Q(name_en__icontains=q) | Q(code__startswith=q))
    return qs.order_by("code")


def school_choices(
    *, scope: Scope, writable: bool = False, prefixes: list[str] | None = None
) -> QuerySet[School]:
    """The open schools a form offers the caller: those it sees (``writable``: those whose
    statistics it writes), optionally inside the territory ``prefixes``. Pickers search this
    and the form validates against it, so a code typed by hand obeys the same scope."""
    qs = School.objects.filter(scope.acts_for_school_q() if writable else scope.schools_q())
    if prefixes is not None:
        qs = qs.filter(prefixes_q(prefixes, "county__code"))
    return qs.filter(is_open=True).select_related("county").order_by("code")


def school_search(qs: QuerySet[School], q: str) -> QuerySet[School]:
    """Schools of ``qs`` whose code starts with ``q`` or whose Chinese or English name, or whose
    county's Chinese name or pinyin, contains it."""
    q = q.strip()
    if not q:
        return qs
    return qs.filter(
        Q(code__startswith=q)
        | Q(name_zh__icontains=q)
        | Q(name_en__icontains=q)
        | Q(county__name_zh__icontains=q)
        | Q(county__name_en__icontains=q)
    )


def jurisdiction_prefixes_seen(scope: Scope) -> list[str] | None:
    """Division-code prefixes of the subtrees the caller reads (None: everything); a school's
    or teacher's role reads its school's county."""
    if scope.is_admin:
        return None
    own = School.objects.filter(pk__in=sorted(scope.read_school_ids)).values_list(
        "county__prefix", flat=True
    )
    return sorted(set(scope.read_prefixes) | set(own))


def school_points(
    *, scope: Scope, prefixes: list[str], english: bool = False, limit: int
) -> list[tuple[float, float, str]]:
    """(longitude, latitude, name) of at most ``limit`` schools the caller sees within the
    division-code ``prefixes``, for the dots on a map."""
    qs = School.objects.filter(scope.schools_q(), longitude__isnull=False)
    qs = qs.filter(prefixes_q(prefixes, "county__code"))
    return list(
        qs.values_list("longitude", "latitude", "name_en" if english else "name_zh")[:limit]
    )


def synthetic_data_present() -> bool:
    """Is any school synthetic (the demo)? Pages then say so."""
    return School.objects.filter(is_synthetic=True).exists()


def school_registry_get(code: str) -> School | None:
    """A school of the registry by its code, for a write whose service then checks the caller's
    right to it (a school the caller may not write is refused with 403; codes are public)."""
    return School.objects.select_related("county").filter(code=code).first()


def school_get(*, scope: Scope, code: str) -> School | None:
    return (
        School.objects.filter(scope.schools_q())
        .select_related("county", "county__parent")
        .filter(code=code)
        .first()
    )


def can_see_statistics(scope: Scope, school: School) -> bool:
    if scope.is_admin:
        return True
    return School.objects.filter(scope.statistics_q(field_prefix=""), pk=school.pk).exists()


def statistics_list(
    *,
    scope: Scope,
    school: str | None = None,
    year: int | None = None,
    indicator: str | None = None,
    within: str | None = None,
) -> QuerySet[SchoolStatistic]:
    qs = SchoolStatistic.objects.filter(scope.statistics_q()).select_related("school")
    if school:
        qs = qs.filter(school__code=school)
    if year:
        qs = qs.filter(year=year)
    if indicator:
        qs = qs.filter(indicator_id=indicator)
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        qs = qs.filter(prefix_q(j.prefix, "school__county__code")) if j else qs.none()
    return qs.order_by("school__code", "year", "indicator_id")


def school_series(*, scope: Scope, school: School) -> dict[int, dict[str, float | None]]:
    """Year -> indicator -> value (raw and derived) for one school, or {} if out of scope."""
    if not can_see_statistics(scope, school):
        return {}
    raw: dict[int, dict[str, Decimal]] = defaultdict(dict)
    for year, ind, value in SchoolStatistic.objects.filter(school=school).values_list(
        "year", "indicator_id", "value"
    ):
        raw[year][ind] = value
    out: dict[int, dict[str, float | None]] = {}
    for year in sorted(raw):
        vals = raw[year]
        row: dict[str, float | None] = {
            c: (float(vals[c]) if c in vals else None) for c in RAW_CODES
        }
        for d in DERIVED:
            row[d.code] = derive(d, vals)
        out[year] = row
    return out


def published_prefixes(year: int | None = None) -> dict[int, list[str]]:
    out: dict[int, list[str]] = defaultdict(list)
    qs = StatisticsRelease.objects.select_related("jurisdiction")
    if year is not None:
        qs = qs.filter(year=year)
    for r in qs:
        out[r.year].append(r.jurisdiction.prefix)
    return out


def aggregate_visible_q(scope: Scope, year: int | None = None) -> Q:
    """County totals the caller may read: those of its own subtree or area (unreleased years
    too), and the years a bureau above the county released."""
    visible = prefixes_q(sorted(scope.read_prefixes), "county__code")
    for y, prefixes in published_prefixes(year).items():
        visible |= Q(year=y) & prefixes_q(prefixes, "county__code")
    return visible


def _partial_cells(base: QuerySet, visible: Q, cut: int) -> set[tuple[str, int]]:
    """Cells (code prefix, year) above county level with a county the caller may not read: their
    sum would cover part of the jurisdiction only, so the whole cell is withheld. A province or
    city is public for a year only once every county with statistics in it has been released."""
    every = set(base.values_list("county_id", "year").distinct())
    readable = set(base.filter(visible).values_list("county_id", "year").distinct())
    return {(county[:cut], y) for county, y in every - readable}


def aggregate_suppressed(scope: Scope, code: str, n_schools: int) -> bool:
    """A cell over fewer than XIETONG_PUBLIC_MIN_SCHOOLS schools shows those schools' own
    figures: only callers whose scope covers the jurisdiction see it."""
    return n_schools < settings.XIETONG_PUBLIC_MIN_SCHOOLS and not scope.jurisdiction_readable(code)


def aggregates(
    *,
    scope: Scope,
    level: str = "county",
    within: str | None = None,
    area: str | None = None,
    year: int | None = None,
    indicators: list[str] | None = None,
) -> list[dict]:
    """:func:`aggregates_uncached`, computed once per statistics version and scope (the rows
    depend on the scope's subtrees only). Callers get their own copy of the rows."""
    args = (level, within, area, year, tuple(indicators) if indicators is not None else None)
    rows = statistics_cached(
        "aggregates",
        (scope_key(scope), settings.XIETONG_PUBLIC_MIN_SCHOOLS, *args),
        lambda: aggregates_uncached(
            scope=scope, level=level, within=within, area=area, year=year, indicators=indicators
        ),
    )
    return [dict(r) for r in rows]


def aggregate_series(
    *, scope: Scope, jurisdictions: list[Jurisdiction], indicators: list[str]
) -> dict[str, dict[int, dict]]:
    """Each jurisdiction's :func:`aggregates` at its own level, by code then year: the rows of a
    page that shows several members side by side, fetched with one cache lookup for the page."""
    LEVELS = {"province": "province", "prefecture": "prefecture", "county": "county"}  # noqa: N806
    wanted = tuple((j.code, LEVELS[j.level]) for j in jurisdictions)

    def build() -> dict[str, dict[int, dict]]:
        return {
            code: {
                r["year"]: r
                for r in aggregates(scope=scope, level=level, within=code, indicators=indicators)
            }
            for code, level in wanted
        }

    found = statistics_cached(
        "aggregate_series",
        (scope_key(scope), settings.XIETONG_PUBLIC_MIN_SCHOOLS, wanted, tuple(indicators)),
        build,
    )
    return {code: {y: dict(r) for y, r in series.items()} for code, series in found.items()}


def _aggregate_base(codes: list[str], *, year, within, area):
    """The county totals an aggregate sums: the indicators it needs (both sides of a ratio),
    narrowed to a year, a jurisdiction's subtree or an area's members."""
    from .models import CountyStatistic

    needed = {"students"}
    for c in codes:
        d = BY_CODE[c]
        needed.update([d.numerator, d.denominator] if d.kind == "derived" else [c])
    base = CountyStatistic.objects.filter(indicator_id__in=sorted(needed))
    if year is not None:
        base = base.filter(year=year)
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        base = base.filter(prefix_q(j.prefix, "county__code")) if j else base.none()
    if area:
        a = CooperationArea.objects.filter(slug=area).first()
        base = (
            base.filter(prefixes_q(area_member_prefixes(a), "county__code")) if a else base.none()
        )
    return base


def aggregates_uncached(
    *,
    scope: Scope,
    level: str = "county",
    within: str | None = None,
    area: str | None = None,
    year: int | None = None,
    indicators: list[str] | None = None,
) -> list[dict]:
    """Sums of raw indicators per jurisdiction at ``level`` and year, with derived ratios from the
    sums. The public sees only years a bureau has released; scoped users also see their own
    unpublished figures. A province or city cell is shown only when every county in it is
    readable, and small cells only inside the caller's scope (see ``aggregate_suppressed``).
    Reads the county totals kept by the statistics services."""
    from django.db.models.functions import Substr

    codes = [c for c in (indicators or RAW_CODES) if c in BY_CODE]
    base = _aggregate_base(codes, year=year, within=within, area=area)
    cut = {"province": 2, "prefecture": 4, "county": 6}[level]
    withheld: set[tuple[str, int]] = set()
    if not scope.is_admin:
        visible = aggregate_visible_q(scope, year)
        if cut < 6:
            withheld = _partial_cells(base, visible, cut)
        base = base.filter(visible)
    sums: dict[tuple[str, int], dict[str, Decimal]] = defaultdict(dict)
    schools: dict[tuple[str, int], int] = {}
    grouped = (
        base.annotate(prefix=Substr("county__code", 1, cut))
        .values("prefix", "year", "indicator_id")
        .annotate(total=Sum("total"), n=Sum("schools"))
    )
    for row in grouped:
        key = (row["prefix"], row["year"])
        sums[key][row["indicator_id"]] = row["total"]
        if row["indicator_id"] == "students":
            schools[key] = row["n"]
    pad = {2: "0" * 10, 4: "0" * 8, 6: "0" * 6}[cut]
    names = {j.code: j for j in Jurisdiction.objects.filter(code__in=[p + pad for p, _ in sums])}
    out = []
    for (prefix, y), vals in sorted(sums.items()):
        code = prefix + pad
        if (prefix, y) in withheld or aggregate_suppressed(
            scope, code, schools.get((prefix, y), 0)
        ):
            continue
        j = names.get(code)
        row = {
            "code": code,
            "name_zh": j.name_zh if j else "",
            "name_en": j.name_en if j else "",
            "year": y,
            "schools": schools.get((prefix, y), 0),
        }
        for c in codes:
            row[c] = derive(BY_CODE[c], vals)
        out.append(row)
    return out


def past_counties(years: list[int] | int) -> dict[int, dict[int, str]]:
    """Year -> {school pk: county} for the schools that were in another county that year than
    the one they are registered in now (``SchoolCountyHistory``); the rest are where
    ``School.county`` says."""
    from .models import SchoolCountyHistory

    years = [years] if isinstance(years, int) else list(years)
    out: dict[int, dict[int, str]] = {y: {} for y in years}
    if not years:
        return out
    lo, hi = min(years), max(years)
    rows = SchoolCountyHistory.objects.filter(until_year__gte=lo).filter(
        Q(from_year__isnull=True) | Q(from_year__lte=hi)
    )
    for school_id, county, start, until in rows.values_list(
        "school_id", "county_id", "from_year", "until_year"
    ):
        for y in years:
            if (start is None or start <= y) and y <= until:
                out[y][school_id] = county
    return out


def _export_values(*, scope: Scope, within: str | None, years: list[int] | None):
    qs = SchoolStatistic.objects.filter(scope.statistics_q())
    if within:
        j = Jurisdiction.objects.filter(code=within).first()
        qs = qs.filter(prefix_q(j.prefix, "school__county__code")) if j else qs.none()
    if years:
        qs = qs.filter(year__in=years)
    return qs


def export_size(*, scope: Scope, within: str | None = None, years: list[int] | None = None) -> int:
    """How many rows (school-years) ``export_rows`` would give: whether it runs as a job."""
    qs = _export_values(scope=scope, within=within, years=years)
    return qs.order_by().values("school_id", "year").distinct().count()


def export_rows(
    *, scope: Scope, within: str | None = None, years: list[int] | None = None
) -> tuple[list[str], list[list]]:
    """The template layout (school_code, year, raw indicators...) for everything in scope, then
    each school's county, stage and school type (an import reads past them; with them the file
    is also an input of `xietong evaluate`); values are Decimals (whole numbers without places),
    unreported cells None."""
    qs = _export_values(scope=scope, within=within, years=years)
    header = ["school_code", "year", *RAW_CODES, "county", "stage", "school_type"]
    index = {c: i + 2 for i, c in enumerate(RAW_CODES)}
    rows: dict[tuple[str, int], list] = {}
    past = past_counties(sorted(set(qs.order_by().values_list("year", flat=True).distinct())))
    for school_pk, code, year, ind, value, county, stage, kind in (
        qs.values_list(
            "school_id",
            "school__code",
            "year",
            "indicator_id",
            "value",
            "school__county_id",
            "school__stage",
            "school__school_type",
        )
        .order_by("school__code", "year")
        .iterator(chunk_size=20000)
    ):
        row = rows.get((code, year))
        if row is None:
            county = past[year].get(school_pk, county)
            row = rows[(code, year)] = (
                [code, year] + [None] * len(RAW_CODES) + [county, stage, kind]
            )
        # numbers stay numbers (an XLSX column can be summed): 480, not 480.00 or "480"
        row[index[ind]] = (
            value.quantize(Decimal(1)) if value == value.to_integral_value() else value
        )
    return header, list(rows.values())


def students_by_member(codes: list[str], *, year: int | None = None) -> tuple[int | None, dict]:
    """Enrolment per member jurisdiction in ``year`` (default: the latest year with county
    totals), from the county totals kept by the statistics services. A consultation freezes
    these as the population weights of its rule (consultation.rules)."""
    from .models import CountyStatistic

    base = CountyStatistic.objects.filter(indicator_id="students")
    if year is None:
        year = base.order_by("-year").values_list("year", flat=True).first()
        if year is None:
            return None, {}
    prefixes = dict(Jurisdiction.objects.filter(code__in=codes).values_list("code", "prefix"))
    out = {}
    for code in codes:
        prefix = prefixes.get(code)
        if prefix is None:
            out[code] = 0
            continue
        total = (
            base.filter(year=year)
            .filter(prefix_q(prefix, "county__code"))
            .aggregate(t=Sum("total"))["t"]
        )
        out[code] = int(total or 0)
    return year, out
