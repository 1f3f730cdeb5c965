"""The notice parser against the State Council's own schedules: for 2024, 2025 and 2026 a notice is
written in the notice's standard form from chinesecalendar's holidays and swapped working days, and
reading it gives back exactly those days; saved through the holiday page's service, the calendar
holds exactly what seed_work_calendar would store."""

from __future__ import annotations

import datetime
import itertools

import chinese_calendar
import pytest
from chinese_calendar import Holiday

from issues import calendar_years, holiday_notice
from issues.management.commands.seed_work_calendar import FULL_NAMES, exceptions
from issues.models import WorkCalendarDay

D = datetime.date
NUMERALS = "一二三四五六七八九十"
WEEKDAYS = {
    # Recent notices write 周六; earlier ones 星期六: both are read.
    "short": ["周一", "周二", "周三", "周四", "周五", "周六", "周日"],
    "long": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
}


def chinese(name: str) -> str:
    holiday = Holiday(name)
    return FULL_NAMES.get(holiday, holiday.chinese)


def official(year: int) -> tuple[dict[D, str], dict[D, str]]:
    holidays = {d: n for d, n in chinese_calendar.holidays.items() if d.year == year}
    workdays = {d: n for d, n in chinese_calendar.workdays.items() if d.year == year}
    return holidays, workdays


def write_notice(year: int, style: str) -> str:
    """The notice for `year` as the State Council writes it: one numbered paragraph per run of
    days off, named after its holidays, with the weekend days worked in exchange."""
    holidays, workdays = official(year)
    weekday = WEEKDAYS[style]

    def day(d: D, previous: D | None = None) -> str:
        month = "" if previous and previous.month == d.month else f"{d.month}月"
        return f"{month}{d.day}日（{weekday[d.weekday()]}）"

    runs: list[list[D]] = []
    for d in sorted(holidays):
        if runs and d - runs[-1][-1] == datetime.timedelta(days=1):
            runs[-1].append(d)
        else:
            runs.append([d])
    lines = [
        f"国务院办公厅关于{year}年部分节假日安排的通知",
        "各省、自治区、直辖市人民政府，国务院各部委、各直属机构：",
        f"经国务院批准，现将{year}年节假日放假调休日期的具体安排通知如下。",
    ]
    for number, run in zip(NUMERALS, runs, strict=False):
        names = list(dict.fromkeys(holidays[d] for d in run))
        first, last = run[0], run[-1]
        if first == last:
            text = f"{day(first)}放假，与周末连休。"
        else:
            text = f"{day(first)}至{day(last, first)}放假调休，共{len(run)}天。"
        worked = [d for d, n in sorted(workdays.items()) if n in names]
        if worked:
            text += "、".join(day(d) for d in worked) + "上班。"
        lines.append(f"{number}、{'、'.join(chinese(n) for n in names)}：{text}")
    lines.append("节假日期间，各地区、各部门要妥善安排好值班和安全、保卫、疫情防控等工作。")
    return "\n".join(lines)


@pytest.mark.parametrize(("year", "style"), [(2024, "long"), (2025, "short"), (2026, "short")])
def test_reading_a_notice_gives_back_chinesecalendars_days(year, style):
    holidays, workdays = official(year)
    notice = holiday_notice.parse(write_notice(year, style), year)
    read_off = set(itertools.chain.from_iterable(h.days() for h in notice.holidays))
    assert read_off == set(holidays)
    assert sorted(w.date for w in notice.workdays) == sorted(workdays)
    assert notice.doubts == []


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_saving_a_read_notice_stores_what_the_seed_would(year, f):
    notice = holiday_notice.parse(write_notice(year, "short"), year)
    calendar_years.enter_schedule(
        year=year,
        holidays=notice.holidays,
        workdays=notice.workdays,
        user=f.make_user("admin"),
    )
    stored = dict(WorkCalendarDay.objects.values_list("date", "is_workday"))
    assert stored == {row.date: row.is_workday for row in exceptions(year)}


def test_the_notices_own_sentences():
    text = (
        "一、元旦：1月1日至3日放假调休，共3天。1月4日（周日）上班。\n"
        "二、春节：2月15日（农历腊月二十八）至23日放假调休，共9天。"
        "2月14日（周六）、2月28日（周六）上班。\n"
        "六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。"
    )
    notice = holiday_notice.parse(text, 2026)
    assert [(h.name, h.first, h.last) for h in notice.holidays] == [
        ("元旦", D(2026, 1, 1), D(2026, 1, 3)),
        ("春节", D(2026, 2, 15), D(2026, 2, 23)),
        ("中秋节、国庆节", D(2026, 9, 29), D(2026, 10, 6)),
    ]
    assert [(w.name, w.date) for w in notice.workdays] == [
        ("元旦", D(2026, 1, 4)),
        ("春节", D(2026, 2, 14)),
        ("春节", D(2026, 2, 28)),
        ("中秋节、国庆节", D(2026, 10, 7)),
        ("中秋节、国庆节", D(2026, 10, 8)),
    ]


def test_full_width_digits_a_years_turn_and_doubts():
    text = (
        "一、元旦：２０１８年１２月３０日至２０１９年１月１日放假调休，共３天。"
        "２０１８年１２月２９日（星期六）上班。\n"
        "二、春节：2月4日至10日放假调休，共8天。2月2日（星期六）、2月3日（星期日）上班。\n"
        "三、清明节：4月30日放假。"
    )
    notice = holiday_notice.parse(text, 2019)
    assert notice.holidays[0].first == D(2018, 12, 30) and notice.holidays[0].last == D(2019, 1, 1)
    assert notice.workdays[0].date == D(2018, 12, 29)
    # 4–10 February is 7 days, not the 8 written: shown to be checked. 30 April: a day that is.
    assert notice.doubts == ["春节：02-04—02-10 ≠ 共8天"]
    assert notice.holidays[2].first == D(2019, 4, 30)
    assert holiday_notice.parse("四、劳动节：4月31日放假。", 2019).doubts == ["劳动节：4月31日放假"]


def test_a_notice_pasted_as_one_line_keeps_each_holiday_to_its_own_paragraph():
    text = (
        "一、元旦：1月1日放假，共1天。 1月4日（周日）上班。"
        "二、春节：2月15日至23日放假调休，共9天。2月14日上班。"
        "三、清明节：4月4日放假。"
    )
    notice = holiday_notice.parse(text, 2026)
    assert [(h.name, h.first, h.last) for h in notice.holidays] == [
        ("元旦", D(2026, 1, 1), D(2026, 1, 1)),
        ("春节", D(2026, 2, 15), D(2026, 2, 23)),
        ("清明节", D(2026, 4, 4), D(2026, 4, 4)),
    ]
    assert [(w.name, w.date) for w in notice.workdays] == [
        ("元旦", D(2026, 1, 4)),
        ("春节", D(2026, 2, 14)),
    ]
    assert notice.doubts == []


def test_the_lines_after_a_paragraph_are_not_read_as_part_of_it():
    text = (
        "一、元旦：1月1日放假。\n"
        "节假日期间，各地区要安排好上班值守人员。\n"
        "国务院办公厅\n"
        "2025年11月4日"
    )
    notice = holiday_notice.parse(text, 2026)
    assert [(h.name, h.first) for h in notice.holidays] == [("元旦", D(2026, 1, 1))]
    assert (notice.workdays, notice.doubts) == ([], [])


def test_a_doubt_quotes_the_sentence_without_its_brackets_and_a_day_needs_a_month():
    assert holiday_notice.parse("一、元旦：2月30日（周一）放假。", 2026).doubts == [
        "元旦：2月30日放假"
    ]
    # A day whose month nothing gives is no date: left to be checked, never read as January.
    notice = holiday_notice.parse("一、元旦：3日放假。", 2026)
    assert (notice.holidays, notice.doubts) == ([], ["元旦：3日放假"])


def test_a_days_off_sentence_that_is_neither_one_day_nor_a_range_is_a_doubt():
    # Two days without 至 are not a range from the first to the second, nor the first alone.
    notice = holiday_notice.parse("五、端午节：6月19日、22日放假。", 2026)
    assert (notice.holidays, notice.doubts) == ([], ["端午节：6月19日、22日放假"])
    # 至 whose far end is no date ("至初七") is not the first day alone.
    notice = holiday_notice.parse("二、春节：2月15日至初七放假调休。", 2026)
    assert (notice.holidays, notice.doubts) == ([], ["春节：2月15日至初七放假调休"])
