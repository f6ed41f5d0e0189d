"""Server-rendered pages. Thin: they call selectors and services and shape the context."""

from __future__ import annotations

from pathlib import Path

import plotly
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_http_methods

from xietong.accounts.models import ApiToken
from xietong.accounts.scope import scope_for
from xietong.accounts.services import token_create, token_revoke
from xietong.jobs.imports import runs_as_job
from xietong.regions.models import Jurisdiction
from xietong.regions.selectors import (
    area_children,
    area_choices,
    area_list,
    jurisdiction_ancestors,
    jurisdiction_children,
    jurisdiction_get,
    jurisdiction_tree_cached,
)
from xietong.schools import selectors as school_selectors
from xietong.schools.catalogue import BY_CODE, DERIVED, RAW
from xietong.schools.job_kinds import EXPORT as STATISTICS_EXPORT
from xietong.schools.job_kinds import (
    statistics_export_size,
    statistics_export_table,
    statistics_import_submit,
)
from xietong.schools.models import Location, Ownership, Stage
from xietong.schools.services import statistics_import
from xietong.schools.tabular import ImportFailed, template_header, write_xlsx
from xietong.tabular import UploadTooLarge, read_as_message
from xietong.tabular.uploads import read_upload
from xietong.tabular.writing import XLSX_CONTENT_TYPE

from . import charts, maps, pickers
from .downloads import download_or_job, file_download, table_download

HEADLINE = [
    "students",
    "teachers",
    "student_teacher_ratio",
    "building_area_per_student",
    "instrument_value_per_student",
]


def _en() -> bool:
    return (get_language() or "").startswith("en")


@cache_control(max_age=86400, public=True)
def plotly_js(request):
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return FileResponse(path.open("rb"), content_type="application/javascript")


def home(request):
    scope = scope_for(request.user)
    areas = list(area_list())
    members = {m.jurisdiction.code: m.jurisdiction for a in areas for m in a.memberships.all()}
    found = school_selectors.aggregate_series(
        scope=scope, jurisdictions=list(members.values()), indicators=HEADLINE
    )
    cards = [_area_card(scope, a, found) for a in areas]
    synthetic = school_selectors.synthetic_data_present()
    return render(
        request,
        "xietong/home.html",
        {"cards": cards, "public": scope.is_public, "synthetic": synthetic},
    )


def _area_card(scope, area, found: dict) -> dict:
    """An area's schools and students in one year: the latest year every member has figures
    the caller may see (never one member's 2025 next to another's 2024)."""
    members = [m.jurisdiction for m in area.memberships.all()]
    rows, _years = _member_rows(scope, members, found)
    common = set.intersection(*(set(r["series"]) for r in rows)) if rows else set()
    year = max(common) if common else None
    card = {"area": area, "members": members, "year": year}
    cells = [r["series"][year] for r in rows] if year else []
    card["students"] = sum(c["students"] or 0 for c in cells)
    card["teachers"] = sum(c["teachers"] or 0 for c in cells)
    card["schools"] = sum(c["schools"] for c in cells)
    return card


def _member_rows(
    scope, members: list[Jurisdiction], found: dict | None = None
) -> tuple[list[dict], list[int]]:
    """Each member's headline aggregates by year (``found``: already fetched for them)."""
    if found is None:
        found = school_selectors.aggregate_series(
            scope=scope, jurisdictions=members, indicators=HEADLINE
        )
    rows = []
    years = set()
    for m in members:
        series = found[m.code]
        years |= set(series)
        latest = series[max(series)] if series else None
        rows.append({"j": m, "latest": latest, "series": series})
    return rows, sorted(years)


def _cached_html(name: str, scope, parts: tuple, build):
    """Page parts drawn from the statistics (charts, maps): once per statistics version,
    scope and language."""
    key = (school_selectors.scope_key(scope), get_language(), *parts)
    return school_selectors.statistics_cached(name, key, build)


def _area_charts(rows: list[dict], years: list[int]) -> dict:
    if not years:
        return {"students_chart": "", "ratio_chart": ""}
    names = [r["j"].name for r in rows]
    return {
        "students_chart": charts.lines(
            years,
            {r["j"].name: [r["series"].get(y, {}).get("students") for y in years] for r in rows},
            title=_("Students by member and year"),
            ytitle=_("Students"),
        ),
        "ratio_chart": charts.bars(
            names,
            {
                _("Student-teacher ratio"): [
                    r["latest"]["student_teacher_ratio"] if r["latest"] else None for r in rows
                ]
            },
            title=_("Student-teacher ratio, latest year"),
            ytitle=_("Students per teacher"),
        ),
    }


def area_detail(request, slug: str):
    scope = scope_for(request.user)
    area = get_object_or_404(area_list(), slug=slug)
    members = [m.jurisdiction for m in area.memberships.all()]
    rows, years = _member_rows(scope, members)
    context = {
        "area": area,
        "rows": rows,
        "years": years,
        "children": area_children(area),
        "map": maps.region_map(scope=scope, members=members),
        **_cached_html(
            "area_charts",
            scope,
            (area.pk, tuple(m.code for m in members)),
            lambda: _area_charts(rows, years),
        ),
        "public": scope.is_public,
    }
    return render(request, "xietong/area_detail.html", context)


def _trend_chart(own: list[dict]) -> str:
    if not own:
        return ""
    ys = [r["year"] for r in own]
    return charts.lines(
        ys,
        {_("Students"): [r["students"] for r in own]},
        title=_("Students by year"),
        ytitle=_("Students"),
    )


def jurisdiction_detail(request, code: str):
    scope = scope_for(request.user)
    j = jurisdiction_get(code)
    if j is None:
        raise Http404
    children = jurisdiction_children(j)
    rows, years = _member_rows(scope, children)
    own = school_selectors.aggregates(
        scope=scope, level=j.level, within=j.code, indicators=HEADLINE
    )
    return render(
        request,
        "xietong/jurisdiction_detail.html",
        {
            "j": j,
            "ancestors": jurisdiction_ancestors(j),
            "rows": rows,
            "years": years,
            "own": own,
            "trend": _cached_html(
                "jurisdiction_trend", scope, (j.code,), lambda: _trend_chart(own)
            ),
            "map": maps.region_map(scope=scope, members=[j]),
            "public": scope.is_public,
            "can_list_schools": not scope.is_public,
        },
    )


class SchoolFilterForm(forms.Form):
    """The school list's filters; ``within`` is picked from the caller's own subtree."""

    def __init__(self, *args, scope, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["within"] = pickers.JurisdictionField(
            tree=jurisdiction_tree_cached(school_selectors.jurisdiction_prefixes_seen(scope)),
            required=False,
            label=_("Within jurisdiction"),
        )


def school_list(request):
    scope = scope_for(request.user)
    f = {k: request.GET.get(k) or None for k in ("within", "area", "stage", "location", "q")}
    form = None
    if not scope.is_public:
        form = SchoolFilterForm({"within": f["within"]}, scope=scope)
        if f["within"] and not form.is_valid():
            f["within"] = None
            for problem in pickers.errors_of(form):
                messages.error(request, problem)
    qs = school_selectors.school_list(scope=scope, **f)
    page = Paginator(qs.select_related(None).select_related("county"), 50).get_page(
        request.GET.get("page")
    )
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "xietong/school_list.html",
        {
            "page": page,
            "rows": _school_rows(page),
            "filters": f,
            "form": form,
            "stages": Stage.choices,
            "locations": Location.choices,
            "areas": area_choices(),
            "public": scope.is_public,
            "query": query.urlencode(),
            "total": page.paginator.count,
        },
    )


def _school_rows(page) -> list[dict]:
    """The school list's cells: each choice's label and each name in the reader's language read
    once per page, not once per cell (``get_FOO_display`` rebuilds its choices on every call,
    and a name reads the language each time)."""
    en = _en()
    labels = {
        field: {value: str(label) for value, label in choices.choices}
        for field, choices in (("stage", Stage), ("location", Location), ("ownership", Ownership))
    }

    def name(obj) -> str:
        return obj.name_en if en and obj.name_en else obj.name_zh

    return [
        {
            "school": s,
            "name": name(s),
            "county": s.county.name_en if en else (s.county.full_name_zh or s.county.name_zh),
            **{
                field: names.get(getattr(s, field), getattr(s, field))
                for field, names in labels.items()
            },
        }
        for s in page
    ]


CHART_GROUPS = [
    ("teachers", ["qualified_per_100", "backbone_per_100", "pe_arts_per_100", "titled_per_100"]),
    ("facilities", ["building_area_per_student", "sports_area_per_student", "books_per_student"]),
    ("money", ["instrument_value_per_student", "expenditure_per_student"]),
    ("size", ["students", "teachers", "classes"]),
]


def _school_parts(series: dict, years: list[int]) -> tuple[list[str], list[dict]]:
    """A school's charts and its table of every indicator by year."""
    chart_divs = []
    titles = {
        "teachers": _("Teachers per 100 students"),
        "facilities": _("Space and books per student"),
        "money": _("Yuan per student"),
        "size": _("Size"),
    }
    for key, codes in CHART_GROUPS:
        if years:
            chart_divs.append(
                charts.lines(
                    years,
                    {
                        BY_CODE[c].name_en if _en() else BY_CODE[c].name_zh: [
                            series[y].get(c) for y in years
                        ]
                        for c in codes
                    },
                    title=titles[key],
                )
            )
    table = [
        {
            "code": d.code,
            "name": d.name_en if _en() else d.name_zh,
            "unit": d.unit_en if _en() else d.unit_zh,
            "values": [series[y].get(d.code) for y in years],
            "places": 0 if d.integral else 2,
        }
        for d in list(RAW) + list(DERIVED)
    ]
    return chart_divs, table


def school_detail(request, code: str):
    scope = scope_for(request.user)
    school = school_selectors.school_get(scope=scope, code=code)
    if school is None:
        raise Http404(_("No such school in your scope."))
    series = school_selectors.school_series(scope=scope, school=school)
    years = sorted(series)
    if request.GET.get("format") == "csv":
        codes = [d.code for d in RAW] + [d.code for d in DERIVED]
        return table_download(
            [[y, *[series[y].get(c) for c in codes]] for y in years],
            ["year", *codes],
            filename=school.code,
        )
    can_see = school_selectors.can_see_statistics(scope, school)
    chart_divs, table = school_selectors.statistics_cached(
        "school_page",
        (school.code, get_language(), can_see),
        lambda: _school_parts(series, years),
    )
    return render(
        request,
        "xietong/school_detail.html",
        {
            "school": school,
            "years": years,
            "charts": chart_divs,
            "table": table,
            "can_see_statistics": can_see,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def statistics_import_view(request):
    scope = scope_for(request.user)
    result = problems = None
    total = 0
    status = 200
    if request.method == "POST" and not scope.acts_for_any_school:
        # the service refuses every row anyway; say so before reading the file
        messages.error(request, _("You have no role that may write statistics."))
        status = 403
    elif request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a CSV or XLSX file."))
        else:
            try:
                data = read_upload(upload)
                if runs_as_job(data):  # a large file: a worker imports it, the job page follows
                    job, _created = statistics_import_submit(
                        data=data, filename=upload.name, actor=request.user
                    )
                    return redirect("job_page", pk=job.pk)
                result = statistics_import(data=data, filename=upload.name, actor=request.user)
                messages.success(
                    request,
                    _("Imported %(n)d values from %(f)s.") % {"n": result.values, "f": result.file},
                )
                if result.encoding:
                    messages.info(request, read_as_message(result.encoding))
            except UploadTooLarge as exc:
                messages.error(request, str(exc.problems[0]))
                status = exc.status
            except ImportFailed as exc:
                problems, total, status = exc.problems, exc.total, exc.status
    return render(
        request,
        "xietong/import.html",
        {
            "result": result,
            "problems": problems,
            "total": total,
            "public": scope.is_public,
            "can_import": scope.acts_for_any_school,
            "raw": RAW,
        },
        status=status,
    )


@login_required
def statistics_template(request, fmt: str):
    return _statistics_download([], template_header(), "xietong-statistics-template", fmt)


def _statistics_download(rows, header, filename: str, fmt: str) -> HttpResponse:
    """The statistics layout; as XLSX with the indicator catalogue as a second sheet."""
    if fmt == "xlsx":
        return file_download(
            write_xlsx(rows, header),
            filename=f"{filename}.xlsx",
            content_type=XLSX_CONTENT_TYPE,
        )
    return table_download(rows, header, filename=filename, fmt=fmt)


@login_required
def statistics_export(request, fmt: str):
    within = request.GET.get("within") or None
    years = [int(y) for y in request.GET.getlist("year") if y.isdigit()] or None
    args = {"within": within, "years": years}
    return download_or_job(
        request,
        export=STATISTICS_EXPORT,
        params=args,
        fmt=fmt,
        rows=statistics_export_size(actor=request.user, **args),
        build=lambda: statistics_export_table(actor=request.user, **args),
    )


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    secret = None
    if request.method == "POST":
        if "revoke" in request.POST:
            token = get_object_or_404(ApiToken, pk=request.POST["revoke"], user=request.user)
            token_revoke(token=token, actor=request.user)
            messages.success(request, _("Token revoked."))
            return redirect("account")
        role = None
        if request.POST.get("role"):
            role = get_object_or_404(request.user.roles, pk=request.POST["role"])
        try:
            _token, secret = token_create(
                user=request.user,
                name=request.POST.get("name", ""),
                role_assignment=role,
                actor=request.user,
            )
        except ValueError as exc:
            messages.error(request, str(exc))
    return render(
        request,
        "xietong/account.html",
        {
            "roles": request.user.roles.select_related("area", "jurisdiction", "school"),
            "tokens": request.user.api_tokens.order_by("-created_at"),
            "secret": secret,
        },
    )


def aggregates_csv(request):
    scope = scope_for(request.user)
    level = request.GET.get("level", "province")
    if level not in ("province", "prefecture", "county"):
        raise Http404
    rows = school_selectors.aggregates(
        scope=scope,
        level=level,
        within=request.GET.get("within") or None,
        area=request.GET.get("area") or None,
        indicators=HEADLINE,
    )
    header = ["code", "name_zh", "name_en", "year", "schools", *HEADLINE]
    return table_download([[r.get(h) for h in header] for r in rows], header, filename="aggregates")


def school_search(request):
    """Picker endpoint: the open schools the caller sees (``writable=1``: whose statistics it
    writes) matching ``q``, at most ``limit``."""
    scope = scope_for(request.user)
    qs = school_selectors.school_choices(scope=scope, writable=request.GET.get("writable") == "1")
    found = school_selectors.school_search(qs, pickers.search_query(request))
    return pickers.search_response(found, pickers.search_limit(request), pickers.school_label)
