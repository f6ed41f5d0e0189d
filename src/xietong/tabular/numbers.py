"""Strict reading of numbers typed into spreadsheets.

Python's ``Decimal`` and ``int`` accept any script's digits (``Decimal("٣") == 3``) and the old
reader dropped every comma (``12,5`` became 125). Here a number is ASCII digits with an optional
sign, a point for decimals and commas only between groups of three; anything else is refused with
a message that says what is wrong with it."""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal

from .i18n import gettext as _

MAX_INTEGER_DIGITS = 16  # below 10**16: what a Decimal(18, 2) column holds

_NUMBER = re.compile(r"[+-]?(?P<int>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)?(?:\.(?P<frac>[0-9]+))?")
_COMMAS = re.compile(r"[+-]?[0-9,]*[0-9](?:\.[0-9]+)?")
_SCIENTIFIC = re.compile(r"[+-]?[0-9]*\.?[0-9]+[eE][+-]?[0-9]+")
_FULL_WIDTH = re.compile("[\uff01-\uff5e\u3000]")


class NumberError(ValueError):
    """The text is not a number; ``str(exc)`` says why, in the reader's language."""

    @property
    def message(self) -> str:
        """Why, as the message it was raised with (with its code, for a problem kept)."""
        return self.args[0] if self.args else ""


def _number_words(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _odd_character(text: str) -> str | None:
    """A character that looks like a number but is not an ASCII digit, named by its code point
    and its value (Unicode's character names are English, so they are not shown)."""
    for ch in text:
        if ch.isascii():
            continue
        where = {"v": text, "ch": ch, "code": f"U+{ord(ch):04X}"}
        if unicodedata.decimal(ch, None) is not None:
            return _(
                "%(v)r uses digits of another script (%(ch)s, %(code)s, the digit %(n)s); use the "
                "digits 0-9"
            ) % {**where, "n": unicodedata.decimal(ch)}
        if unicodedata.numeric(ch, None) is not None:
            return _(
                "%(v)r contains %(ch)s (%(code)s, the number %(n)s), which is not a plain digit; "
                "use the digits 0-9"
            ) % {**where, "n": _number_words(unicodedata.numeric(ch))}
    return None


def explain(text: str) -> str:
    """Why ``text`` is not a number (only called once it is known not to be one)."""
    if _FULL_WIDTH.search(text):
        return _(
            "%(v)r is typed in full-width characters; use half-width digits 0-9 and a point"
        ) % {"v": text}
    odd = _odd_character(text)
    if odd:
        return odd
    if _COMMAS.fullmatch(text):
        return _(
            "%(v)r: a comma may only separate thousands (12,500); write decimals with a point (12.5)"
        ) % {"v": text}
    if _SCIENTIFIC.fullmatch(text):
        return _(
            "%(v)r is in scientific notation, which loses digits; format the column as a number "
            "and save the file again"
        ) % {"v": text}
    return _("%(v)r is not a number") % {"v": text}


def parse_decimal(text: str, *, max_integer_digits: int = MAX_INTEGER_DIGITS) -> Decimal:
    """The exact value of ``text``, or NumberError saying what is wrong.

    Examples
    --------
    >>> parse_decimal("12,500.5")
    Decimal('12500.5')
    >>> parse_decimal("-0.25")
    Decimal('-0.25')
    """
    s = text.strip()
    m = _NUMBER.fullmatch(s)
    if not s or m is None or (m.group("int") is None and m.group("frac") is None):
        raise NumberError(explain(s))
    digits = (m.group("int") or "").replace(",", "").lstrip("0")
    if len(digits) > max_integer_digits:
        raise NumberError(
            _("%(v)r is too large (at most %(n)d digits before the decimal point)")
            % {"v": s, "n": max_integer_digits}
        )
    return Decimal(s.replace(",", ""))


def is_whole(value: Decimal) -> bool:
    """The one integer rule of every reader: a count, a year or a staff figure is whole when its
    exact value has no fraction, so "12", "12.0" and "12.00" are 12 (what a spreadsheet shows
    for a whole number formatted with decimals) and "12.5" is not. An XLSX cell that stores the
    float 12.0 reads as "12" (``xlsx.cell_text``), so it is the same number as typed "12".

    Examples
    --------
    >>> is_whole(parse_decimal("12.0")), is_whole(parse_decimal("12.5"))
    (True, False)
    """
    return value == value.to_integral_value()


def parse_whole(text: str, *, lo: int, hi: int) -> int:
    """A whole number between ``lo`` and ``hi`` ("12" or "12.0", never "12.5" or "١٢").

    Examples
    --------
    >>> parse_whole("12.0", lo=0, hi=60)
    12
    """
    value = parse_decimal(text)
    if not is_whole(value):
        raise NumberError(_("%(v)r is not a whole number") % {"v": text.strip()})
    if not lo <= value <= hi:
        raise NumberError(_("must be between %(lo)d and %(hi)d") % {"lo": lo, "hi": hi})
    return int(value)
