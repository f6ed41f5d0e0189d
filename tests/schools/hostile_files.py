"""Builders of hostile spreadsheets for the upload tests: every part of an XLSX written by hand,
so a test can make the workbook claim or contain exactly what an attacker would."""

from __future__ import annotations

import io
import zipfile

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/{strings}" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WB = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{NS}" xmlns:r="{_REL}">'
    '<sheets><sheet name="statistics" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WB_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/sharedStrings" Target="{{target}}"/>'
    "</Relationships>"
)


def column(n: int) -> str:
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def workbook(
    rows,
    *,
    dimension: str | None = None,
    extra_rows: str = "",
    strings_part: str = "xl/sharedStrings.xml",
    strings_writer=None,
) -> bytes:
    """An XLSX whose text cells are shared strings. ``rows`` are lists (None: no cell) or dicts
    {column number: value} for sparse rows; ``extra_rows`` is raw XML after them;
    ``strings_writer(f)`` may append to the shared strings table."""
    strings: list[str] = []

    def cell(ref, v):
        if isinstance(v, str):
            strings.append(v)
            return f'<c r="{ref}" t="s"><v>{len(strings) - 1}</v></c>'
        return f'<c r="{ref}"><v>{v}</v></c>'

    body = []
    for i, row in enumerate(rows, start=1):
        items = row.items() if isinstance(row, dict) else enumerate(row, start=1)
        cells = "".join(cell(f"{column(j)}{i}", v) for j, v in items if v is not None)
        body.append(f'<row r="{i}">{cells}</row>')
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    sheet = (
        f'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="{NS}">{dim}'
        f"<sheetData>{''.join(body)}{extra_rows}</sheetData></worksheet>"
    )
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", _CT.format(strings=strings_part))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WB)
        z.writestr("xl/_rels/workbook.xml.rels", _WB_RELS.format(target="/" + strings_part))
        z.writestr("xl/worksheets/sheet1.xml", sheet)
        with z.open(strings_part, "w", force_zip64=True) as f:
            f.write(f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{NS}">'.encode())
            for s in strings:
                f.write(f"<si><t>{s}</t></si>".encode())
            if strings_writer is not None:
                strings_writer(f)
            f.write(b"</sst>")
    return out.getvalue()


def dimension_lie(rows, *, far_row: str = '<row r="1048576"/>') -> bytes:
    """A workbook that claims A1:XFD1048576 and has an (empty) row at the very bottom: openpyxl
    used to pad every row to 16,384 columns and yield all 1,048,576 of them."""
    return workbook(rows, dimension="A1:XFD1048576", extra_rows=far_row)


def shared_strings_bomb(rows, megabytes: int = 300, *, strings_part="xl/sharedStrings.xml"):
    """About 1 KB stored per MB unpacked: a shared strings table openpyxl would load whole."""
    block = (b"<si><t>" + b"x" * 30_000 + b"</t></si>") * 35

    def write(f):
        for _ in range(megabytes):
            f.write(block)

    return workbook(rows, strings_writer=write, strings_part=strings_part)
