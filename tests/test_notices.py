"""Notices chosen by period and campaign, compared with the period before, with tables by area and
by unit that add up to the summary, figures as of the period's end, typical cases with their story,
and a workbook that opens ready to read and print."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Status, TicketEvent
from reports import notices
from reports.models import Notice
from reports.periods import calendar_before, complete_periods
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
MONTH = complete_periods("monthly", TODAY, 1)[0]
BEFORE = calendar_before("monthly", MONTH)


def on(day: datetime.date, hour: int = 10) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def county():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    towns = [
        f.make_unit(parent=county, code=f"E{i}", name=n) for i, n in ((1, "云溪镇"), (2, "青石镇"))
    ]
    units = [
        f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county, code=c, name=n)
        for c, n in (("D1", "区经信局"), ("D2", "区资规局"))
    ]
    campaign = f.make_campaign(name="万企走访", scope_unit=county)
    raiser = f.make_user("cadre")
    firms = [f.make_enterprise(town=t) for t in towns] + [f.make_enterprise(town=county)]
    made = []
    for i in range(12):
        firm = firms[i % 3]
        day = MONTH.start + datetime.timedelta(days=i % 25)
        status = [Status.ASSIGNED, Status.RESOLVED, Status.REGISTERED, Status.CLOSED][i % 4]
        made.append(
            f.make_ticket(
                enterprise=firm,
                raised_by=raiser,
                status=status,
                owner_unit=None if status == Status.REGISTERED else units[i % 2],
                due_date=MONTH.start + datetime.timedelta(days=3),
                created_at=on(day),
                resolved_at=on(MONTH.end) if status in (Status.RESOLVED, Status.CLOSED) else None,
                campaign=campaign if i % 2 else None,
            )
        )
    for _i in range(5):  # the month before: fewer
        f.make_ticket(enterprise=firms[0], raised_by=raiser, created_at=on(BEFORE.start))
    return {
        "root": root,
        "county": county,
        "towns": towns,
        "campaign": campaign,
        "tickets": made,
        "organiser": f.make_user("organiser", jurisdiction_unit=county),
        "leader": f.make_user("leader", jurisdiction_unit=county),
    }


def rows(sheet):
    return list(sheet.iter_rows(min_row=2, values_only=True))


def test_the_workbook_opens_ready_and_every_table_adds_up_to_the_summary(county):
    notice = notices.generate(county["county"], "monthly", MONTH)
    book = openpyxl.load_workbook(io.BytesIO(notice.workbook.read()))
    summary = {r[0]: r for r in book["汇总"].iter_rows(values_only=True) if r and r[0]}
    assert summary["收集难题"][1:3] == (12, 5)  # this month and the month before
    assert summary["收集难题"][3] == 7 and isinstance(summary["化解率"][1], float)
    assert "截至期末" in summary["期末在办难题"][4] and "当前数" in summary["结对覆盖率"][4]
    wanted = {
        "收集难题": summary["收集难题"][1],
        "已解决": summary["已解决"][1],
        "期末在办": summary["期末在办难题"][1],
        "期末超期": summary["期末超期难题"][1],
    }
    for name, label_col in (("分地区", 0), ("承办单位", 1)):
        sheet = book[name]
        header = [c.value for c in sheet[1]]
        body = rows(sheet)
        total = body[-1]
        assert total[label_col] == "合计"
        for column, value in wanted.items():
            i = header.index(column)
            assert total[i] == value, (name, column)
            assert sum(r[i] for r in body[:-1]) == value, (name, column)  # the rows add up
        assert sheet.freeze_panes == "A2" and sheet.print_title_rows == "$1:$1"
        assert str(sheet.page_setup.paperSize) == sheet.PAPERSIZE_A4
        assert sheet.print_area and sheet.column_dimensions["B"].width >= 10
    areas = [r[0] for r in rows(book["分地区"])]
    assert areas == ["云溪镇", "青石镇", "东城区直属（不在下级地区）", "合计"]
    units = [r[1] for r in rows(book["承办单位"])]
    assert units[-2:] == ["尚未交办（无承办单位）", "合计"]
    rate = book["承办单位"]["F2"]
    assert isinstance(rate.value, (int, float)) and rate.number_format == "0.0%"
    late = rows(book["期末超期清单"])
    assert late and all(isinstance(r[3], datetime.datetime) for r in late)


def test_a_notice_of_any_past_quarter_or_year_and_of_one_campaign(client, county):
    sign_in(client, county["leader"])
    page = client.get(reverse("notice_list")).content.decode()
    quarter = complete_periods("quarterly", TODAY, 1)[0]
    assert f'value="quarterly:{quarter.start}"' in page and "年度通报" in page
    campaign = county["campaign"]
    response = client.post(
        reverse("notice_list"), {"period": f"monthly:{MONTH.start}", "campaign": campaign.pk}
    )
    notice = Notice.objects.get()
    assert response["Location"] == reverse("notice_detail", args=[notice.pk])
    assert (notice.kind, notice.period_start, notice.campaign) == ("monthly", MONTH.start, campaign)
    assert notice.figures["now"]["collected"] == 6  # only the campaign's tickets
    detail = client.get(response["Location"]).content.decode()
    assert "东城区月通报（万企走访）" in detail and 'data-table="units"' in detail
    year = complete_periods("yearly", TODAY, 1)[0]
    client.post(reverse("notice_list"), {"period": f"yearly:{year.start}"})
    assert Notice.objects.filter(kind="yearly", period_end=year.end).exists()


def test_a_period_not_offered_is_refused_and_nothing_is_made(client, county):
    sign_in(client, county["leader"])
    this_month = TODAY.replace(day=1)
    response = client.post(reverse("notice_list"), {"period": f"monthly:{this_month}"})
    assert response.status_code == 400 and "period" in response.context["form"].errors
    assert not Notice.objects.exists()


def test_an_organiser_marks_a_typical_case_and_the_notice_tells_its_story(client, county):
    ticket = county["tickets"][1]  # resolved at the month's end
    TicketEvent.objects.create(
        ticket=ticket, action="resolve", note="协调供电部门增容", at=on(MONTH.end)
    )
    sign_in(client, county["organiser"])
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "列为典型案例" in page
    client.post(reverse("ticket_typical", args=[ticket.pk]), {"typical": "1", "note": "化解快"})
    ticket.refresh_from_db()
    assert ticket.is_model_case
    assert ticket.events.filter(action="model_case", note="化解快").exists()
    notice = notices.generate(county["county"], "monthly", MONTH)
    case = notice.figures["cases"][0]
    assert case["id"] == ticket.pk
    story = [(s["what"], s["note"]) for s in case["story"]]
    assert ("列为典型案例", "化解快") in story and story[0][1] == "协调供电部门增容"
    book = openpyxl.load_workbook(io.BytesIO(notice.workbook.read()))
    assert "协调供电部门增容" in rows(book["典型案例"])[0][4]
    detail = client.get(reverse("notice_detail", args=[notice.pk])).content.decode()
    assert "协调供电部门增容" in detail


def test_an_organiser_elsewhere_cannot_mark_the_ticket(client, county):
    other = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=county["root"], code="W", name="西区")
    sign_in(client, f.make_user("organiser", jurisdiction_unit=other))
    ticket = county["tickets"][0]
    response = client.post(reverse("ticket_typical", args=[ticket.pk]), {"typical": "1"})
    assert response.status_code == 404
    ticket.refresh_from_db()
    assert not ticket.is_model_case
