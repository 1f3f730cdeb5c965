"""典型案例: an organiser marks a problem of their area as typical (or no longer typical), with a
word on why; the notices of its period tell its story from the timeline (reports.notice_content)."""

from __future__ import annotations

from django.db import transaction

from accounts import audit
from issues.models import Ticket, TicketEvent

MARKED, UNMARKED = "model_case", "model_case_removed"


@transaction.atomic
def ticket_mark_typical(*, ticket_id: int, actor, typical: bool, note: str = "") -> Ticket:
    """Set or clear the ticket's 典型案例 flag, as one timeline event and one audit entry; the
    ticket is read through the actor's scope (Ticket.DoesNotExist outside it)."""
    ticket = Ticket.objects.visible_to(actor).select_for_update().get(pk=ticket_id)
    if ticket.is_model_case == typical:
        return ticket
    ticket.is_model_case = typical
    ticket.save(update_fields=["is_model_case", "updated_at"])
    TicketEvent.objects.create(
        ticket=ticket, actor=actor, action=MARKED if typical else UNMARKED, note=note
    )
    audit.record(MARKED if typical else UNMARKED, user=actor, obj=ticket, changes={"note": note})
    return ticket
