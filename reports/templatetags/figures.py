"""How figures are shown: a rate as 49.3%, an unknown rate (nothing to divide by) as —."""

from django import template

register = template.Library()


@register.filter
def percent(value, digits: int = 1) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.{int(digits)}f}%"


@register.filter
def change(value, is_rate: bool = True) -> str:
    """A change against the period before: +2.5 pts for a rate, +12 for a count, — if unknown."""
    if value is None:
        return "—"
    if is_rate:
        return f"{value * 100:+.1f}"
    return f"{value:+d}"
