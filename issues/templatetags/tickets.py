"""The label of a timeline event's action, in the reader's language (events store codes)."""

from django import template
from django.utils.translation import gettext_lazy

from issues.minutes_docx import ordinal
from issues.workflow import TRANSITIONS

register = template.Library()
OTHER_EVENTS = {
    "raise": gettext_lazy("登记"),
    "deadline_recomputed": gettext_lazy("工作日历调整，期限重算"),
    "grouped": gettext_lazy("合并为共性问题"),
    "resolved_with_lead": gettext_lazy("随共性问题统一办结"),
}
FALLBACK = gettext_lazy("办理")  # an action this release does not know: never its raw code


@register.filter
def event_label(event) -> str:
    transition = TRANSITIONS.get(event.action)
    return transition.label if transition else OTHER_EVENTS.get(event.action, FALLBACK)


@register.filter
def cn_ordinal(n: int) -> str:
    return ordinal(n)
