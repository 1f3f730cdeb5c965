"""What a firm does in the portal: raise a problem. Answering a question and rating go through
the workflow (issues.workflow.act) like every other action."""

from __future__ import annotations

from django.db import transaction

from accounts import audit
from enterprises.models import FirmAccount
from issues import attachments, notify
from issues.models import Source, Status, Ticket, TicketEvent
from pairing.models import Pairing

MAX_FILES = 3


@transaction.atomic
def raise_problem(
    account: FirmAccount,
    *,
    category: str,
    title: str,
    description: str,
    files=(),
    phone_masked: str = "",
    request=None,
) -> Ticket:
    """A problem the firm raised itself: registered in the sorting queue as 企业自主提交, under
    the campaign of its lead pairing (if any); its paired cadres and the area's organisers hear
    of it. Attachments are checked as a unit's are (issues.attachments)."""
    for upload in files:
        attachments.check(upload)
    pairing = (
        Pairing.objects.active()
        .filter(enterprise_id=account.enterprise_id)
        .order_by("role", "-start")
        .first()
    )
    ticket = Ticket.objects.create(
        enterprise=account.enterprise,
        campaign_id=pairing.campaign_id if pairing else None,
        raised_by=account.user,
        source=Source.FIRM,
        category=category,
        title=title,
        description=description,
        status=Status.REGISTERED,
    )
    event = TicketEvent.objects.create(
        ticket=ticket,
        actor=account.user,
        action="firm_raise",
        to_status=Status.REGISTERED,
        data={"level": ticket.level, "phone": phone_masked},
    )
    for upload in files:
        attachments.attach(ticket, event, upload, account.user)
    audit.record(
        "ticket_create",
        user=account.user,
        request=request,
        obj=ticket,
        changes={"source": Source.FIRM, "files": len(files)},
    )
    notify.ticket_event(event)
    return ticket
