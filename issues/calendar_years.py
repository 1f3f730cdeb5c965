"""Which years' official holidays the work calendar holds, in one place.

A year is *entered* when it has a CalendarYear row: the seed writes one for each year the
chinesecalendar package knows, the admin's holiday page for a year entered from the State
Council's notice. A deadline
falling in a year not entered was counted Monday to Friday only, so it is shown marked 未含节假日;
and from 1 November, while next year is not entered, admins and organisers see a banner (the notice
comes out in November or December, the package weeks later).

Entering a year's schedule replaces its exceptions in one transaction and counts again the open
deadlines across the days that changed (issues/deadlines.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _

from accounts import audit
from accounts.roles import Role
from issues import deadlines
from issues.models import CalendarYear, WorkCalendarDay
from pairing.page_cache import viewer_value

DAY = datetime.timedelta(days=1)
BANNER_FROM = (11, 1)  # (month, day): the notice for next year is due from then on
BANNER_ROLES = frozenset({Role.ADMIN, Role.ORGANISER})
UNENTERED = _("未含节假日")
UNENTERED_WHY = _("该年的法定节假日尚未录入：期限只按周一至周五计算，录入后自动重算。")


def entered_years() -> frozenset[int]:
    return frozenset(CalendarYear.objects.values_list("year", flat=True))


def entered_years_for(request) -> frozenset[int]:
    """entered_years(), read once per request however many deadlines a page shows (or
    remembered for the data as it stands: pairing/page_cache.py)."""
    if request is None:
        return entered_years()
    if not hasattr(request, "_entered_years"):
        request._entered_years = viewer_value(request, "entered_years", entered_years)
    return request._entered_years


def counted_without_holidays(day: datetime.date | None, entered: frozenset[int]) -> bool:
    """Whether the deadline `day` was counted without the official holidays of its year."""
    return day is not None and day.year not in entered


def unentered_note(day: datetime.date | None, request=None) -> str:
    """ "（未含节假日）" after such a deadline in text (the 交办单 and its workbook), else ""."""
    if counted_without_holidays(day, entered_years_for(request)):
        return f"（{UNENTERED}）"
    return ""


def missing_years(today: datetime.date, entered: frozenset[int]) -> list[int]:
    """The years a banner asks for: this one if never entered, and next one from 1 November."""
    wanted = [today.year]
    if (today.month, today.day) >= BANNER_FROM:
        wanted.append(today.year + 1)
    return [year for year in wanted if year not in entered]


def banner(request) -> dict:
    """Context processor: `holiday_banner`, the years missing, for admins and organisers only
    (the query runs only when a page draws the banner)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not BANNER_ROLES & user.roles:
        return {}
    return {
        "holiday_banner": SimpleLazyObject(
            lambda: missing_years(timezone.localdate(), entered_years_for(request))
        ),
        "holiday_banner_links": Role.ADMIN in user.roles,
    }


def mark_entered(year: int, *, source: str, user=None, replace: bool = True) -> None:
    """Record `year` as entered; with replace=False a year already entered keeps its record (the
    seed, run again, does not take over a year an admin entered)."""
    fields = {"source": source, "entered_by": user, "entered_at": timezone.now()}
    if replace:
        CalendarYear.objects.update_or_create(year=year, defaults=fields)
    else:
        CalendarYear.objects.get_or_create(year=year, defaults=fields)


@dataclass(frozen=True)
class HolidayRange:
    name: str
    first: datetime.date
    last: datetime.date

    def days(self) -> list[datetime.date]:
        return [self.first + k * DAY for k in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class SwappedWorkday:
    """A weekend day worked in exchange for a holiday (调休上班)."""

    date: datetime.date
    name: str


def exceptions_of(
    holidays: list[HolidayRange], workdays: list[SwappedWorkday]
) -> dict[datetime.date, tuple[bool, str]]:
    """The calendar's rows for a schedule: its holidays on weekdays and its worked weekend days
    (weekend days off and weekdays worked are the ordinary week, not stored)."""
    rows = {}
    for holiday in holidays:
        for day in holiday.days():
            if day.weekday() < 5:
                rows[day] = (False, holiday.name)
    for workday in workdays:
        if workday.date.weekday() >= 5:
            rows[workday.date] = (True, workday.name)
    return rows


@dataclass(frozen=True)
class Entered:
    changed: int  # days whose working status changed
    moved: int  # open deadlines counted again to a new date


@transaction.atomic
def enter_schedule(
    *,
    year: int,
    holidays: list[HolidayRange],
    workdays: list[SwappedWorkday],
    user,
    request=None,
) -> Entered:
    """Store `year`'s official schedule in place of its current exceptions, mark the year entered,
    count open deadlines again across the days that changed, and audit it. The caller has checked
    the schedule (issues/calendar_forms.py): every date in `year`, no range reversed, no holiday on
    a swapped working day."""
    was_entered = CalendarYear.objects.filter(year=year).exists()
    # The year's row, made if need be, then locked: two admins saving at once queue here, and the
    # later one reads the days the first stored and replaces them, so one schedule wins whole.
    CalendarYear.objects.get_or_create(
        year=year, defaults={"source": CalendarYear.Source.ADMIN, "entered_by": user}
    )
    CalendarYear.objects.select_for_update().get(year=year)
    stored = WorkCalendarDay.objects.filter(date__year=year)
    before = {row.date: (row.is_workday, row.name) for row in stored}
    after = exceptions_of(holidays, workdays)
    WorkCalendarDay.objects.filter(date__in=[d for d in before if d not in after]).delete()
    WorkCalendarDay.objects.bulk_create(
        [WorkCalendarDay(date=d, is_workday=w, name=name[:50]) for d, (w, name) in after.items()],
        update_conflicts=True,
        unique_fields=["date"],
        update_fields=["is_workday", "name"],
    )
    changed = sorted(
        d for d in before.keys() | after.keys() if _works(before, d) != _works(after, d)
    )
    mark_entered(year, source=CalendarYear.Source.ADMIN, user=user)
    moved = deadlines.recompute(changed, user=user)
    audit.record(
        "holiday_schedule_entered",
        user=user,
        request=request,
        changes={
            "year": year,
            "again": was_entered,
            "holidays": [[h.name, h.first.isoformat(), h.last.isoformat()] for h in holidays],
            "workdays": [[w.date.isoformat(), w.name] for w in workdays],
            "days_changed": len(changed),
            "deadlines_moved": moved,
        },
    )
    return Entered(changed=len(changed), moved=moved)


def _works(rows: dict[datetime.date, tuple[bool, str]], day: datetime.date) -> bool:
    return rows[day][0] if day in rows else day.weekday() < 5


def stored_schedule(year: int) -> tuple[list[HolidayRange], list[SwappedWorkday]]:
    """The year's exceptions read back as the notice's ranges, to edit an entered year: holiday
    weekdays of one name joined across the weekends between them."""
    holidays: list[HolidayRange] = []
    workdays = []
    for row in WorkCalendarDay.objects.filter(date__year=year).order_by("date"):
        if row.is_workday:
            workdays.append(SwappedWorkday(row.date, row.name))
            continue
        last = holidays[-1] if holidays else None
        gap = [last.last + k * DAY for k in range(1, (row.date - last.last).days)] if last else []
        if last and last.name == row.name and all(d.weekday() >= 5 for d in gap):
            holidays[-1] = HolidayRange(last.name, last.first, row.date)
        else:
            holidays.append(HolidayRange(row.name, row.date, row.date))
    return holidays, workdays
