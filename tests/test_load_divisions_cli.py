"""`xietong load-divisions` loads the tree with the official changes and moves the schools of
abolished counties; `--assign` takes the counties chosen for the schools of split ones."""

import os
import sqlite3
import subprocess
import sys

import pytest
from django.utils import translation

from xietong.schools.division_changes import read_assignments

XIETONG = [sys.executable, "-m", "xietong"]


def _env(data):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["XIETONG_DATA_DIR"] = str(data)
    return env


def _run(env, *args):
    return subprocess.run([*XIETONG, *args], env=env, capture_output=True, text=True, timeout=600)


def test_load_moves_merged_schools_and_lists_split_ones(tmp_path, migrated_data_dir):
    env = _env(migrated_data_dir)
    first = _run(env, "load-divisions")
    assert first.returncode == 0, first.stderr
    assert "Divisions: 644 (644 new, 0 updated)" in first.stdout
    assert "Division changes: 0 schools moved" in first.stdout
    db = sqlite3.connect(migrated_data_dir / "xietong.sqlite3")
    # two schools registered before Hangzhou's 2021 restructuring, as an old database has them
    for code, county in (("XC1", "330103000000"), ("JG1", "330104000000")):
        db.execute(
            "INSERT INTO schools_school (code, name_zh, name_en, stage, school_type, county_id,"
            " location, ownership, is_open, is_synthetic, updated_at)"
            " VALUES (?, ?, '', 'primary', '', ?, 'urban', 'public', 1, 0, '2020-01-01')",
            (code, f"学校{code}", county),
        )
    db.commit()
    second = _run(env, "load-divisions")
    assert second.returncode == 0, second.stderr
    assert "Division changes: 1 schools moved" in second.stdout
    assert "JG1,,学校JG1,330104000000,330102000000 330114000000,2021-hangzhou-jianggan" in (
        second.stdout
    )
    county = dict(db.execute("SELECT code, county_id FROM schools_school").fetchall())
    assert county == {"XC1": "330105000000", "JG1": "330104000000"}
    bad = tmp_path / "bad.csv"
    bad.write_text("school_code,county_code\nJG1,3301\n", encoding="utf-8")
    refused = _run(env, "load-divisions", "--assign", str(bad))
    assert refused.returncode == 1
    assert "row 2, column county_code: 3301 is not a 12-digit code" in refused.stderr
    good = tmp_path / "assign.csv"
    good.write_text("school_code,county_code\nJG1,330114000000\n", encoding="utf-8")
    assigned = _run(env, "load-divisions", "--assign", str(good))
    assert assigned.returncode == 0, assigned.stderr
    assert "1 schools moved" in assigned.stdout and "0 in divisions split" in assigned.stdout
    county = dict(db.execute("SELECT code, county_id FROM schools_school").fetchall())
    assert county == {"XC1": "330105000000", "JG1": "330114000000"}
    assert _run(env, "audit", "verify").returncode == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            b"school,county\nA,330114000000\n",
            "a.csv, row 1: missing column school_code, county_code",
        ),
        (b"school_code,county_code\n,330114000000\n", "a.csv, row 2, column school_code: empty"),
        (
            b"school_code,county_code\nA,330114000000\nA,330102000000\n",
            "a.csv, row 3, column school_code: school A is listed twice",
        ),
        (b"\xff\xfe", "a.csv: not a UTF-8 text file"),
    ],
)
def test_assignment_file_problems_name_row_and_column(data, message):
    with translation.override("en"), pytest.raises(ValueError, match=message):
        read_assignments(data, "a.csv")


def test_assignment_file_problems_in_chinese():
    with translation.override("zh-hans"), pytest.raises(ValueError, match="a.csv，第 2 行"):
        read_assignments(b"school_code,county_code\n,330114000000\n", "a.csv")


def test_assignment_file_is_read():
    data = "\ufeffschool_code,county_code,name\nA, 330114000000 ,x\n".encode()
    assert read_assignments(data, "a.csv") == {"A": "330114000000"}
