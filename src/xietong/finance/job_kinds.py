"""The finance app's background jobs: a long member statement as an export job
(``finance.exports``)."""

from __future__ import annotations

from . import exports  # noqa: F401 (registers its tables)
