"""`xietong resources load-vocabulary FILE`: the seed release loads; a broken file loads nothing
and names its file, row and field."""

import json
import os
import sqlite3
import subprocess
import sys

from tests.resources.conftest import SEED


def _run(tmp_path, *args):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(XIETONG_DATA_DIR=str(tmp_path), DEBUG="1")
    return subprocess.run(
        [sys.executable, "-m", "xietong", "resources", "load-vocabulary", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_load_vocabulary_command(tmp_path):
    broken = json.loads(SEED.read_text(encoding="utf-8"))
    broken["entries"][2]["code"] = "Bad Code"
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps(broken), encoding="utf-8")
    r = _run(tmp_path, str(bad))
    assert r.returncode == 1 and "bad.json" in r.stderr and "code" in r.stderr
    db = tmp_path / "xietong.sqlite3"
    assert sqlite3.connect(db).execute(
        "SELECT count(*) FROM resources_vocabularynode"
    ).fetchone() == (0,)
    ok = _run(tmp_path, str(SEED))
    assert ok.returncode == 0, ok.stderr
    rows = (
        sqlite3.connect(db)
        .execute("SELECT count(*) FROM resources_vocabularynode WHERE scheme='edition'")
        .fetchone()
    )
    assert rows[0] >= 7 and "2022-demo.1" in ok.stdout
