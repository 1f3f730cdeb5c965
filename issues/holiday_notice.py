"""Reading the State Council's yearly holiday notice (国务院办公厅关于XXXX年部分节假日安排的通知).

Each holiday is one paragraph in a standard form:

    一、元旦：1月1日（周四）至3日（周六）放假调休，共3天。1月4日（周日）上班。
    二、春节：2月15日（农历腊月二十八）至23日放假调休，共9天。2月14日（周六）、2月28日（周六）上班。
    五、端午节：6月19日（周五）放假，与周末连休。
    六、中秋节、国庆节：9月29日至10月6日放假调休，共8天。10月7日（星期六）、10月8日（星期日）上班。

A sentence with 放假 gives a holiday range (one day, or a day 至 a later day: its month and year
carried from the first when left out; any other count of days is a doubt); a sentence with 上班
gives swapped working days. Bracketed words (weekdays, lunar dates) are dropped; full-width digits
and punctuation are folded. A date without a year is in the notice's year. What is read is only a
proposal: the admin checks it on the form.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from dataclasses import dataclass, field

from issues.calendar_years import HolidayRange, SwappedWorkday

_NAME = r"(?:元旦|[\u4e00-\u9fff]{1,4}节)"
# "二、春节：" ; "六、中秋节、国庆节：" (the colon folded from full width).
SECTION = re.compile(rf"(?:[一二三四五六七八九十]+、)?(?P<name>{_NAME}(?:、{_NAME})*):")
DATE = re.compile(r"(?:(?P<year>\d{4})年)?(?:(?P<month>\d{1,2})月)?(?P<day>\d{1,2})日")
BRACKETS = re.compile(r"\([^)]*\)")
TOTAL = re.compile(r"共(?P<n>\d+)天")


@dataclass
class Notice:
    holidays: list[HolidayRange] = field(default_factory=list)
    workdays: list[SwappedWorkday] = field(default_factory=list)
    # Sentences that speak of days off or work but whose dates could not be read, and ranges whose
    # length disagrees with the notice's 共N天: shown to the admin to check by hand.
    doubts: list[str] = field(default_factory=list)


def parse(text: str, year: int) -> Notice:
    text = unicodedata.normalize("NFKC", text)
    notice = Notice()
    heads = list(SECTION.finditer(text))
    for n, head in enumerate(heads):
        end = heads[n + 1].start() if n + 1 < len(heads) else len(text)
        body = text[head.end() : end].split("\n", 1)[0]
        _read_section(head["name"], BRACKETS.sub("", body), year, notice)
    return notice


def _read_section(name: str, body: str, year: int, notice: Notice) -> None:
    total = TOTAL.search(body)
    for sentence in re.split(r"[。；;，,]", body):
        works, off = "上班" in sentence, "放假" in sentence
        if not (works or off):
            continue  # 共3天, 与周末连休, 不调休
        days = _dates(sentence, year)
        if days is None:
            notice.doubts.append(f"{name}：{sentence.strip()}")
        elif works:
            notice.workdays += [SwappedWorkday(day, name) for day in days]
        elif len(days) != (2 if "至" in sentence else 1):
            # 至 with one day, or two days without 至 (6月19日、22日放假): not a range we can
            # read, so the admin is asked rather than given one day of it.
            notice.doubts.append(f"{name}：{sentence.strip()}")
        else:
            first, last = days[0], days[-1]
            notice.holidays.append(HolidayRange(name, first, last))
            if total and int(total["n"]) != (last - first).days + 1:
                notice.doubts.append(f"{name}：{first:%m-%d}—{last:%m-%d} ≠ {total.group(0)}")


def _dates(sentence: str, year: int) -> list[datetime.date] | None:
    """The dates of a sentence in order, each taking the year and month of the one before when
    it leaves them out ("2月14日、28日", "9月29日至10月6日", "12月30日至2027年1月1日"); None when
    there is none, or one is not a date (2月30日)."""
    days = []
    month = None
    for match in DATE.finditer(sentence):
        year = int(match["year"]) if match["year"] else year
        month = int(match["month"]) if match["month"] else month
        try:
            days.append(datetime.date(year, month or 0, int(match["day"])))
        except ValueError:
            return None
    return days or None
