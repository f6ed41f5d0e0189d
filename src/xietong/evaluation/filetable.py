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
    path: Path, *, by: str = "county", progress: Callable[[int], None] | None = None
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
    for required in ("school_id", "stage", "students"):
        if required not in header:
            raise TableError(f"{path.name}: row 1: missing column {required!r}")
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
    if by != "county":
        table["county"] = table.pop(by)
    return table


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
