"""The resources app's background jobs: the flows table as an export job
(``resources.exports``)."""

from __future__ import annotations

from . import exports  # noqa: F401 (registers its tables)
