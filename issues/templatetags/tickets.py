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
    "ungrouped": gettext_lazy("单独交办，移出共性问题"),
    "member_left": gettext_lazy("一条并入的难题单独交办，已移出"),
    "co_task_withdrawn": gettext_lazy("协办任务撤回"),
}


@register.filter
def event_label(event) -> str:
    transition = TRANSITIONS.get(event.action)
    return transition.label if transition else OTHER_EVENTS.get(event.action, event.action)
