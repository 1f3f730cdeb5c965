"""Words for the audit trail's codes: entries store codes (action, roles, `app.model`), pages and
exports show these labels, and the auditor's filters offer them as choices.

The actions of the apps above accounts are named here too (they are just words), except the
ticket transitions, which issues registers from its transition table (issues/apps.py) so a new
transition cannot go unlabelled. tests/test_audit_labels.py fails on an action written anywhere
without a label here.
"""

from __future__ import annotations

from django.apps import apps
from django.utils.translation import gettext_lazy as _

from accounts.pinyin import sort_key
from accounts.roles import Role

ACTIONS: dict[str, str] = {
    # Signing in and out, the second factor, the lock (accounts.signals, accounts.lockout).
    "login": _("登录"),
    "logout": _("退出"),
    "login_failed": _("登录失败"),
    "login_locked": _("登录被锁定时尝试"),
    "account_locked": _("账号锁定"),
    "ip_locked": _("IP 地址锁定"),
    "otp_enrolled": _("绑定动态口令"),
    "otp_verified": _("动态口令验证"),
    "otp_failed": _("动态口令错误"),
    "otp_reset": _("重置动态口令"),
    "password_changed": _("修改密码"),
    "access_denied": _("越权访问被拒绝"),
    "role_change": _("角色调整"),
    # Administration, exports and personal data.
    "admin_add": _("后台新增"),
    "admin_change": _("后台修改"),
    "admin_delete": _("后台删除"),
    "export": _("导出"),
    "audit_export": _("导出审计记录"),
    "pii_view": _("查看个人信息"),
    # Imports.
    "import": _("导入"),
    "import_columns_mapped": _("导入列对应"),
    "roster_import_confirm": _("确认导入企业名录"),
    "roster_import_cancel": _("取消导入企业名录"),
    "unit_import_confirm": _("确认导入组织单位"),
    "unit_import_cancel": _("取消导入组织单位"),
    "cadre_import_confirm": _("确认导入干部名册"),
    "cadre_import_cancel": _("取消导入干部名册"),
    "pairing_import_confirm": _("确认导入结对"),
    "pairing_import_cancel": _("取消导入结对"),
    # Enterprises, cadres, campaigns, pairings (enterprises, pairing).
    "enterprise_update": _("更新企业信息"),
    "cadre_create": _("新增干部"),
    "cadre_update": _("更新干部信息"),
    "cadre_transfer": _("干部调动"),
    "cadre_hand_over": _("干部工作交接"),
    "campaign_save": _("保存行动"),
    "campaign_caps_save": _("保存包联上限"),
    "pairing_create": _("建立结对"),
    "pairing_end": _("结束结对"),
    "help_plan_create": _("制定帮扶方案"),
    "help_plan_update": _("修改帮扶方案"),
    "visit_create": _("填报走访"),
    # Tickets, meetings, the calendar, notices (issues, reports); transitions: issues/apps.py.
    "ticket_create": _("登记难题"),
    "ticket_group": _("合并共性问题"),
    "meeting_schedule": _("安排会议"),
    "meeting_record": _("记录会议决定"),
    "calendar_change": _("调整工作日历"),
    "holiday_schedule_entered": _("录入放假安排"),
    "notice_generate": _("生成通报"),
    "model_case": _("列为典型案例"),
    "model_case_removed": _("取消典型案例"),
    # The API and its clients (pairing.api, accounts.api_clients, issues.webhooks).
    "api_get": _("接口读取"),
    "api_post": _("接口提交"),
    "api_auth_failed": _("接口令牌被拒绝"),
    "api_client_create": _("新增接口客户端"),
    "api_client_revoke": _("吊销接口客户端"),
    "webhook_replay": _("重发事件推送"),
    # The firm portal (issues.portal_otp).
    "portal_code_sent": _("发送企业验证码"),
    "portal_code_refused": _("拒绝发送企业验证码"),
    "portal_code_failed": _("企业验证码错误"),
    "portal_login": _("企业登录"),
}


def register(labels: dict[str, str]) -> None:
    """Add the labels of actions an app above accounts names from its own tables."""
    ACTIONS.update(labels)


def action_label(code: str) -> str:
    """The action's words; an action this release does not know shows as 其他操作 with its code."""
    label = ACTIONS.get(code)
    return str(label) if label else _("其他操作（%(code)s）") % {"code": code}


def roles_label(codes: str) -> str:
    """'auditor,cadre' → '审计管理员、联系干部'."""
    labels = dict(Role.choices)
    return "、".join(str(labels.get(code, code)) for code in codes.split(",") if code)


def object_type_label(label_lower: str) -> str:
    """'accounts.user' → '用户' (the model's verbose name); a model since removed shows its code."""
    if not label_lower:
        return ""
    try:
        return str(apps.get_model(label_lower)._meta.verbose_name)
    except (LookupError, ValueError):
        return label_lower


def action_choices() -> list[tuple[str, str]]:
    return [(code, str(label)) for code, label in ACTIONS.items()]


PROJECT_APPS = ("accounts", "enterprises", "pairing", "issues", "reports")


def object_type_choices() -> list[tuple[str, str]]:
    """Every named model of the project's apps, by its verbose name (the app's added where two
    share one), in pinyin order."""
    models = [
        m
        for name in PROJECT_APPS
        for m in apps.get_app_config(name).get_models()
        if "verbose_name" in m._meta.original_attrs  # named for readers: not an internal table
    ]
    names = [str(m._meta.verbose_name) for m in models]
    choices = [
        (
            m._meta.label_lower,
            name
            if names.count(name) == 1
            else f"{name}（{apps.get_app_config(m._meta.app_label).verbose_name}）",
        )
        for m, name in zip(models, names, strict=True)
    ]
    return sorted(choices, key=lambda choice: sort_key(choice[1]))
