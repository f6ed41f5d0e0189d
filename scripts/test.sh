#!/usr/bin/env bash
# Install Xietong with its test dependencies into .venv and run the whole test suite.
# The database is chosen by DATABASE_URL (default: SQLite). Browser tests drive Debian's
# chromium package, installed here with apt when it is missing and we may use apt; the office
# preview tests convert with LibreOffice's headless -nogui packages, installed with it without
# their recommendations (Debian 12: 73 packages, about 100 MB to download, 310 MB installed).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
# GNU gettext: the translation test runs makemessages to find strings missing from the catalogue
if { [ ! -x /usr/bin/chromium ] || ! command -v xgettext >/dev/null || ! command -v soffice >/dev/null; } \
  && command -v apt-get >/dev/null && [ "$(id -u)" = 0 ]; then
  echo "Installing Debian's chromium, gettext and LibreOffice (headless) for the browser, translation and office preview tests ..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk gettext >/dev/null
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    libreoffice-writer-nogui libreoffice-calc-nogui libreoffice-impress-nogui >/dev/null
fi
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e '.[test]'
# spread over the cores with pytest-xdist (XIETONG_TEST_PROCESSES=0: one process); the tests that
# start worker processes share one template database and one Redis database number, so they keep
# to one xdist process (tests/conftest.py; the run is refused if that grouping does not take)
exec .venv/bin/pytest -n "${XIETONG_TEST_PROCESSES:-auto}" --dist loadgroup "$@"
