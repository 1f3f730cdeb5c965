"""How figures are shown: a rate as 49.3%, an unknown rate (nothing to divide by) as —."""

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"
