"""Each role's navigation menu, the one place it is defined (templates/base.html draws it).

Items are URL names (the pages live in the apps above accounts; naming them needs no import).
A user with several roles gets their menus one after another, each page once. The item whose URL
is the longest prefix of the current path is the one marked current (aria-current), so a firm's
page marks 企业档案 and the roster's import marks 导入企业名册.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.roles import HOME_ORDER, Role

MENUS: dict[Role, list[tuple[str, str]]] = {
    Role.CADRE: [
        ("cadre_home", _("我的结对")),
        ("help_plan_list", _("一企一策")),
        ("enterprise_list", _("企业档案")),
    ],
    Role.HANDLER: [
        ("handler_home", _("待办难题")),
        ("enterprise_list", _("企业档案")),
    ],
    Role.ORGANISER: [
        ("organiser_home", _("结对工作")),
        ("sorting_queue", _("难题梳理交办")),
        ("meeting_list", _("协调会议")),
        ("cadre_list", _("干部")),
        ("help_plan_list", _("一企一策")),
        ("problem_list", _("问题清单")),
        ("notice_list", _("通报")),
        ("enterprise_list", _("企业档案")),
    ],
    Role.LEADER: [
        ("leader_home", _("领导看板")),
        ("problem_list", _("问题清单")),
        ("help_plan_list", _("一企一策")),
        ("notice_list", _("通报")),
        ("enterprise_list", _("企业档案")),
    ],
    Role.ADMIN: [
        ("admin_home", _("系统管理")),
        ("roster_import", _("导入企业名册")),
        ("calendar_year_list", _("节假日安排")),
        ("enterprise_list", _("企业档案")),
        ("admin:index", _("后台数据")),
    ],
    Role.SECURITY_ADMIN: [
        ("security_users", _("账号与角色")),
        ("audit_list", _("审计记录")),
    ],
    Role.AUDITOR: [
        ("audit_list", _("审计记录")),
    ],
}


@dataclass(frozen=True)
class MenuItem:
    url: str
    label: str
    current: bool = False


def menu_for(user, path: str) -> list[MenuItem]:
    """The user's menu, in HOME_ORDER of their roles, with the item for `path` marked."""
    urls, labels = [], {}
    for role in HOME_ORDER:
        if role not in user.roles:
            continue
        for name, label in MENUS[role]:
            url = reverse(name)
            if url not in labels:
                urls.append(url)
                labels[url] = label
    matching = [url for url in urls if path == url or path.startswith(url)]
    current = max(matching, key=len, default=None)
    return [MenuItem(url, str(labels[url]), url == current) for url in urls]
