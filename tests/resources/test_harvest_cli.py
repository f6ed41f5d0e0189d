"""`xietong harvest URL --owner CODE ...`: arguments it cannot use are refused before any
request, naming the option; the harvest itself is tested end to end in test_oai.py."""

import os
import subprocess
import sys


def _run(tmp_path, *args):
    env = {
        k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    env.update(XIETONG_DATA_DIR=str(tmp_path), DEBUG="1")
    return subprocess.run(
        [sys.executable, "-m", "xietong", "harvest", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_harvest_refuses_unknown_owner_and_bad_dates(tmp_path):
    r = _run(tmp_path, "http://127.0.0.1:9/oai", "--owner", "999999999999")
    assert r.returncode == 2 and "--owner 999999999999" in r.stderr
    missing = _run(tmp_path, "http://127.0.0.1:9/oai")
    assert missing.returncode == 2 and "--owner" in missing.stderr  # argparse: required
