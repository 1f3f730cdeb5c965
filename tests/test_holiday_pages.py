"""Next year's holidays: the admin enters the State Council's schedule on the holiday page (paste,
check, save); until then deadlines in the year are marked 未含节假日 and, from 1 November, admins
and organisers see a banner; entering the year recounts the open deadlines it moves.

2027's schedule below is made up in the notice's form (the real one was not out when written)."""

from __future__ import annotations

import datetime
import io
import threading
import zoneinfo

import openpyxl
import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from issues import calendar_years, workdays
from issues.calendar_years import HolidayRange
from issues.models import CalendarYear, Status, WorkCalendarDay
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
NOTICE_2027 = (
    "一、元旦：1月1日（周五）至3日（周日）放假，共3天。\n"
    "二、春节：2月5日（农历腊月二十九）至13日放假调休，共9天。2月14日（周日）、2月20日（周六）上班。"
)
MARK = 'class="badge unentered"'
TODAY = datetime.datetime(2026, 11, 28, 10, tzinfo=SHANGHAI)


@pytest.fixture(autouse=True)
def today_and_2026():
    """28 November 2026, with 2025 and 2026 seeded from chinesecalendar (which stops at 2026)."""
    with time_machine.travel(TODAY, tick=False):
        call_command("seed_work_calendar", "--year", "2025", "2026", stdout=io.StringIO())
        yield


@pytest.fixture
def county():
    return f.make_unit(kind=OrgUnit.Kind.COUNTY, code="Y")


@pytest.fixture
def organiser(county):
    return f.make_user("organiser", jurisdiction_unit=county)


@pytest.fixture
def admin(client):
    user = f.make_user("admin", is_staff=True)
    sign_in(client, user)
    return user


def management(holidays: int, workdays: int) -> dict:
    return {
        "holidays-TOTAL_FORMS": str(holidays),
        "holidays-INITIAL_FORMS": "0",
        "workdays-TOTAL_FORMS": str(workdays),
        "workdays-INITIAL_FORMS": "0",
    }


def schedule_2027(**changes) -> dict:
    data = {
        **management(3, 3),
        "save": "1",
        "holidays-0-name": "元旦",
        "holidays-0-first": "2027-01-01",
        "holidays-0-last": "2027-01-03",
        "holidays-1-name": "春节",
        "holidays-1-first": "2027-02-05",
        "holidays-1-last": "2027-02-13",
        "workdays-0-date": "2027-02-14",
        "workdays-0-name": "春节",
        "workdays-1-date": "2027-02-20",
        "workdays-1-name": "春节",
    }
    data.update(changes)
    return data


def assigned(on: datetime.datetime, days: int, **fields):
    """A ticket of a firm in county Y assigned at `on` for `days` working days, its deadline
    counted as the workflow counts it."""
    county = OrgUnit.objects.get(code="Y")
    fields.setdefault("owner_unit", f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county))
    return f.make_ticket(
        enterprise=f.make_enterprise(town=f.make_unit(parent=county)),
        status=Status.ASSIGNED,
        assigned_at=on,
        due_days=days,
        due_date=workdays.add_working_days(on.date(), days),
        **fields,
    )


def at(*args):
    return datetime.datetime(*args, 9, tzinfo=SHANGHAI)


def test_deadlines_across_yuandan_and_chunjie_of_an_entered_and_an_unentered_year(
    organiser, client
):
    # 2026 is entered: 元旦 1–3 Jan off, Sunday 4 Jan worked; 春节 15–23 Feb off, 14 Feb worked.
    yuandan_2026 = assigned(at(2025, 12, 30), 5)  # 31, 4 (Sun), 5, 6, 7
    chunjie_2026 = assigned(at(2026, 2, 13), 5)  # 14 (Sat), 24, 25, 26, 27
    assert yuandan_2026.due_date == D(2026, 1, 7)
    assert chunjie_2026.due_date == D(2026, 2, 27)
    # 2027 is not: Monday to Friday only, so 1 January and the festival are counted as working.
    yuandan_2027 = assigned(at(2026, 12, 30), 5)  # 31, 1, 4, 5, 6
    chunjie_2027 = assigned(at(2027, 2, 4), 5)  # 5, 8, 9, 10, 11
    assert yuandan_2027.due_date == D(2027, 1, 6)
    assert chunjie_2027.due_date == D(2027, 2, 11)
    sign_in(client, organiser)
    for ticket, marked in [
        (yuandan_2026, False),
        (chunjie_2026, False),
        (yuandan_2027, True),
        (chunjie_2027, True),
    ]:
        page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
        assert f"{ticket.due_date:%Y-%m-%d}" in page
        assert (MARK in page) is marked, ticket.due_date


def test_the_assignment_form_and_its_workbook_mark_an_unentered_years_deadline(organiser, client):
    ticket = assigned(at(2026, 12, 30), 5)
    sign_in(client, organiser)
    url = reverse("assignment_form", args=[ticket.pk])
    assert "2027-01-06（未含节假日）" in client.get(url).content.decode()
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url, {"format": "xlsx"}).content)).active
    assert ["办理期限", "2027-01-06（未含节假日）"] in [
        [c.value for c in row] for row in sheet.iter_rows()
    ]
    entered = assigned(at(2026, 2, 13), 5)
    page = client.get(reverse("assignment_form", args=[entered.pk])).content.decode()
    assert "2026-02-27" in page and "（未含节假日）" not in page


def test_pasting_the_notice_fills_the_form_and_saving_enters_the_year(county, admin, client):
    url = reverse("calendar_year_edit", args=[2027])
    listing = client.get(reverse("calendar_year_list")).content.decode()
    assert "录入 2027 年" in listing and url in listing
    filled = client.post(url, {**management(0, 0), "parse": "1", "text": NOTICE_2027})
    page = filled.content.decode()
    assert 'name="holidays-1-first" value="2027-02-05"' in page
    assert 'name="holidays-1-last" value="2027-02-13"' in page
    assert 'name="workdays-1-date" value="2027-02-20"' in page
    assert "读出 2 个假期、2 个调休上班日" in page
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()  # nothing saved yet

    # Before: deadlines counted Monday to Friday through 元旦 and 春节 2027.
    across_yuandan = assigned(at(2026, 12, 30), 5)
    across_chunjie = assigned(at(2027, 2, 4), 5)
    outside = assigned(at(2027, 3, 1), 5)
    done = client.post(url, schedule_2027())
    assert done.status_code == 302
    message = client.get(done["Location"]).content.decode()
    assert "2027 年放假安排已保存" in message and "2 条在办难题的办理期限已重新计算" in message
    across_yuandan.refresh_from_db()
    across_chunjie.refresh_from_db()
    assert across_yuandan.due_date == D(2027, 1, 7)  # 1 January off now
    assert across_chunjie.due_date == D(2027, 2, 18)  # 14 (Sun), 15, 16, 17, 18
    assert across_chunjie.events.get().action == "deadline_recomputed"
    outside.refresh_from_db()
    assert outside.due_date == D(2027, 3, 8) and not outside.events.exists()
    year = CalendarYear.objects.get(year=2027)
    assert year.source == "admin" and year.entered_by == admin
    stored = dict(WorkCalendarDay.objects.filter(date__year=2027).values_list("date", "is_workday"))
    assert stored == {
        D(2027, 1, 1): False,
        **{D(2027, 2, d): False for d in (5, 8, 9, 10, 11, 12)},
        D(2027, 2, 14): True,
        D(2027, 2, 20): True,
    }
    entry = AuditEntry.objects.get(action="holiday_schedule_entered")
    assert entry.user == admin and entry.changes["deadlines_moved"] == 2
    sign_in(client, f.make_user("organiser", jurisdiction_unit=county))
    page = client.get(reverse("ticket_detail", args=[across_chunjie.pk]))
    assert "2027-02-18" in page.content.decode() and MARK not in page.content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        # A swapped working day inside a holiday: 14 February is also off.
        (
            {"workdays-0-date": "2027-02-13"},
            "workdays-0-date",
            "假期（2027-02-05 至 2027-02-13）之内",
        ),
        ({"holidays-0-first": "2026-12-31"}, "holidays-0-first", "2026-12-31 不在 2027 年内"),
        ({"workdays-1-date": "2028-01-08"}, "workdays-1-date", "2028-01-08 不在 2027 年内"),
        ({"holidays-1-last": "2027-02-01"}, "holidays-1-last", "结束日早于开始日 2027-02-05"),
        ({"workdays-0-date": "2027-02-17"}, "workdays-0-date", "是周三，本来就上班"),
        (
            {
                "holidays-2-name": "春节",
                "holidays-2-first": "2027-02-12",
                "holidays-2-last": "2027-02-15",
            },
            "holidays-2-first",
            "与“春节”（2027-02-05 至 2027-02-13）重叠",
        ),
        ({"holidays-1-first": "2027-02-30"}, "holidays-1-first", "日期"),
        ({"holidays-1-name": ""}, "holidays-1-name", "必填"),
    ],
)
def test_a_bad_schedule_is_refused_on_its_field_and_nothing_is_saved(
    county, admin, client, changes, field, message
):
    waiting = assigned(at(2026, 12, 30), 5)
    response = client.post(reverse("calendar_year_edit", args=[2027]), schedule_2027(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    # The message sits with its field, and what was typed is on the page again.
    field_html = page[page.index(f'name="{field}"') :]
    assert message in field_html[: field_html.index("</td>")]
    assert 'value="2027-02-05"' in page or changes.get("holidays-1-first")
    assert not WorkCalendarDay.objects.filter(date__year=2027).exists()
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert not AuditEntry.objects.filter(action="holiday_schedule_entered").exists()
    waiting.refresh_from_db()
    assert waiting.due_date == D(2027, 1, 6)


def test_an_empty_schedule_and_a_notice_without_dates_are_refused(admin, client):
    url = reverse("calendar_year_edit", args=[2027])
    empty = client.post(url, {**management(2, 1), "save": "1"}).content.decode()
    assert "请至少填写一个假期" in empty
    unread = client.post(url, {**management(0, 0), "parse": "1", "text": "国务院通知如下"})
    assert "没有读出假期" in unread.content.decode()
    assert "国务院通知如下" in unread.content.decode()
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_only_the_system_admin_opens_the_page_and_only_for_nearby_years(admin, client):
    assert client.get(reverse("calendar_year_edit", args=[2031])).status_code == 404
    for role in ["organiser", "leader", "handler", "cadre"]:
        sign_in(client, f.make_user(role))
        assert client.get(reverse("calendar_year_list")).status_code == 403
        assert (
            client.post(reverse("calendar_year_edit", args=[2027]), schedule_2027()).status_code
            == 403
        )
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_an_entered_year_opens_with_its_days_to_edit(admin, client):
    page = client.get(reverse("calendar_year_edit", args=[2026])).content.decode()
    # 春节 2026 is stored as its weekdays off (16–20, 23 Feb): read back as one range.
    assert 'value="2026-02-16"' in page and 'value="2026-02-23"' in page
    assert 'name="workdays-1-date" value="2026-02-14"' in page


@pytest.mark.parametrize(
    ("day", "role", "shown"),
    [
        (datetime.datetime(2026, 10, 31, 12, tzinfo=SHANGHAI), "organiser", False),
        (datetime.datetime(2026, 11, 1, 0, 5, tzinfo=SHANGHAI), "organiser", True),
        (datetime.datetime(2026, 11, 1, 0, 5, tzinfo=SHANGHAI), "admin", True),
        (datetime.datetime(2026, 12, 31, 23, tzinfo=SHANGHAI), "organiser", True),
        (datetime.datetime(2026, 11, 28, 9, tzinfo=SHANGHAI), "cadre", False),
        (datetime.datetime(2026, 11, 28, 9, tzinfo=SHANGHAI), "leader", False),
    ],
)
def test_the_banner_shows_from_1_november_to_admins_and_organisers(client, day, role, shown):
    user = f.make_user(role, jurisdiction_unit=f.make_unit(kind=OrgUnit.Kind.COUNTY))
    with time_machine.travel(day, tick=False):
        sign_in(client, user)
        page = client.get(reverse("home"), follow=True).content.decode()
    assert ("2027 年的法定节假日尚未录入" in page) is shown
    assert (reverse("calendar_year_list") in page) is (shown and role == "admin")


def test_the_banner_goes_once_the_year_is_entered_and_comes_for_a_year_never_entered(client):
    sign_in(client, f.make_user("organiser", jurisdiction_unit=f.make_unit(kind="county")))
    CalendarYear.objects.create(year=2027, source="admin")
    assert "尚未录入" not in client.get(reverse("organiser_home")).content.decode()
    CalendarYear.objects.filter(year=2026).delete()
    page = client.get(reverse("organiser_home")).content.decode()
    assert "2026 年的法定节假日尚未录入" in page


def test_marking_a_list_of_deadlines_costs_one_query_for_3_or_30_rows(
    client, county, django_assert_num_queries
):
    """The handler's queue marks each deadline in 2027; the years entered are read once."""
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county)
    sign_in(client, f.make_user("handler", home_unit=dept))

    def add(n):
        for _ in range(n):
            assigned(at(2026, 12, 30), 5, owner_unit=dept)

    add(3)
    client.get(reverse("handler_home"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("handler_home")).content.decode().count(MARK) == 3
    add(27)
    with django_assert_num_queries(len(few.captured_queries)):
        # 25 to a page: all marked.
        assert client.get(reverse("handler_home")).content.decode().count(MARK) == 25


@pytest.mark.django_db(transaction=True)
def test_two_admins_saving_a_year_at_once_leave_one_schedule_whole(county):
    """Two real connections on PostgreSQL enter 2027 at once, with different 春节 weeks: the
    calendar holds exactly one of the two, never a mixture."""
    from django.db import connection, connections

    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL; this run uses " + connection.vendor)
    admins = [f.make_user("admin"), f.make_user("admin")]
    weeks = [
        [HolidayRange("春节", D(2027, 2, 5), D(2027, 2, 13))],
        [HolidayRange("春节", D(2027, 2, 8), D(2027, 2, 16))],
    ]
    barrier = threading.Barrier(2)

    def enter(n):
        try:
            barrier.wait()
            calendar_years.enter_schedule(year=2027, holidays=weeks[n], workdays=[], user=admins[n])
        finally:
            connections.close_all()

    threads = [threading.Thread(target=enter, args=(n,)) for n in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    stored = set(WorkCalendarDay.objects.filter(date__year=2027).values_list("date", flat=True))
    expected = [{d for d in week[0].days() if d.weekday() < 5} for week in weeks]
    assert stored in expected
    winner = CalendarYear.objects.get(year=2027).entered_by
    assert stored == expected[admins.index(winner)]
    assert AuditEntry.objects.filter(action="holiday_schedule_entered").count() == 2
