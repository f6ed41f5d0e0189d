"""The one bounded reader behind every import (statistics, teachers, posts) and `xietong
evaluate`: one integer rule, hostile files refused before they cost anything, problems that name
the file, row and column, and parsing without Django settings (the command line)."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook

from tests.schools.hostile_files import shared_strings_bomb
from xietong.evaluation.filetable import TableError, read_school_table
from xietong.tabular import Limits, NumberError, is_whole, parse_decimal, parse_whole, read_file
from xietong.tabular.xlsx import cell_text

ROOT = Path(__file__).resolve().parents[2]
HEADER = ["school_id", "county", "stage", "students", "library_books"]


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "statistics"
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@given(st.integers(min_value=0, max_value=10**12))
def test_one_integer_rule_for_typed_text_and_xlsx_floats(n):
    """'n', 'n.0', 'n.00' and an XLSX cell holding the float n are the same whole number."""
    for text in (str(n), f"{n}.0", f"{n}.00", cell_text(float(n))):
        assert is_whole(parse_decimal(text))
        assert parse_whole(text, lo=0, hi=10**12) == n
    assert cell_text(float(n)) == str(n)  # never "12.0": a code stays a code
    with pytest.raises(NumberError):
        parse_whole(f"{n}.5", lo=0, hi=10**12)


def test_the_evaluate_reader_follows_the_same_rule(tmp_path):
    data = _xlsx([HEADER, [1310020001, "C1", "primary", 12.0, 300], ["S2", "C1", "primary", 40, 5]])
    path = tmp_path / "schools.xlsx"
    path.write_bytes(data)
    t = read_school_table(path)
    # a code stored as a number reads as the code, a count stored as 12.0 as 12
    assert t["school_id"].tolist() == ["1310020001", "S2"]
    assert t["students"].tolist() == [12.0, 40.0]
    half = tmp_path / "half.csv"
    half.write_text(",".join(HEADER) + "\nS1,C1,primary,12.5,3\n", encoding="utf-8")
    with translation.override("en"), pytest.raises(TableError) as exc:
        read_school_table(half)
    assert (
        str(exc.value) == "half.csv: row 2, column students: 12.5 must be a whole number (a count)"
    )


def test_the_evaluate_reader_speaks_the_readers_language(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADER) + "\nS1,C1,primary,45,many\n", encoding="utf-8")
    with translation.override("zh-hans"):
        with pytest.raises(TableError) as exc:
            read_school_table(bad)
        text = str(exc.value)
    assert text.startswith("bad.csv") and "library_books" in text and "第 2 行" in text


def test_hostile_files_are_refused_before_they_are_read(tmp_path):
    bomb = tmp_path / "bomb.xlsx"
    bomb.write_bytes(shared_strings_bomb([HEADER, ["S1", "C1", "primary", 1, 1]], megabytes=40))
    with translation.override("en"), pytest.raises(TableError) as exc:
        read_school_table(bomb)
    assert "bomb.xlsx" in str(exc.value) and "ZIP bomb" in str(exc.value)
    big = tmp_path / "big.csv"
    big.write_bytes(b"school_id\n" + b"S\n" * 2000)
    with translation.override("en"), pytest.raises(TableError) as exc:
        read_school_table(big, limits=Limits(max_bytes=1000))
    assert "big.csv" in str(exc.value) and "files up to" in str(exc.value)
    rows = tmp_path / "rows.csv"
    rows.write_text(",".join(HEADER) + "\n" + "S,C,primary,1,1\n" * 20, encoding="utf-8")
    with translation.override("en"), pytest.raises(TableError) as exc:
        read_school_table(rows, limits=Limits(max_rows=10))
    assert str(exc.value).startswith("rows.csv: row 11: the file has more than 10 rows")
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(HEADER + ["x"] * 10) + "\n" + "S,C,primary,1,1" + ",7" * 10 + "\n")
    with translation.override("en"), pytest.raises(TableError) as exc:
        read_school_table(wide, limits=Limits(max_columns=8))
    assert "wide.csv: row 1, column #9: a value beyond the first 8 columns" in str(exc.value)
    pdf = tmp_path / "report.csv"
    pdf.write_bytes(b"%PDF-1.4 not a table")
    with translation.override("en"), pytest.raises(TableError, match="not CSV text but a PDF"):
        read_school_table(pdf)


def test_parsing_needs_no_django_settings(tmp_path):
    """What `xietong evaluate` does: parse a file in a process where Django is not set up; the
    problems are the English source strings, with file, row and column."""
    good = tmp_path / "good.xlsx"
    good.write_bytes(_xlsx([HEADER, ["S1", "C1", "primary", 12.0, 3]]))
    bad = tmp_path / "bad.csv"
    bad.write_text(",".join(HEADER) + "\nS1,C1,primary,١٢,3\n", encoding="utf-8")
    code = (
        "import json, sys\n"
        "from django.conf import settings\n"
        "from xietong.evaluation.filetable import TableError, read_school_table\n"
        f"t = read_school_table({str(good)!r})\n"
        "out = {'students': t['students'].tolist(), 'configured': settings.configured}\n"
        f"try:\n    read_school_table({str(bad)!r})\n"
        "except TableError as exc:\n    out['error'] = str(exc)\n"
        "print(json.dumps(out))\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT / "src") + os.pathsep + str(ROOT)
    r = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    assert out["students"] == [12.0] and out["configured"] is False
    assert out["error"].startswith("bad.csv: row 2, column students: ")
    assert "digits of another script" in out["error"]


def test_read_file_refuses_a_missing_file_as_a_problem(tmp_path):
    from xietong.tabular import ImportFailed

    with translation.override("en"), pytest.raises(ImportFailed) as exc:
        read_file(tmp_path / "gone.csv")
    assert str(exc.value.problems[0]).startswith("gone.csv: the file cannot be opened")


def test_decimal_rule_is_exact():
    assert parse_decimal("12,500.50") == Decimal("12500.50")
    with pytest.raises(NumberError):
        parse_decimal("12,5")
