"""Reads on evaluations, scoped: published runs (their county results) are public; unpublished
ones are seen by those who may run them; school rows only by roles that reach the school."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from xietong.accounts.scope import Scope
from xietong.regions.models import CooperationArea, Jurisdiction
from xietong.regions.selectors import jurisdiction_tree
from xietong.schools.models import StatisticsRelease

from .models import EvaluationRun, SchoolShortfall


def _readable_q(scope: Scope) -> Q:
    if scope.is_admin:
        return Q()
    q = Q(published_at__isnull=False) | Q(area_id__in=sorted(scope.area_ids))
    for prefix in scope.read_prefixes:
        q |= Q(jurisdiction__code__startswith=prefix)
    return q


def evaluation_list(
    *,
    scope: Scope,
    area: str | None = None,
    jurisdiction: str | None = None,
    standard: str | None = None,
    year: int | None = None,
) -> QuerySet[EvaluationRun]:
    qs = EvaluationRun.objects.filter(_readable_q(scope)).select_related("area", "jurisdiction")
    if area:
        qs = qs.filter(area__slug=area)
    if jurisdiction:
        qs = qs.filter(jurisdiction_id=jurisdiction)
    if standard:
        qs = qs.filter(standard_id=standard)
    if year:
        qs = qs.filter(year=year)
    return qs


def evaluation_get(*, scope: Scope, pk: int) -> EvaluationRun | None:
    return evaluation_list(scope=scope).filter(pk=pk).first()


def shortfall_list(
    *, scope: Scope, run: EvaluationRun, county: str | None = None
) -> QuerySet[SchoolShortfall]:
    """Schools below a minimum: school rows, so only for roles that read those schools'
    statistics (the bureaus above them, the school itself), never the public, even for a
    published run whose county results are public."""
    qs = (
        SchoolShortfall.objects.filter(run=run)
        .filter(scope.statistics_q())
        .select_related("school")
    )
    return qs.filter(county_id=county) if county else qs


def school_rows_visible(scope: Scope) -> bool:
    """School-by-school results (shortfalls) are never shown to the public: asking for them as
    the public is refused, not answered with an empty list."""
    return not scope.is_public


def runnable_scopes(scope: Scope) -> tuple[list[CooperationArea], list[tuple[Jurisdiction, int]]]:
    """Areas and jurisdictions the caller may evaluate (``services._check_may_run``): the areas
    it manages, and every division of the subtrees it reads, as a ``jurisdiction_tree``."""
    if scope.is_admin:
        return list(CooperationArea.objects.all()), jurisdiction_tree(None)
    areas = list(CooperationArea.objects.filter(pk__in=sorted(scope.area_ids)))
    juris = jurisdiction_tree(sorted(scope.read_prefixes)) if scope.read_prefixes else []
    return areas, juris


def gap_years(*, scope: Scope, area: CooperationArea, years: list[int]) -> list[int]:
    """Years whose school-level data the caller may analyse for the whole area: all years for
    the area's secretariat and administrators, released years otherwise."""
    if scope.is_admin or scope.can_manage_area(area.pk):
        return years
    members = [m.jurisdiction for m in area.memberships.select_related("jurisdiction")]
    released = {}
    for r in StatisticsRelease.objects.filter(year__in=years).select_related("jurisdiction"):
        released.setdefault(r.year, []).append(r.jurisdiction.prefix)
    ok = []
    for y in years:
        prefixes = released.get(y, [])
        if all(any(m.prefix.startswith(p) for p in prefixes) for m in members):
            ok.append(y)
    return ok


def missing_schools(*, scope: Scope, run: EvaluationRun, county: str) -> list[tuple[object, dict]]:
    """Schools of ``county`` that the run could not evaluate for lack of data, with what each
    lacks: the schools the caller's role reaches (school rows are never public)."""
    from xietong.schools.models import School

    entries = [
        e for e in run.excluded if e.get("code") == "missing_values" and e.get("county") == county
    ]
    if not entries or scope.is_public:
        return []
    by_code = {
        s.code: s
        for s in School.objects.filter(scope.schools_q()).filter(
            code__in=[e["school_id"] for e in entries]
        )
    }
    return [(by_code[e["school_id"]], e) for e in entries if e["school_id"] in by_code]


def funding_schools(*, scope: Scope, run: EvaluationRun, county: str) -> dict[str, list[object]]:
    """The schools behind a county's item-6 result, ``{"short": [...], "missing": [...]}``:
    those the caller's role reaches (school rows are never public)."""
    from xietong.schools.models import School

    c = run.counties.filter(county_id=county).values_list("funding", flat=True).first()
    if not c or scope.is_public:
        return {"short": [], "missing": []}
    codes = [*c.get("short_schools", []), *c.get("missing_schools", [])]
    by_code = {s.code: s for s in School.objects.filter(scope.schools_q()).filter(code__in=codes)}
    return {
        k: [by_code[x] for x in c.get(f"{k}_schools", []) if x in by_code]
        for k in ("short", "missing")
    }


def default_year(years: list[int]) -> int | None:
    """The year an evaluation form proposes: the latest year in which every open school has
    reported its enrolment (a year still being collected would make counties "incomplete"),
    else the latest year with any statistics."""
    from django.db.models import Count

    from xietong.schools.models import School, SchoolStatistic

    open_schools = School.objects.filter(is_open=True).count()
    reported = dict(
        SchoolStatistic.objects.filter(indicator_id="students", school__is_open=True)
        .values_list("year")
        .annotate(n=Count("school_id", distinct=True))
        .order_by()
    )
    complete = [y for y in years if open_schools and reported.get(y, 0) >= open_schools]
    if complete:
        return max(complete)
    return max(years) if years else None


def statistics_years() -> list[int]:
    """Every year with school statistics, ascending: read from the county totals, which the
    statistics services keep in step with the school values (a few thousand rows, not the
    million school values)."""
    from xietong.schools.models import CountyStatistic
    from xietong.schools.selectors import statistics_cached

    # a DISTINCT over every county total: once per statistics version
    return statistics_cached(
        "statistics_years",
        (),
        lambda: sorted(set(CountyStatistic.objects.values_list("year", flat=True).distinct())),
    )
