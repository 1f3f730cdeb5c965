"""The label of a timeline event's action, in the reader's language (events store codes); the
未含节假日 mark after a deadline counted without its year's holidays."""

from django import template
from django.utils.html import format_html
from django.utils.translation import gettext_lazy

from issues import calendar_years, lights
from issues.minutes_docx import ordinal
from issues.workflow import TRANSITIONS

register = template.Library()
OTHER_EVENTS = {
    "raise": gettext_lazy("登记"),
    "firm_raise": gettext_lazy("企业自主提交"),
    "deadline_recomputed": gettext_lazy("工作日历调整，期限重算"),
    "grouped": gettext_lazy("合并为共性问题"),
    "resolved_with_lead": gettext_lazy("随共性问题统一办结"),
    "model_case": gettext_lazy("列为典型案例"),  # reports.cases
    "model_case_removed": gettext_lazy("取消典型案例"),
    "ungrouped": gettext_lazy("单独交办，移出共性问题"),
    "member_left": gettext_lazy("一条并入的难题单独交办，已移出"),
    "co_task_withdrawn": gettext_lazy("协办任务撤回"),
}
FALLBACK = gettext_lazy("办理")  # an action this release does not know: never its raw code


@register.filter
def event_label(event) -> str:
    transition = TRANSITIONS.get(event.action)
    return transition.label if transition else OTHER_EVENTS.get(event.action, FALLBACK)


@register.filter
def light_label(light: str) -> str:
    return lights.LABELS.get(light, "")


@register.filter
def cn_ordinal(n: int) -> str:
    return ordinal(n)


@register.simple_tag(takes_context=True)
def holiday_mark(context, day) -> str:
    """A 未含节假日 badge after `day` when its year's holidays are not entered (one query per
    request, however many deadlines the page shows)."""
    if day is None:
        return ""  # no deadline: nothing to read
    entered = calendar_years.entered_years_for(context.get("request"))
    if not calendar_years.counted_without_holidays(day, entered):
        return ""
    return format_html(
        ' <span class="badge unentered" title="{}">{}</span>',
        calendar_years.UNENTERED_WHY,
        calendar_years.UNENTERED,
    )
