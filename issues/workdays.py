"""Working-day arithmetic for deadlines: Monday to Friday, corrected by the WorkCalendarDay
exceptions (public holidays on weekdays, swapped working weekend days 调休).

A WorkCalendar holds the exceptions of one date range, read in one query, so a deadline costs
one query however many days it spans. The module-level helpers pick the range themselves."""

import datetime

from issues.models import WorkCalendarDay

DAY = datetime.timedelta(days=1)


class OutsideCalendar(ValueError):
    """A date outside the loaded range: answering would silently ignore its exceptions."""


class WorkCalendar:
    """The working days of [first, last]."""

    def __init__(
        self, first: datetime.date, last: datetime.date, exceptions: dict[datetime.date, bool]
    ):
        self.first, self.last = first, last
        self.exceptions = exceptions

    @classmethod
    def load(cls, first: datetime.date, last: datetime.date) -> "WorkCalendar":
        rows = WorkCalendarDay.objects.filter(date__range=(first, last))
        return cls(first, last, dict(rows.values_list("date", "is_workday")))

    def is_workday(self, day: datetime.date) -> bool:
        if not self.first <= day <= self.last:
            raise OutsideCalendar(f"{day} is outside {self.first}..{self.last}")
        return self.exceptions.get(day, day.weekday() < 5)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        """The n-th working day after start (start not counted); for n=0, start itself if it is
        a working day, else the next one."""
        if n < 0:
            raise ValueError("n must not be negative")
        day = start
        if n == 0:
            while not self.is_workday(day):
                day += DAY
            return day
        counted = 0
        while counted < n:
            day += DAY
            if self.is_workday(day):
                counted += 1
        return day

    def working_days_between(self, a: datetime.date, b: datetime.date) -> int:
        """The working days in (a, b]; negative, counting (b, a], when b is before a."""
        if b < a:
            return -self.working_days_between(b, a)
        return sum(self.is_workday(a + k * DAY) for k in range(1, (b - a).days + 1))


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """WorkCalendar.add_working_days over a range of 2n+30 days, ample for the official calendar
    (2026 has 19 weekday holidays); a longer run of days off widens it and retries."""
    span = 2 * n + 30
    while True:
        try:
            return WorkCalendar.load(start, start + span * DAY).add_working_days(start, n)
        except OutsideCalendar:
            span *= 2


def working_days_between(a: datetime.date, b: datetime.date) -> int:
    """WorkCalendar.working_days_between, in one query."""
    return WorkCalendar.load(min(a, b) + DAY, max(a, b)).working_days_between(a, b)


def subtract_working_days(start: datetime.date, n: int) -> datetime.date:
    """The date n working days before start (start not counted): for 'overdue by n working
    days' cut-offs."""
    calendar = WorkCalendar.load(start - (4 * n + 30) * DAY, start)
    day, counted = start, 0
    while counted < n:
        day -= DAY
        if calendar.is_workday(day):
            counted += 1
    return day


class WorkdayIndex:
    """Working days between any two dates of a calendar's range in constant time (prefix sums),
    for jobs that ask it of hundreds of thousands of tickets."""

    def __init__(self, calendar: WorkCalendar):
        self.first = calendar.first
        self.prefix = [0]
        for k in range((calendar.last - calendar.first).days + 1):
            day = calendar.first + k * DAY
            self.prefix.append(self.prefix[-1] + calendar.is_workday(day))

    def _upto(self, day: datetime.date) -> int:
        offset = (day - self.first).days
        if not 0 <= offset < len(self.prefix) - 1:
            raise OutsideCalendar(f"{day} is outside the index")
        return self.prefix[offset + 1]

    def between(self, a: datetime.date, b: datetime.date) -> int:
        """Working days in (a, b]; negative when b is before a."""
        return self._upto(b) - self._upto(a)
