"""Tables in and out: the one bounded reader of CSV/XLSX files (uploads and the command line's)
and the one writer whose cells a spreadsheet never runs as formulas. Domain modules
(schools.tabular, talent.imports, evaluation.filetable, finance and the export views) build on
these names. The reader needs no
Django settings (``xietong evaluate`` parses without them); its messages are translated where
Django is set up (``i18n``)."""

from .limits import Limits
from .numbers import NumberError, is_whole, parse_decimal, parse_whole
from .problems import (
    MAX_LISTED_PROBLEMS,
    ImportFailed,
    Problem,
    Problems,
    UploadTooLarge,
    read_as_message,
    refusal_lines,
)
from .reading import Table, column_letter, precheck, read_file, read_rows, read_table
from .writing import XLSX_CONTENT_TYPE, neutralise, write_csv, xlsx_bytes

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "XLSX_CONTENT_TYPE",
    "ImportFailed",
    "Limits",
    "NumberError",
    "Problem",
    "Problems",
    "Table",
    "UploadTooLarge",
    "column_letter",
    "is_whole",
    "neutralise",
    "parse_decimal",
    "parse_whole",
    "precheck",
    "read_as_message",
    "read_file",
    "read_rows",
    "read_table",
    "refusal_lines",
    "write_csv",
    "xlsx_bytes",
]
