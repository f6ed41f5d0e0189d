"""What goes wrong in a file, said with its file, row and column in the reader's language."""

from __future__ import annotations

import csv
import logging
import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from .i18n import gettext as _
from .i18n import ngettext

MAX_LISTED_PROBLEMS = 200

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Problem:
    file: str
    row: int  # 1-based row number in the file, the header being row 1; 0: the file as a whole
    column: str
    message: str

    def __str__(self) -> str:
        where = {"file": self.file, "row": self.row, "column": self.column, "message": self.message}
        if self.row <= 0:
            return _("%(file)s: %(message)s") % where
        if self.column:
            return _("%(file)s: row %(row)d, column %(column)s: %(message)s") % where
        return _("%(file)s: row %(row)d: %(message)s") % where


class ImportFailed(ValueError):
    """The file has problems; nothing was written."""

    status = 422

    def __init__(self, problems: list[Problem], total: int | None = None):
        self.problems = problems
        self.total = total if total is not None else len(problems)
        shown = "\n".join(str(p) for p in problems[:20])
        head = ngettext(
            "%(n)d problem; nothing was imported:",
            "%(n)d problems; nothing was imported:",
            self.total,
        ) % {"n": self.total}
        more = ""
        if self.total > 20:
            more = "\n" + _("... and %(n)d more") % {"n": self.total - 20}
        super().__init__(f"{head}\n{shown}{more}")


class Problems:
    """Collects a file's problems (the first MAX_LISTED_PROBLEMS kept, all counted), so that a
    reader reports every problem of the file at once: ``problems(row, column, message)``."""

    def __init__(self, filename: str):
        self.filename = filename
        self.problems: list[Problem] = []
        self.total = 0

    def __call__(self, row: int, column: str, message: str) -> None:
        self.total += 1
        if len(self.problems) < MAX_LISTED_PROBLEMS:
            self.problems.append(Problem(self.filename, row, column, message))

    def raise_if_any(self) -> None:
        if self.total:
            raise ImportFailed(self.problems, self.total)


class UploadTooLarge(ImportFailed):
    """The file, or what it unpacks to, is past a bound: HTTP 413, nothing was read."""

    status = 413

    def __init__(self, filename: str, message: str):
        super().__init__([Problem(filename, 0, "", message)])

    @property
    def message(self) -> str:
        return self.problems[0].message


def megabytes(n: int) -> str:
    """Sizes in messages: '20 MB', '1.5 MB', '0.3 MB'."""
    mb = n / (1024 * 1024)
    return f"{mb:.0f} MB" if mb >= 10 or mb == int(mb) else f"{mb:.1f} MB"


def too_large(filename: str, size: int, limit: int) -> UploadTooLarge:
    return UploadTooLarge(
        filename,
        _("the file is %(size)s; files up to %(limit)s can be imported")
        % {"size": megabytes(size), "limit": megabytes(limit)},
    )


def refusal_lines(path, total: int, problems: list) -> list[str]:
    """What a command prints when an all-or-nothing import is refused: the count, each listed
    problem (its file, row and column first), and how many more were not listed."""
    lines = [f"{total} problem(s) in {path}; nothing was imported."]
    lines += [f"  {p}" for p in problems]
    if total > len(problems):
        lines.append(f"  ... and {total - len(problems)} more")
    return lines


def read_as_message(encoding: str) -> str:
    """What a page or command says after reading a CSV file, so a wrong guess is noticed."""
    return _("Read the file as %(encoding)s text.") % {"encoding": encoding}


def cause(exc: Exception) -> str:
    """Why a library could not read a file, in the reader's language. The libraries' own
    messages are English sentences; they go to the log, the reader gets the kind of fault."""
    logger.info("unreadable file: %s: %s", type(exc).__name__, exc)
    if isinstance(exc, zipfile.LargeZipFile):
        return _("the archive needs ZIP64, which is not read here")
    if isinstance(exc, zipfile.BadZipFile):
        return _("it is not a ZIP archive, as every .xlsx file is")
    if isinstance(exc, ElementTree.ParseError):
        return _("a part of it is not well-formed XML")
    if isinstance(exc, KeyError):
        return _("a part it refers to is missing")
    if isinstance(exc, csv.Error):
        if "unquoted field" in str(exc):
            return _("a line break inside a field without quotes")
        return _("its quotes or separators do not match")
    return _("its structure is not one this program knows")
