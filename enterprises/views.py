"""The enterprise file (一企一档): one enterprise as its visible_to scope allows.

A first cut: profile, tags, current pairings, recent visits and tickets (through the reverse
relations, so this app imports nothing from the apps above it).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from accounts.access import get_object_for
from enterprises.models import Enterprise

RECENT = 20


@login_required
def enterprise_detail(request, pk: int):
    enterprise = get_object_for(
        request.user,
        Enterprise.objects.select_related("town", "industry", "park").prefetch_related("tags"),
        pk,
        request=request,
    )
    context = {
        "enterprise": enterprise,
        "pairings": enterprise.pairings.filter(end__isnull=True).select_related(
            "cadre__user", "cadre__unit", "campaign"
        ),
        "visits": enterprise.visits.select_related("cadre__user").order_by("-date", "-id")[:RECENT],
        "tickets": enterprise.tickets.select_related("owner_unit").order_by("-created_at")[:RECENT],
    }
    return render(request, "enterprises/enterprise_detail.html", context)
