"""Coverage by hand-picked list, batch and group, and the open and overdue figures at a day's end
(issue 20): the functions behind the campaign's coverage page and the notices, counted by hand."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from enterprises.models import Tag
from issues.models import Status, Ticket
from reports import metrics
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
S = Status


@pytest.fixture
def area():
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    campaign = f.make_campaign(scope_unit=county)
    return {
        "county": county,
        "town": f.make_unit(parent=county),
        "elsewhere": f.make_unit(),
        "campaign": campaign,
        "other": f.make_campaign(scope_unit=county),
    }


def firms(town, n):
    return [f.make_enterprise(town=town) for _ in range(n)]


def test_coverage_of_hand_picked_lists_counts_listed_firms_of_the_area_and_the_paired_ones(area):
    campaign, town = area["campaign"], area["town"]
    ours = firms(town, 4)
    outside = f.make_enterprise(town=area["elsewhere"])
    projects = campaign.coverage_targets.create(name="重点项目", target_count=3)
    projects.enterprises.set([*ours[:3], outside])
    park = campaign.coverage_targets.create(name="园区企业", target_percent=50)
    park.enterprises.set([ours[3]])
    campaign.coverage_targets.create(name="空名单", target_count=1)
    tag = Tag.objects.create(code="tg", name="按标签")
    campaign.coverage_targets.create(tag=tag, target_count=1)  # a tag's target: not a list
    f.make_pairing(enterprise=ours[0], campaign=campaign)
    f.make_pairing(enterprise=ours[0], campaign=campaign)  # twice: one firm
    f.make_pairing(enterprise=ours[1], campaign=campaign, end=D(2026, 2, 1))  # ended
    f.make_pairing(enterprise=ours[2], campaign=area["other"])  # another campaign
    f.make_pairing(enterprise=outside, campaign=campaign)  # outside the area
    rows = metrics.coverage_of_lists(campaign, area["county"].path)
    assert [
        (r.label, r.enterprises, r.paired, r.target_count, r.target_percent, r.key) for r in rows
    ] == [
        ("重点项目", 3, 1, 3, None, projects.pk),
        ("园区企业", 1, 0, None, 50, park.pk),
        ("空名单", 0, 0, 1, None, rows[2].key),
    ]


def test_coverage_of_lists_in_one_batch_and_one_group(area):
    campaign, town = area["campaign"], area["town"]
    first = campaign.batches.create(name="第一批", start=D(2026, 1, 1))
    second = campaign.batches.create(name="第二批", start=D(2026, 2, 1))
    group = campaign.groups.create(name="服务组")
    ours = firms(town, 3)
    listed = campaign.coverage_targets.create(name="名单", target_count=1)
    listed.enterprises.set(ours)
    f.make_pairing(enterprise=ours[0], campaign=campaign, batch=first, group=group)
    f.make_pairing(enterprise=ours[1], campaign=campaign, batch=second)
    f.make_pairing(enterprise=ours[2], campaign=campaign, batch=first)
    path = area["county"].path

    def paired(**given):
        return [r.paired for r in metrics.coverage_of_lists(campaign, path, **given)]

    assert paired() == [3]
    assert paired(batch=first.pk) == [2]
    assert paired(group=group.pk) == [1]
    assert paired(batch=second.pk, group=group.pk) == [0]


def test_coverage_by_batch_counts_each_batchs_firms_once_and_pairings_without_a_batch(area):
    campaign, town = area["campaign"], area["town"]
    later = campaign.batches.create(name="第二批", start=D(2026, 3, 1))
    early = campaign.batches.create(name="第一批", start=D(2026, 1, 1))
    empty = campaign.batches.create(name="第三批", start=D(2026, 5, 1))
    group = campaign.groups.create(name="服务组")
    ours = firms(town, 3)
    f.make_pairing(enterprise=ours[0], campaign=campaign, batch=early, group=group)
    f.make_pairing(enterprise=ours[0], campaign=campaign, batch=early)  # the same firm again
    f.make_pairing(enterprise=ours[1], campaign=campaign, batch=early)
    f.make_pairing(enterprise=ours[2], campaign=campaign, batch=later)
    f.make_pairing(enterprise=ours[2], campaign=area["other"], batch=None)  # another campaign
    f.make_pairing(enterprise=f.make_enterprise(town=area["elsewhere"]), campaign=campaign)
    path = area["county"].path
    rows = metrics.coverage_by_batch(campaign, path, 10)
    assert [(r.label, r.enterprises, r.paired, r.key) for r in rows] == [
        ("第一批", 10, 2, early.pk),
        ("第二批", 10, 1, later.pk),
        ("第三批", 10, 0, empty.pk),
    ]
    rows = metrics.coverage_by_batch(campaign, path, 10, group=group.pk)
    assert [r.paired for r in rows] == [1, 0, 0]
    f.make_pairing(enterprise=ours[1], campaign=campaign)  # made without a batch
    f.make_pairing(enterprise=ours[2], campaign=campaign)
    rows = metrics.coverage_by_batch(campaign, path, 10)
    assert [(r.label, r.enterprises, r.paired, r.key) for r in rows][-1] == ("", 10, 2, None)
    assert len(rows) == 4


def test_coverage_by_group_counts_each_groups_firms_once(area):
    campaign, town = area["campaign"], area["town"]
    batch = campaign.batches.create(name="第一批", start=D(2026, 1, 1))
    busy = campaign.groups.create(name="甲组")
    idle = campaign.groups.create(name="乙组")
    ours = firms(town, 2)
    f.make_pairing(enterprise=ours[0], campaign=campaign, group=busy, batch=batch)
    f.make_pairing(enterprise=ours[0], campaign=campaign, group=busy)
    f.make_pairing(enterprise=ours[1], campaign=campaign, group=busy)
    f.make_pairing(enterprise=ours[1], campaign=campaign, group=idle, end=D(2026, 2, 1))
    path = area["county"].path
    rows = metrics.coverage_by_group(campaign, path, 5)
    assert [(r.label, r.enterprises, r.paired, r.key) for r in rows] == [
        ("甲组", 5, 2, busy.pk),
        ("乙组", 5, 0, idle.pk),
    ]
    assert [r.paired for r in metrics.coverage_by_group(campaign, path, 5, batch=batch.pk)] == [
        1,
        0,
    ]


def at(day, hour=10):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def test_open_and_overdue_at_the_end_of_a_day(area):
    day = D(2026, 3, 10)

    def made(created, resolved=None, due=None):
        ticket = f.make_ticket(
            status=S.RESOLVED if resolved else S.ACCEPTED,
            due_date=due,
            resolved_at=at(resolved) if resolved else None,
        )
        Ticket.objects.filter(pk=ticket.pk).update(created_at=at(created, hour=23))
        return ticket

    made(day, due=day - D.resolution)  # raised that evening, already past due: overdue
    made(day, due=day)  # due that very day: open, not overdue
    made(day - D.resolution, resolved=day + D.resolution, due=D(2026, 3, 1))  # finished after
    made(day - D.resolution, resolved=day)  # finished that day: not open
    made(day + D.resolution)  # raised after the day
    figures = Ticket.objects.aggregate(**metrics.at_end_of_aggregates(day, prefix="x_"))
    assert figures == {"x_open": 3, "x_overdue": 2}
    assert Ticket.objects.aggregate(**metrics.at_end_of_aggregates(day)) == {
        "open": 3,
        "overdue": 2,
    }


def test_coverage_by_town_in_one_batch_and_one_group(area):
    campaign, town = area["campaign"], area["town"]
    batch = campaign.batches.create(name="第一批", start=D(2026, 1, 1))
    group = campaign.groups.create(name="服务组")
    ours = firms(town, 3)
    f.make_pairing(enterprise=ours[0], campaign=campaign, batch=batch, group=group)
    f.make_pairing(enterprise=ours[1], campaign=campaign, batch=batch)
    f.make_pairing(enterprise=ours[2], campaign=campaign, group=group)
    path = area["county"].path

    def rows(**given):
        return [
            (r.town_id, r.enterprises, r.paired)
            for r in metrics.coverage_by_town(campaign, path, **given)
        ]

    assert rows() == [(town.pk, 3, 3)]
    assert rows(batch=batch.pk) == [(town.pk, 3, 2)]
    assert rows(group=group.pk) == [(town.pk, 3, 2)]
    assert rows(batch=batch.pk, group=group.pk) == [(town.pk, 3, 1)]


def test_coverage_by_tag_in_one_batch_and_one_group(area):
    campaign, town = area["campaign"], area["town"]
    tag = Tag.objects.create(code="tb", name="规上")
    batch = campaign.batches.create(name="第一批", start=D(2026, 1, 1))
    group = campaign.groups.create(name="服务组")
    ours = [f.make_enterprise(town=town, tags=[tag]) for _ in range(3)]
    f.make_pairing(enterprise=ours[0], campaign=campaign, batch=batch, group=group)
    f.make_pairing(enterprise=ours[1], campaign=campaign, batch=batch)
    f.make_pairing(enterprise=ours[2], campaign=campaign, group=group)
    path = area["county"].path

    def rows(**given):
        return [
            (r.tag_id, r.enterprises, r.paired)
            for r in metrics.coverage_by_tag(campaign, path, **given)
        ]

    assert rows() == [(tag.pk, 3, 3)]
    assert rows(batch=batch.pk) == [(tag.pk, 3, 2)]
    assert rows(group=group.pk) == [(tag.pk, 3, 2)]
    assert rows(batch=batch.pk, group=group.pk) == [(tag.pk, 3, 1)]


@pytest.mark.parametrize(
    ("enterprises", "paired", "count", "percent", "met"),
    [
        (10, 4, 4, None, True),  # a count reached exactly
        (10, 3, 4, None, False),
        (10, 5, None, 50, True),  # a share reached exactly
        (10, 4, None, 50, False),
        (0, 0, None, 0, False),  # no firms: no share to reach, even a target of 0 %
        (10, 10, None, None, False),  # no target: never 达标, never short of it
        (10, 4, 4, 90, True),  # a count and a share: the count decides
        (10, 9, 10, 50, False),
    ],
)
def test_a_coverage_target_is_met_at_its_count_or_share(enterprises, paired, count, percent, met):
    row = metrics.CoverageRow("行", enterprises, paired, target_percent=percent, target_count=count)
    assert (row.met, row.short_of_target) == (met, row.has_target and not met)
    assert row.has_target == (count is not None or percent is not None)


def test_a_coverage_rows_share_and_firms_left():
    assert (metrics.CoverageRow("行", 8, 2).percent, metrics.CoverageRow("行", 8, 2).uncovered) == (
        25.0,
        6,
    )
    assert metrics.CoverageRow("行", 0, 0).percent is None
