"""Reading an XLSX workbook without trusting it.

An XLSX file is a ZIP archive of XML. Before openpyxl parses anything, the archive's directory is
checked: total unpacked size, the compression ratio of each member and the size of the shared
strings table (which openpyxl loads whole into memory) are bounded. zipfile never produces more
bytes than a member's declared size (and fails its CRC check if the data says otherwise), so the
directory's sizes are safe to check. The sheet is then read in read-only mode with its
``<dimension>`` ignored: rows are as wide as their cells, not as wide as the sheet claims.
"""

from __future__ import annotations

import functools
import io
import time
import zipfile
from datetime import datetime
from decimal import Decimal
from xml.etree import ElementTree

from .i18n import gettext as _
from .limits import Limits
from .problems import ImportFailed, Problem, UploadTooLarge, cause, megabytes

SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
_CONTENT_TYPES = "[Content_Types].xml"
_SMALL_MEMBER = 1024 * 1024  # members smaller than this are never refused for their ratio
_MAX_MEMBERS = 10_000


def _shared_strings_parts(zf: zipfile.ZipFile, limits: Limits) -> set[str]:
    """Part names declared as shared strings, as openpyxl finds them, plus the usual name."""
    names = {"xl/sharedstrings.xml"}
    try:
        info = zf.getinfo(_CONTENT_TYPES)
    except KeyError:
        return names
    if info.file_size > _SMALL_MEMBER:
        return names
    try:
        root = ElementTree.fromstring(zf.read(info))
    except (ElementTree.ParseError, zipfile.BadZipFile, ValueError):
        return names
    for el in root:
        if el.get("ContentType") == SHARED_STRINGS and el.get("PartName"):
            names.add(el.get("PartName").lstrip("/").lower())
    return names


def check_archive(data: bytes, filename: str, limits: Limits) -> None:
    """Refuse an archive that would unpack past the bounds, before anything is unpacked."""
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise unreadable(filename, exc) from None
    if len(infos) > _MAX_MEMBERS:
        raise UploadTooLarge(
            filename,
            _("the workbook has %(n)d parts; this is not a spreadsheet") % {"n": len(infos)},
        )
    strings = _shared_strings_parts(zf, limits)
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _SMALL_MEMBER and ratio > limits.max_ratio:
            raise UploadTooLarge(
                filename,
                _(
                    "part %(part)s of the workbook unpacks %(ratio)d times larger than it is "
                    "stored (at most %(max)d); the file is refused as a ZIP bomb"
                )
                % {"part": info.filename, "ratio": ratio, "max": limits.max_ratio},
            )
        if info.filename.lower() in strings and info.file_size > limits.max_shared_strings_bytes:
            raise UploadTooLarge(
                filename,
                _("the workbook's text table unpacks to %(size)s (at most %(max)s)")
                % {
                    "size": megabytes(info.file_size),
                    "max": megabytes(limits.max_shared_strings_bytes),
                },
            )
    if total > limits.max_unpacked_bytes:
        raise UploadTooLarge(
            filename,
            _("the workbook unpacks to %(size)s (at most %(max)s)")
            % {"size": megabytes(total), "max": megabytes(limits.max_unpacked_bytes)},
        )


def unreadable(filename: str, exc: Exception) -> ImportFailed:
    return ImportFailed(
        [
            Problem(
                filename,
                0,
                "",
                _("the workbook cannot be read (%(error)s); open it in Excel and save it as .xlsx")
                % {"error": cause(exc)},
            )
        ]
    )


def cell_text(v: object) -> str:
    """A cell as the text a person typed: 480 not 480.0, 0.00001 not 1e-05."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "TRUE" if v else "FALSE"
    if isinstance(v, float):
        if v.is_integer():
            return str(int(v))
        return format(Decimal(repr(v)), "f")
    if isinstance(v, datetime) and v.time() == datetime.min.time():
        return v.date().isoformat()
    return str(v)


_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_SI, _T, _R = _MAIN + "si", _MAIN + "t", _MAIN + "r"


def read_shared_strings(src, filename: str, deadline: float) -> list[str]:
    """The shared strings table as openpyxl reads it (plain text and rich-text runs, phonetic
    guides left out), about four times faster and stopped by the time budget."""
    out: list[str] = []
    for _event, el in ElementTree.iterparse(src):
        if el.tag != _SI:
            continue
        parts = []
        for child in el:
            if child.tag == _T:
                parts.append(child.text or "")
            elif child.tag == _R:
                t = child.find(_T)
                if t is not None:
                    parts.append(t.text or "")
        out.append("".join(parts).replace("x005F_", ""))
        el.clear()
        if len(out) % 4096 == 0 and time.monotonic() > deadline:
            raise ImportFailed(
                [
                    Problem(
                        filename,
                        0,
                        "",
                        _(
                            "reading the workbook's text table stopped after %(n)d entries; "
                            "split the file into smaller files"
                        )
                        % {"n": len(out)},
                    )
                ]
            )
    return out


@functools.cache
def _reader_class():
    from openpyxl.reader.excel import ExcelReader

    class BoundedReader(ExcelReader):
        """openpyxl's reader with the shared strings read by ``read_shared_strings``."""

        filename = ""
        deadline = 0.0

        def read_strings(self):
            ct = self.package.find(SHARED_STRINGS)
            if ct is not None:
                with self.archive.open(ct.PartName[1:]) as src:
                    self.shared_strings = read_shared_strings(src, self.filename, self.deadline)

    return BoundedReader


def open_sheet(
    data: bytes, filename: str, limits: Limits, deadline: float, preferred: str = "statistics"
):
    """The workbook (read-only) and its sheet named ``preferred`` or else its first sheet."""
    check_archive(data, filename, limits)
    try:
        reader = _reader_class()(io.BytesIO(data), read_only=True, data_only=True, keep_links=False)
        reader.filename, reader.deadline = filename, deadline
        reader.read()
        wb = reader.wb
        ws = wb[preferred] if preferred in wb.sheetnames else wb.worksheets[0]
    except ImportFailed:
        raise
    except Exception as exc:  # openpyxl raises many kinds on a broken workbook
        raise unreadable(filename, exc) from None
    ws.reset_dimensions()  # never trust <dimension>: rows are as wide as their cells
    return wb, ws
