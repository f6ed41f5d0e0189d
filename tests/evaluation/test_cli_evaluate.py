import json
import subprocess
import sys

import pytest

HEADER = "school_id,county,stage,students,teachers,teachers_qualified,teachers_mid_senior_title,building_area,sports_area,instrument_value,library_books,computers"


def _write(tmp_path, rows, name="schools.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


def _run(*args):
    return subprocess.run(
        [sys.executable, "-m", "xietong", "evaluate", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def table(tmp_path):
    rows = []
    for i, (n, books) in enumerate(
        zip([45, 37, 89, 76, 55], [279, 137, 935, 160, 402], strict=True)
    ):
        rows.append(
            f"S{i},C1,primary,{n},{3 + i},{2 + i},{2},{n * 6},{n * 8},{n * 2100},{books},{n // 10 + 1}"
        )
    for i in range(4):
        rows.append(f"T{i},C2,primary,{100 + i},{8},{6},{4},{600 + i},{800},{210000},{2000},{12}")
    return _write(tmp_path, rows)


def test_evaluate_prints_table_json_and_html(table, tmp_path):
    r = _run(table, "--standard", "basic-balance-2012", "--stage", "primary")
    assert r.returncode == 0, r.stderr
    assert "C1" in r.stdout and "C2" in r.stdout
    r = _run(table, "--standard", "basic-balance-2012", "--stage", "primary", "--json")
    data = json.loads(r.stdout)
    c1 = next(c for c in data["stages"]["primary"]["counties"] if c["county"] == "C1")
    books = next(v for k, v in c1.items() if "books" in k and k.endswith("_cv"))
    assert books == pytest.approx(0.5153, abs=5e-5)
    report = tmp_path / "report.html"
    r = _run(table, "--standard", "basic-balance-2012", "--html", report)
    assert r.returncode == 0, r.stderr
    text = report.read_text(encoding="utf-8")
    assert "plotly" in text.lower() and "<table>" in text and "C2" in text


def test_evaluate_group_column_and_errors(tmp_path, table):
    renamed = tmp_path / "renamed.csv"
    renamed.write_text(table.read_text().replace("county", "district", 1))
    assert _run(renamed, "--by", "district", "--standard", "basic-balance-2012").returncode == 0
    assert _run(renamed).returncode == 1  # no county column
    bad = _write(tmp_path, ["S0,C1,primary,45,3,2,2,270,360,94500,many,5"], "bad.csv")
    r = _run(bad)
    assert r.returncode == 1
    assert "bad.csv: row 2, column library_books" in r.stderr
    assert _run(tmp_path / "none.csv").returncode == 2


def test_a_school_with_an_empty_cell_makes_its_county_incomplete(table, tmp_path):
    text = table.read_text(encoding="utf-8").splitlines()
    cells = text[3].split(",")  # S2 of C1
    cells[9] = ""  # instrument_value not reported
    text[3] = ",".join(cells)
    gap = tmp_path / "gap.csv"
    gap.write_text("\n".join(text) + "\n", encoding="utf-8")
    r = _run(gap, "--standard", "basic-balance-2012", "--stage", "primary")
    assert r.returncode == 0, r.stderr
    assert "S2 (C1): instrument_value" in r.stdout
    r = _run(gap, "--standard", "basic-balance-2012", "--stage", "primary", "--json")
    stage = json.loads(r.stdout)["stages"]["primary"]
    status = {c["county"]: c["status"] for c in stage["counties"]}
    assert status["C1"] == "incomplete" and status["C2"] != "incomplete"
    assert stage["missing"] == [
        {
            "code": "missing_values",
            "school_id": "S2",
            "county": "C1",
            "columns": ["instrument_value"],
        }
    ]


def test_evaluate_without_a_file_reads_the_shipped_sample():
    r = _run("--stage", "primary", "--json")
    assert r.returncode == 0, r.stderr
    stage = json.loads(r.stdout)["stages"]["primary"]
    assert {c["status"] for c in stage["counties"]} >= {"incomplete"}
    assert stage["excluded"] >= 1  # the sample's teaching points under 50 pupils


def test_evaluate_reads_what_export_statistics_writes(world, tmp_path):
    from xietong.accounts.scope import scope_for
    from xietong.algorithms.standards import evaluate
    from xietong.evaluation.filetable import read_school_table
    from xietong.schools.selectors import export_rows
    from xietong.schools.services import statistics_set
    from xietong.tabular import write_csv

    a = world["schools"]["A"]
    statistics_set(school=a, year=2023, actor=None, values={"students": 400, "teachers": 25})
    header, rows = export_rows(scope=scope_for(None))
    assert header[-3:] == ["county", "stage", "school_type"]
    path = tmp_path / "export.csv"
    path.write_bytes(write_csv(rows, header))
    table = read_school_table(path)
    assert table.pop("_year") == 2024  # the latest year of the file
    assert set(table["county"].tolist()) == {s.county_id for s in world["schools"].values()}
    ev = evaluate("basic-balance-2012", table, stage="primary", missing="incomplete")
    # the world's schools report only students and teachers: every county is incomplete
    assert {c.status for c in ev.counties} == {"incomplete"}
    older = read_school_table(path, year=2023)
    assert older.pop("_year") == 2023 and older["school_id"].tolist() == [a.code]
