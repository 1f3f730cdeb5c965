"""Problems forwarded by the 12345 hotline through the API: registered tickets in the sorting
queue, marked as the hotline's (Source.HOTLINE) with its work-order number.

Idempotent on that number: the same number again answers the ticket it made, and two forwards of
one number at once meet at the unique constraint on Ticket.hotline_no, where the later one reads
the earlier's ticket. Input is checked whole before anything is written, so bad input changes
nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts import audit
from enterprises.models import Enterprise
from enterprises.uscc import normalise
from issues import attachments
from issues.models import Source, Status, Ticket, TicketEvent
from pairing.api_problems import FieldErrors

MAX_ATTACHMENTS = 5
TITLE_CHARS = 40


class NumberTaken(Exception):
    """The number is another area's ticket: the caller may not see it, nor make a second."""


@dataclass
class Forward:
    hotline_no: str
    credit_code: str
    category: str
    text: str
    deadline: datetime.datetime | None = None
    title: str = ""
    files: list = field(default_factory=list)


def _title(forward: Forward) -> str:
    if forward.title.strip():
        return forward.title.strip()[:200]
    first_line = forward.text.strip().splitlines()[0] if forward.text.strip() else ""
    return (first_line[:TITLE_CHARS] or _("12345工单 %(no)s") % {"no": forward.hotline_no})[:200]


def _existing(user, number: str) -> Ticket | None:
    ticket = Ticket.objects.filter(hotline_no=number).first()
    if ticket is None:
        return None
    if not Ticket.objects.visible_to(user).filter(pk=ticket.pk).exists():
        raise NumberTaken(number)
    return ticket


def _check(user, forward: Forward) -> Enterprise:
    errors = {}
    if len(forward.files) > MAX_ATTACHMENTS:
        errors["attachments"] = _("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS}
    else:
        for upload in forward.files:
            try:
                attachments.check(upload)
            except ValidationError as exc:
                errors["attachments"] = f"{upload.name}: {' '.join(exc.messages)}"
                break
    code = normalise(forward.credit_code or "")
    enterprise = (
        Enterprise.objects.visible_to(user).select_related("town").filter(uscc=code).first()
    )
    if enterprise is None:
        errors["credit_code"] = _(
            "找不到统一社会信用代码为 %(code)s 的企业，或该企业不在本客户端的数据范围内。"
        ) % {"code": code}
    if errors:
        raise FieldErrors(errors)
    return enterprise


def intake(user, forward: Forward, *, request=None) -> tuple[Ticket, bool]:
    """The ticket of this 12345 number, and whether this call made it. `user` is the API
    client's service user, who raises the ticket."""
    existing = _existing(user, forward.hotline_no)
    if existing is not None:
        return existing, False
    enterprise = _check(user, forward)
    try:
        with transaction.atomic():
            ticket = Ticket.objects.create(
                enterprise=enterprise,
                raised_by=user,
                source=Source.HOTLINE,
                category=forward.category,
                title=_title(forward),
                description=forward.text,
                status=Status.REGISTERED,
                hotline_no=forward.hotline_no,
                hotline_due=forward.deadline,
            )
            event = TicketEvent.objects.create(
                ticket=ticket,
                actor=user,
                action="raise",
                to_status=Status.REGISTERED,
                data={"level": ticket.level, "hotline_no": forward.hotline_no},
            )
            for upload in forward.files:
                attachments.attach(ticket, event, upload, user)
            audit.record(
                "ticket_create",
                user=user,
                request=request,
                obj=ticket,
                changes={"source": Source.HOTLINE, "hotline_no": forward.hotline_no},
            )
    except IntegrityError:
        # The same number at the same moment: the other request's ticket stands.
        existing = _existing(user, forward.hotline_no)
        if existing is None:
            raise
        return existing, False
    return ticket, True
