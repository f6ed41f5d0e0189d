"""Reading and writing the statistics template (CSV or XLSX), independent of the database.

Two layouts are read:
- wide (the template): ``school_code, year, <indicator code>, <indicator code>, ...`` one row per
  school and year;
- long: ``school_code, year, indicator, value`` one row per value (what machine clients push).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from xietong.tabular import (
    MAX_LISTED_PROBLEMS,
    ImportFailed,
    NumberError,
    Problem,
    Problems,
    Table,
    UploadTooLarge,
    is_whole,
    parse_decimal,
    read_rows,
    read_table,
    write_csv,
    xlsx_bytes,
)
from xietong.tabular.i18n import gettext as _  # problems keep their code (msgid)

from .catalogue import BY_CODE, RAW, RAW_CODES

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "ImportFailed",
    "ParsedValue",
    "Problem",
    "Table",
    "UploadTooLarge",
    "parse_statistics",
    "read_rows",
    "read_table",
    "template_header",
    "write_csv",
    "write_xlsx",
]
CENT = Decimal("0.01")
INTEGRAL = frozenset(d.code for d in RAW if d.integral)
LIMIT = Decimal("1e16")


class ParsedValue(NamedTuple):
    row: int
    school_code: str
    year: int
    indicator: str
    value: Decimal


#: Columns an import reads past: they describe the school (what an export adds so that the file
#: can also be evaluated with `xietong evaluate`), the registry is their source.
DESCRIPTIVE_COLUMNS = (
    "school_code",
    "year",
    "school_name",
    "name",
    "county",
    "stage",
    "school_type",
    "note",
)


class _Layout(NamedTuple):
    """Where the columns of a file are: wide (one column per indicator) or long."""

    width: int
    school: int
    year: int
    long: bool
    indicator: int | None
    value: int | None
    indicators: list[tuple[int, str]]


def _header_cells(rows, filename: str) -> list[str]:
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFailed([Problem(filename, 1, "", _("the file is empty"))]) from None
    header = [h.strip().lower() for h in header]
    while header and header[-1] == "":
        header.pop()
    return header


def _indicator_columns(header: list[str], problem: Problems) -> list[tuple[int, str]]:
    """The wide layout's indicator columns; a column that is none is a problem."""
    out = []
    for i, h in enumerate(header):
        if h in DESCRIPTIVE_COLUMNS:
            continue
        if h == "":
            problem(1, f"#{i + 1}", _("column without a name"))
        elif h not in BY_CODE:
            problem(1, h, _("unknown indicator %(c)r; see the template for valid codes") % {"c": h})
        elif BY_CODE[h].kind != "raw":
            problem(
                1,
                h,
                _("%(c)r is a derived ratio; give the raw counts it is computed from") % {"c": h},
            )
        else:
            out.append((i, h))
    if not out and problem.total == 0:
        problem(1, "", _("no indicator columns"))
    return out


def _layout(header: list[str], problem: Problems) -> _Layout:
    """Check the header row (every problem of it at once) and say where the columns are."""
    long_layout = {"indicator", "value"} <= set(header)
    for required in ("school_code", "year"):
        if required not in header:
            problem(1, required, _("missing column %(c)r") % {"c": required})
    seen: set[str] = set()
    for h in header:
        if h in seen and h:
            problem(1, h, _("column %(c)r appears twice") % {"c": h})
        seen.add(h)
    indicators = [] if long_layout else _indicator_columns(header, problem)
    problem.raise_if_any()
    col = {h: i for i, h in enumerate(header)}
    return _Layout(
        width=len(header),
        school=col["school_code"],
        year=col["year"],
        long=long_layout,
        indicator=col.get("indicator"),
        value=col.get("value"),
        indicators=indicators,
    )


class _Checker:
    """The checks of one file's rows: who the school is, whether the caller may write it, the
    year, each value, and values given twice."""

    def __init__(self, problem: Problems, known_schools, may_write, years: tuple[int, int]):
        self.problem = problem
        self.known = known_schools
        self.may_write = may_write
        self.years = years
        self.denied: set[str] = set()
        self.seen: dict[tuple[str, int, str], int] = {}

    def school(self, n: int, code: str) -> bool:
        if not code:
            self.problem(n, "school_code", _("empty school code"))
            return False
        school = self.known.get(code)
        if school is None:
            self.problem(
                n, "school_code", _("no school with code %(c)r in the registry") % {"c": code}
            )
            return False
        if self.may_write is not None and code not in self.denied and not self.may_write(school):
            self.denied.add(code)
        if code in self.denied:
            self.problem(
                n, "school_code", _("you may not write statistics of school %(c)s") % {"c": code}
            )
            return False
        return True

    def cells(self, n: int, row: list[str], layout: _Layout) -> list[tuple[str, str, str]] | None:
        """(column, indicator, text) of each value the row gives."""
        if not layout.long:
            return [(h, h, row[i]) for i, h in layout.indicators]
        ind = row[layout.indicator].strip().lower()
        if ind not in BY_CODE or BY_CODE[ind].kind != "raw":
            self.problem(n, "indicator", _("unknown raw indicator %(c)r") % {"c": ind})
            return None
        return [("value", ind, row[layout.value])]

    def row(self, n: int, row: list[str], layout: _Layout) -> list[ParsedValue]:
        code = row[layout.school].strip()
        if not self.school(n, code):
            return []
        year = _year(row[layout.year], *self.years)
        if isinstance(year, str):
            self.problem(n, "year", year)
            return []
        cells = self.cells(n, row, layout)
        out = []
        for column, ind, raw in cells or ():
            value = self.value(n, column, ind, raw.strip())
            if value is None:
                continue
            key = (code, year, ind)
            if key in self.seen:
                self.problem(
                    n,
                    column,
                    _("%(c)s %(y)s %(i)s was already given in row %(r)d")
                    % {"c": code, "y": year, "i": ind, "r": self.seen[key]},
                )
                continue
            self.seen[key] = n
            out.append(ParsedValue(n, code, year, ind, value))
        return out

    def value(self, n: int, column: str, indicator: str, raw: str) -> Decimal | None:
        if raw == "":
            return None  # an empty cell means "not reported", never zero
        if raw.isascii() and raw.isdigit() and len(raw) < 16:
            return Decimal(raw)  # the common case: a plain whole number
        value = _value(raw, indicator in INTEGRAL)
        if isinstance(value, str):
            self.problem(n, column, value)
            return None
        return value


def parse_statistics(
    data: bytes | Table,
    filename: str,
    *,
    known_schools: dict[str, object],
    may_write=None,
    min_year: int = 1949,
    max_year: int = 2100,
    progress=None,
) -> list[ParsedValue]:
    """Parse and validate a whole file. Returns its values or raises ImportFailed with every
    problem (file, row, column). ``data`` is the file's bytes or a table already opened with
    ``read_table`` (whose ``encoding`` the caller reports). ``known_schools`` maps school code ->
    school; ``may_write(school)`` says whether the caller may write that school's statistics."""
    problem = Problems(filename)
    rows = data.rows if isinstance(data, Table) else read_rows(data, filename)
    layout = _layout(_header_cells(rows, filename), problem)
    check = _Checker(problem, known_schools, may_write, (min_year, max_year))
    out: list[ParsedValue] = []
    for rownum, row in enumerate(rows, start=2):
        if progress is not None and rownum % 5000 == 0:
            progress(5000)
        if row and any(c.strip() for c in row):
            out.extend(check.row(rownum, row + [""] * (layout.width - len(row)), layout))
    problem.raise_if_any()
    if not out:
        raise ImportFailed([Problem(filename, 2, "", _("the file has no values"))])
    return out


def _year(text: str, lo: int, hi: int) -> int | str:
    """The year, or why it is not one."""
    raw = text.strip()
    try:
        value = parse_decimal(raw)
    except NumberError as exc:
        return exc.message
    if not is_whole(value):
        return _("year %(v)r is not a whole number") % {"v": raw}
    if not lo <= value <= hi:
        return _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": raw, "lo": lo, "hi": hi}
    return int(value)


def _value(raw: str, integral: bool) -> Decimal | str:
    """A raw indicator value (counts whole, money and areas to the fen), or why it is not one."""
    try:
        value = parse_decimal(raw)
    except NumberError as exc:
        return exc.message
    if value < 0:
        return _("%(v)s is negative") % {"v": raw}
    if integral and not is_whole(value):
        return _("%(v)s must be a whole number (a count)") % {"v": raw}
    if value != value.quantize(CENT):
        return _("%(v)s has more than two decimal places") % {"v": raw}
    if abs(value) >= LIMIT:
        return _("%(v)s is too large") % {"v": raw}
    return value.quantize(CENT)


def template_header() -> list[str]:
    return ["school_code", "year", *RAW_CODES]


def write_xlsx(
    rows: list[list[object]], header: list[str], *, with_catalogue: bool = True
) -> bytes:
    """The statistics layout as XLSX: the ``statistics`` sheet and the indicator catalogue."""
    sheets = [("statistics", header, rows)]
    if with_catalogue:
        sheets.append(
            (
                "indicators",
                [
                    "code",
                    "name_zh",
                    "name_en",
                    "unit_zh",
                    "unit_en",
                    "whole_number",
                    "definition_zh",
                    "definition_en",
                ],
                [
                    [
                        d.code,
                        d.name_zh,
                        d.name_en,
                        d.unit_zh,
                        d.unit_en,
                        "yes" if d.integral else "no",
                        d.definition_zh,
                        d.definition_en,
                    ]
                    for d in RAW
                ],
            )
        )
    return xlsx_bytes(sheets)
