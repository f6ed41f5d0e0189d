#!/usr/bin/env bash
# Install Xietong into .venv and start the demo (SQLite under XIETONG_DATA_DIR, synthetic data)
# on http://127.0.0.1:8000. Extra arguments go to `xietong demo` (e.g. --no-serve, --port 8080).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/xietong demo "$@"
