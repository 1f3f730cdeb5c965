"""Units urged often (issue 20: urging's rules): twice or more in the seven days up to now, over
tickets of firms in the area, most urged first; counted here by hand."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Urging
from issues.selectors import units_urged_often
from tests import factories as f

pytestmark = pytest.mark.django_db
NOW = timezone.make_aware(datetime.datetime(2026, 3, 11, 12, 0))
WEEK = datetime.timedelta(days=7)
SECOND = datetime.timedelta(seconds=1)


@pytest.fixture
def area():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    return {
        "county": county,
        "town": f.make_unit(parent=county),
        "elsewhere": f.make_unit(),
        "乙局": f.make_unit(name="乙局", kind=OrgUnit.Kind.DEPARTMENT, parent=county),
        "甲局": f.make_unit(name="甲局", kind=OrgUnit.Kind.DEPARTMENT, parent=county),
        "丙局": f.make_unit(name="丙局", kind=OrgUnit.Kind.DEPARTMENT, parent=county),
    }


def urge(unit, at, town):
    ticket = f.make_ticket(enterprise=f.make_enterprise(town=town), owner_unit=unit)
    return Urging.objects.create(ticket=ticket, unit=unit, note="请加快", at=at)


def test_units_urged_twice_within_seven_days_most_urged_first(area):
    town = area["town"]
    for at in (NOW - WEEK, NOW - SECOND, NOW):  # the window's first instant counts
        urge(area["乙局"], at, town)
    for at in (NOW - 2 * SECOND, NOW - WEEK + SECOND):
        urge(area["甲局"], at, town)
    urge(area["丙局"], NOW - SECOND, town)  # once: not often
    urge(area["丙局"], NOW - WEEK - SECOND, town)  # just before the window
    rows = units_urged_often(area["county"].path, now=NOW)
    assert [(r["unit__name"], r["times"], r["last"]) for r in rows] == [
        ("乙局", 3, NOW),
        ("甲局", 2, NOW - 2 * SECOND),
    ]
    assert rows[0]["unit_id"] == area["乙局"].pk


def test_units_urged_equally_often_are_in_name_order_and_other_areas_do_not_count(area):
    for name in ("乙局", "甲局"):
        for _ in range(2):
            urge(area[name], NOW, area["town"])
    urge(area["丙局"], NOW, area["town"])
    urge(area["丙局"], NOW, area["elsewhere"])  # a firm outside the area
    rows = units_urged_often(area["county"].path, now=NOW)
    assert [(r["unit__name"], r["times"]) for r in rows] == sorted(
        [("乙局", 2), ("甲局", 2)], key=lambda r: r[0]
    )


def test_without_a_time_the_window_ends_now(area):
    urge(area["甲局"], timezone.now() - datetime.timedelta(days=6), area["town"])
    urge(area["甲局"], timezone.now() - datetime.timedelta(days=8), area["town"])
    assert units_urged_often(area["county"].path) == []
    urge(area["甲局"], timezone.now(), area["town"])
    assert [r["times"] for r in units_urged_often(area["county"].path)] == [2]


def test_the_most_urged_come_first_then_by_name_not_by_age_and_twenty_at_most(area):
    # 乙局 is the oldest unit and 丙局 sorts first by name: neither order may stand in for
    # "most urged, then by name".
    for name, times in (("乙局", 2), ("甲局", 3), ("丙局", 2)):
        for _ in range(times):
            urge(area[name], NOW, area["town"])
    rows = units_urged_often(area["county"].path, now=NOW)
    assert [(r["unit__name"], r["times"]) for r in rows] == [("甲局", 3), ("丙局", 2), ("乙局", 2)]
    for n in range(18):
        unit = f.make_unit(name=f"局{n:02d}", kind=OrgUnit.Kind.DEPARTMENT, parent=area["county"])
        for _ in range(2):
            urge(unit, NOW, area["town"])
    assert len(units_urged_often(area["county"].path, now=NOW)) == 20  # of 21 urged often
