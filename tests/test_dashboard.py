"""The leader's dashboard, its drill-down, the notices and the nightly snapshot."""

from __future__ import annotations

import datetime
import io
import re

import openpyxl
import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Notification, Status
from reports import notices
from reports.models import FigureSnapshot, Notice
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def city():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=root, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    other = f.make_unit(parent=county, code="E2", name="青石镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D", name="市经信局")
    raiser = f.make_user("cadre")
    firm, other_firm = f.make_enterprise(town=town), f.make_enterprise(town=other)
    late = TODAY - datetime.timedelta(days=3)
    f.make_ticket(
        enterprise=firm,
        raised_by=raiser,
        title="云溪超期",
        status=Status.ASSIGNED,
        owner_unit=dept,
        due_date=late,
    )
    f.make_ticket(enterprise=firm, raised_by=raiser, status=Status.RESOLVED, owner_unit=dept)
    f.make_ticket(
        enterprise=other_firm,
        raised_by=raiser,
        title="青石超期",
        status=Status.ASSIGNED,
        owner_unit=dept,
        due_date=late,
    )
    return {
        "root": root,
        "county": county,
        "town": town,
        "town_leader": f.make_user("leader", jurisdiction_unit=town),
        "county_leader": f.make_user("leader", jurisdiction_unit=county),
        "organiser": f.make_user("organiser", jurisdiction_unit=county),
        "firm": firm,
        "raiser": raiser,
        "dept": dept,
    }


def figure(page: str, key: str) -> str:
    start = page.index(f'data-figure="{key}"')
    return page[start : start + 300]


def test_a_town_leader_counts_only_that_town(client, city):
    sign_in(client, city["town_leader"])
    page = client.get(reverse("leader_home")).content.decode()
    assert '<span class="n">1</span>' in figure(page, "overdue")
    rows = client.get(reverse("leader_rows") + "?figure=overdue").content.decode()
    assert "云溪超期" in rows and "青石超期" not in rows
    client.logout()
    sign_in(client, city["county_leader"])
    page = client.get(reverse("leader_home")).content.decode()
    assert '<span class="n">2</span>' in figure(page, "overdue")


def test_drilling_down_from_a_figure_gives_its_rows_each_a_link(client, city):
    sign_in(client, city["county_leader"])
    rows = client.get(reverse("leader_rows") + "?figure=resolved&period=year").content.decode()
    assert len(re.findall(r'href="/tickets/\d+/"', rows)) == 1
    assert client.get(reverse("leader_rows") + "?figure=nonsense").status_code == 404
    firms = client.get(reverse("leader_rows") + "?figure=uncovered").content.decode()
    assert f"/enterprises/{city['firm'].pk}/" in firms


def test_a_monthly_notice_workbook_holds_the_numbers_and_reaches_the_area(city):
    period = notices.last_complete(Notice.Kind.MONTHLY, TODAY)
    firm = city["firm"]
    for _ in range(3):
        f.make_ticket(
            enterprise=firm,
            raised_by=city["raiser"],
            status=Status.RESOLVED,
            outcome="solved",
            owner_unit=city["dept"],
            created_at=timezone.make_aware(datetime.datetime.combine(period.end, datetime.time(9))),
        )
    notice = notices.generate(city["county"], Notice.Kind.MONTHLY, period)
    book = openpyxl.load_workbook(io.BytesIO(notice.workbook.read()))
    summary = {row[0]: row[1] for row in book["汇总"].iter_rows(values_only=True)}
    assert summary["收集难题"] == 3 and summary["化解率"] == 1.0
    assert summary["期末超期难题"] == notice.figures["now"]["overdue"]
    ranking = list(book["承办单位"].iter_rows(min_row=2, values_only=True))
    assert ranking[0][1] == "市经信局" and ranking[0][2] == 3
    late_titles = {row[0] for row in book["期末超期清单"].iter_rows(min_row=2, values_only=True)}
    assert late_titles <= {"云溪超期", "青石超期"}
    told = set(Notification.objects.filter(kind="notice").values_list("recipient_id", flat=True))
    assert told == {city["county_leader"].pk, city["organiser"].pk}


def test_scheduled_notices_run_once_per_area_and_period(city):
    first = notices.weekly_notices()
    assert first == 2  # the city and the county
    assert notices.weekly_notices() == 0
    assert Notice.objects.count() == 2


def test_a_leader_generates_a_notice_by_hand_and_downloads_it(client, city):
    sign_in(client, city["county_leader"])
    week = notices.last_complete(Notice.Kind.WEEKLY, TODAY)
    response = client.post(reverse("notice_list"), {"period": f"weekly:{week.start}"})
    notice = Notice.objects.get()
    assert response["Location"] == reverse("notice_detail", args=[notice.pk])
    assert "收集难题" in client.get(response["Location"]).content.decode()
    download = client.get(reverse("notice_download", args=[notice.pk]))
    assert download["Content-Disposition"].startswith("attachment")
    client.logout()
    sign_in(client, city["town_leader"])  # the county's notice is above the town leader
    assert client.get(reverse("notice_detail", args=[notice.pk])).status_code == 404


def test_the_nightly_snapshot_keeps_one_value_per_area_figure_and_day(city):
    written = notices.nightly_snapshot(TODAY)
    assert written == FigureSnapshot.objects.count() > 0
    town_overdue = FigureSnapshot.objects.get(area=city["town"], name="overdue", date=TODAY)
    assert town_overdue.value == 1
    notices.nightly_snapshot(TODAY)  # a rerun updates, it does not duplicate
    assert FigureSnapshot.objects.count() == written


def test_drilling_down_by_campaign_and_refusing_a_forged_filter(client, city):
    other = f.make_campaign(name="另一行动")
    f.make_ticket(enterprise=city["firm"], raised_by=city["raiser"], campaign=other, title="另案")
    sign_in(client, city["county_leader"])
    page = client.get(reverse("leader_home") + "?period=year").content.decode()
    assert f"campaign={other.pk}" in page and "另一行动" in page
    rows = client.get(
        reverse("leader_rows") + f"?figure=collected&period=year&campaign={other.pk}"
    ).content.decode()
    assert "另案" in rows and "云溪超期" not in rows
    for forged in ("campaign=1%20OR%201", "owner_unit=abc"):
        url = reverse("leader_rows") + f"?figure=collected&period=year&{forged}"
        assert client.get(url).status_code == 404


def test_the_trend_shows_open_tickets_at_each_month_end_from_the_snapshots(client, city):
    last_month_end = TODAY.replace(day=1) - datetime.timedelta(days=1)
    for day, value in ((last_month_end - datetime.timedelta(days=3), 5), (last_month_end, 7)):
        FigureSnapshot.objects.create(date=day, area=city["county"], name="open", value=value)
    notices.nightly_snapshot(TODAY)
    sign_in(client, city["county_leader"])
    trend = client.get(reverse("leader_home")).context["trend"]
    by_month = {row["month"]: row for row in trend}
    assert by_month[last_month_end.strftime("%Y-%m")]["open"] == 7  # the month's last snapshot
    assert by_month[TODAY.strftime("%Y-%m")]["open"] == 2  # tonight's: two open tickets
    assert by_month[TODAY.strftime("%Y-%m")]["overdue"] == 2
    assert trend[0]["open"] is None  # no snapshot that month
