"""What each kind of notification says, in its reader's language.

A notification keeps its kind and the values its words need (`params`); the words are put
together when it is read, so a reader of the English pages reads English. The stored title and
body are the same words in Chinese, written once: they go out by email and SMS, and are shown as
they are for a notification kept before params existed.
"""

from __future__ import annotations

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _

TITLES = {
    "ticket_assign": _("新交办难题：{title}"),
    "ticket_return": _("难题被退回：{title}"),
    "ticket_dispute": _("承办单位提出异议：{title}"),
    "ticket_accept": _("难题已签收：{title}"),
    "ticket_name_responsible": _("您被指定为难题责任人：{title}"),
    "ticket_progress": _("难题有新进展：{title}"),
    "ticket_request_extension": _("申请延期待审批：{title}"),
    "ticket_approve_extension": _("延期申请已同意：{title}"),
    "ticket_refuse_extension": _("延期申请未同意：{title}"),
    "ticket_ask_escalation": _("申请提级：{title}"),
    "ticket_escalate": _("难题已提级：{title}"),
    "ticket_resolve": _("难题已办结，请回访企业：{title}"),
    "ticket_rate": _("企业已评价：{title}"),
    "ticket_firm_raise": _("企业自主提交新难题：{title}"),
    "ticket_firm_answer": _("企业已答复问题：{title}"),
    "firm_question": _("承办单位就“{title}”向贵企业提问，请登录企业服务入口答复。"),
    "ticket_urge": _("催办（第{n}次）：{title}"),
    "ticket_resolved_with_lead": _("共性问题已统一办结，请回访企业：{title}"),
    "ticket_due_soon": _("即将到期：{title}"),
    "ticket_overdue": _("已超期{step}个工作日：{title}"),
    "visit_due": _("请走访{firm}"),
    "notice_weekly": _("{area}周通报（{start}至{end}）"),
    "notice_monthly": _("{area}月通报（{start}至{end}）"),
    "notice_quarterly": _("{area}季度通报（{start}至{end}）"),
    "notice_yearly": _("{area}年度通报（{start}至{end}）"),
}

BODIES = {
    "visit_due_last": _("上次走访：{last}"),
    "visit_due_never": _("尚未走访"),
}

TITLE_LENGTH = 200


def _words(table: dict, key: str | None, params: dict) -> str | None:
    template = table.get(key) if key else None
    if template is None:
        return None
    try:
        return str(template).format(**params)
    except (KeyError, IndexError, ValueError):  # params from an older release: show the stored text
        return None


def title(kind: str, params: dict) -> str | None:
    """The title in the active language, or None for a kind without words here."""
    return _words(TITLES, params.get("text", kind), params)


def body(params: dict) -> str | None:
    return _words(BODIES, params.get("body"), params)


def stored(kind: str, params: dict) -> tuple[str, str]:
    """(title, body) in the default language (Chinese), as kept with the notification."""
    with translation.override(settings.LANGUAGE_CODE):
        return (title(kind, params) or "")[:TITLE_LENGTH], body(params) or ""
