"""The `xietong` command end to end, in a fresh SQLite data directory (whatever DATABASE_URL the
suite runs with), as a user would type it."""

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

XIETONG = [sys.executable, "-m", "xietong"]


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory):
    data = tmp_path_factory.mktemp("xietong-data")
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env["XIETONG_DATA_DIR"] = str(data)
    first = subprocess.run(
        [*XIETONG, "demo", "--no-serve", "--scale", "0.02", "--talent-teachers", "400"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert first.returncode == 0, first.stderr
    return data, env, first.stdout


def run(env, *args):
    return subprocess.run([*XIETONG, *args], env=env, capture_output=True, text=True, timeout=600)


def test_demo_creates_database_and_prints_logins(demo_dir):
    data, env, out = demo_dir
    assert (data / "xietong.sqlite3").is_file()
    assert "644 jurisdictions" in out and "3 cooperation areas" in out
    for user in ("admin", "yrd-secretariat", "hebei-bureau", "school-admin", "teacher", "public"):
        assert user in out
    assert "xietong-demo" in out
    db = sqlite3.connect(data / "xietong.sqlite3")
    counties_without_schools = db.execute(
        """SELECT count(*) FROM regions_jurisdiction j WHERE j.level='county' AND NOT j.is_placeholder
           AND j.valid_until IS NULL
           AND NOT EXISTS (SELECT 1 FROM schools_school s WHERE s.county_id = j.code)"""
    ).fetchone()[0]
    assert counties_without_schools == 0
    schools_in_abolished_counties = db.execute(
        """SELECT count(*) FROM schools_school s JOIN regions_jurisdiction j ON s.county_id = j.code
           WHERE j.valid_until IS NOT NULL"""
    ).fetchone()[0]
    assert schools_in_abolished_counties == 0
    assert (
        db.execute("SELECT count(*) FROM schools_school WHERE NOT is_synthetic").fetchone()[0] == 0
    )


def test_demo_twice_is_safe(demo_dir):
    data, env, _ = demo_dir
    db = sqlite3.connect(data / "xietong.sqlite3")
    before = db.execute("SELECT count(*) FROM schools_school").fetchone()[0]
    again = run(env, "demo", "--no-serve", "--scale", "0.02", "--talent-teachers", "400")
    assert again.returncode == 0, again.stderr
    assert "already loaded" in again.stdout
    assert db.execute("SELECT count(*) FROM schools_school").fetchone()[0] == before
    db.close()
    assert run(env, "audit", "verify").returncode == 0


def test_checkpoint_catches_a_truncated_and_rewound_log(demo_dir, tmp_path):
    """Someone with the database file cuts the log's tail, moves the head back and puts the
    triggers back: the log verifies on its own, not against a checkpoint a member kept. (Runs
    on a copy, before the test below that tampers with the shared demo database.)"""
    data, env, _ = demo_dir
    copy = tmp_path / "data"
    # the keys as files; the database through SQLite's backup API, a consistent copy of a WAL
    # database (a file copy can catch the WAL half-checkpointed)
    shutil.copytree(data, copy, ignore=shutil.ignore_patterns("xietong.sqlite3*"))
    with (
        sqlite3.connect(data / "xietong.sqlite3") as src,
        sqlite3.connect(copy / "xietong.sqlite3") as dst,
    ):
        src.backup(dst)
    src.close()
    dst.close()
    env = {**env, "XIETONG_DATA_DIR": str(copy)}
    held = tmp_path / "checkpoint.json"
    r = run(env, "audit", "checkpoint", "--out", str(held))
    assert r.returncode == 0, r.stderr
    size = json.loads(held.read_text())["size"]
    db = sqlite3.connect(copy / "xietong.sqlite3")
    for (name,) in db.execute(
        "SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'audit_%'"
    ).fetchall():
        db.execute(f"DROP TRIGGER {name}")
    keep = size - 3
    db.execute("DELETE FROM audit_auditentry WHERE seq > ?", (keep,))
    db.execute("DELETE FROM audit_auditcheckpoint")
    (head,) = db.execute(
        "SELECT entry_hash FROM audit_auditentry WHERE seq = ?", (keep,)
    ).fetchone()
    db.execute("UPDATE audit_audithead SET seq = ?, entry_hash = ?", (keep, head))
    db.commit()
    db.close()
    assert run(env, "migrate").returncode == 0  # which re-installs the triggers
    alone = run(env, "audit", "verify")
    assert alone.returncode == 0, alone.stderr
    against = run(env, "audit", "verify", "--checkpoint", str(held))
    assert against.returncode == 1
    # the first entry the checkpoint covers that is gone; the message is in the default language
    assert f"AUDIT CHAIN BROKEN at entry #{keep + 1}: {held} " in against.stderr
    assert f" {size} " in against.stderr and f" {keep} " in against.stderr


def test_import_export_and_errors(demo_dir, tmp_path):
    data, env, _ = demo_dir
    out = tmp_path / "export.csv"
    r = run(env, "export", "statistics", str(out), "--within", "131000000000", "--year", "2024")
    assert r.returncode == 0, r.stderr
    lines = out.read_text().splitlines()
    assert lines[0].startswith("school_code,year,students")
    assert len(lines) > 1
    r = run(env, "import", "statistics", str(out))
    assert r.returncode == 0, r.stderr
    assert "0 new" in r.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text(lines[0] + "\n" + lines[1].replace(",2024,", ",20x4,", 1) + "\n")
    r = run(env, "import", "statistics", str(bad))
    assert r.returncode == 1
    assert "bad.csv: row 2, column year" in r.stderr
    assert "nothing was imported" in r.stderr
    r = run(env, "import", "statistics", str(tmp_path / "missing.csv"))
    assert r.returncode == 2


def test_audit_verify_names_the_tampered_entry(demo_dir):
    data, env, _ = demo_dir
    db = sqlite3.connect(data / "xietong.sqlite3")
    db.execute("DROP TRIGGER audit_entry_no_update")  # an attacker with database access
    seq = db.execute("SELECT min(seq) + 1 FROM audit_auditentry").fetchone()[0]
    db.execute("UPDATE audit_auditentry SET action = 'forged' WHERE seq = ?", (seq,))
    db.commit()
    r = run(env, "audit", "verify")
    assert r.returncode == 1
    assert f"#{seq}" in r.stderr and "altered" in r.stderr


def test_template_command(tmp_path):
    target = tmp_path / "template.xlsx"
    r = subprocess.run(
        [*XIETONG, "template", "statistics", str(target)], capture_output=True, text=True
    )
    assert r.returncode == 0 and target.stat().st_size > 1000
    assert Path(target).read_bytes()[:2] == b"PK"
