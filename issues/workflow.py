"""The ticket workflow (DESIGN.md): one table of transitions and one service that applies them.

`act()` is the only code that changes a ticket's status. It checks the action against the table
(from which statuses, by whom), the actor's scope, and the version the actor read; locks the row;
applies the action; writes the TicketEvent, the audit entry and the notifications, all in one
transaction. Two people acting at once: the second is told the ticket changed.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts import audit
from accounts.models import PATH_SEPARATOR, OrgUnit, User
from accounts.roles import Role
from enterprises.firm_accounts import firm_enterprise_id
from issues import co_tasks, extensions, grouping, notify, numbering, workdays
from issues.models import (
    Level,
    Outcome,
    RatedBy,
    Rating,
    Status,
    Ticket,
    TicketEvent,
    TicketTask,
    Urging,
)

S = Status
OPEN = (S.REGISTERED, S.ASSIGNED, S.ACCEPTED)
# Working days a unit has by default, by urgency (the organiser may set another).
DEFAULT_DAYS = {"normal": 10, "urgent": 5, "critical": 2}
REOPEN_DAYS = 5  # an unsatisfied firm's ticket goes back to the unit with this much time
DISPUTE_DAYS = 1  # a unit disputes (异议) an assignment within this many working days
TOP_LEVEL = Level.PROVINCE


class Refused(ValidationError):
    """The action is not allowed: wrong status, wrong person, or out of turn."""


class Conflict(ValidationError):
    """Someone changed the ticket since the actor read it."""


# The kinds of unit a ticket can be given to (承办单位).
HANDLING_KINDS = (
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.COUNTY,
    OrgUnit.Kind.TOWN,
    OrgUnit.Kind.STREET,
    OrgUnit.Kind.ZONE,
)


def handling_units(user):
    """The units an organiser may give a ticket to: the handling units of their own area, and
    the bureaus (departments, zones) of the areas above it; never a unit of another area."""
    area = user.jurisdiction_unit if Role.ORGANISER in user.roles else None
    return handling_units_of(area)


def handling_units_of(area: OrgUnit | None):
    """The handling units of `area` and the bureaus of the areas above it (none without one)."""
    units = OrgUnit.objects.filter(kind__in=HANDLING_KINDS).order_by("path")
    if area is None:
        return units.none()
    codes = area.path.strip(PATH_SEPARATOR).split(PATH_SEPARATOR)
    above = [
        PATH_SEPARATOR + PATH_SEPARATOR.join(codes[:n]) + PATH_SEPARATOR
        for n in range(1, len(codes))
    ]
    bureaus = Q(parent__path__in=above, kind__in=[OrgUnit.Kind.DEPARTMENT, OrgUnit.Kind.ZONE])
    return units.filter(Q(path__startswith=area.path) | bureaus)


# Who may act: the area's organiser or leader, the owner unit's handler, or the cadre who
# raised it.
ORGANISER, LEADER, OWNER, CO_UNIT, RAISER = "organiser", "leader", "owner", "co_unit", "raiser"
# The firm itself, signed in to the portal (its FirmAccount's user).
FIRM = "firm"


def actor_kinds(user, ticket: Ticket) -> set[str]:
    kinds = set()
    roles = user.roles
    if not roles:  # only a firm's own account acts without a role, and only as that firm
        firm = firm_enterprise_id(user)
        return {FIRM} if firm and firm == ticket.enterprise_id else set()
    governs = (
        user.jurisdiction_unit_id
        and {Role.ORGANISER, Role.LEADER} & roles
        and ticket.enterprise.town.path.startswith(user.jurisdiction_unit.path)
    )
    if governs and Role.ORGANISER in roles:
        kinds.add(ORGANISER)
    if governs and Role.LEADER in roles:
        kinds.add(LEADER)
    if Role.HANDLER in roles and user.home_unit_id and user.home_unit_id == ticket.owner_unit_id:
        kinds.add(OWNER)
    if ticket.raised_by_id == user.pk:
        kinds.add(RAISER)
    if Role.HANDLER in roles and user.home_unit_id and OWNER not in kinds:
        open_task = ticket.tasks.filter(unit_id=user.home_unit_id, answered_at__isnull=True)
        if open_task.exists():
            kinds.add(CO_UNIT)
    return kinds


@dataclass(frozen=True)
class Transition:
    action: str
    label: str
    sources: tuple[str, ...]
    actors: frozenset[str]
    apply: Callable  # (ticket, actor, data, today) -> target status; may raise ValidationError
    # (ticket, today) -> why the action is out of turn now, or None; a button is offered only
    # when this says nothing (an extension to decide needs one asked for, say).
    guard: Callable | None = None
    # False: taken only by another form (the visit's 现场解决), never offered as a button.
    offered: bool = True


def _require(data: dict, *names: str) -> None:
    missing = [n for n in names if not data.get(n)]
    if missing:
        raise ValidationError(_("请填写：%(fields)s") % {"fields": "、".join(missing)})


def _assign(ticket, user, data, today):
    _require(data, "owner_unit")
    units = [data["owner_unit"], *data.get("co_units", [])]
    if handling_units(user).filter(pk__in=[u.pk for u in units]).count() != len(set(units)):
        raise ValidationError(_("只能交办给本辖区的单位或上级部门。"))
    days = data.get("due_days") or DEFAULT_DAYS.get(data.get("urgency") or ticket.urgency, 10)
    if ticket.owner_unit_id != data["owner_unit"].pk:
        ticket.assignee = None  # the new unit names its own
    ticket.owner_unit = data["owner_unit"]
    ticket.category = data.get("category") or ticket.category
    ticket.urgency = data.get("urgency") or ticket.urgency
    if data.get("due_date"):  # a meeting's decision may set the date itself
        if data["due_date"] <= today:
            raise ValidationError(_("办结期限须晚于今天。"))
        ticket.due_days, ticket.due_date = None, data["due_date"]
    else:
        ticket.due_days = int(days)
        ticket.due_date = workdays.add_working_days(today, ticket.due_days)
    ticket.assigned_at = timezone.now()
    ticket.assignment_year = today.year
    ticket.assignment_seq = numbering.next_assignment_no(user.jurisdiction_unit, today.year)
    ticket.assign_count += 1
    ticket.extension_until, ticket.extension_reason = None, ""
    ticket.escalation_reason = ""  # a request of the unit it had before (returned, disputed)
    if "co_units" in data:
        ticket._co_units = [u for u in data["co_units"] if u.pk != ticket.owner_unit_id]
    grouping.leave_group(ticket, user)  # assigned on its own: out of its common problem's group
    return S.ASSIGNED


def _hand_back(ticket, user, data, today):
    """退回 / 异议: back to the organiser's queue, the reason on the record."""
    _require(data, "note")
    ticket.owner_unit, ticket.due_date, ticket.assignee = None, None, None
    return S.REGISTERED


def _dispute_late(ticket, today):
    assigned = timezone.localdate(ticket.assigned_at) if ticket.assigned_at else today
    if workdays.working_days_between(assigned, today) > DISPUTE_DAYS:
        return _("异议须在交办后 %(n)s 个工作日内提出。") % {"n": DISPUTE_DAYS}
    return None


def unit_handlers(unit_id: int | None):
    """The active handlers of a unit: who may be named responsible (责任人) for its tickets."""
    return User.objects.filter(
        home_unit_id=unit_id, groups__name=Role.HANDLER, is_active=True
    ).order_by("display_name", "pk")


def _responsible(ticket, data, default):
    """The person named in `data` if a handler of the ticket's unit, else the default."""
    person = data.get("assignee") or default
    if person is not None and not unit_handlers(ticket.owner_unit_id).filter(pk=person.pk).exists():
        raise ValidationError(_("责任人须是主办单位的承办人员。"))
    return person


def _accept(ticket, user, data, today):
    """签收: the unit's handler who accepts is responsible (责任人), unless they name another."""
    ticket.assignee = _responsible(ticket, data, user)
    return S.ACCEPTED


def _name_responsible(ticket, user, data, today):
    _require(data, "assignee")
    ticket.assignee = _responsible(ticket, data, None)
    return ticket.status


def _note(ticket, user, data, today):
    _require(data, "note")
    return ticket.status


def _extension_unwanted(ticket, today):
    if ticket.extension_until:
        return _("已有一项延期申请待审批。")
    if ticket.due_date and today > ticket.due_date:
        return _("延期须在办理期限之前申请。")
    return None


def _no_extension_asked(ticket, today):
    return None if ticket.extension_until else _("没有待审批的延期申请。")


def _escalation_asked(ticket, today):
    return _("已申请提级，等待组织部门处理。") if ticket.escalation_reason else None


def _at_top(ticket, today):
    return _("已是最高办理层级。") if ticket.level >= TOP_LEVEL else None


def _not_fresh(ticket, today):
    """现场解决 is the first rung: a problem never assigned, still at 本级."""
    if ticket.assign_count or ticket.level != Level.LOCAL:
        return _("只有尚未交办的本级难题可以记为现场解决。")
    return None


def _request_extension(ticket, user, data, today):
    _require(data, "until", "note")
    if ticket.due_date and data["until"] <= ticket.due_date:
        raise ValidationError(_("申请的期限须晚于现在的期限。"))
    extensions.check_request(ticket, data["until"])  # twice at most, the original limit in all
    ticket.extension_until, ticket.extension_reason = data["until"], data["note"][:500]
    return ticket.status


def _decide_extension(ticket, data, *, approve: bool):
    if approve:
        ticket.due_date, ticket.due_days = ticket.extension_until, None
    elif not data.get("note"):
        raise ValidationError(_("请填写不同意的理由。"))
    ticket.extension_until, ticket.extension_reason = None, ""
    return ticket.status


# Two functions rather than a closure made at import: mutmut switches a mutant on per call, so
# the rule must run as a module function each time (a closure built at import never would).
def _approve_extension(ticket, user, data, today):
    return _decide_extension(ticket, data, approve=True)


def _refuse_extension(ticket, user, data, today):
    return _decide_extension(ticket, data, approve=False)


def _ask_escalation(ticket, user, data, today):
    _require(data, "note")
    ticket.escalation_reason = data["note"][:500]
    return ticket.status


def _escalate(ticket, user, data, today):
    _require(data, "note")
    ticket.level += 1
    ticket.escalation_reason = ""
    ticket.owner_unit, ticket.due_date, ticket.assignee = None, None, None
    return S.REGISTERED


def _co_answer(ticket, user, data, today):
    _require(data, "note")
    ticket.tasks.filter(unit_id=user.home_unit_id, answered_at__isnull=True).update(
        answer=data["note"], answered_at=timezone.now(), answered_by=user
    )
    return ticket.status


def _resolve(ticket, user, data, today):
    _require(data, "outcome", "reply")
    waiting = ticket.tasks.filter(answered_at__isnull=True).select_related("unit")
    if waiting:
        raise Refused(
            _("协办单位尚未答复：%(units)s") % {"units": "、".join(str(t.unit) for t in waiting)}
        )
    if data["outcome"] not in Outcome.values:
        raise ValidationError(_("办理结果无效。"))
    now = timezone.now()
    ticket.outcome, ticket.reply = data["outcome"], data["reply"]
    ticket.replied_at = ticket.resolved_at = now
    ticket.escalation_reason = ""
    ticket.extension_until, ticket.extension_reason = None, ""
    return S.RESOLVED


def _solve_on_spot(ticket, user, data, today):
    """A cadre's 现场解决 on the visit: resolved at 本级 there and then, answered to the firm."""
    _require(data, "reply", "solved_by")
    now = timezone.now()
    ticket.outcome, ticket.reply = Outcome.SOLVED, data["reply"]
    ticket.solved_on_spot_by = data["solved_by"][:100]
    ticket.replied_at = ticket.resolved_at = now
    return S.RESOLVED


def _urge(ticket, user, data, today):
    """催办: counted on the ticket and, for the dashboard, against the unit that has it."""
    _require(data, "note")
    ticket.urge_count += 1
    Urging.objects.create(ticket=ticket, unit_id=ticket.owner_unit_id, by=user, note=data["note"])
    return ticket.status


def _ask_firm(ticket, user, data, today):
    """询问企业: the unit needs something from the firm; the firm answers in the portal."""
    _require(data, "note")
    ticket.firm_question = data["note"][:1000]
    return ticket.status


def _no_question_open(ticket, today):
    return None if ticket.firm_question else _("没有待企业答复的问题。")


def _question_open(ticket, today):
    return _("已有一个问题等待企业答复。") if ticket.firm_question else None


def _firm_answer(ticket, user, data, today):
    _require(data, "note")
    ticket.firm_question = ""
    return ticket.status


def _rate(ticket, user, data, today):
    _require(data, "rating")
    if data["rating"] not in Rating.values:
        raise ValidationError(_("评价无效。"))
    if data["rating"] == Rating.UNSATISFIED and not data.get("note"):
        raise ValidationError(_("不满意时请写明理由。"))
    ticket.rating, ticket.rating_comment = data["rating"], data.get("note", "")
    # The firm's own rating, or a cadre's recorded for the firm: the figures count them apart.
    ticket.rated_by = RatedBy.FIRM if FIRM in actor_kinds(user, ticket) else RatedBy.ON_BEHALF
    ticket.firm_question = ""
    if data["rating"] != Rating.UNSATISFIED:
        return S.CLOSED
    # 不满意 reopens: back to the same unit, with a fresh deadline; the answer no longer counts.
    if not ticket.owner_unit_id and ticket.common_with_id:  # answered with its common problem:
        ticket.owner_unit_id = ticket.common_with.owner_unit_id  # the unit that gave the answer
        ticket.assignee_id = ticket.common_with.assignee_id
    ticket.outcome, ticket.resolved_at = "", None
    if not ticket.owner_unit_id:  # no unit to go back to: the organiser's queue, on its own
        ticket.common_with, ticket.due_date, ticket.due_days = None, None, None
        return S.REGISTERED
    ticket.due_days = REOPEN_DAYS
    ticket.due_date = workdays.add_working_days(today, REOPEN_DAYS)
    ticket.assigned_at = timezone.now()
    return S.ASSIGNED


# Not mutated: it runs only at import, building TRANSITIONS before mutmut switches a mutant on,
# so its mutants could never be caught; the table itself is pinned by tests/test_workflow_rules.py.
# pragma: no mutate start
def _t(action, label, sources, actors, apply, guard=None, offered=True) -> Transition:
    return Transition(action, label, tuple(sources), frozenset(actors), apply, guard, offered)


# pragma: no mutate end


TRANSITIONS = {
    t.action: t
    for t in [
        _t("assign", gettext_lazy("交办"), [S.REGISTERED], [ORGANISER], _assign),
        _t("return", gettext_lazy("退回"), [S.ASSIGNED], [OWNER], _hand_back),
        _t(
            "dispute",
            gettext_lazy("提出异议"),
            [S.ASSIGNED],
            [OWNER],
            _hand_back,
            guard=_dispute_late,
        ),
        _t("accept", gettext_lazy("签收"), [S.ASSIGNED], [OWNER], _accept),
        _t(
            "name_responsible",
            gettext_lazy("指定责任人"),
            [S.ACCEPTED],
            [OWNER],
            _name_responsible,
        ),
        _t("progress", gettext_lazy("办理进展"), [S.ACCEPTED], [OWNER], _note),
        _t(
            "request_extension",
            gettext_lazy("申请延期"),
            [S.ASSIGNED, S.ACCEPTED],
            [OWNER],
            _request_extension,
            guard=_extension_unwanted,
        ),
        _t(
            "approve_extension",
            gettext_lazy("同意延期"),
            [S.ASSIGNED, S.ACCEPTED],
            [ORGANISER],
            _approve_extension,
            guard=_no_extension_asked,
        ),
        _t(
            "refuse_extension",
            gettext_lazy("不同意延期"),
            [S.ASSIGNED, S.ACCEPTED],
            [ORGANISER],
            _refuse_extension,
            guard=_no_extension_asked,
        ),
        _t(
            "ask_escalation",
            gettext_lazy("申请提级"),
            [S.ASSIGNED, S.ACCEPTED],
            [OWNER],
            _ask_escalation,
            guard=_escalation_asked,
        ),
        _t("escalate", gettext_lazy("提级"), OPEN, [ORGANISER], _escalate, guard=_at_top),
        _t("urge", gettext_lazy("催办"), [S.ASSIGNED, S.ACCEPTED], [ORGANISER, LEADER], _urge),
        _t("co_answer", gettext_lazy("协办答复"), [S.ASSIGNED, S.ACCEPTED], [CO_UNIT], _co_answer),
        _t("resolve", gettext_lazy("办结"), [S.ACCEPTED], [OWNER], _resolve),
        _t(
            "solve_on_spot",
            gettext_lazy("现场解决"),
            [S.REGISTERED],
            [RAISER],
            _solve_on_spot,
            guard=_not_fresh,
            offered=False,
        ),
        _t(
            "ask_firm",
            gettext_lazy("询问企业"),
            [S.ASSIGNED, S.ACCEPTED],
            [OWNER],
            _ask_firm,
            guard=_question_open,
        ),
        _t(
            "firm_answer",
            gettext_lazy("企业答复"),
            [S.ASSIGNED, S.ACCEPTED],
            [FIRM],
            _firm_answer,
            guard=_no_question_open,
        ),
        _t("rate", gettext_lazy("记录企业评价"), [S.RESOLVED], [RAISER, ORGANISER, FIRM], _rate),
    ]
}


# The step a ticket waits for, where a viewer has it: the page makes it the primary button and
# the rest secondary (a handler's 签收 before 退回, 提出异议, 申请延期, 申请提级).
EXPECTED = ("assign", "accept", "co_answer", "approve_extension", "resolve", "rate")


def expected(actions: list[str]) -> str | None:
    """Of the viewer's actions, the one the ticket waits for, if any."""
    return next((action for action in EXPECTED if action in actions), None)


def available(user, ticket: Ticket, today: datetime.date | None = None) -> list[Transition]:
    """The buttons this user has on the ticket now (for the page; act() checks again)."""
    today = today or timezone.localdate()
    kinds = actor_kinds(user, ticket)
    return [
        t
        for t in TRANSITIONS.values()
        if t.offered
        and ticket.status in t.sources
        and kinds & t.actors
        and not (t.guard and t.guard(ticket, today))
    ]


def refusal(
    user, ticket: Ticket, transition: Transition, today: datetime.date | None = None
) -> str | None:
    """Why the user may not take this action on the ticket now (its status, who they are, or
    the action being out of turn)."""
    if ticket.status not in transition.sources:
        return _("难题当前为“%(status)s”，不能%(action)s。") % {
            "status": ticket.get_status_display(),
            "action": transition.label,
        }
    if not actor_kinds(user, ticket) & transition.actors:
        return _("您无权对这条难题%(action)s。") % {"action": transition.label}
    if transition.guard:
        return transition.guard(ticket, today or timezone.localdate())
    return None


def act(
    user,
    ticket_id: int,
    action: str,
    *,
    version: int,
    data: dict | None = None,
    request=None,
    today: datetime.date | None = None,
) -> Ticket:
    # A with block rather than the decorator: mutmut leaves decorated functions unmutated.
    with transaction.atomic():
        data = data or {}
        today = today or timezone.localdate()
        transition = TRANSITIONS.get(action)
        if transition is None:
            raise Refused(_("未知的操作。"))
        ticket = (
            Ticket.objects.visible_to(user)
            .select_for_update(of=("self",))
            .select_related("enterprise__town")
            .filter(pk=ticket_id)
            .first()
        )
        if ticket is None:
            raise Refused(_("找不到这条难题，或您无权办理。"))
        if ticket.version != version:
            raise Conflict(_("这条难题刚被他人更新，请查看最新情况后再操作。"))
        refused = refusal(user, ticket, transition, today)
        if refused:
            raise Refused(refused)
        before = ticket.status
        target = transition.apply(ticket, user, data, today)
        ticket.status = target
        ticket.version += 1
        ticket.save()
        if hasattr(ticket, "_co_units"):
            _set_co_units(ticket, ticket._co_units)
        if action == "assign":  # assigned again: the co-units still at work share the new deadline
            ticket.tasks.filter(answered_at__isnull=True).update(due_date=ticket.due_date)
        event = TicketEvent.objects.create(
            ticket=ticket,
            actor=user,
            action=action,
            from_status=before,
            to_status=target if target != before else "",
            note=data.get("note", "") or data.get("reply", ""),
            data=_event_data(ticket, action, data.get("meeting")),
        )
        audit.record(
            f"ticket_{action}",
            user=user,
            request=request,
            obj=ticket,
            changes={"from": before, "to": target, "event": event.pk},
        )
        notify.ticket_event(event)
        if action == "resolve":
            grouping.answer_members(ticket, user)
        if action in co_tasks.WITHDRAWING_ACTIONS:
            co_tasks.withdraw_open_tasks(ticket, user)
        return ticket


def _set_co_units(ticket: Ticket, units) -> None:
    """Co-units and their tasks follow the assignment: each new co-unit gets a task with the
    ticket's deadline; a unit no longer co-assigned loses its unanswered task."""
    ticket.co_units.set(units)
    ticket.tasks.exclude(unit__in=units).filter(answered_at__isnull=True).delete()
    have = set(ticket.tasks.values_list("unit_id", flat=True))
    TicketTask.objects.bulk_create(
        [
            TicketTask(ticket=ticket, unit=u, due_date=ticket.due_date)
            for u in units
            if u.pk not in have
        ]
    )


def _event_data(ticket: Ticket, action: str, meeting: int | None = None) -> dict:
    """What the timeline shows beside the note: codes and dates, never translated labels."""
    data = {"level": ticket.level}
    if ticket.owner_unit_id:
        data["owner_unit"] = ticket.owner_unit_id
    if ticket.due_date:
        data["due_date"] = ticket.due_date.isoformat()
    if action == "assign":
        data["number"] = [ticket.assignment_year, ticket.assignment_seq]
        if ticket.due_days:
            data["due_days"] = ticket.due_days
    if meeting:
        data["meeting"] = meeting
    if action == "solve_on_spot":
        data["solved_by"] = ticket.solved_on_spot_by
    if action == "urge":
        data["urge_count"] = ticket.urge_count
    if ticket.assignee_id and action in ("accept", "name_responsible"):
        data["assignee"] = ticket.assignee_id
    if action in ("resolve", "rate") and ticket.outcome:
        data["outcome"] = ticket.outcome
    if action == "rate":
        data["rating"] = ticket.rating
        data["rated_by"] = ticket.rated_by
    if action == "request_extension" and ticket.extension_until:
        data["until"] = ticket.extension_until.isoformat()
    return data
