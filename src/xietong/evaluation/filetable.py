"""Reading a school table (CSV or XLSX) for `xietong evaluate`, without the database."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from pathlib import Path

import numpy as np

TEXT_COLUMNS = {
    "school_id",
    "school_code",
    "county",
    "stage",
    "name",
    "school_name",
    "teaching_point",
    "school_type",
}


class TableError(ValueError):
    pass


def _rows(path: Path):
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        wb = load_workbook(path, read_only=True, data_only=True)
        ws = wb.worksheets[0]
        for row in ws.iter_rows(values_only=True):
            yield ["" if v is None else str(v) for v in row]
        wb.close()
    elif suffix in (".csv", ".txt"):
        with path.open("r", encoding="utf-8-sig", newline="") as fh:
            yield from csv.reader(fh)
    else:
        raise TableError(f"{path.name}: unsupported file type {suffix!r}; use .csv or .xlsx")


def read_school_table(
    path: Path,
    *,
    by: str = "county",
    progress: Callable[[int], None] | None = None,
    year: int | None = None,
) -> dict:
    """Columns as numpy arrays: text columns as str objects, every other column as float
    (empty cell = NaN). Errors name the file, row and column."""
    rows = _rows(path)
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise TableError(f"{path.name}: the file is empty") from None
    if "school_code" in header and "school_id" not in header:
        header[header.index("school_code")] = "school_id"
    if by not in header:
        raise TableError(f"{path.name}: row 1: no column {by!r} to group by")
    for required in ("school_id", "students"):
        if required not in header:
            raise TableError(f"{path.name}: row 1: missing column {required!r}")
    if "stage" not in header and "school_type" not in header:
        raise TableError(f"{path.name}: row 1: missing column 'stage' (or 'school_type')")
    cols: list[list[str]] = [[] for _ in header]
    n = 0
    for row in rows:
        if not any(row):
            continue
        if len(row) < len(header):
            row = row + [""] * (len(header) - len(row))
        for i in range(len(header)):
            cols[i].append(row[i])
        n += 1
        if progress is not None and n % 10000 == 0:
            progress(10000)
    if progress is not None:
        progress(n % 10000)
    table: dict[str, np.ndarray] = {}
    for name, values in zip(header, cols, strict=True):
        if name in TEXT_COLUMNS or name == by:
            table[name] = np.array([v.strip() for v in values], dtype=object)
            continue
        raw = np.array(values, dtype=object)
        raw[raw == ""] = "nan"
        try:
            table[name] = raw.astype(np.float64)
        except ValueError:
            for i, v in enumerate(values):
                try:
                    float(v or "nan")
                except ValueError:
                    raise TableError(
                        f"{path.name}: row {i + 2}, column {name}: {v!r} is not a number"
                    ) from None
            raise
    if "year" in table:
        table = _one_year(table, path.name, year)
    elif year is not None:
        raise TableError(f"{path.name}: row 1: --year {year} given but the file has no year column")
    if "school_type" in table:
        _apply_school_type(table, path.name)
    if by != "county":
        table["county"] = table.pop(by)
    return table


def _one_year(table: dict, name: str, year: int | None) -> dict:
    """A file of several years (what `xietong export statistics` writes) is evaluated one year
    at a time: ``year``, or the latest in the file."""
    years = table["year"]
    if np.isnan(years).any():
        i = int(np.flatnonzero(np.isnan(years))[0])
        raise TableError(f"{name}: row {i + 2}, column year: empty")
    present = sorted({int(y) for y in years.tolist()})
    pick = max(present) if year is None else year
    if pick not in present:
        raise TableError(
            f"{name}: no rows of year {pick}; the file has {', '.join(map(str, present))}"
        )
    keep = years == pick
    out = {k: v[keep] for k, v in table.items() if k != "year"}
    out["_year"] = pick
    return out


def _apply_school_type(table: dict, name: str) -> None:
    """A 办学类型 code gives the stage where the file has none and marks teaching points (218),
    unless the file has its own ``teaching_point`` column; a code that contradicts the stage is
    an error naming the row."""
    from xietong.algorithms.standards import SCHOOL_TYPE_STAGE, TEACHING_POINT

    types = table["school_type"]
    n = len(types)
    stage = table.get("stage", np.array([""] * n, dtype=object))
    for i, (t, st) in enumerate(zip(types.tolist(), stage.tolist(), strict=True)):
        if not t:
            if not st:
                raise TableError(f"{name}: row {i + 2}: neither 'stage' nor 'school_type' is given")
            continue
        if t not in SCHOOL_TYPE_STAGE:
            raise TableError(
                f"{name}: row {i + 2}, column school_type: unknown 办学类型 code {t!r} "
                f"(known: {', '.join(sorted(SCHOOL_TYPE_STAGE))})"
            )
        if st and st != SCHOOL_TYPE_STAGE[t]:
            raise TableError(
                f"{name}: row {i + 2}, column school_type: {t} is a "
                f"{SCHOOL_TYPE_STAGE[t]} school but the stage says {st!r}"
            )
        stage[i] = SCHOOL_TYPE_STAGE[t]
    table["stage"] = stage
    if "teaching_point" not in table:
        table["teaching_point"] = np.array([t == TEACHING_POINT for t in types.tolist()])


def report_html(title: str, sections: list[tuple[str, str]]) -> str:
    """A self-contained HTML page (plotly.js inlined) from (heading, html fragment) pairs."""
    import plotly.offline

    js = plotly.offline.get_plotlyjs()
    body = "\n".join(f"<h2>{h}</h2>\n{frag}" for h, frag in sections)
    out = io.StringIO()
    out.write(f"""<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>
<script>{js}</script>
<style>body{{font-family:system-ui,'Noto Sans CJK SC',sans-serif;max-width:1200px;margin:1rem auto;padding:0 1rem}}
table{{border-collapse:collapse;font-size:.9rem}}td,th{{border-bottom:1px solid #ddd;padding:.25rem .5rem;text-align:right}}
td:first-child,th:first-child{{text-align:left}}.fail{{color:#b4232a;font-weight:600}}</style></head>
<body><h1>{title}</h1>{body}</body></html>""")
    return out.getvalue()
