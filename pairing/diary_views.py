"""The service diary page (服务日志): one cadre's visits over a period with the months against the
visit frequency, printable on A4 and downloadable as .xlsx. For the cadre (their own), and the
organiser and leader of the cadre's area or of the firms the cadre is paired with."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import scoping
from accounts.access import role_required
from accounts.exports import export_list, requested_format
from accounts.masking import can_see_full_pii
from accounts.paging import query_without_page
from accounts.roles import Role
from pairing import diary

PAGE_SIZE = 100
ROLES = (Role.CADRE, Role.ORGANISER, Role.LEADER)


@role_required(Role.CADRE)
def my_diary(request):
    cadre_id = scoping.cadre_id(request.user)
    if cadre_id is None:
        raise Http404
    return redirect("cadre_diary", cadre_id)


@role_required(*ROLES)
def cadre_diary(request, pk: int):
    cadre = diary.cadre_for(request.user, pk)
    today = timezone.localdate()
    form = diary.DiaryFilterForm(request.GET or None, cadre=cadre, today=today)
    start, end, campaign = form.period()
    visits = diary.diary_visits(request.user, cadre, start, end, campaign)
    rows = (
        visits.select_related("enterprise__town", "campaign")
        .prefetch_related("tickets")
        .order_by("-date", "-id")
    )
    export = requested_format(request)
    if export:
        note = _("服务日志：%(name)s（%(unit)s），%(start)s 至 %(end)s") % {
            "name": cadre.user.display_name,
            "unit": cadre.unit,
            "start": start,
            "end": end,
        }
        return export_list(
            request,
            export,
            rows,
            diary.export_row(request.user),
            headers=diary.HEADERS,
            name="service-diary",
            title=_("服务日志"),
            filters={"cadre": cadre.pk, "start": start, "end": end, "campaign": campaign},
            full_pii=can_see_full_pii(request.user),
            note=note,
        )
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    for visit in page.object_list:
        visit.service_labels = diary.service_labels(visit)
    months = diary.months(request.user, cadre, visits, start, end, campaign)
    context = {
        "cadre": cadre,
        "form": form,
        "start": start,
        "end": end,
        "campaign": campaign,
        "months": months,
        "short": sum(not m.met for m in months),
        "page": page,
        "query": query_without_page(request),
        "own": scoping.cadre_id(request.user) == cadre.pk,
    }
    return render(request, "pairing/cadre_diary.html", context)
