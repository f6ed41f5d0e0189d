"""Amounts and explanations on the fund's pages: ``{{ amount|money }}`` prints 1,234,567.89 in
every language, ``{{ record|explain }}`` the sentences of a stored explanation in the reader's."""

from __future__ import annotations

from decimal import Decimal

from django import template
from django.utils.numberformat import format as number_format
from django.utils.translation import pgettext

from xietong.finance import classification, explain
from xietong.finance.models import Criterion

register = template.Library()


@register.filter
def money(value):
    """Two decimals and three-digit groups; blank amounts show as a dash."""
    try:
        return explain.yuan(value)
    except (ArithmeticError, ValueError, TypeError):
        return value


@register.filter(name="explain")
def explain_lines(record):
    """The sentences of an explanation record, in the active language."""
    return explain.lines(record)


@register.filter
def function_label(code):
    """A functional classification code with its name: ``2050202 Primary education``."""
    return classification.label(code or "")


@register.filter
def rule_text(mix):
    """A round's rule in words: ``Students 40% / Population 30% / GDP 30%``."""
    if not mix:
        return ""
    parts = []
    order = {c: i for i, c in enumerate(Criterion.values)}  # jsonb keeps no order of keys
    for code, share in sorted(mix.items(), key=lambda kv: order.get(kv[0], len(order))):
        name = Criterion(code).label if code in Criterion.values else code
        parts.append(
            pgettext("criterion and its share", "%(c)s %(s)s%%")
            % {"c": name, "s": number_format(Decimal(str(share)).normalize(), ".")}
        )
    return " / ".join(parts)


@register.filter
def stage_label(code):
    """An agreement's stage in the reader's language (``explain.stage_label``)."""
    return explain.stage_label(code)
