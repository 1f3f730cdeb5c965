"""How far a unit's deadline may still be extended (延期). Decision of issue 21: in all, at most the
original limit's working days, and at most twice, counted from the ticket's last assignment (a
reassignment or a reopening starts afresh); past that the unit asks to escalate instead.

Read from the timeline, which holds each assignment's deadline and each approval."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import workdays
from issues.models import Status, Ticket

MAX_EXTENSIONS = 2


@dataclass(frozen=True)
class Room:
    granted: int  # extensions approved since the last assignment
    limit_days: int  # the working days the last assignment gave
    latest: datetime.date | None  # the furthest deadline extensions may reach

    def exhausted(self, due_date: datetime.date | None) -> bool:
        if self.granted >= MAX_EXTENSIONS:
            return True
        return self.latest is not None and due_date is not None and due_date >= self.latest


def room(ticket: Ticket) -> Room:
    assignments = ticket.events.filter(action="assign") | ticket.events.filter(
        action="rate", to_status=Status.ASSIGNED
    )
    start = assignments.order_by("-at", "-id").first()
    approvals = ticket.events.filter(action="approve_extension")
    if start is not None:
        approvals = approvals.filter(at__gte=start.at).exclude(pk__lt=start.pk)
    first_due = _date(start.data.get("due_date")) if start else None
    assigned_on = timezone.localdate(start.at) if start else None
    if first_due is None or assigned_on is None:  # assigned before the timeline kept deadlines
        first_due = ticket.due_date
        assigned_on = timezone.localdate(ticket.assigned_at) if ticket.assigned_at else None
    if first_due is None or assigned_on is None:
        return Room(approvals.count(), 0, None)
    limit = max(workdays.working_days_between(assigned_on, first_due), 0)
    return Room(approvals.count(), limit, workdays.add_working_days(first_due, limit))


def check_request(ticket: Ticket, until: datetime.date) -> None:
    """Raise ValidationError, saying to escalate, when the request passes what is left."""
    left = room(ticket)
    if left.granted >= MAX_EXTENSIONS:
        raise ValidationError(
            _("已延期 %(n)s 次，不能再延期；如仍需时间，请申请提级。") % {"n": left.granted}
        )
    if left.latest is not None and until > left.latest:
        raise ValidationError(
            _(
                "延期合计不能超过原办理期限（%(days)s 个工作日），最晚至 %(latest)s；"
                "如仍需时间，请申请提级。"
            )
            % {"days": left.limit_days, "latest": left.latest.isoformat()}
        )


def _date(value) -> datetime.date | None:
    try:
        return datetime.date.fromisoformat(value) if value else None
    except ValueError:
        return None
