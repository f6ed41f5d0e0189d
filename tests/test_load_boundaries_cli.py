"""`xietong load-boundaries FILE.geojson` in a SQLite data directory of its own (migrated), as an operator types
it: a good file loads, a bad one names its feature and property and loads nothing, a file past
XIETONG_BOUNDARY_MAX_BYTES is refused unread."""

import json
import sqlite3

from .regions.test_boundaries import good_file, square
from .test_load_divisions_cli import _env, _run


def test_load_boundaries_end_to_end(tmp_path, migrated_data_dir):
    env = _env(migrated_data_dir)
    assert _run(env, "load-divisions").returncode == 0
    good = tmp_path / "hangzhou.geojson"
    good.write_bytes(good_file())
    out = _run(
        env,
        "load-boundaries",
        str(good),
        "--source",
        "Zhejiang standard map service",
        "--approval-number",
        "浙S(2024)001号",
    )
    assert out.returncode == 0, out.stderr
    assert "Boundaries: 3 loaded (3 county; 3 new, 0 replaced); 243 positions read" in out.stdout
    db = sqlite3.connect(migrated_data_dir / "xietong.sqlite3")
    rows = db.execute(
        "SELECT jurisdiction_id, approval_number FROM regions_boundary ORDER BY 1"
    ).fetchall()
    assert rows == [
        ("330102000000", "浙S(2024)001号"),
        ("330105000000", "浙S(2024)001号"),
        ("330106000000", "浙S(2024)001号"),
    ]

    bad = tmp_path / "bad.geojson"
    features = [
        {"type": "Feature", "properties": {"GB": "330102"}, "geometry": square(120, 30)},
        {"type": "Feature", "properties": {"GB": "330199"}, "geometry": square(121, 30)},
    ]
    bad.write_text(json.dumps({"type": "FeatureCollection", "features": features}))
    out = _run(env, "load-boundaries", str(bad), "--code-property", "GB")
    assert out.returncode == 1
    assert (
        "bad.geojson: feature 2, GB: 330199000000 is not a division in the registry" in out.stderr
    )
    assert db.execute("SELECT count(*) FROM regions_boundary").fetchone()[0] == 3

    out = _run({**env, "XIETONG_BOUNDARY_MAX_BYTES": "100"}, "load-boundaries", str(good))
    assert out.returncode == 1
    assert f"the file is {good.stat().st_size} bytes; files up to 100 bytes" in out.stderr
