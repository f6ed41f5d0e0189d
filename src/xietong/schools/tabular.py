"""Reading and writing the statistics template (CSV or XLSX), independent of the database.

Two layouts are read:
- wide (the template): ``school_code, year, <indicator code>, <indicator code>, ...`` one row per
  school and year;
- long: ``school_code, year, indicator, value`` one row per value (what machine clients push).
"""

from __future__ import annotations

from decimal import Decimal
from typing import NamedTuple

from django.utils.translation import gettext as _

from xietong.tabular import (
    MAX_LISTED_PROBLEMS,
    ImportFailed,
    NumberError,
    Problem,
    Table,
    UploadTooLarge,
    parse_decimal,
    read_rows,
    read_table,
    write_csv,
    xlsx_bytes,
)

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
    problems: list[Problem] = []
    total_problems = 0

    def problem(row: int, column: str, message: str) -> None:
        nonlocal total_problems
        total_problems += 1
        if len(problems) < MAX_LISTED_PROBLEMS:
            problems.append(Problem(filename, row, column, message))

    rows = data.rows if isinstance(data, Table) else read_rows(data, filename)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFailed([Problem(filename, 1, "", _("the file is empty"))]) from None
    header = [h.strip() for h in header]
    while header and header[-1] == "":
        header.pop()
    lower = [h.lower() for h in header]
    long_layout = {"indicator", "value"} <= set(lower)
    for required in ("school_code", "year"):
        if required not in lower:
            problem(1, required, _("missing column %(c)r") % {"c": required})
    seen_cols: set[str] = set()
    for h in lower:
        if h in seen_cols and h:
            problem(1, h, _("column %(c)r appears twice") % {"c": h})
        seen_cols.add(h)
    indicator_cols: list[tuple[int, str]] = []
    if not long_layout:
        for i, h in enumerate(lower):
            if h in DESCRIPTIVE_COLUMNS:
                continue
            if h == "":
                problem(1, f"#{i + 1}", _("column without a name"))
            elif h not in BY_CODE:
                problem(
                    1, h, _("unknown indicator %(c)r; see the template for valid codes") % {"c": h}
                )
            elif BY_CODE[h].kind != "raw":
                problem(
                    1,
                    h,
                    _("%(c)r is a derived ratio; give the raw counts it is computed from")
                    % {"c": h},
                )
            else:
                indicator_cols.append((i, h))
        if not indicator_cols and total_problems == 0:
            problem(1, "", _("no indicator columns"))
    if total_problems:
        raise ImportFailed(problems, total_problems)

    col = {h: i for i, h in enumerate(lower)}
    i_code, i_year = col["school_code"], col["year"]
    i_ind, i_val = col.get("indicator"), col.get("value")
    integral = {d.code for d in RAW if d.integral}
    out: list[ParsedValue] = []
    seen: dict[tuple[str, int, str], int] = {}
    denied: set[str] = set()
    for rownum, row in enumerate(rows, start=2):
        if progress is not None and rownum % 5000 == 0:
            progress(5000)
        if not row or not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        code = row[i_code].strip()
        school = known_schools.get(code)
        if not code:
            problem(rownum, "school_code", _("empty school code"))
            continue
        if school is None:
            problem(
                rownum, "school_code", _("no school with code %(c)r in the registry") % {"c": code}
            )
            continue
        if may_write is not None and code not in denied and not may_write(school):
            denied.add(code)
        if code in denied:
            problem(
                rownum,
                "school_code",
                _("you may not write statistics of school %(c)s") % {"c": code},
            )
            continue
        year = _year(row[i_year], min_year, max_year)
        if isinstance(year, str):
            problem(rownum, "year", year)
            continue
        cells: list[tuple[str, str, str]]
        if long_layout:
            ind = row[i_ind].strip().lower()
            if ind not in BY_CODE or BY_CODE[ind].kind != "raw":
                problem(rownum, "indicator", _("unknown raw indicator %(c)r") % {"c": ind})
                continue
            cells = [("value", ind, row[i_val])]
        else:
            cells = [(h, h, row[i]) for i, h in indicator_cols]
        for column, ind, raw in cells:
            raw = raw.strip()
            if raw == "":
                continue  # an empty cell means "not reported", never zero
            if raw.isascii() and raw.isdigit() and len(raw) < 16:
                value = Decimal(raw)  # the common case: a plain whole number
            else:
                value = _value(raw, ind in integral)
                if isinstance(value, str):
                    problem(rownum, column, value)
                    continue
            key = (code, year, ind)
            if key in seen:
                problem(
                    rownum,
                    column,
                    _("%(c)s %(y)s %(i)s was already given in row %(r)d")
                    % {"c": code, "y": year, "i": ind, "r": seen[key]},
                )
                continue
            seen[key] = rownum
            out.append(ParsedValue(rownum, code, year, ind, value))
    if total_problems:
        raise ImportFailed(problems, total_problems)
    if not out:
        raise ImportFailed([Problem(filename, 2, "", _("the file has no values"))])
    return out


def _year(text: str, lo: int, hi: int) -> int | str:
    """The year, or why it is not one."""
    raw = text.strip()
    try:
        value = parse_decimal(raw)
    except NumberError as exc:
        return str(exc)
    if value != value.to_integral_value():
        return _("year %(v)r is not a whole number") % {"v": raw}
    if not lo <= value <= hi:
        return _("year %(y)s is outside %(lo)d-%(hi)d") % {"y": raw, "lo": lo, "hi": hi}
    return int(value)


def _value(raw: str, integral: bool) -> Decimal | str:
    """A raw indicator value (counts whole, money and areas to the fen), or why it is not one."""
    try:
        value = parse_decimal(raw)
    except NumberError as exc:
        return str(exc)
    if value < 0:
        return _("%(v)s is negative") % {"v": raw}
    if integral and value != value.to_integral_value():
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
