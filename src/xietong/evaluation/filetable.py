"""Reading a school table (CSV or XLSX) for `xietong evaluate`, without the database.

The file goes through the one bounded reader (``xietong.tabular``): the same size, row, column
and ZIP-bomb bounds as an upload, the same text-encoding detection, the same number and integer
rules (a count is whole: "12" and "12.0" are 12, "12.5" is refused; an XLSX code stored as the
number 1310020001 reads as "1310020001", never "1310020001.0"). Parsing needs no Django
settings; problems name the file, row and column, translated where Django is set up.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np

from xietong.schools.catalogue import BY_CODE
from xietong.tabular import (
    ImportFailed,
    Limits,
    NumberError,
    Problem,
    is_whole,
    parse_decimal,
    read_file,
)
from xietong.tabular.i18n import gettext as _

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
_PROGRESS_EVERY = 10_000


class TableError(ImportFailed):
    """A problem of the file (its file, row and column): the evaluation does not run."""

    def __str__(self) -> str:
        return "\n".join(str(p) for p in self.problems)


def _fail(name: str, row: int, column: str, message: str) -> TableError:
    return TableError([Problem(name, row, column, message)])


def _open(path: Path, limits: Limits | None) -> Iterator[list[str]]:
    try:
        return read_file(path, limits=limits).rows
    except ImportFailed as exc:
        raise TableError(exc.problems, exc.total) from None


def _header(rows: Iterator[list[str]], name: str, by: str) -> list[str]:
    try:
        header = [h.strip() for h in next(rows)]
    except StopIteration:
        raise _fail(name, 1, "", _("the file is empty")) from None
    except ImportFailed as exc:
        raise TableError(exc.problems, exc.total) from None
    if "school_code" in header and "school_id" not in header:
        header[header.index("school_code")] = "school_id"
    if by not in header:
        raise _fail(name, 1, by, _("no column %(c)r to group by") % {"c": by})
    for required in ("school_id", "students"):
        if required not in header:
            raise _fail(name, 1, required, _("missing column %(c)r") % {"c": required})
    if "stage" not in header and "school_type" not in header:
        raise _fail(name, 1, "stage", _("missing column 'stage' (or 'school_type')"))
    return header


def _columns(rows, header: list[str], progress: Callable[[int], None] | None) -> list[list]:
    """The cells column by column, with each value's row number kept in the last list."""
    width = len(header)
    cols: list[list[str]] = [[] for _ in range(width + 1)]
    n = 0
    try:
        for rownum, row in enumerate(rows, start=2):
            if not any(c.strip() for c in row):
                continue
            row = row + [""] * (width - len(row))
            for i in range(width):
                cols[i].append(row[i])
            cols[width].append(rownum)
            n += 1
            if progress is not None and n % _PROGRESS_EVERY == 0:
                progress(_PROGRESS_EVERY)
    except ImportFailed as exc:
        raise TableError(exc.problems, exc.total) from None
    if progress is not None:
        progress(n % _PROGRESS_EVERY)
    return cols


def _number(text: str, whole: bool) -> float:
    """A cell as a float (empty: NaN); NumberError says why it is not a number."""
    s = text.strip()
    if not s:
        return float("nan")
    if s.isascii() and s.isdigit():
        return float(s)  # the common case: a plain whole number
    value = parse_decimal(s)
    if whole and not is_whole(value):
        raise NumberError(_("%(v)s must be a whole number (a count)") % {"v": s})
    return float(value)


def _numeric(name: str, column: str, values: list[str], rownums: list[int]) -> np.ndarray:
    whole = column == "year" or (column in BY_CODE and BY_CODE[column].integral)
    out = np.empty(len(values), dtype=np.float64)
    for i, v in enumerate(values):
        try:
            out[i] = _number(v, whole)
        except NumberError as exc:
            raise _fail(name, rownums[i], column, str(exc)) from None
    return out


def read_school_table(
    path: Path,
    *,
    by: str = "county",
    progress: Callable[[int], None] | None = None,
    year: int | None = None,
    limits: Limits | None = None,
) -> dict:
    """Columns as numpy arrays: text columns as str objects, every other column as float
    (empty cell = NaN). Errors (TableError) name the file, row and column."""
    path = Path(path)
    rows = _open(path, limits)
    header = _header(rows, path.name, by)
    cols = _columns(rows, header, progress)
    rownums = cols.pop()
    table: dict[str, np.ndarray] = {}
    for column, values in zip(header, cols, strict=True):
        if column in TEXT_COLUMNS or column == by:
            table[column] = np.array([v.strip() for v in values], dtype=object)
        else:
            table[column] = _numeric(path.name, column, values, rownums)
    if "year" in table:
        table = _one_year(table, path.name, year, rownums)
    elif year is not None:
        raise _fail(
            path.name,
            1,
            "year",
            _("--year %(y)d given but the file has no year column") % {"y": year},
        )
    kept = table.pop("_rows", rownums)  # the row numbers of the year kept
    if "school_type" in table:
        _apply_school_type(table, path.name, kept)
    if by != "county":
        table["county"] = table.pop(by)
    return table


def _one_year(table: dict, name: str, year: int | None, rownums: list[int]) -> dict:
    """A file of several years (what `xietong export statistics` writes) is evaluated one year
    at a time: ``year``, or the latest in the file."""
    years = table["year"]
    if np.isnan(years).any():
        i = int(np.flatnonzero(np.isnan(years))[0])
        raise _fail(name, rownums[i], "year", _("empty"))
    present = sorted({int(y) for y in years.tolist()})
    pick = max(present) if year is None else year
    if pick not in present:
        raise _fail(
            name,
            0,
            "",
            _("no rows of year %(y)d; the file has %(years)s")
            % {"y": pick, "years": ", ".join(map(str, present))},
        )
    keep = years == pick
    out = {k: v[keep] for k, v in table.items() if k != "year"}
    out["_year"] = pick
    out["_rows"] = [r for r, k in zip(rownums, keep.tolist(), strict=True) if k]
    return out


def _apply_school_type(table: dict, name: str, rownums: list[int] | None = None) -> None:
    """A 办学类型 code gives the stage where the file has none and marks teaching points (218),
    unless the file has its own ``teaching_point`` column; a code that contradicts the stage is
    an error naming the row."""
    from xietong.algorithms.standards import SCHOOL_TYPE_STAGE, TEACHING_POINT

    types = table["school_type"]
    n = len(types)
    rownums = rownums or list(range(2, n + 2))
    stage = table.get("stage", np.array([""] * n, dtype=object))
    for i, (t, st) in enumerate(zip(types.tolist(), stage.tolist(), strict=True)):
        stage[i] = _stage_of(t, st, name, rownums[i], SCHOOL_TYPE_STAGE)
    table["stage"] = stage
    if "teaching_point" not in table:
        table["teaching_point"] = np.array([t == TEACHING_POINT for t in types.tolist()])


def _stage_of(code: str, stage: str, name: str, row: int, stages: dict) -> str:
    if not code:
        if not stage:
            raise _fail(name, row, "", _("neither 'stage' nor 'school_type' is given"))
        return stage
    if code not in stages:
        raise _fail(
            name,
            row,
            "school_type",
            _("unknown 办学类型 code %(t)r (known: %(known)s)")
            % {"t": code, "known": ", ".join(sorted(stages))},
        )
    if stage and stage != stages[code]:
        raise _fail(
            name,
            row,
            "school_type",
            _("%(t)s is a %(s)s school but the stage says %(given)r")
            % {"t": code, "s": stages[code], "given": stage},
        )
    return stages[code]


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
