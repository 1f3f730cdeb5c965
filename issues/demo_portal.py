"""The firm portal in the demo: a few of demo_cadre's firms sign in and raise problems of their
own, through the same services as the portal's pages, and the offices answer them through the
workflow: one waits in the sorting queue, one has a question for the firm, one awaits the firm's
rating, one the firm has rated itself. `manage.py demo_logins` prints how to sign in as them."""

from __future__ import annotations

import re

from django.conf import settings

from accounts.masking import mask_phone
from accounts.models import User
from enterprises.firm_accounts import account_for
from enterprises.models import Enterprise, FirmAccount
from issues import notify, portal_otp, portal_services, workflow
from issues.models import Category, Ticket

CADRE = "demo_cadre"
PROBLEMS = [
    (Category.HIRING, "春节后一线普工缺口约40人", "订单排到明年二月，熟练工返岗率不足六成。"),
    (Category.LAND, "二期厂房用地指标何时能落实", "二期项目已立项，用地预审迟迟未批。"),
    (Category.POLICY, "技改补助申报材料咨询", "去年的设备投入能否申报今年的技改补助？"),
    (Category.FINANCING, "流动资金贷款续贷需要过桥", "一笔500万元贷款下月到期，希望对接续贷。"),
]


def _firms() -> list[Enterprise]:
    user = User.objects.get(username=CADRE)
    firms = list(
        Enterprise.objects.filter(pairings__cadre__user=user, pairings__end__isnull=True)
        .distinct()
        .order_by("pk")[:3]
    )
    for n, firm in enumerate(firms):
        if not portal_otp.phones_on_file(firm):  # a landline on file: give it a mobile
            firm.contact_phone = f"1380000{n:04d}"
            firm.save(update_fields=["contact_phone"])
    return firms


def _handled(ticket: Ticket, *, until: str) -> tuple[User | None, User | None]:
    """Assign (by the area's organiser), accept (by a handler of the unit), then `until`."""
    organiser = handler = None
    # The nearest office first (the deepest jurisdiction) with a unit that has a handler.
    offices = sorted(notify.area_organisers(ticket), key=lambda u: -u.jurisdiction_unit.depth)
    for organiser in offices:
        units = workflow.handling_units(organiser)
        handler = (
            User.objects.filter(home_unit__in=units, groups__name="handler", is_active=True)
            .order_by("pk")
            .first()
        )
        if handler is not None:
            break
    if handler is None:  # a demo without handlers: the problem waits in the queue
        return None, None
    ticket = workflow.act(
        organiser,
        ticket.pk,
        "assign",
        version=ticket.version,
        data={"owner_unit": handler.home_unit},
    )
    ticket = workflow.act(handler, ticket.pk, "accept", version=ticket.version)
    if until == "ask_firm":
        workflow.act(
            handler,
            ticket.pk,
            "ask_firm",
            version=ticket.version,
            data={"note": "请补充二期项目的立项批复和用地红线图。"},
        )
    else:
        workflow.act(
            handler,
            ticket.pk,
            "resolve",
            version=ticket.version,
            data={"outcome": "solved", "reply": "已对接相关部门，具体安排已电话告知企业联系人。"},
        )
    return organiser, handler


def build_portal_examples() -> list[Ticket]:
    firms = _firms()
    if not firms:
        return []
    pick = [firms[n % len(firms)] for n in range(len(PROBLEMS))]
    tickets = []
    for firm, (category, title, text) in zip(pick, PROBLEMS, strict=True):
        account = account_for(firm)
        tickets.append(
            portal_services.raise_problem(account, category=category, title=title, description=text)
        )
    _handled(tickets[1], until="ask_firm")
    _handled(tickets[2], until="resolve")  # awaits the firm's rating
    if _handled(tickets[3], until="resolve")[1] is None:
        return tickets
    firm_user = account_for(pick[3]).user
    workflow.act(
        firm_user,
        tickets[3].pk,
        "rate",
        version=Ticket.objects.get(pk=tickets[3].pk).version,
        data={"rating": "satisfied", "note": "对接及时，续贷已办好。"},
    )
    return tickets


def login_lines() -> list[str]:
    """How to sign in to the portal as the demo's firms (for demo_logins)."""
    accounts = FirmAccount.objects.select_related("enterprise").order_by("pk")[:3]
    if not accounts:
        return []
    where = settings.SMS_FILE_PATH or "the log (SMS_FILE_PATH is empty)"
    lines = [
        "企业服务入口 http://127.0.0.1:8000/firm/login/ ：输入统一社会信用代码，"
        "短信验证码写入 " + where + "（例如 tail -f " + where + "）",
    ]
    for account in accounts:
        firm = account.enterprise
        phone = mask_phone(re.sub(r"\D", "", firm.contact_phone))
        lines.append(f"  {firm.uscc}  {firm.name}（联系人手机 {phone}）")
    return lines
