"""Lights (亮灯) on open tickets: red when overdue, yellow when due within 2 working days, green
otherwise. One calendar read serves a whole page."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from issues.models import OPEN_STATUSES
from issues.workdays import WorkCalendar

YELLOW_DAYS = 2
WINDOW = datetime.timedelta(days=30)  # wider than any holiday run, so 2 working days fit in it
# What each light means, for its tooltip (the code is only the CSS class).
LABELS = {
    "red": _("红灯：已超期"),
    "yellow": _("黄灯：2 个工作日内到期"),
    "green": _("绿灯：按期办理中"),
}


def calendar_for(today: datetime.date) -> WorkCalendar:
    return WorkCalendar.load(today, today + WINDOW)


def light(ticket, today: datetime.date, calendar: WorkCalendar) -> str:
    if ticket.status not in OPEN_STATUSES:
        return ""
    return due_light(ticket.due_date, today, calendar)


def due_light(due: datetime.date | None, today: datetime.date, calendar: WorkCalendar) -> str:
    """The light of an open piece of work (a ticket, a co-unit's task) due on `due`."""
    if due is None:
        return ""
    if due < today:
        return "red"
    if due <= today + WINDOW and calendar.working_days_between(today, due) <= YELLOW_DAYS:
        return "yellow"
    return "green"


def annotate(tickets, today: datetime.date) -> list:
    """The tickets as a list, each with `.light` set."""
    calendar = calendar_for(today)
    tickets = list(tickets)
    for ticket in tickets:
        ticket.light = light(ticket, today, calendar)
    return tickets
