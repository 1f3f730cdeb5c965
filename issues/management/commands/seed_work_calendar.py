"""Fill the work calendar from the chinesecalendar package, which follows the State Council's
yearly notice. Only exceptions to the Monday–Friday week are stored."""

import datetime

import chinese_calendar
from chinese_calendar import Holiday
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from issues import calendar_years, deadlines
from issues.models import CalendarYear, WorkCalendarDay

# The State Council's notices name these festivals in full; the package abbreviates them.
FULL_NAMES = {
    Holiday.tomb_sweeping_day: "清明节",
    Holiday.dragon_boat_festival: "端午节",
    Holiday.mid_autumn_festival: "中秋节",
}


def known(year: int) -> bool:
    """Whether the package has the year's schedule: it raises NotImplementedError otherwise."""
    try:
        chinese_calendar.is_workday(datetime.date(year, 1, 1))
    except NotImplementedError:
        return False
    return True


def exceptions(year: int) -> list[WorkCalendarDay]:
    """The year's holidays on weekdays and working weekend days, named after their holiday."""
    rows = []
    day = datetime.date(year, 1, 1)
    while day.year == year:
        on_holiday, name = chinese_calendar.get_holiday_detail(day)
        if on_holiday == (day.weekday() < 5):
            holiday = Holiday(name)
            rows.append(
                WorkCalendarDay(
                    date=day,
                    is_workday=not on_holiday,
                    name=FULL_NAMES.get(holiday, holiday.chinese),
                )
            )
        day += datetime.timedelta(days=1)
    return rows


def no_schedule(years: list[int]) -> str:
    return _(
        "chinesecalendar %(version)s 没有 %(years)s 年的放假安排：请升级该包，"
        "或在“节假日安排”页录入。"
    ) % {
        "version": chinese_calendar.__version__,
        "years": "、".join(map(str, years)),
    }


class Command(BaseCommand):
    help = (
        "Store the holidays and swapped working days (调休) of the given years, by default this "
        "year and next as far as the chinesecalendar package knows them."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year",
            type=int,
            nargs="+",
            dest="years",
            metavar="YEAR",
            help="years to store (default: this year and next)",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="overwrite dates that already have a row; by default they are kept, since an "
            "administrator may have corrected them",
        )

    def handle(self, *args, years, replace, **options):
        if years:
            unknown = [year for year in years if not known(year)]
            if unknown:
                raise CommandError(no_schedule(unknown))
        else:
            this_year = timezone.localdate().year
            candidates = [this_year, this_year + 1]
            years = [year for year in candidates if known(year)]
            if not years:
                raise CommandError(no_schedule(candidates))
            if skipped := [year for year in candidates if year not in years]:
                self.stderr.write(no_schedule(skipped))

        rows = [row for year in years for row in exceptions(year)]
        with transaction.atomic():
            existing = set(
                WorkCalendarDay.objects.filter(date__in=[row.date for row in rows]).values_list(
                    "date", flat=True
                )
            )
            if replace:
                WorkCalendarDay.objects.bulk_create(
                    rows,
                    update_conflicts=True,
                    unique_fields=["date"],
                    update_fields=["is_workday", "name"],
                )
            else:
                WorkCalendarDay.objects.bulk_create(
                    [row for row in rows if row.date not in existing], ignore_conflicts=True
                )
            # bulk_create sends no signals: count open deadlines again here.
            written = rows if replace else [row for row in rows if row.date not in existing]
            deadlines.recompute([row.date for row in written])
            for year in years:
                calendar_years.mark_entered(
                    year, source=CalendarYear.Source.PACKAGE, replace=replace
                )
        replaced = len(existing) if replace else 0
        self.stdout.write(
            _("%(years)s 年工作日历：新增 %(created)d 条，覆盖 %(replaced)d 条，保留 %(kept)d 条。")
            % {
                "years": "、".join(map(str, years)),
                "created": len(rows) - len(existing),
                "replaced": replaced,
                "kept": len(existing) - replaced,
            }
        )
