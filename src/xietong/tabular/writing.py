"""The one writer of exported tables (CSV and XLSX).

A spreadsheet runs a cell that starts with ``= + - @`` (or a tab or carriage return before one)
as a formula: a school name ``=cmd|' /C calc'!A0`` in a CSV, or a memo ``=HYPERLINK(...)`` that
openpyxl would store as a live formula. Text cells are therefore neutralised: in CSV such text gets
a leading apostrophe (the spreadsheet convention for "this is text"); in XLSX it is stored as a
text cell with Excel's quote-prefix flag, so the value is kept exactly and never evaluated. Real
numbers (int, Decimal, float) stay numbers, so a column of money can be summed.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from decimal import Decimal

XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
MONEY_FORMAT = "#,##0.00"


def neutralise(text: str) -> str:
    """``text`` as a spreadsheet shows it without running it: a leading apostrophe when it would
    start a formula. A plain signed number (``-12.50``) is left alone: it cannot run anything."""
    if text and text[0] in FORMULA_START and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def _number_text(value: Decimal) -> str:
    return format(value, "f") if value.is_finite() else str(value)


def csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return str(value)
    if isinstance(value, Decimal):
        return _number_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return neutralise(str(value))


def write_csv(rows: Iterable[Sequence[object]], header: Sequence[object]) -> bytes:
    """UTF-8 CSV; every text cell neutralised, numbers as plain digits. Lines end in CRLF (RFC
    4180), so a cell holding a bare carriage return is quoted too."""
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([csv_cell(h) for h in header])
    w.writerows([csv_cell(v) for v in r] for r in rows)
    return buf.getvalue().encode("utf-8")


def _xlsx_value(ws, value: object):
    from openpyxl.cell import WriteOnlyCell

    if value is None or isinstance(value, bool | int | float):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            return str(value)
        if value == value.to_integral_value() and value.as_tuple().exponent >= 0:
            return int(value)
        cell = WriteOnlyCell(ws, value=value)
        if value.as_tuple().exponent == -2:
            cell.number_format = MONEY_FORMAT
        return cell
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:  # Excel has no time zones: local wall-clock time
            from django.utils import timezone

            value = timezone.localtime(value).replace(tzinfo=None)
        return value
    if isinstance(value, dt.date):
        return value
    text = _ILLEGAL_XML.sub("\ufffd", str(value))
    if text[:1] in FORMULA_START:
        cell = WriteOnlyCell(ws, value=text)
        cell.data_type = "s"  # openpyxl would store "=..." as a formula
        cell.quotePrefix = True
        return cell
    return text


def xlsx_bytes(sheets: Sequence[tuple[str, Sequence[object], Iterable[Sequence[object]]]]) -> bytes:
    """An XLSX workbook of ``(title, header, rows)`` sheets, written in openpyxl's streaming
    mode; text is never a formula and numbers stay numbers."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    for title, header, rows in sheets:
        ws = wb.create_sheet(title[:31])
        ws.append([_xlsx_value(ws, h) for h in header])
        for r in rows:
            ws.append([_xlsx_value(ws, v) for v in r])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
