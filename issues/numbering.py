"""The 交办单's number and its limit in words, as the office writes them."""

from __future__ import annotations

from django.db.models import F
from django.utils.translation import gettext as _

from issues.models import AssignmentCounter


def next_assignment_no(area, year: int) -> int:
    """The next 交办单 number of the area's office for the year: 〔2026〕第0012号. The counter's
    row stays locked until the assignment commits, so two at once wait for each other and a
    rolled-back assignment gives its number back (no gaps, never one number twice)."""
    AssignmentCounter.objects.bulk_create(
        [AssignmentCounter(area=area, year=year)], ignore_conflicts=True
    )
    counter = AssignmentCounter.objects.filter(area=area, year=year)
    counter.update(last=F("last") + 1)
    return counter.values_list("last", flat=True).get()


def limit_in_words(ticket) -> str:
    """限10个工作日内办结, or the date when the deadline is fixed (a meeting's, an extension's)."""
    if ticket.due_days:
        return _("限%(n)s个工作日内办结") % {"n": ticket.due_days}
    if ticket.due_date:
        return _("限%(date)s前办结") % {"date": f"{ticket.due_date:%Y-%m-%d}"}
    return "—"
