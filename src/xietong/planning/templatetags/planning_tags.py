"""``plain``: a stored value (Decimal or its string) without trailing zeros, "—" when empty."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def plain(value) -> str:
    if value is None or value == "":
        return "—"
    try:
        d = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if d == 0:
        return "0"
    return format(d.normalize(), "f")
