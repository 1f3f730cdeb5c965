"""The leader's drill-down by area: scope, breadcrumb, the period carried down, headings in words,
and every figure on the page equal to the number of rows its link opens, for every period."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from enterprises.models import Enterprise
from issues.models import Status
from pairing.models import HelpPlan
from reports.periods import PERIODS
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
LINK = re.compile(r'<a [^>]*href="(/leader/rows/\?[^"]+)"[^>]*data-count="(\d+)"')


def at(days_ago: int) -> datetime.datetime:
    day = TODAY - datetime.timedelta(days=days_ago)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))


def tickets_in(town, dept, campaign, raiser):
    """Tickets of every kind the figures tell apart, spread over this year and last."""
    firm = f.make_enterprise(town=town, production_status=Enterprise.ProductionStatus.REDUCED)
    f.make_enterprise(town=town)  # never paired
    cadre = f.make_cadre()
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign)
    f.make_visit(cadre=cadre, enterprise=firm, date=TODAY)
    late = TODAY - datetime.timedelta(days=2)
    for days_ago in (0, 10, 40, 100, 400):
        common = {"enterprise": firm, "raised_by": raiser, "created_at": at(days_ago)}
        f.make_ticket(**common, status=Status.ASSIGNED, owner_unit=dept, due_date=late)
        f.make_ticket(**common, status=Status.ACCEPTED, category="land", campaign=campaign)
        f.make_ticket(
            **common,
            status=Status.CLOSED,
            owner_unit=dept,
            due_date=TODAY - datetime.timedelta(days=days_ago + 5),
            resolved_at=at(days_ago),
            rating="unsatisfied",
            level=2,
        )
        f.make_ticket(**common, status=Status.RESOLVED, outcome="replied", resolved_at=at(days_ago))


@pytest.fixture
def province():
    root = f.make_unit(kind=OrgUnit.Kind.PROVINCE, code="P", name="海澜省")
    city = f.make_unit(kind=OrgUnit.Kind.CITY, parent=root, code="C", name="安澜市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东城区")
    town = f.make_unit(parent=county, code="E1", name="云溪镇")
    sibling = f.make_unit(parent=county, code="E2", name="青石镇")
    other_city = f.make_unit(kind=OrgUnit.Kind.CITY, parent=root, code="W", name="西江市")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D", name="市经信局")
    campaign = f.make_campaign(name="万名干部进万企")
    raiser = f.make_user("cadre")
    for place in (town, sibling, other_city):
        tickets_in(place, dept, campaign, raiser)
    return {
        "root": root,
        "city": city,
        "county": county,
        "town": town,
        "sibling": sibling,
        "other_city": other_city,
        "dept": dept,
        "leader": f.make_user("leader", jurisdiction_unit=root),
        "town_leader": f.make_user("leader", jurisdiction_unit=town),
    }


def test_a_leader_drills_from_the_province_down_to_a_town_keeping_the_period(client, province):
    sign_in(client, province["leader"])
    page = client.get(reverse("leader_home") + "?period=quarter").content.decode()
    city_link = f'href="/leader/?period=quarter&area={province["city"].pk}"'
    assert city_link in page
    for area in ("city", "county", "town"):
        unit = province[area]
        response = client.get(reverse("leader_home") + f"?period=quarter&area={unit.pk}")
        assert response.status_code == 200
        page = response.content.decode()
        assert f"{unit.name} · " in page and 'aria-current="true">本季度' in page
        trail = re.search(r'<nav class="breadcrumb".*?</nav>', page, re.S).group(0)
        names = [province[k].name for k in ("root", "city", "county", "town")]
        depth = ("city", "county", "town").index(area) + 2
        for name in names[:depth]:
            assert name in trail
        for name in names[depth:]:
            assert name not in trail
    town_page = client.get(reverse("leader_home") + f"?area={province['town'].pk}").content
    assert "云溪镇的企业和难题" in town_page.decode()


def test_a_town_leader_is_refused_a_sibling_town_and_the_areas_above(client, province):
    sign_in(client, province["town_leader"])
    assert client.get(reverse("leader_home")).status_code == 200
    for unit in ("sibling", "county", "other_city", "dept"):
        pk = province[unit].pk
        assert client.get(reverse("leader_home") + f"?area={pk}").status_code == 404
        rows = reverse("leader_rows") + f"?figure=collected&period=year&area={pk}"
        assert client.get(rows).status_code == 404
        assert client.post(reverse("leader_refresh"), {"area": pk}).status_code == 404
    assert client.get(reverse("leader_home") + "?area=1%20OR%201").status_code == 404


def test_a_city_leader_cannot_open_the_other_city(client, province):
    sign_in(client, f.make_user("leader", jurisdiction_unit=province["city"]))
    other = province["other_city"].pk
    assert client.get(reverse("leader_home") + f"?area={other}").status_code == 404


def rows_total(client, url: str) -> int:
    page = client.get(html.unescape(url)).content.decode()
    return int(re.search(r'data-total="(\d+)"', page).group(1))


@pytest.mark.parametrize("kind", list(PERIODS))
def test_every_figure_equals_the_rows_its_link_opens_at_every_level(client, province, kind):
    sign_in(client, province["leader"])
    HelpPlan.objects.create(
        enterprise=Enterprise.objects.get(town=province["sibling"], production_status="reduced"),
        cause="订单不足",
        responsible="张三",
        target_date=TODAY,
    )
    checked = 0
    for area in ("root", "city", "county", "town"):
        url = reverse("leader_home") + f"?period={kind}&area={province[area].pk}"
        page = client.get(url).content.decode()
        links = LINK.findall(page)
        figures = {re.search(r"figure=(\w+)", href).group(1) for href, _n in links}
        assert {"collected", "open", "overdue", "unvisited", "uncovered", "no_plan"} <= figures
        for href, count in links:
            assert f"area={province[area].pk}" in href or area != "town", href
            assert rows_total(client, href) == int(count), (area, kind, href)
            checked += 1
    assert checked > 40


def test_the_area_rows_add_up_to_the_headline_in_the_chosen_period(client, province):
    sign_in(client, province["leader"])
    for kind in PERIODS:
        url = reverse("leader_home") + f"?period={kind}&area={province['county'].pk}"
        context = client.get(url).context
        rows = context["rows"]
        assert [r.name for r in rows] == ["云溪镇", "青石镇"]
        assert sum(r.now.collected for r in rows) == context["now"].collected, kind
        assert sum(r.current["open"] for r in rows) == context["current"].open


def test_the_open_tile_opens_every_open_problem_not_only_the_periods(client, province):
    sign_in(client, province["leader"])
    url = reverse("leader_rows") + f"?figure=open&period=week&area={province['town'].pk}"
    page = client.get(url).content.decode()
    assert "当前在办的全部难题" in page
    assert 'data-total="10"' in page  # two open tickets in each of five periods, all of them


def test_headings_name_the_figure_and_the_clicked_breakdown_in_words(client, province):
    sign_in(client, province["leader"])
    base = reverse("leader_rows") + f"?period=month&area={province['county'].pk}"
    cases = {
        "&figure=collected&category=land": ("东城区 · 本月收集的难题 · 类别：用地",),
        f"&figure=collected&owner_unit={province['dept'].pk}": ("承办单位：市经信局",),
        "&figure=collected&level=2": ("层级：系统内",),
        "&figure=no_plan": ("当前减产、停产且没有帮扶计划的企业",),
        "&figure=uncovered": ("当前未结对的企业",),
        "&figure=unvisited": ("本月未走访见面的结对企业",),
        "&figure=open": ("当前在办的全部难题",),
    }
    for query, wanted in cases.items():
        page = client.get(base + query).content.decode()
        heading = re.search(r"<h1>(.*?)</h1>", page, re.S).group(1)
        for text in wanted:
            assert text in heading, (query, heading)
        for raw in ("collected", "no_plan", "uncovered", "open"):
            assert raw not in heading
    assert client.get(base + "&figure=collected&level=x").status_code == 404
