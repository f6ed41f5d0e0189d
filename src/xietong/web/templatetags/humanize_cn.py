from django import template

register = template.Library()


@register.filter
def cn_int(value):
    """Whole number with thousands separators; blank for missing values."""
    if value is None or value == "":
        return "—"
    try:
        return f"{round(float(value)):,}"
    except (TypeError, ValueError):
        return value
