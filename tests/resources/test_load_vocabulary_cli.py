"""`xietong resources load-vocabulary FILE`: the seed release loads; a broken file loads nothing
and names its file, row and field."""

import json
import sqlite3
import subprocess
import sys

from tests.conftest import cli_environment
from tests.resources.conftest import SEED


def _run(data, *args):
    return subprocess.run(
        [sys.executable, "-m", "xietong", "resources", "load-vocabulary", *args],
        env=cli_environment(data, DEBUG=1),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_load_vocabulary_command(tmp_path, migrated_data_dir):
    broken = json.loads(SEED.read_text(encoding="utf-8"))
    broken["entries"][2]["code"] = "Bad Code"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    r = _run(migrated_data_dir, str(bad))
    assert r.returncode == 1 and "bad.json" in r.stderr and "code" in r.stderr
    db = migrated_data_dir / "xietong.sqlite3"
    assert sqlite3.connect(db).execute(
        "SELECT count(*) FROM resources_vocabularynode"
    ).fetchone() == (0,)
    ok = _run(migrated_data_dir, str(SEED))
    assert ok.returncode == 0, ok.stderr
    rows = (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM resources_vocabularynode WHERE scheme='edition'")
        .fetchone()
    )
    assert rows[0] >= 7 and "2022-demo.1" in ok.stdout
