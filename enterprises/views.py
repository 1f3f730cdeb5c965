"""The roster list and the enterprise file (一企一档), as the user's visible_to scope allows.

The file shows the profile, tags, every pairing past and present, and the latest visits and tickets
with a link to each one's full history: a paginated list scoped exactly like the file. All of it
goes through the reverse relations, so this app imports nothing from the apps above it, and each
page makes a fixed number of queries whatever the history's size.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from accounts import audit
from accounts.access import deny, get_object_for, role_required
from accounts.exports import requested_format
from accounts.masking import can_see_full_pii
from accounts.paging import query_without_page
from accounts.roles import BUSINESS_ROLES, ROSTER_ROLES, Role
from enterprises.exports import export_enterprises
from enterprises.filters import EnterpriseFilterForm
from enterprises.models import Enterprise
from pairing import page_cache

RECENT = 20  # visits and tickets on the file; the rest on their history pages
HISTORY_PAGE_SIZE = 30


def _file_of(request, pk: int) -> Enterprise:
    """The enterprise whose file (or history) is asked for, if the user may see it; else 404."""
    return get_object_for(
        request.user,
        Enterprise.objects.select_related("town", "industry", "park").prefetch_related("tags"),
        pk,
        request=request,
    )


def _visits(enterprise):
    return enterprise.visits.select_related("cadre__user", "campaign").order_by("-date", "-id")


def _tickets(enterprise):
    return (
        enterprise.tickets.select_related("owner_unit")
        .prefetch_related("events__actor")
        .order_by("-created_at", "-id")
    )


@login_required
def enterprise_detail(request, pk: int):
    enterprise = _file_of(request, pk)
    pairings = list(
        enterprise.pairings.select_related("cadre__user", "cadre__unit", "campaign").order_by(
            "end", "-start"
        )
    )
    is_paired = any(p.end is None and p.cadre.user_id == request.user.pk for p in pairings)
    context = {
        "enterprise": enterprise,
        "pairings": [p for p in pairings if p.end is None],
        "ended_pairings": [p for p in pairings if p.end is not None],
        "is_paired": is_paired,
        # Help plans are written by the firm's cadres and its area's organisers (leaders read).
        "may_plan": is_paired or _organises(request.user, enterprise),
        "may_reveal_phone": can_see_full_pii(request.user) and bool(enterprise.contact_phone),
        "shows_records": _sees_records(request.user),
    }
    if context["shows_records"]:  # the system admin reads the firm's file, not its records
        context |= {
            "status_history": _status_history(enterprise),
            "help_plans": enterprise.help_plans.order_by("done", "-created_at").prefetch_related(
                "measures__owner_unit"
            ),
            "visits": _visits(enterprise)[:RECENT],
            "visit_count": enterprise.visits.count(),
            "tickets": _tickets(enterprise)[:RECENT],
            "ticket_count": enterprise.tickets.count(),
        }
    return render(request, "enterprises/enterprise_detail.html", context)


def _organises(user, enterprise) -> bool:
    area = user.jurisdiction_unit if Role.ORGANISER in user.roles else None
    return area is not None and enterprise.town.path.startswith(area.path)


@login_required
def enterprise_visits(request, pk: int):
    """Every visit to the enterprise, newest first, a page at a time."""
    enterprise = _file_of(request, pk)
    if not _sees_records(request.user):
        raise Http404
    page = Paginator(_visits(enterprise), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/enterprise_visits.html",
        {"enterprise": enterprise, "page": page, "query": query_without_page(request)},
    )


@login_required
def enterprise_tickets(request, pk: int):
    """Every problem ticket of the enterprise with its state and timeline, newest first."""
    enterprise = _file_of(request, pk)
    if not _sees_records(request.user):
        raise Http404
    page = Paginator(_tickets(enterprise), HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "enterprises/enterprise_tickets.html",
        {"enterprise": enterprise, "page": page, "query": query_without_page(request)},
    )


def _sees_records(user) -> bool:
    """Visits, tickets and help plans are for the business roles (accounts.roles), not the admin."""
    return bool(BUSINESS_ROLES & user.roles) or user.is_superuser


def _status_history(enterprise) -> list[tuple]:
    """(date, status) each time a visit saw the output status change, newest first."""
    seen = enterprise.visits.exclude(output_status="").order_by("date", "id")
    history, last = [], None
    for date, status in seen.values_list("date", "output_status"):
        if status != last:
            history.append((date, Enterprise.ProductionStatus(status).label))
            last = status
    return history[::-1]


PAGE_SIZE = 50


@role_required(*ROSTER_ROLES)
def enterprise_list(request):
    """The roster the user may see, filtered; ?export=xlsx|csv downloads the filtered list."""

    def filtered():
        form = EnterpriseFilterForm(request.GET or None, user=request.user)
        enterprises = Enterprise.objects.visible_to(request.user)
        if form.is_bound:
            enterprises = form.apply(enterprises) if form.is_valid() else enterprises.none()
        enterprises = enterprises.select_related("town", "industry").prefetch_related("tags")
        return form, enterprises.order_by("name", "pk")

    export = requested_format(request)
    if export:
        form, enterprises = filtered()
        return _export(request, enterprises, export, form)

    def build():
        form, enterprises = filtered()
        page = Paginator(enterprises, PAGE_SIZE).get_page(request.GET.get("page"))
        return {"form": form, "page": page, "query": query_without_page(request)}

    return page_cache.render_page(request, "enterprises/enterprise_list.html", build)


def _export(request, enterprises, kind: str, form):
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    return export_enterprises(
        request, enterprises, kind, name="enterprises", title=_("企业名单"), filters=filters
    )


@login_required
def enterprise_contact_phone(request, pk: int):
    """The contact's full phone number, for holders of the full-PII permission; each view is
    recorded. Pages show the masked number and fetch this on request."""
    if not can_see_full_pii(request.user):
        deny(request)
    enterprise = get_object_for(request.user, Enterprise.objects.all(), pk, request=request)
    audit.record("pii_view", request=request, obj=enterprise, changes={"fields": ["contact_phone"]})
    return HttpResponse(enterprise.contact_phone, content_type="text/plain; charset=utf-8")
