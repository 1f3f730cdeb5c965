"""The service diary (服务日志, issue 12): one cadre's visits over a period with the months against
the campaign's visit frequency, for the cadre (own only), the organiser and the leader of the area
(and 404 to anyone else), filtered by period and campaign, printable, and exported as .xlsx
(audited, mobiles in the notes masked, formulas escaped)."""

from __future__ import annotations

import datetime
import io
from pathlib import Path

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from pairing.models import Visit
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date
PERIOD = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西区")
    north = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="N", name="北区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    west_town = f.make_unit(parent=west, code="W1", name="江口镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="区经信局")
    zhang = f.make_cadre(user=f.make_user("cadre", home_unit=dept, display_name="张伟"))
    li = f.make_cadre(user=f.make_user("cadre", home_unit=west_town, display_name="李娜"))
    campaign = f.make_campaign(scope_unit=city, name="驻企服务行动", visit_every_days=30)
    other = f.make_campaign(scope_unit=city, name="百名局长帮百企", visit_every_days=30)
    a = f.make_enterprise(town=town, name="云溪精工机械有限公司")
    b = f.make_enterprise(town=town, name="=HYPERLINK(1)鞋业有限公司")
    c = f.make_enterprise(town=west_town, name="江口贸易有限公司")
    for firm in (a, b):
        f.make_pairing(cadre=zhang, enterprise=firm, campaign=campaign, start=D(2026, 1, 1))
    f.make_pairing(cadre=zhang, enterprise=c, campaign=other, start=D(2026, 3, 1))
    f.make_pairing(cadre=li, enterprise=c, campaign=campaign, start=D(2026, 1, 1))
    visit = f.make_visit(
        cadre=zhang,
        enterprise=a,
        campaign=campaign,
        date=D(2026, 1, 10),
        notes="厂长手机 13812345678，缺工30人。",
        services=["policy", "errand"],
    )
    f.make_ticket(enterprise=a, raised_by=zhang.user, visit=visit, title="用工缺口")
    f.make_visit(cadre=zhang, enterprise=b, campaign=campaign, date=D(2026, 1, 20))
    f.make_visit(cadre=zhang, enterprise=a, campaign=campaign, date=D(2026, 2, 15))
    f.make_visit(cadre=zhang, enterprise=c, campaign=other, date=D(2026, 3, 5))
    f.make_visit(cadre=li, enterprise=c, campaign=campaign, date=D(2026, 2, 2))
    return {
        "zhang": zhang,
        "li": li,
        "campaign": campaign,
        "other": other,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "north_organiser": f.make_user("organiser", jurisdiction_unit=north),
        "leader": f.make_user("leader", jurisdiction_unit=city),
        "dept": dept,
    }


def diary_url(cadre, **query):
    url = reverse("cadre_diary", args=[cadre.pk])
    return url + "?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else url


def months_of(response) -> dict[str, tuple[int, int, bool]]:
    return {
        m.first.strftime("%Y-%m"): (m.visits, m.required, m.met) for m in response.context["months"]
    }


def test_the_cadre_reads_their_own_diary_month_by_month(client, world):
    sign_in(client, world["zhang"].user)
    assert client.get(reverse("my_diary")).url == diary_url(world["zhang"])
    response = client.get(diary_url(world["zhang"], **PERIOD))
    assert response.status_code == 200
    # Two firms at a 30-day frequency ask two visits a month; from March a third firm (another
    # campaign) asks one more.
    assert months_of(response) == {
        "2026-01": (2, 2, True),
        "2026-02": (1, 2, False),
        "2026-03": (1, 3, False),
    }
    page = response.content.decode()
    assert "厂长手机 13812345678" in page and "用工缺口" in page
    assert "宣传员：宣讲政策" in page and "2 个月未达频次" in page
    assert "江口贸易有限公司" in page  # their own visit outside the county too
    assert "李娜" not in page


def test_the_campaign_filter_counts_only_its_pairings_and_visits(client, world):
    sign_in(client, world["zhang"].user)
    response = client.get(diary_url(world["zhang"], campaign=world["campaign"].pk, **PERIOD))
    assert months_of(response)["2026-03"] == (0, 2, False)
    assert "江口贸易有限公司" not in response.content.decode()


def test_a_cadre_cannot_open_another_cadres_diary(client, world):
    sign_in(client, world["li"].user)
    assert client.get(diary_url(world["zhang"])).status_code == 404
    assert client.get(diary_url(world["li"])).status_code == 200


def test_the_organiser_of_another_county_gets_404(client, world):
    sign_in(client, world["north_organiser"])
    assert client.get(diary_url(world["zhang"])).status_code == 404
    assert client.get(diary_url(world["zhang"], export="xlsx")).status_code == 404
    assert client.get(reverse("cadre_diary", args=[999999])).status_code == 404


def test_the_organiser_of_a_county_where_the_cadre_serves_a_firm_sees_that_firm_only(client, world):
    sign_in(client, world["west_organiser"])
    page = client.get(diary_url(world["zhang"], **PERIOD)).content.decode()
    assert "江口贸易有限公司" in page and "云溪精工机械有限公司" not in page


def test_the_county_organiser_sees_only_the_visits_to_their_firms(client, world):
    sign_in(client, world["organiser"])
    response = client.get(diary_url(world["zhang"], **PERIOD))
    assert response.status_code == 200
    page = response.content.decode()
    assert "云溪精工机械有限公司" in page and "江口贸易有限公司" not in page
    # A cadre of the other county paired with none of this county's firms: not theirs.
    assert client.get(diary_url(world["li"])).status_code == 404


def test_the_city_leader_reads_any_diary_of_the_city(client, world):
    sign_in(client, world["leader"])
    for cadre in (world["zhang"], world["li"]):
        assert client.get(diary_url(cadre, **PERIOD)).status_code == 200
    response = client.get(diary_url(world["li"], **PERIOD))
    assert months_of(response)["2026-02"] == (1, 1, True)


def test_a_period_backwards_is_refused_on_its_field_and_the_page_still_shows(client, world):
    sign_in(client, world["zhang"].user)
    response = client.get(diary_url(world["zhang"], start="2026-03-01", end="2026-01-01"))
    assert response.status_code == 200
    assert response.context["form"].errors == {"end": ["截止日期不能早于起始日期。"]}
    assert 'value="2026-03-01"' in response.content.decode()


def test_the_diary_is_linked_from_the_cadre_home_detail_and_list(client, world):
    url = diary_url(world["zhang"])
    sign_in(client, world["zhang"].user)
    assert url in client.get(reverse("cadre_home")).content.decode()
    sign_in(client, world["organiser"])
    assert url in client.get(reverse("cadre_detail", args=[world["zhang"].pk])).content.decode()
    assert url in client.get(reverse("cadre_list")).content.decode()


def test_the_diary_prints_on_a4_without_inline_script(client, world):
    sign_in(client, world["zhang"].user)
    page = client.get(diary_url(world["zhang"])).content.decode()
    assert "data-print" in page and "js/print.js" in page and "onclick" not in page
    css = Path("static/css/app.css").read_text(encoding="utf-8")
    assert "size: A4" in css


def test_the_export_holds_the_pages_rows_masked_escaped_and_audited(client, world):
    sign_in(client, world["zhang"].user)
    page = client.get(diary_url(world["zhang"], **PERIOD))
    response = client.get(diary_url(world["zhang"], export="xlsx", **PERIOD))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert "张伟" in rows[0][0]
    assert rows[1][:3] == ("走访日期", "企业", "统一社会信用代码")
    body = rows[2:]
    shown = [(v.date, v.enterprise.name) for v in page.context["page"].object_list]
    assert [(r[0].date(), r[1].lstrip("'")) for r in body] == shown
    first = next(r for r in body if r[0].date() == D(2026, 1, 10))
    assert "138****5678" in first[8] and "13812345678" not in first[8]
    assert first[9] == "用工缺口" and first[6] == "宣传员：宣讲政策、代办员：代办跑腿"
    assert any(r[1] == "'=HYPERLINK(1)鞋业有限公司" for r in body)
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.changes["list"] == "service-diary" and entry.changes["rows"] == 4


def test_the_diary_runs_the_same_queries_for_3_or_30_visits(client, world):
    zhang = world["zhang"]
    firm = zhang.pairings.first().enterprise
    sign_in(client, zhang.user)
    url = diary_url(zhang, start="2025-06-01", end="2026-05-31")
    client.get(url)

    def render():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(captured), response.context["page"].paginator.count

    Visit.objects.all().delete()
    for day in range(3):
        f.make_visit(cadre=zhang, enterprise=firm, date=D(2026, 1, day + 1))
    few, n = render()
    assert n == 3
    for day in range(27):
        visit = f.make_visit(cadre=zhang, enterprise=firm, date=D(2025, 7 + day % 6, day + 1))
        f.make_ticket(enterprise=firm, raised_by=zhang.user, visit=visit)
    many, n = render()
    assert n == 30
    assert many == few, f"{few} queries with 3 visits, {many} with 30"
