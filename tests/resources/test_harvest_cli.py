"""`xietong harvest URL --owner CODE ...`: arguments it cannot use are refused before any
request, naming the option; the harvest itself is tested end to end in test_oai.py."""

import subprocess
import sys

from tests.conftest import cli_environment


def _run(data, *args):
    return subprocess.run(
        [sys.executable, "-m", "xietong", "harvest", *args],
        env=cli_environment(data, DEBUG=1),
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_harvest_refuses_unknown_owner_and_bad_dates(migrated_data_dir):
    r = _run(migrated_data_dir, "http://127.0.0.1:9/oai", "--owner", "999999999999")
    assert r.returncode == 2 and "--owner 999999999999" in r.stderr
    missing = _run(migrated_data_dir, "http://127.0.0.1:9/oai")
    assert missing.returncode == 2 and "--owner" in missing.stderr  # argparse: required
