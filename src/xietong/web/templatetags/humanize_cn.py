"""Numbers for people: thousands separated by commas in both languages.

Django's zh-Hans number format groups by nothing (THOUSAND_SEPARATOR is empty), so its
``intcomma`` and ``floatformat:"g"`` would print 1234567 there; these filters print 1,234,567 in
every language, as Chinese statistical tables do.
"""

from decimal import Decimal

from django import template

register = template.Library()


def _missing(value) -> bool:
    return value is None or value == ""


@register.filter
def cn_int(value):
    """Whole number with thousands separators; a dash for missing values."""
    if _missing(value):
        return "—"
    try:
        return f"{round(Decimal(str(value))):,}"
    except (TypeError, ValueError, ArithmeticError):
        return value


@register.filter
def cn_num(value, places=2):
    """A number with ``places`` decimals and thousands separators; a dash for missing values."""
    if _missing(value):
        return "—"
    try:
        places = int(places)
        return f"{Decimal(str(value)):,.{places}f}"
    except (TypeError, ValueError, ArithmeticError):
        return value
