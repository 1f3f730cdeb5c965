"""Punctuation between values in templates, in the reader's language: Chinese pages keep their
full-width marks (：、（），), English pages get ": ", ", ", " (", ")". Words around the values
belong in {% translate %}; these tags are for the marks that join values alone."""

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

register = template.Library()

MARKS = {
    "colon": _("："),
    "comma": _("，"),
    "open": _("（"),
    "close": _("）"),
    "list": _("、"),
}
LIST_SEPARATOR = MARKS["list"]


@register.simple_tag
def mark(name: str) -> str:
    """{% mark "colon" %}: the mark in the active language."""
    return str(MARKS[name])


@register.filter
def listing(items) -> str:
    """The items joined with the language's list separator (、 or ", "), each escaped."""
    separator = conditional_escape(str(LIST_SEPARATOR))
    return mark_safe(separator.join(conditional_escape(str(item)) for item in items))
