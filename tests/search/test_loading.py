"""jieba is loaded lazily, quietly, once, with its cache where we say."""

import os
import subprocess
import sys
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

SCRIPT = """
import sys
import xietong.search as search
assert "jieba" not in sys.modules, "importing the engine must not load jieba"
assert [t.text for t in search.analyze("Lessons").words] == ["lesson"]
assert "jieba" not in sys.modules, "English text needs no segmenter"
assert "人教版" in [t.text for t in search.analyze("人教版数学").words]
print("ok")
"""


def test_jieba_loads_on_first_chinese_text_quietly_with_its_cache_in_the_given_dir(tmp_path):
    env = {**os.environ, "XIETONG_SEARCH_CACHE_DIR": str(tmp_path / "cache")}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")])
    run = subprocess.run(
        [sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    assert run.stdout.strip() == "ok"
    assert run.stderr == ""  # no "Building prefix dict ..." chatter
    assert [p.name for p in (tmp_path / "cache").iterdir()] == ["jieba.cache"]
