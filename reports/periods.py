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
