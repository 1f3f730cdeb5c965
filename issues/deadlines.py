"""When the work calendar changes (an admin enters next year's holidays or edits a day, or the seed
brings the State Council's notice in), open deadlines that counted working days across the changed
dates are counted again, and each move is written on the ticket's timeline. Every writer of the
calendar calls `recompute` (in its transaction) or `recompute_later` (a job after it commits)."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from accounts import audit
from issues.models import OPEN_STATUSES, Ticket, TicketEvent
from issues.workdays import WorkCalendar
from pairing import queue


def recompute(changed: list[datetime.date], *, user=None) -> int:
    """Count again the deadlines of open tickets whose working-day span covers a changed date.
    Returns how many moved."""
    # A with block rather than the decorator: mutmut leaves decorated functions unmutated.
    with transaction.atomic():
        if not changed:
            return 0
        first, last = min(changed), max(changed)
        tickets = list(
            Ticket.objects.select_for_update()
            .filter(
                status__in=OPEN_STATUSES,
                due_days__isnull=False,
                assigned_at__isnull=False,
                assigned_at__date__lte=last,
                due_date__gte=first,
            )
            .only("pk", "due_date", "due_days", "assigned_at", "version")
        )
        if not tickets:
            return 0
        start = min(timezone.localdate(t.assigned_at) for t in tickets)
        end = max(t.due_date for t in tickets) + datetime.timedelta(days=4 * max(len(changed), 10))
        calendar = WorkCalendar.load(start, end)
        moved = []
        for ticket in tickets:
            new = calendar.add_working_days(timezone.localdate(ticket.assigned_at), ticket.due_days)
            if new != ticket.due_date:
                moved.append((ticket, ticket.due_date, new))
        for ticket, _before, after in moved:
            Ticket.objects.filter(pk=ticket.pk).update(due_date=after, version=ticket.version + 1)
        TicketEvent.objects.bulk_create(
            [
                TicketEvent(
                    ticket=ticket,
                    actor=user,
                    action="deadline_recomputed",
                    note="工作日历调整，办理期限重新计算",
                    data={"from": old.isoformat(), "to": new.isoformat()},
                )
                for ticket, old, new in moved
            ]
        )
        audit.record(
            "calendar_change",
            user=user,
            changes={"dates": sorted(d.isoformat() for d in changed), "tickets_moved": len(moved)},
        )
        return len(moved)


def recompute_job(dates: list[str]) -> int:
    return recompute([datetime.date.fromisoformat(d) for d in dates])


def recompute_later(dates: list[datetime.date]) -> None:
    """For an edit of a few days (the Django admin's): recount in a job once the edit commits, so
    the page stays quick."""
    queue.enqueue(recompute_job, sorted({d.isoformat() for d in dates}))
