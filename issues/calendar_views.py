"""The system admin's holiday page: the years and whether their official schedule is entered, and
a year's schedule entered from the State Council's notice (paste, check, save)."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import role_required
from accounts.roles import Role
from issues import calendar_forms, calendar_years, holiday_notice
from issues.models import CalendarYear, WorkCalendarDay


def _years_open(today) -> range:
    """Last year (a correction), this year and next: the years an admin enters here."""
    return range(today.year - 1, today.year + 2)


@role_required(Role.ADMIN)
def calendar_year_list(request):
    today = timezone.localdate()
    entered = {row.year: row for row in CalendarYear.objects.select_related("entered_by")}
    days = dict(
        WorkCalendarDay.objects.values_list("date__year")
        .annotate(n=Count("pk"))
        .values_list("date__year", "n")
    )
    years = sorted(set(entered) | set(_years_open(today)), reverse=True)
    rows = [
        {
            "year": year,
            "entered": entered.get(year),
            "days": days.get(year, 0),
            "editable": year in _years_open(today),
        }
        for year in years
    ]
    return render(request, "issues/calendar_year_list.html", {"rows": rows})


@role_required(Role.ADMIN)
def calendar_year_edit(request, year: int):
    if year not in _years_open(timezone.localdate()):
        raise Http404
    notice = calendar_forms.NoticeForm(request.POST or None)
    doubts: list[str] = []
    if request.method == "POST" and "parse" in request.POST:
        holidays, workdays = calendar_forms.formsets(year, request.POST)
        if notice.is_valid():
            read = holiday_notice.parse(notice.cleaned_data["text"], year)
            if read.holidays:
                holidays, workdays = calendar_forms.formsets(
                    year, holidays=read.holidays, workdays=read.workdays
                )
                doubts = read.doubts
                messages.info(
                    request,
                    _("从通知中读出 %(h)s 个假期、%(w)s 个调休上班日：请逐项核对后保存。")
                    % {"h": len(read.holidays), "w": len(read.workdays)},
                )
            else:
                notice.add_error(
                    "text",
                    _("没有读出假期：请粘贴通知正文，如“一、元旦：1月1日至3日放假调休，共3天。”"),
                )
    elif request.method == "POST":
        holidays, workdays = calendar_forms.formsets(year, request.POST)
        if (
            holidays.is_valid()
            and workdays.is_valid()
            and calendar_forms.check_overlaps(holidays, workdays)
        ):
            done = calendar_years.enter_schedule(
                year=year,
                holidays=holidays.holidays(),
                workdays=workdays.workdays(),
                user=request.user,
                request=request,
            )
            messages.success(
                request,
                _(
                    "%(year)s 年放假安排已保存：%(days)s 天的上班安排有变，"
                    "%(moved)s 条在办难题的办理期限已重新计算。"
                )
                % {"year": year, "days": done.changed, "moved": done.moved},
            )
            return redirect("calendar_year_list")
    else:
        stored_holidays, stored_workdays = calendar_years.stored_schedule(year)
        holidays, workdays = calendar_forms.formsets(
            year, holidays=stored_holidays, workdays=stored_workdays
        )
    context = {
        "year": year,
        "notice": notice,
        "tables": [holidays, workdays],
        "doubts": doubts,
        "entered": CalendarYear.objects.filter(year=year).first(),
    }
    return render(request, "issues/calendar_year_form.html", context)
