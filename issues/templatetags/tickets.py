"""The label of a timeline event's action, in the reader's language (events store codes)."""

from django import template
from django.utils.translation import gettext_lazy

from issues.workflow import TRANSITIONS

register = template.Library()
OTHER_EVENTS = {
    "raise": gettext_lazy("登记"),
    "deadline_recomputed": gettext_lazy("工作日历调整，期限重算"),
    "grouped": gettext_lazy("合并为共性问题"),
    "resolved_with_lead": gettext_lazy("随共性问题统一办结"),
    "model_case": gettext_lazy("列为典型案例"),  # reports.cases
    "model_case_removed": gettext_lazy("取消典型案例"),
}


@register.filter
def event_label(event) -> str:
    transition = TRANSITIONS.get(event.action)
    return transition.label if transition else OTHER_EVENTS.get(event.action, event.action)
