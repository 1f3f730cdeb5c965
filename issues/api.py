"""The tickets of the API: 12345 intake, one ticket with its timeline, and the changes feed."""

from __future__ import annotations

import base64
import binascii
import datetime
import json
from typing import Literal

from django.conf import settings
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema
from ninja.files import UploadedFile
from ninja.responses import Status
from pydantic import BaseModel

from accounts import scoping
from accounts.api_clients import Scope
from accounts.masking import mask_mobiles
from issues import hotline, timeline
from issues.models import Category, Ticket
from pairing.api import ERRORS, Problem, Refused, require_scope
from pairing.api_problems import FieldErrors

router = Router(tags=["tickets"])

CategoryCode = Literal[tuple(Category.values)]  # type: ignore[valid-type]


class HotlineIn(Schema):
    hotline_no: str = Field(
        ..., pattern=r"^[A-Za-z0-9-]{1,40}$", description="12345 工单号（幂等键）"
    )
    credit_code: str = Field(..., min_length=18, max_length=18, description="统一社会信用代码")
    category: CategoryCode
    text: str = Field(..., min_length=1, max_length=5000, description="诉求内容")
    title: str = Field("", max_length=200)
    deadline: datetime.datetime | None = Field(None, description="12345 要求的办理时限")


class Unit(Schema):
    code: str
    name: str


class Firm(Schema):
    credit_code: str
    name: str


class TicketOut(Schema):
    id: int
    hotline_no: str | None
    source: str
    category: str
    title: str
    status: str
    status_label: str
    level: int
    enterprise: Firm
    owner_unit: Unit | None
    due_date: datetime.date | None
    hotline_deadline: datetime.datetime | None
    outcome: str
    rating: str
    created_at: datetime.datetime
    updated_at: datetime.datetime
    url: str


class Step(Schema):
    at: datetime.datetime
    action: str
    label: str
    from_status: str
    to_status: str
    details: list[str]
    note: str


class TicketDetail(TicketOut):
    timeline: list[Step]


# Plain pydantic models, not ninja Schemas: a page holds up to 500 rows, and a Schema's
# per-row resolver (for reading model attributes) would triple the time spent validating them.
class Change(BaseModel):
    id: int
    hotline_no: str | None
    status: str
    level: int
    updated_at: datetime.datetime


class ChangesPage(BaseModel):
    items: list[Change]
    next_cursor: str | None = Field(None, description="下一页的游标；为空表示已到末尾")


def ticket_out(ticket: Ticket) -> dict:
    return {
        "id": ticket.pk,
        "hotline_no": ticket.hotline_no,
        "source": ticket.source,
        "category": ticket.category,
        "title": ticket.title,
        "status": ticket.status,
        "status_label": str(ticket.get_status_display()),
        "level": ticket.level,
        "enterprise": {"credit_code": ticket.enterprise.uscc, "name": ticket.enterprise.name},
        "owner_unit": (
            {"code": ticket.owner_unit.code, "name": ticket.owner_unit.name}
            if ticket.owner_unit_id
            else None
        ),
        "due_date": ticket.due_date,
        "hotline_deadline": ticket.hotline_due,
        "outcome": ticket.outcome,
        "rating": ticket.rating,
        "created_at": ticket.created_at,
        "updated_at": ticket.updated_at,
        "url": reverse("ticket_detail", args=[ticket.pk]),
    }


@router.post(
    "/hotline",
    response={200: TicketOut, 201: TicketOut, 409: Problem, **ERRORS},
    summary="登记12345转办诉求（按工单号幂等）",
)
def create_hotline_ticket(
    request,
    payload: Form[HotlineIn],
    attachments: File[list[UploadedFile]] = None,
):
    """Multipart form. The same `hotline_no` again answers 200 with the ticket it made."""
    require_scope(request, Scope.TICKETS_WRITE)
    if not payload.text.strip():
        raise FieldErrors({"text": _("诉求内容不能为空。")})
    deadline = payload.deadline
    if deadline is not None and timezone.is_naive(deadline):
        deadline = timezone.make_aware(deadline)
    forward = hotline.Forward(
        hotline_no=payload.hotline_no,
        credit_code=payload.credit_code,
        category=payload.category,
        text=payload.text,
        title=payload.title,
        deadline=deadline,
        files=list(attachments or []),
    )
    try:
        ticket, created = hotline.intake(request.user, forward, request=request)
    except hotline.NumberTaken:
        raise Refused(409, _("该12345工单号已由其他地区登记。")) from None
    ticket = Ticket.objects.select_related("enterprise", "owner_unit").get(pk=ticket.pk)
    return Status(201 if created else 200, ticket_out(ticket))


@router.get(
    "/changes",
    response={200: ChangesPage, **ERRORS},
    summary="自某时刻以来有变化的诉求（游标分页）",
)
def ticket_changes(
    request,
    since: datetime.datetime,
    cursor: str | None = None,
    limit: int = Query(100, ge=1, le=settings.API_MAX_PAGE_SIZE),
):
    """Ordered by (updated_at, id). Follow `next_cursor` until it is null."""
    require_scope(request, Scope.TICKETS_READ)
    since = _in_utc(since, "since", _("时间超出可表示的范围。"))
    # A client of the whole tree sees every ticket: skip the join its area's path filter needs.
    everything = scoping.governs_every_unit(request.user)
    tickets = (Ticket.objects if everything else Ticket.objects.visible_to(request.user)).filter(
        updated_at__gte=since
    )
    if cursor:
        at, pk = _read_cursor(cursor)
        tickets = tickets.filter(Q(updated_at__gt=at) | Q(updated_at=at, pk__gt=pk))
    rows = list(
        tickets.order_by("updated_at", "id").values(
            "id", "hotline_no", "status", "level", "updated_at"
        )[: limit + 1]
    )
    more = len(rows) > limit
    rows = rows[:limit]
    next_cursor = _cursor(rows[-1]["updated_at"], rows[-1]["id"]) if more else None
    return {"items": rows, "next_cursor": next_cursor}


def _cursor(at: datetime.datetime, pk: int) -> str:
    raw = json.dumps([at.isoformat(), pk]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _in_utc(moment: datetime.datetime, field: str, message: str) -> datetime.datetime:
    """The moment in UTC (naive ones read in the server's zone). Python allows offsets up to a day,
    PostgreSQL only to 15:59: an offset such as -19:23 would reach the database as an error."""
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    try:
        return moment.astimezone(datetime.UTC)
    except (OverflowError, ValueError):
        raise FieldErrors({field: message}) from None


def _read_cursor(cursor: str) -> tuple[datetime.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        at, pk = json.loads(raw)
        at = _in_utc(datetime.datetime.fromisoformat(at), "cursor", "")
        return at, int(pk)
    except (ValueError, TypeError, binascii.Error, UnicodeDecodeError, FieldErrors):
        raise FieldErrors({"cursor": _("游标无效：请使用上一页返回的 next_cursor。")}) from None


@router.get(
    "/{int:ticket_id}",
    response={200: TicketDetail, **ERRORS},
    summary="诉求的状态与办理记录",
)
def ticket_detail(request, ticket_id: int):
    require_scope(request, Scope.TICKETS_READ)
    ticket = get_object_or_404(
        Ticket.objects.visible_to(request.user).select_related("enterprise", "owner_unit"),
        pk=ticket_id,
    )
    events = list(ticket.events.order_by("at", "id"))
    steps = [
        {
            "at": step.event.at,
            "action": step.event.action,
            "label": str(step.label),
            "from_status": step.event.from_status,
            "to_status": step.event.to_status,
            "details": [str(d) for d in step.details],
            "note": mask_mobiles(step.event.note),
        }
        for step in timeline.story(events)
    ]
    return {**ticket_out(ticket), "timeline": steps}
