"""Working-day deadlines and the seed_work_calendar command, against the official 2026 schedule
(State Council notice, as carried by chinesecalendar 1.11.0 in its holidays/workdays tables):

    元旦    off Thu 1 Jan – Sat 3 Jan;   works Sun 4 Jan
    春节    off Sun 15 Feb – Mon 23 Feb; works Sat 14 Feb and Sat 28 Feb
    清明节  off Sat 4 Apr – Mon 6 Apr
    劳动节  off Fri 1 May – Tue 5 May;   works Sat 9 May
    端午节  off Fri 19 Jun – Sun 21 Jun
    中秋节  off Fri 25 Sep – Sun 27 Sep
    国庆节  off Thu 1 Oct – Wed 7 Oct;   works Sun 20 Sep and Sat 10 Oct (the package files
            both under National Day)

March 2026 has no exception: it is a plain Monday–Friday month. The package knows 2004–2026."""

import datetime
import io
from zoneinfo import ZoneInfo

import chinese_calendar
import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError

from issues.models import WorkCalendarDay
from issues.workdays import OutsideCalendar, WorkCalendar, add_working_days, working_days_between

pytestmark = pytest.mark.django_db
D = datetime.date

OFF, WORK = False, True
OFFICIAL_2026 = {
    D(2026, 1, 1): (OFF, "元旦"),
    D(2026, 1, 2): (OFF, "元旦"),
    D(2026, 1, 4): (WORK, "元旦"),
    D(2026, 2, 14): (WORK, "春节"),
    **{D(2026, 2, day): (OFF, "春节") for day in (16, 17, 18, 19, 20, 23)},
    D(2026, 2, 28): (WORK, "春节"),
    D(2026, 4, 6): (OFF, "清明节"),
    **{D(2026, 5, day): (OFF, "劳动节") for day in (1, 4, 5)},
    D(2026, 5, 9): (WORK, "劳动节"),
    D(2026, 6, 19): (OFF, "端午节"),
    D(2026, 9, 20): (WORK, "国庆节"),
    D(2026, 9, 25): (OFF, "中秋节"),
    **{D(2026, 10, day): (OFF, "国庆节") for day in (1, 2, 5, 6, 7)},
    D(2026, 10, 10): (WORK, "国庆节"),
}


def seed(*args):
    out = io.StringIO()
    call_command("seed_work_calendar", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


@pytest.fixture
def calendar_2026():
    seed("--year", "2026")


def stored():
    return {row.date: (row.is_workday, row.name) for row in WorkCalendarDay.objects.all()}


def test_seeding_stores_only_the_exceptions_to_the_week(calendar_2026):
    # Weekend days off (e.g. Sat 21 Feb) and weekday working days are not exceptions.
    assert stored() == OFFICIAL_2026


def test_five_working_days_from_the_last_one_before_the_spring_festival(calendar_2026):
    # Sat 14 Feb is the last working day before the festival; after it come Tue 24 to Fri 27 Feb
    # and the swapped Sat 28 Feb.
    assert add_working_days(D(2026, 2, 14), 5) == D(2026, 2, 28)
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 14)
    assert add_working_days(D(2026, 2, 13), 2) == D(2026, 2, 24)


def test_national_day_and_its_swapped_weekend_days(calendar_2026):
    assert add_working_days(D(2026, 9, 18), 1) == D(2026, 9, 20)  # Fri -> swapped Sun
    assert add_working_days(D(2026, 9, 24), 1) == D(2026, 9, 28)  # over Mid-Autumn Fri 25 Sep
    assert add_working_days(D(2026, 9, 30), 3) == D(2026, 10, 10)  # Thu 8, Fri 9, swapped Sat 10
    assert working_days_between(D(2026, 9, 30), D(2026, 10, 12)) == 4  # 8, 9, 10 and Mon 12 Oct


def test_a_plain_week(calendar_2026):
    assert add_working_days(D(2026, 3, 9), 5) == D(2026, 3, 16)  # Mon -> next Mon
    assert add_working_days(D(2026, 3, 13), 1) == D(2026, 3, 16)  # Fri -> Mon
    assert add_working_days(D(2026, 3, 14), 1) == D(2026, 3, 16)  # Sat -> Mon
    assert working_days_between(D(2026, 3, 9), D(2026, 3, 16)) == 5


@pytest.mark.parametrize(
    ("start", "expected"),
    [
        (D(2026, 3, 10), D(2026, 3, 10)),  # a working Tuesday is its own deadline
        (D(2026, 3, 14), D(2026, 3, 16)),  # Saturday -> Monday
        (D(2026, 2, 16), D(2026, 2, 24)),  # Spring Festival Monday -> first day back
        (D(2026, 2, 14), D(2026, 2, 14)),  # a swapped Saturday is a working day
    ],
)
def test_zero_working_days(calendar_2026, start, expected):
    assert add_working_days(start, 0) == expected


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError, match="negative"):
        add_working_days(D(2026, 3, 9), -1)


def test_working_days_between_counts_both_ways(calendar_2026):
    # (Fri 13 Feb, Tue 24 Feb] holds the swapped Sat 14 Feb and Tue 24 Feb.
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 24)) == 2
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 13)) == -2
    assert working_days_between(D(2026, 2, 24), D(2026, 2, 24)) == 0
    assert working_days_between(D(2026, 2, 15), D(2026, 2, 23)) == 0  # the whole festival


def test_agrees_with_the_package_over_the_year(calendar_2026):
    days = [D(2026, 1, 1) + datetime.timedelta(days=k) for k in range(365)]
    for i, start in enumerate(days[:300:7]):
        later = [d for d in days if d > start and chinese_calendar.is_workday(d)]
        assert add_working_days(start, 20) == later[19], start
        end = days[i * 7 + 40]
        assert working_days_between(start, end) == sum(1 for d in later if d <= end), start


def test_an_exception_entered_by_an_admin_changes_the_deadline(calendar_2026):
    assert add_working_days(D(2026, 3, 9), 5) == D(2026, 3, 16)
    WorkCalendarDay.objects.create(date=D(2026, 3, 11), is_workday=False, name="台风停工")
    assert add_working_days(D(2026, 3, 9), 5) == D(2026, 3, 17)
    WorkCalendarDay.objects.create(date=D(2026, 3, 14), is_workday=True, name="补班")
    assert add_working_days(D(2026, 3, 9), 5) == D(2026, 3, 16)
    assert working_days_between(D(2026, 3, 13), D(2026, 3, 16)) == 2


def test_a_long_run_of_days_off_widens_the_range():
    # Every day of March, April and May off: 10 working days from Sun 1 Mar end on Fri 12 Jun.
    first = D(2026, 3, 1)
    WorkCalendarDay.objects.bulk_create(
        WorkCalendarDay(date=first + datetime.timedelta(days=k), is_workday=False)
        for k in range((D(2026, 6, 1) - first).days)
    )
    assert add_working_days(first, 10) == D(2026, 6, 12)


def test_a_calendar_refuses_dates_it_has_not_loaded():
    calendar = WorkCalendar.load(D(2026, 3, 1), D(2026, 3, 31))
    with pytest.raises(OutsideCalendar):
        calendar.is_workday(D(2026, 4, 1))
    with pytest.raises(OutsideCalendar):
        calendar.add_working_days(D(2026, 3, 20), 15)


def test_sixty_working_days_cost_one_query(calendar_2026, django_assert_max_num_queries):
    with django_assert_max_num_queries(2):
        deadline = add_working_days(D(2026, 1, 5), 60)
    # (Mon 5 Jan, Fri 3 Apr] holds 64 weekdays less the 6 Spring Festival ones, plus the swapped
    # Sat 14 and Sat 28 Feb: 60.
    assert deadline == D(2026, 4, 3)
    with django_assert_max_num_queries(1):
        assert working_days_between(D(2026, 1, 5), D(2026, 4, 3)) == 60


def test_seeding_twice_creates_nothing_and_keeps_an_admins_correction(calendar_2026):
    WorkCalendarDay.objects.filter(date=D(2026, 2, 28)).update(is_workday=False, name="更正")
    assert "新增 0 条" in seed("--year", "2026")
    assert WorkCalendarDay.objects.count() == len(OFFICIAL_2026)
    assert WorkCalendarDay.objects.get(date=D(2026, 2, 28)).name == "更正"

    assert f"覆盖 {len(OFFICIAL_2026)} 条" in seed("--year", "2026", "--replace")
    assert stored() == OFFICIAL_2026


def test_a_year_the_package_does_not_know_is_refused_before_writing():
    with pytest.raises(CommandError, match="2099"):
        seed("--year", "2026", "2099")
    assert not WorkCalendarDay.objects.exists()


def test_by_default_this_year_and_next_are_seeded():
    with time_machine.travel(datetime.datetime(2025, 12, 15, tzinfo=ZoneInfo("Asia/Shanghai"))):
        seed()
    years = set(WorkCalendarDay.objects.values_list("date__year", flat=True))
    assert years == {2025, 2026}


def test_by_default_a_next_year_not_yet_published_is_skipped_with_a_warning():
    last = max(chinese_calendar.holidays).year
    err = io.StringIO()
    with time_machine.travel(datetime.datetime(last, 6, 1, tzinfo=ZoneInfo("Asia/Shanghai"))):
        call_command("seed_work_calendar", stdout=io.StringIO(), stderr=err)
    assert str(last + 1) in err.getvalue()
    assert set(WorkCalendarDay.objects.values_list("date__year", flat=True)) == {last}


def test_a_negative_count_of_working_days_is_a_programming_error(calendar_2026):
    calendar = WorkCalendar.load(datetime.date(2026, 3, 2), datetime.date(2026, 3, 31))
    with pytest.raises(ValueError, match="^n must not be negative$"):
        calendar.add_working_days(datetime.date(2026, 3, 2), -1)
