"""Which map a page draws, and with what. Counties with loaded outlines (``xietong
load-boundaries``) are drawn as a choropleth with the schools the reader may see on top; where
no county outline is loaded but city outlines are, the cities; otherwise a tile cartogram of
the counties from their coordinates, which needs no boundary data (see docs/maps.md)."""

from __future__ import annotations

from django.utils.translation import get_language
from django.utils.translation import gettext as _

from xietong.regions.models import Jurisdiction
from xietong.regions.selectors import (
    boundaries_for,
    boundaries_version,
    boundary_credits,
    divisions_in_force,
)
from xietong.schools import selectors as school_selectors
from xietong.schools.catalogue import BY_CODE

from . import charts

MAX_SCHOOL_DOTS = 20_000
MAP_INDICATOR = "student_teacher_ratio"


def _en() -> bool:
    return (get_language() or "").startswith("en")


def short_name(j: Jurisdiction) -> str:
    """A tile's label: 西湖 for 西湖区, 围场 for 围场满族蒙古族自治县, Xihu for Xihu District."""
    if _en():
        return (j.name_en or j.code).split(" ")[0]
    name = j.name_zh
    if "自治" in name:
        return name[:2]
    return name[:-1] if len(name) > 2 and name[-1] in "县区市旗" else name


def _credit(drawn: list[str], total: int, level: str) -> list[str]:
    """Each source of the outlines drawn with its map approval number (审图号), which a
    published map must show, and how many divisions shown have no outline."""
    lines = []
    for c in boundary_credits(drawn):
        lines.append(
            _("Boundaries: %(source)s; map approval number (审图号): %(number)s")
            % {
                "source": c["source"] or _("source not recorded"),
                "number": c["approval_number"] or _("not recorded"),
            }
        )
    if len(drawn) < total:
        where = {"n": total - len(drawn), "total": total}
        lines.append(
            _("No outline is loaded for %(n)d of the %(total)d cities shown.") % where
            if level == "prefecture"
            else _("No outline is loaded for %(n)d of the %(total)d counties shown.") % where
        )
    return lines


def _cartogram_credit() -> list[str]:
    return [
        _("Tile cartogram: one square per county, placed from its coordinates."),
        _("No boundary data is loaded for these counties (see xietong load-boundaries)."),
    ]


def _schools(scope, prefixes: list[str]) -> tuple[str, list, list, list] | None:
    pts = school_selectors.school_points(
        scope=scope, prefixes=prefixes, english=_en(), limit=MAX_SCHOOL_DOTS
    )
    if not pts:
        return None
    return (_("Schools"), [p[0] for p in pts], [p[1] for p in pts], [p[2] for p in pts])


def _prefixes_of(codes: list[str], level: str) -> list[str]:
    """The code prefixes of the divisions drawn: schools are dotted only inside them."""
    return sorted({c[: 4 if level == "prefecture" else 6] for c in codes})


def _values(scope, level: str, codes: list[str], indicator: str) -> tuple[dict, int | None]:
    """The indicator of each division at ``level`` within ``codes`` in the latest year the
    reader may see figures for (the aggregates selector withholds what it must)."""
    rows = []
    for code in codes:
        rows += school_selectors.aggregates(
            scope=scope, level=level, within=code, indicators=[indicator]
        )
    if not rows:
        return {}, None
    year = max(r["year"] for r in rows)
    return {
        r["code"]: float(r[indicator])
        for r in rows
        if r["year"] == year and r[indicator] is not None
    }, year


def _unit(j: Jurisdiction, **kw) -> charts.MapUnit:
    return charts.MapUnit(
        code=j.code, name=j.display_name, short=short_name(j), lon=j.longitude, lat=j.latitude, **kw
    )


def region_map(*, scope, members: list[Jurisdiction], indicator: str = MAP_INDICATOR) -> str:
    """The map of an area's members or of one jurisdiction: the indicator per county (or per
    city), in the latest year with figures the reader may see. Drawn once per statistics
    version, set of loaded outlines, reader's scope (its figures and school dots) and
    language."""
    return school_selectors.statistics_cached(
        "region_map",
        (
            school_selectors.scope_key(scope, schools=True),
            get_language(),
            boundaries_version(),
            tuple(m.code for m in members),
            indicator,
        ),
        lambda: _region_map(scope=scope, members=members, indicator=indicator),
    )


def _region_map(*, scope, members: list[Jurisdiction], indicator: str) -> str:
    prefixes = [m.prefix for m in members]
    member_codes = [m.code for m in members]
    d = BY_CODE[indicator]
    label = d.name_en if _en() else d.name_zh
    counties = divisions_in_force("county", prefixes)
    if members and all(m.level == "county" for m in members):
        counties = [m for m in members if not m.is_placeholder]
    county_outlines = boundaries_for([c.code for c in counties])
    city_outlines: dict = {}
    cities: list[Jurisdiction] = []
    if not county_outlines:
        cities = divisions_in_force("prefecture", prefixes)
        city_outlines = boundaries_for([c.code for c in cities])
    if county_outlines or city_outlines:
        level, units_of, outlines = (
            ("county", counties, county_outlines)
            if county_outlines
            else ("prefecture", cities, city_outlines)
        )
        values, year = _values(scope, level, member_codes, indicator)
        units = [_unit(j, value=values.get(j.code)) for j in units_of]
        return charts.choropleth_map(
            units,
            outlines,
            charts.Colouring(title=label),
            schools=_schools(scope, _prefixes_of(list(outlines), level)),
            title=_map_title(label, year, level),
            credit=_credit(list(outlines), len(units_of), level),
        )
    values, year = _values(scope, "county", member_codes, indicator)
    units = [_unit(j, value=values.get(j.code)) for j in counties]
    return charts.tile_map(
        units,
        charts.Colouring(title=label),
        title=_map_title(label, year, "county"),
        credit=_cartogram_credit(),
        width=1100,  # the area and jurisdiction pages give the map the page's width
    )


def _map_title(label: str, year: int | None, level: str) -> str:
    if year is None:
        return label
    where = {"indicator": label, "year": year}
    if level == "prefecture":
        return _("%(indicator)s by city, %(year)d") % where
    return _("%(indicator)s by county, %(year)d") % where


def status_map(
    *, scope, counties: list[tuple[Jurisdiction, str, str]], labels: dict, title: str
) -> str:
    """An evaluation's counties coloured by compliance status: (county, status, detail)."""
    categories = {key: (str(labels[key]), colour) for key, colour in charts.STATUS_COLOURS.items()}
    colouring = charts.Colouring(title=_("Status"), categories=categories)
    units = [_unit(j, category=status, detail=detail) for j, status, detail in counties]
    outlines = boundaries_for([u.code for u in units])
    if outlines:
        return charts.choropleth_map(
            units,
            outlines,
            colouring,
            schools=_schools(scope, _prefixes_of(list(outlines), "county")),
            title=title,
            credit=_credit(list(outlines), len(units), "county"),
        )
    return charts.tile_map(units, colouring, title=title, credit=_cartogram_credit())


def count_map(
    *, scope, units: list[tuple[Jurisdiction, int]], title: str, links=None, label: str = ""
) -> str:
    """Members (counties or cities) coloured by a count, e.g. each member's cooperations, with
    ``links`` (code, code, weight) between partnered members drawn as lines: a choropleth where
    outlines are loaded, otherwise a tile cartogram."""
    colouring = charts.Colouring(title=label or title, value_format=".0f")
    drawn = [_unit(j, value=float(n)) for j, n in units if not j.is_placeholder]
    outlines = boundaries_for([u.code for u in drawn])
    if outlines:
        return charts.choropleth_map(
            drawn,
            outlines,
            colouring,
            title=title,
            credit=_credit(list(outlines), len(drawn), "county"),
            links=links,
        )
    return charts.tile_map(
        drawn, colouring, title=title, credit=_cartogram_credit(), width=1100, links=links
    )
