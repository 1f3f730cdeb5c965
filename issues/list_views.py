"""The problem list and responsibility list (问题清单、责任清单) for organisers and leaders:
filtered, counted, paged, and downloadable as .xlsx or .csv (?export=…), recorded in the audit
trail."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils import timezone

from accounts.access import role_required
from accounts.exports import requested_format
from accounts.paging import query_without_page
from accounts.roles import Role
from issues import lights, responsibility

PAGE_SIZE = 50


@role_required(Role.ORGANISER, Role.LEADER)
def problem_list(request):
    today = timezone.localdate()
    form = responsibility.ProblemFilterForm(request.GET, user=request.user)
    tickets = form.apply(responsibility.problems_for(request.user), today)
    export = requested_format(request)
    if export:
        return responsibility.export(request, tickets, export, filters=form.valid_data())
    page = Paginator(tickets, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = lights.annotate(page.object_list, today)
    context = {
        "form": form,
        "page": page,
        "today": today,
        "query": query_without_page(request),
    }
    return render(request, "issues/problem_list.html", context)
