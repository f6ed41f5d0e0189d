"""Which text encoding a CSV file is in.

Excel on a Chinese Windows saves "CSV" in GBK (read here as GB18030, its superset), "CSV UTF-8"
with a byte-order mark, and "Unicode text" in UTF-16; other tools write UTF-8 without a mark.
The order of guesses: a byte-order mark, then strict UTF-8, then strict GB18030 when what it
decodes to is Chinese text, then charset-normalizer. The caller tells the reader which one it used.
"""

from __future__ import annotations

import codecs
import re

from .i18n import gettext as _
from .problems import ImportFailed, Problem

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32"),
    (codecs.BOM_UTF8, "utf-8-sig", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16"),
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
# Han ideographs (with extensions and compatibility forms), CJK and general punctuation,
# full-width forms and the middle dot: what Chinese school data is written in.
_CHINESE = re.compile(
    "[\u4e00-\u9fff\u3400-\u4dbf\uf900-\ufaff\u3000-\u303f\u2000-\u206f\uff00-\uffef"
    "\u00b7\u2e80-\u2fdf\U00020000-\U0003134f]"
)
_SAMPLE = 1 << 20
_LABELS = {"gb18030": "GB18030", "utf_16": "UTF-16", "utf_8": "UTF-8", "big5": "Big5"}


def _looks_chinese(text: str) -> bool:
    sample = text[:_SAMPLE]
    if "\x00" in sample:  # UTF-16 without a mark decodes as GB18030 with NULs in it
        return False
    other = len(_NON_ASCII.findall(sample))
    return other > 0 and len(_CHINESE.findall(sample)) >= 0.95 * other


def _label(codec: str) -> str:
    name = codecs.lookup(codec).name.replace("-", "_")
    return _LABELS.get(name, name.upper().replace("_", "-"))


def _undecodable(filename: str, data: bytes, label: str, exc: UnicodeDecodeError) -> ImportFailed:
    row = data.count(b"\n", 0, exc.start) + 1
    return ImportFailed(
        [
            Problem(
                filename,
                row,
                "",
                _("byte %(pos)d cannot be read as %(enc)s text; save the file as CSV UTF-8")
                % {"pos": exc.start + 1, "enc": label},
            )
        ]
    )


def _by_mark(data: bytes, filename: str) -> tuple[str, str] | None:
    """The text by its byte-order mark, None when it has none."""
    for bom, codec, label in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(codec), label
            except UnicodeDecodeError as exc:
                raise _undecodable(filename, data, label, exc) from None
    return None


def _by_detection(data: bytes, filename: str, gb_text: str | None, utf8_error) -> tuple[str, str]:
    """charset-normalizer's best guess, when neither UTF-8 nor Chinese GB18030 fits."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        if utf8_error is None:
            return gb_text, "UTF-8"  # NULs and all: the reader names the row that has them
        raise _undecodable(filename, data, "UTF-8", utf8_error)
    codec = "gb18030" if best.encoding in ("gb2312", "gbk", "hz") else best.encoding
    try:
        return data.decode(codec), _label(codec)
    except UnicodeDecodeError as exc:
        raise _undecodable(filename, data, _label(codec), exc) from None


def decode_text(data: bytes, filename: str) -> tuple[str, str]:
    """The text of ``data`` and the name of the encoding it was read in."""
    marked = _by_mark(data, filename)
    if marked is not None:
        return marked
    utf8_error = None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    else:
        if "\x00" not in text:  # UTF-16 without a mark is valid UTF-8 full of NULs
            return text, "UTF-8"
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        text = None
    if text is not None and _looks_chinese(text):
        return text, "GB18030"
    return _by_detection(data, filename, text, utf8_error)
