"""Co-units' tasks (协办) when a ticket leaves its owner unit: escalated (提级) or handed
back (退回, 异议). The open tasks are withdrawn, each on the timeline with who withdrew it and
when; a task already answered keeps its answer. The co-units are cleared, so the next assignment
names its own afresh."""

from __future__ import annotations

from issues.models import Ticket, TicketEvent

# The workflow actions after which the ticket has no unit at work on it.
WITHDRAWING_ACTIONS = frozenset({"escalate", "return", "dispute"})


def withdraw_open_tasks(ticket: Ticket, actor) -> int:
    """Called by the workflow inside the action's transaction."""
    open_tasks = list(ticket.tasks.filter(answered_at__isnull=True).select_related("unit"))
    TicketEvent.objects.bulk_create(
        [
            TicketEvent(
                ticket=ticket,
                actor=actor,
                action="co_task_withdrawn",
                note=task.unit.name,
                data={"unit": task.unit_id},
            )
            for task in open_tasks
        ]
    )
    ticket.tasks.filter(pk__in=[t.pk for t in open_tasks]).delete()
    ticket.co_units.clear()
    return len(open_tasks)
