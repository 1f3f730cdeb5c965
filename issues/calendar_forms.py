"""The holiday page's forms: the pasted notice, the year's holiday ranges and its swapped working
days (调休上班), checked against each other before anything is stored."""

from __future__ import annotations

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from issues.calendar_years import HolidayRange, SwappedWorkday

WEEKDAYS = [_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日")]
EXTRA_ROWS = 2
BLANK_YEAR_ROWS = {"holidays": 8, "workdays": 6}


class NoticeForm(forms.Form):
    text = forms.CharField(
        label=_("国务院通知原文"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=20000,
        required=False,
        help_text=_(
            "粘贴通知正文，如“一、元旦：1月1日至3日放假调休，共3天。1月4日（周日）上班。”，"
            "按“识别”填入下方表格，核对后保存。"
        ),
    )


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self):
        super().__init__(format="%Y-%m-%d")


class YearForm(forms.Form):
    """A row of the year's schedule; every date must lie in `year`."""

    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.year = year

    def in_year(self, name: str) -> datetime.date | None:
        day = self.cleaned_data.get(name)
        if day and day.year != self.year:
            self.add_error(
                name, _("%(day)s 不在 %(year)s 年内。") % {"day": day, "year": self.year}
            )
            return None
        return day


class HolidayForm(YearForm):
    name = forms.CharField(label=_("节日"), max_length=50)
    first = forms.DateField(label=_("放假自"), widget=DateInput())
    last = forms.DateField(label=_("放假至"), widget=DateInput())

    def clean(self):
        first, last = self.in_year("first"), self.in_year("last")
        if first and last and last < first:
            self.add_error("last", _("结束日早于开始日 %(first)s。") % {"first": first})
        return self.cleaned_data


class WorkdayForm(YearForm):
    date = forms.DateField(label=_("调休上班日"), widget=DateInput())
    name = forms.CharField(label=_("节日"), max_length=50)

    def clean(self):
        day = self.in_year("date")
        if day and day.weekday() < 5:
            self.add_error(
                "date",
                _("%(day)s 是%(weekday)s，本来就上班：调休上班日是周末。")
                % {"day": day, "weekday": WEEKDAYS[day.weekday()]},
            )
        return self.cleaned_data


class RowsFormSet(forms.BaseFormSet):
    def __init__(self, *args, year: int, **kwargs):
        super().__init__(*args, form_kwargs={"year": year}, **kwargs)

    def initial_form_count(self) -> int:
        return 0  # no row stands for a stored object: any may be left blank, and is then skipped

    def filled(self) -> list[forms.Form]:
        return [form for form in self.forms if form.has_changed() and form.cleaned_data]


class HolidayFormSet(RowsFormSet):
    def clean(self):
        if any(self.errors):
            return
        seen: list[tuple[HolidayRange, forms.Form]] = []
        for form in self.filled():
            holiday = _holiday(form)
            for other, _form in seen:
                if holiday.first <= other.last and other.first <= holiday.last:
                    form.add_error(
                        "first",
                        _("与“%(name)s”（%(first)s 至 %(last)s）重叠。")
                        % {"name": other.name, "first": other.first, "last": other.last},
                    )
            seen.append((holiday, form))
        if not seen:
            raise forms.ValidationError(_("请至少填写一个假期。"))

    def holidays(self) -> list[HolidayRange]:
        return [_holiday(form) for form in self.filled()]


class WorkdayFormSet(RowsFormSet):
    def workdays(self) -> list[SwappedWorkday]:
        return [
            SwappedWorkday(form.cleaned_data["date"], form.cleaned_data["name"])
            for form in self.filled()
        ]


def _holiday(form) -> HolidayRange:
    data = form.cleaned_data
    return HolidayRange(data["name"], data["first"], data["last"])


def formsets(year: int, data=None, *, holidays=None, workdays=None):
    """The two tables, bound to `data`, or showing the given rows (and a few blank ones)."""
    tables = []
    for prefix, form, base, rows in (
        ("holidays", HolidayForm, HolidayFormSet, holidays),
        ("workdays", WorkdayForm, WorkdayFormSet, workdays),
    ):
        extra = len(rows) + EXTRA_ROWS if rows else BLANK_YEAR_ROWS[prefix]
        cls = forms.formset_factory(form, formset=base, extra=extra, max_num=60)
        initial = [row.__dict__ for row in rows] if rows else None
        tables.append(cls(data, prefix=prefix, year=year, initial=None if data else initial))
    return tables


def check_overlaps(holidays: HolidayFormSet, workdays: WorkdayFormSet) -> bool:
    """A swapped working day inside a holiday range is a contradiction: say so on the working
    day's date. True when there is none."""
    ranges = holidays.holidays()
    clear = True
    for form in workdays.filled():
        day = form.cleaned_data["date"]
        for holiday in ranges:
            if holiday.first <= day <= holiday.last:
                form.add_error(
                    "date",
                    _("%(day)s 在“%(name)s”假期（%(first)s 至 %(last)s）之内，不能又是上班日。")
                    % {
                        "day": day,
                        "name": holiday.name,
                        "first": holiday.first,
                        "last": holiday.last,
                    },
                )
                clear = False
    return clear
