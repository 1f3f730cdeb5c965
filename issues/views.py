"""A ticket and its timeline, as the viewer's scope allows."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from accounts.access import get_object_for
from issues.models import Ticket


@login_required
def ticket_detail(request, pk: int):
    ticket = get_object_for(
        request.user,
        Ticket.objects.select_related("enterprise__town", "owner_unit", "raised_by", "assignee"),
        pk,
        request=request,
    )
    context = {
        "ticket": ticket,
        "co_units": ticket.co_units.all(),
        "events": ticket.events.select_related("actor").order_by("at", "id"),
        "today": timezone.localdate(),
    }
    return render(request, "issues/ticket_detail.html", context)
