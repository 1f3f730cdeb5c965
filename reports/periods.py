"""The dashboard's kinds of period, each running up to today and compared with the span just
before it."""

from __future__ import annotations

import datetime

from django.utils.translation import gettext_lazy as _

from reports.metrics import Period

PERIODS = {
    "week": _("本周"),
    "month": _("本月"),
    "quarter": _("本季度"),
    "year": _("本年"),
}


def period_for(kind: str, today: datetime.date) -> Period:
    """The current period of `kind` up to today."""
    if kind == "week":
        start = today - datetime.timedelta(days=today.weekday())
    elif kind == "quarter":
        start = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    elif kind == "year":
        start = datetime.date(today.year, 1, 1)
    else:
        start = today.replace(day=1)
    return Period(start, today)


# Notices cover whole calendar periods in the past, each compared with the one before it.
NOTICE_HISTORY = {"weekly": 12, "monthly": 12, "quarterly": 8, "yearly": 5}


def calendar_period(kind: str, day: datetime.date) -> Period:
    """The whole week (Monday–Sunday), month, quarter or year of `kind` that holds `day`."""
    if kind == "weekly":
        start = day - datetime.timedelta(days=day.weekday())
        return Period(start, start + datetime.timedelta(days=6))
    if kind == "yearly":
        return Period(datetime.date(day.year, 1, 1), datetime.date(day.year, 12, 31))
    months = 3 if kind == "quarterly" else 1
    first_month = months * ((day.month - 1) // months) + 1
    start = datetime.date(day.year, first_month, 1)
    last_month = datetime.date(day.year, first_month + months - 1, 28)
    following = (last_month + datetime.timedelta(days=4)).replace(day=1)
    return Period(start, following - datetime.timedelta(days=1))


def calendar_before(kind: str, period: Period) -> Period:
    """The calendar period of the same kind just before `period`."""
    return calendar_period(kind, period.start - datetime.timedelta(days=1))


def complete_periods(kind: str, today: datetime.date, count: int | None = None) -> list[Period]:
    """The last `count` whole periods of `kind` that ended before today, latest first."""
    periods = [calendar_before(kind, calendar_period(kind, today))]
    while len(periods) < (count or NOTICE_HISTORY[kind]):
        periods.append(calendar_before(kind, periods[-1]))
    return periods
