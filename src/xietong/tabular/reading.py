"""The one reader of uploaded tables (CSV or XLSX): bounded in bytes, unpacked bytes, rows,
columns, cell size and seconds, with the text encoding detected and named.

Every refusal is an ImportFailed naming the file, row and column (UploadTooLarge, HTTP 413, for
what is too big to read at all); a file that passes is read lazily, one row at a time, so the time
budget covers the caller's checks of each row as well.
"""

from __future__ import annotations

import csv
import io
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from . import xlsx
from .encodings import decode_text
from .i18n import gettext as _
from .limits import Limits
from .problems import ImportFailed, Problem, cause, too_large

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".txt", "")
_TIME_CHECK_EVERY = 64
ZIP = b"PK\x03\x04"


@dataclass
class Table:
    rows: Iterator[list[str]]
    format: str  # "csv" or "xlsx"
    encoding: str | None  # how a CSV file's text was read ("UTF-8", "GB18030", ...)


def column_letter(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA: how a spreadsheet names a column."""
    s = ""
    n = index + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def _what_it_is(data: bytes) -> str | None:
    """What a file that is not what its name says looks like, or None for plain text."""
    signatures = (
        (ZIP, _("a ZIP archive (an XLSX workbook?)")),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", _("an old Excel .xls workbook")),
        (b"\x89PNG", _("a PNG image")),
        (b"\xff\xd8\xff", _("a JPEG image")),
        (b"GIF8", _("a GIF image")),
        (b"%PDF", _("a PDF document")),
    )
    for magic, what in signatures:
        if data.startswith(magic):
            return what
    return None


def _refuse(filename: str, message: str) -> ImportFailed:
    return ImportFailed([Problem(filename, 0, "", message)])


class _Bounds:
    """Row, column, cell-size and time checks shared by both formats."""

    def __init__(self, filename: str, limits: Limits, letters: bool):
        self.filename = filename
        self.limits = limits
        self.deadline = time.monotonic() + limits.max_seconds
        self.header: list[str] = []
        self.letters = letters

    def column(self, i: int) -> str:
        if i < len(self.header) and self.header[i].strip():
            return self.header[i].strip()
        return column_letter(i) if self.letters else f"#{i + 1}"

    def fail(self, row: int, column: str, message: str) -> ImportFailed:
        return ImportFailed([Problem(self.filename, row, column, message)])

    def empty(self, n: int) -> list[str] | None:
        """An empty row: [] to keep the numbering, None past the row limit (not an error)."""
        if n % _TIME_CHECK_EVERY == 0 and time.monotonic() > self.deadline:
            raise self.fail(
                n,
                "",
                _(
                    "reading stopped after %(s)d seconds at this row; split the file into smaller files"
                )
                % {"s": self.limits.max_seconds},
            )
        return None if n > self.limits.max_rows else []

    def check(self, n: int, cells: list[str]) -> list[str] | None:
        """The row's cells, None for an empty row past the row limit, or ImportFailed."""
        lim = self.limits
        if not any(cells) or (n > lim.max_rows and not any(c.strip() for c in cells)):
            return self.empty(n)
        self.empty(n)  # the time budget
        if n > lim.max_rows:
            raise self.fail(
                n,
                "",
                _("the file has more than %(n)d rows; split it into smaller files")
                % {"n": lim.max_rows},
            )
        if len(cells) > lim.max_columns:
            beyond = next((i for i in range(lim.max_columns, len(cells)) if cells[i].strip()), None)
            if beyond is not None:
                raise self.fail(
                    n,
                    self.column(beyond),
                    _("a value beyond the first %(n)d columns; remove it or split the file")
                    % {"n": lim.max_columns},
                )
            cells = cells[: lim.max_columns]
        if cells and max(map(len, cells)) > lim.max_cell_chars:
            i = next(i for i, c in enumerate(cells) if len(c) > lim.max_cell_chars)
            raise self.fail(n, self.column(i), self.long_cell(len(cells[i])))
        if n == 1:
            self.header = cells
        return cells

    def long_cell(self, length: int) -> str:
        return _("the cell has %(n)d characters (at most %(max)d)") % {
            "n": length,
            "max": self.limits.max_cell_chars,
        }


def _xlsx_rows(wb, ws, bounds: _Bounds) -> Iterator[list[str]]:
    n = 0
    max_rows = bounds.limits.max_rows
    try:
        for n, values in enumerate(ws.iter_rows(values_only=True), start=1):
            if not values:  # a row missing from the sheet (the common kind of empty row)
                if n % _TIME_CHECK_EVERY == 0:
                    bounds.empty(n)
                if n <= max_rows:
                    yield []
                continue
            end = len(values)
            while end and values[end - 1] is None:  # styled but empty cells at the end
                end -= 1
            if end == 0:
                cells = bounds.empty(n)
            else:
                cells = bounds.check(n, [xlsx.cell_text(v) for v in values[:end]])
            if cells is not None:
                yield cells
    except ImportFailed:
        raise
    except Exception as exc:  # a broken sheet part: name the row it broke at
        raise ImportFailed(
            [
                Problem(
                    bounds.filename,
                    n + 1,
                    "",
                    _("the sheet cannot be read here (%(error)s)") % {"error": cause(exc)},
                )
            ]
        ) from None
    finally:
        wb.close()


def _delimiter(text: str) -> str:
    first = text[: text.find("\n")] if "\n" in text else text[:4096]
    counts = {d: first.count(d) for d in (",", "\t", ";")}
    best = max(counts, key=counts.get)
    return best if counts[best] > counts[","] else ","


def _long_field(record: str, delimiter: str, limit: int) -> tuple[int, int] | None:
    """(index, length) of the first field of a raw CSV record longer than ``limit``: the csv
    module only says that some field is."""
    lengths, length, quoted = [], 0, False
    for ch in record:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == delimiter:
            lengths.append(length)
            length = 0
            continue
        elif not quoted and ch in "\r\n":
            continue
        length += 1
    lengths.append(length)
    return next(((i, n) for i, n in enumerate(lengths) if n > limit), None)


class _Lines:
    """The text's lines, remembering those of the record being read (for csv's errors)."""

    def __init__(self, text: str):
        self._it = iter(io.StringIO(text, newline=""))
        self.pending: list[str] = []

    def __iter__(self):
        return self

    def __next__(self) -> str:
        line = next(self._it)
        self.pending.append(line)
        return line


def _csv_rows(text: str, bounds: _Bounds) -> Iterator[list[str]]:
    delimiter = _delimiter(text)
    lines = _Lines(text)
    reader = csv.reader(lines, delimiter=delimiter)
    n = 0
    while True:
        n += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            record = "".join(lines.pending)
            long = _long_field(record, delimiter, csv.field_size_limit())
            if long is not None:
                raise bounds.fail(n, bounds.column(long[0]), bounds.long_cell(long[1])) from None
            raise bounds.fail(
                n, "", _("the row cannot be read as CSV (%(error)s)") % {"error": cause(exc)}
            ) from None
        lines.pending.clear()
        if any("\x00" in c for c in row):
            raise bounds.fail(n, "", _("the row contains NUL characters; this is not a text file"))
        cells = bounds.check(n, row)
        if cells is not None:
            yield cells


def precheck(data: bytes, filename: str, *, limits: Limits | None = None) -> str:
    """Refuse at once what cannot be read, before anything is parsed or queued: a file past the
    size bound, an empty file, one that is not what its name says, an XLSX whose archive would
    unpack past the bounds (a ZIP bomb). Returns the format ("csv" or "xlsx"). A large import
    calls it in the request, so a hostile file is refused there (413/422), not by a worker."""
    limits = limits or Limits.from_settings()
    if len(data) > limits.max_bytes:
        raise too_large(filename, len(data), limits.max_bytes)
    if not data:
        raise _refuse(filename, _("the file is empty"))
    suffix = Path(filename).suffix.lower()
    what = _what_it_is(data)
    if suffix in XLSX_SUFFIXES:
        if not data.startswith(ZIP):
            what = what or _("a text file (CSV?)")
            raise _refuse(
                filename,
                _(
                    "this is not an XLSX workbook but %(what)s; save it from Excel as .xlsx, "
                    "or give a CSV file the .csv extension"
                )
                % {"what": what},
            )
        xlsx.check_archive(data, filename, limits)
        return "xlsx"
    if suffix == ".xls":
        raise _refuse(filename, _("old .xls workbooks are not read; save it from Excel as .xlsx"))
    if suffix in CSV_SUFFIXES:
        if what is not None:
            raise _refuse(
                filename,
                _(
                    "this is not CSV text but %(what)s; save it as CSV UTF-8, "
                    "or give an XLSX workbook the .xlsx extension"
                )
                % {"what": what},
            )
        return "csv"
    raise _refuse(filename, _("unsupported file type %(s)r; use .csv or .xlsx") % {"s": suffix})


def read_table(data: bytes, filename: str, *, limits: Limits | None = None) -> Table:
    """Open an uploaded table; its rows are read as they are iterated.

    Raises UploadTooLarge (HTTP 413) when the file or what it unpacks to is past the bounds and
    ImportFailed for a file that is not what its name says or cannot be read."""
    limits = limits or Limits.from_settings()
    if precheck(data, filename, limits=limits) == "xlsx":
        bounds = _Bounds(filename, limits, letters=True)
        wb, ws = xlsx.open_sheet(data, filename, limits, bounds.deadline)
        return Table(_xlsx_rows(wb, ws, bounds), "xlsx", None)
    text, encoding = decode_text(data, filename)
    return Table(_csv_rows(text, _Bounds(filename, limits, letters=False)), "csv", encoding)


def read_file(path: Path, *, limits: Limits | None = None) -> Table:
    """Open a table on disk (the command line's reader): the size is checked before a byte is
    read, then as ``read_table``; a file that cannot be opened is a problem of the file."""
    limits = limits or Limits.from_settings()
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > limits.max_bytes:
            raise too_large(path.name, size, limits.max_bytes)
        data = path.read_bytes()
    except OSError as exc:
        raise _refuse(
            path.name, _("the file cannot be opened (%(error)s)") % {"error": exc.strerror}
        ) from None
    return read_table(data, path.name, limits=limits)


def read_rows(data: bytes, filename: str, *, limits: Limits | None = None) -> Iterator[list[str]]:
    """The rows of an uploaded table as lists of text (see ``read_table``)."""
    return read_table(data, filename, limits=limits).rows
