"""Bounds on what an imported file may cost: bytes, unpacked bytes, rows, columns, seconds.

Each bound is a setting (see settings.py, all from the environment); tests and callers may pass
their own ``Limits``."""

from __future__ import annotations

from dataclasses import dataclass, fields

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 20 * MB  # XIETONG_UPLOAD_MAX_BYTES: the file as uploaded
    max_unpacked_bytes: int = 256 * MB  # XIETONG_UPLOAD_MAX_UNPACKED_BYTES: an XLSX unzipped
    max_shared_strings_bytes: int = 16 * MB  # XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES
    max_ratio: int = 100  # XIETONG_UPLOAD_MAX_RATIO: unpacked/packed size of one XLSX member
    max_rows: int = 1_000_000  # XIETONG_IMPORT_MAX_ROWS
    max_columns: int = 1000  # XIETONG_IMPORT_MAX_COLUMNS
    max_cell_chars: int = 32_767  # XIETONG_IMPORT_MAX_CELL_CHARS (Excel's own cell limit)
    max_seconds: float = 60.0  # XIETONG_IMPORT_MAX_SECONDS: reading and checking the rows

    @classmethod
    def from_settings(cls) -> Limits:
        """The bounds the settings give; the defaults where Django is not configured (the
        command line's `xietong evaluate` reads a file without it)."""
        from django.conf import settings

        if not settings.configured:
            return cls()

        names = {
            "max_bytes": "XIETONG_UPLOAD_MAX_BYTES",
            "max_unpacked_bytes": "XIETONG_UPLOAD_MAX_UNPACKED_BYTES",
            "max_shared_strings_bytes": "XIETONG_UPLOAD_MAX_SHARED_STRINGS_BYTES",
            "max_ratio": "XIETONG_UPLOAD_MAX_RATIO",
            "max_rows": "XIETONG_IMPORT_MAX_ROWS",
            "max_columns": "XIETONG_IMPORT_MAX_COLUMNS",
            "max_cell_chars": "XIETONG_IMPORT_MAX_CELL_CHARS",
            "max_seconds": "XIETONG_IMPORT_MAX_SECONDS",
        }
        defaults = cls()
        return cls(
            **{
                f.name: getattr(settings, names[f.name], getattr(defaults, f.name))
                for f in fields(cls)
            }
        )
