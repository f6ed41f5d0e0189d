"""Tables in and out: the one bounded reader of uploaded CSV/XLSX files and the one writer whose
cells a spreadsheet never runs as formulas. Domain modules (schools.tabular, talent.imports,
finance and the export views) build on these names."""

from .limits import Limits
from .numbers import NumberError, parse_decimal, parse_whole
from .problems import (
    MAX_LISTED_PROBLEMS,
    ImportFailed,
    Problem,
    UploadTooLarge,
    read_as_message,
)
from .reading import Table, column_letter, read_rows, read_table
from .writing import XLSX_CONTENT_TYPE, neutralise, write_csv, xlsx_bytes

__all__ = [
    "MAX_LISTED_PROBLEMS",
    "XLSX_CONTENT_TYPE",
    "ImportFailed",
    "Limits",
    "NumberError",
    "Problem",
    "Table",
    "UploadTooLarge",
    "column_letter",
    "neutralise",
    "parse_decimal",
    "parse_whole",
    "read_as_message",
    "read_rows",
    "read_table",
    "write_csv",
    "xlsx_bytes",
]
