"""Reading and writing the statistics template (CSV or XLSX), independent of the database.

Two layouts are read:
- wide (the template): ``school_code, year, <indicator code>, <indicator code>, ...`` one row per
  school and year;
- long: ``school_code, year, indicator, value`` one row per value (what machine clients push).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import NamedTuple

from .catalogue import BY_CODE, RAW, RAW_CODES

MAX_LISTED_PROBLEMS = 200
CENT = Decimal("0.01")
LIMIT = Decimal("1e16")


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based row number in the file, the header being row 1
    column: str
    message: str

    def __str__(self) -> str:
        col = f", column {self.column}" if self.column else ""
        return f"{self.file}: row {self.row}{col}: {self.message}"


class ImportFailed(ValueError):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(str(p) for p in problems[:20])
        more = f"\n... and {self.total - 20} more" if self.total > 20 else ""
        super().__init__(f"{self.total} problem(s); nothing was imported:\n{shown}{more}")


class ParsedValue(NamedTuple):
    row: int
    school_code: str
    year: int
    indicator: str
    value: Decimal


def _rows_from_csv(data: bytes) -> Iterator[list[str]]:
    text = data.decode("utf-8-sig")
    yield from csv.reader(io.StringIO(text, newline=""))


def _rows_from_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    ws = wb["statistics"] if "statistics" in wb.sheetnames else wb.worksheets[0]
    for row in ws.iter_rows(values_only=True):
        yield [
            ""
            if v is None
            else (str(int(v)) if isinstance(v, float) and v.is_integer() else str(v))
            for v in row
        ]
    wb.close()


def read_rows(data: bytes, filename: str) -> Iterator[list[str]]:
    suffix = Path(filename).suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return _rows_from_xlsx(data)
    if suffix in (".csv", ".txt", ""):
        return _rows_from_csv(data)
    raise ImportFailed(
        [Problem(filename, 0, "", f"unsupported file type {suffix!r}; use .csv or .xlsx")]
    )


def _parse_decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal(raw.replace(",", "").strip())
    except (InvalidOperation, AttributeError):
        return None
    if not value.is_finite():
        return None
    return value


def parse_statistics(
    data: bytes,
    filename: str,
    *,
    known_schools: dict[str, object],
    may_write=None,
    min_year: int = 1949,
    max_year: int = 2100,
    progress=None,
) -> list[ParsedValue]:
    """Parse and validate a whole file. Returns its values or raises ImportFailed with every
    problem (file, row, column). ``known_schools`` maps school code -> school; ``may_write(school)``
    says whether the caller may write that school's statistics."""
    problems: list[Problem] = []
    total_problems = 0

    def problem(row: int, column: str, message: str) -> None:
        nonlocal total_problems
        total_problems += 1
        if len(problems) < MAX_LISTED_PROBLEMS:
            problems.append(Problem(filename, row, column, message))

    rows = read_rows(data, filename)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFailed([Problem(filename, 1, "", "the file is empty")]) from None
    header = [h.strip() for h in header]
    while header and header[-1] == "":
        header.pop()
    lower = [h.lower() for h in header]
    long_layout = {"indicator", "value"} <= set(lower)
    for required in ("school_code", "year"):
        if required not in lower:
            problem(1, required, f"missing column {required!r}")
    seen_cols: set[str] = set()
    for h in lower:
        if h in seen_cols and h:
            problem(1, h, f"column {h!r} appears twice")
        seen_cols.add(h)
    indicator_cols: list[tuple[int, str]] = []
    if not long_layout:
        for i, h in enumerate(lower):
            if h in ("school_code", "year", "school_name", "name", "county", "note"):
                continue
            if h == "":
                problem(1, f"#{i + 1}", "column without a name")
            elif h not in BY_CODE:
                problem(1, h, f"unknown indicator {h!r}; see the template for valid codes")
            elif BY_CODE[h].kind != "raw":
                problem(1, h, f"{h!r} is a derived ratio; give the raw counts it is computed from")
            else:
                indicator_cols.append((i, h))
        if not indicator_cols and total_problems == 0:
            problem(1, "", "no indicator columns")
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
        if not any(c.strip() for c in row):
            continue
        row = row + [""] * (len(header) - len(row))
        code = row[i_code].strip()
        school = known_schools.get(code)
        if not code:
            problem(rownum, "school_code", "empty school code")
            continue
        if school is None:
            problem(rownum, "school_code", f"no school with code {code!r} in the registry")
            continue
        if may_write is not None and code not in denied and not may_write(school):
            denied.add(code)
        if code in denied:
            problem(rownum, "school_code", f"you may not write statistics of school {code}")
            continue
        year_raw = row[i_year].strip()
        try:
            year = int(year_raw)
        except ValueError:
            problem(rownum, "year", f"year {year_raw!r} is not a whole number")
            continue
        if not (min_year <= year <= max_year):
            problem(rownum, "year", f"year {year} is outside {min_year}-{max_year}")
            continue
        cells: list[tuple[str, str, str]]
        if long_layout:
            ind = row[i_ind].strip().lower()
            if ind not in BY_CODE or BY_CODE[ind].kind != "raw":
                problem(rownum, "indicator", f"unknown raw indicator {ind!r}")
                continue
            cells = [("value", ind, row[i_val])]
        else:
            cells = [(h, h, row[i]) for i, h in indicator_cols]
        for column, ind, raw in cells:
            raw = raw.strip()
            if raw == "":
                continue  # an empty cell means "not reported", never zero
            if raw.isdigit() and len(raw) < 16:
                value = Decimal(raw)  # the common case: a plain whole number
            else:
                value = _parse_decimal(raw)
                if value is None:
                    problem(rownum, column, f"{raw!r} is not a number")
                    continue
                if value < 0:
                    problem(rownum, column, f"{raw} is negative")
                    continue
                if ind in integral and value != value.to_integral_value():
                    problem(rownum, column, f"{raw} must be a whole number ({ind} counts)")
                    continue
                if value.as_tuple().exponent < -2 and value != value.quantize(CENT):
                    problem(rownum, column, f"{raw} has more than two decimal places")
                    continue
                if abs(value) >= LIMIT:
                    problem(rownum, column, f"{raw} is too large")
                    continue
                value = value.quantize(CENT)
            key = (code, year, ind)
            if key in seen:
                problem(rownum, column, f"{code} {year} {ind} was already given in row {seen[key]}")
                continue
            seen[key] = rownum
            out.append(ParsedValue(rownum, code, year, ind, value))
    if total_problems:
        raise ImportFailed(problems, total_problems)
    if not out:
        raise ImportFailed([Problem(filename, 2, "", "the file has no values")])
    return out


def template_header() -> list[str]:
    return ["school_code", "year", *RAW_CODES]


def write_csv(rows: list[list[object]], header: list[str]) -> bytes:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(header)
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def write_xlsx(
    rows: list[list[object]], header: list[str], *, with_catalogue: bool = True
) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("statistics")
    ws.append(header)
    for r in rows:
        ws.append(r)
    if with_catalogue:
        cat = wb.create_sheet("indicators")
        cat.append(
            [
                "code",
                "name_zh",
                "name_en",
                "unit_zh",
                "unit_en",
                "whole_number",
                "definition_zh",
                "definition_en",
            ]
        )
        for d in RAW:
            cat.append(
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
            )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
