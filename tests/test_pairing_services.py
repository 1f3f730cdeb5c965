"""Pairing shapes, the one-active rule, the workload limit, scope, transfers and hand-overs."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import AuditEntry, Cadre, CadrePost, OrgUnit
from enterprises.models import Tag
from pairing import selectors, services
from pairing.models import Pairing
from reports import metrics
from tests import factories as f

pytestmark = pytest.mark.django_db
D = datetime.date
TODAY = timezone.localdate()


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    return {
        "city": city,
        "east": east,
        "town": f.make_unit(parent=east, code="E1"),
        "west_town": f.make_unit(parent=west, code="W1"),
        "dept": f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED"),
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "campaign": f.make_campaign(scope_unit=city, start=D(2026, 1, 1)),
    }


def test_one_cadre_with_one_and_with_many_enterprises(area):
    cadre = f.make_cadre(unit=area["dept"])
    firms = [f.make_enterprise(town=area["town"]) for _ in range(3)]
    made = services.pair(
        area["organiser"], cadre=cadre, enterprises=firms, campaign=area["campaign"]
    )
    assert {p.enterprise_id for p in made} == {e.pk for e in firms}
    assert Pairing.objects.active().filter(cadre=cadre).count() == 3
    assert AuditEntry.objects.filter(action="pairing_create").count() == 3
    assert all(p.created_by == area["organiser"] for p in Pairing.objects.all())


def test_many_cadres_with_one_enterprise_lead_and_assist(area):
    firm = f.make_enterprise(town=area["town"])
    lead, helper = f.make_cadre(unit=area["dept"]), f.make_cadre(unit=area["dept"])
    services.pair(area["organiser"], cadre=lead, enterprises=[firm], campaign=area["campaign"])
    services.pair(
        area["organiser"],
        cadre=helper,
        enterprises=[firm],
        campaign=area["campaign"],
        role=Pairing.Role.ASSIST,
    )
    roles = dict(firm.pairings.values_list("cadre_id", "role"))
    assert roles == {lead.pk: Pairing.Role.LEAD, helper.pk: Pairing.Role.ASSIST}


def test_the_same_active_pairing_twice_is_refused_and_nothing_is_written(area):
    cadre = f.make_cadre(unit=area["dept"])
    old, new = f.make_enterprise(town=area["town"]), f.make_enterprise(town=area["town"])
    services.pair(area["organiser"], cadre=cadre, enterprises=[old], campaign=area["campaign"])
    with pytest.raises(ValidationError, match="已与"):
        services.pair(
            area["organiser"], cadre=cadre, enterprises=[new, old], campaign=area["campaign"]
        )
    assert not Pairing.objects.filter(enterprise=new).exists()  # all or nothing
    # Once ended, the pair may be made again; the ended row stays as history.
    services.end_pairing(area["organiser"], Pairing.objects.get(enterprise=old), reason="调整")
    services.pair(area["organiser"], cadre=cadre, enterprises=[old], campaign=area["campaign"])
    assert Pairing.objects.filter(enterprise=old).count() == 2


def test_workload_limit_by_rank(area):
    f.set_caps(area["campaign"], general=2, city_leader=1)
    cadre = f.make_cadre(unit=area["dept"], rank=Cadre.Rank.GENERAL)
    firms = [f.make_enterprise(town=area["town"]) for _ in range(3)]
    with pytest.raises(ValidationError, match="上限 2"):
        services.pair(area["organiser"], cadre=cadre, enterprises=firms, campaign=area["campaign"])
    assert not Pairing.objects.exists()
    services.pair(area["organiser"], cadre=cadre, enterprises=firms[:2], campaign=area["campaign"])
    with pytest.raises(ValidationError, match="上限 2"):
        services.pair(
            area["organiser"], cadre=cadre, enterprises=firms[2:], campaign=area["campaign"]
        )
    assert Pairing.objects.count() == 2


def test_an_organiser_cannot_pair_outside_their_jurisdiction_or_the_campaign(area):
    cadre = f.make_cadre(unit=area["dept"])
    west_firm = f.make_enterprise(town=area["west_town"])
    with pytest.raises(ValidationError, match="管辖范围"):
        services.pair(
            area["organiser"], cadre=cadre, enterprises=[west_firm], campaign=area["campaign"]
        )
    east_only = f.make_campaign(scope_unit=area["dept"])  # a campaign that reaches no town
    with pytest.raises(ValidationError, match="行动的范围"):
        services.pair(
            area["organiser"],
            cadre=cadre,
            enterprises=[f.make_enterprise(town=area["town"])],
            campaign=east_only,
        )
    assert not Pairing.objects.exists()


def test_a_cadre_no_longer_in_post_cannot_be_paired(area):
    cadre = f.make_cadre(unit=area["dept"])
    Cadre.objects.filter(pk=cadre.pk).update(status=Cadre.Status.RETIRED)
    with pytest.raises(ValidationError, match="不在岗"):
        services.pair(
            area["organiser"],
            cadre=cadre,
            enterprises=[f.make_enterprise(town=area["town"])],
            campaign=area["campaign"],
        )


def test_transfer_keeps_the_pairings_and_records_the_post_history(area):
    cadre = f.make_cadre(unit=area["dept"], rank=Cadre.Rank.SECTION)
    CadrePost.objects.create(
        cadre=cadre, unit=area["dept"], post="科员", rank=cadre.rank, start=D(2020, 1, 1)
    )
    firm = f.make_enterprise(town=area["town"])
    services.pair(area["organiser"], cadre=cadre, enterprises=[firm], campaign=area["campaign"])
    services.transfer_cadre(
        area["organiser"],
        cadre,
        unit=area["town"],
        post="副镇长",
        rank=Cadre.Rank.SECTION,
        date=D(2026, 6, 1),
    )
    cadre.refresh_from_db()
    assert cadre.unit == area["town"] and cadre.post == "副镇长"
    assert Pairing.objects.active().get(cadre=cadre).enterprise == firm  # 事随人走
    posts = list(CadrePost.objects.filter(cadre=cadre).order_by("start"))
    assert [(p.unit_id, p.end) for p in posts] == [
        (area["dept"].pk, D(2026, 6, 1)),
        (area["town"].pk, None),
    ]


def test_hand_over_must_name_every_enterprise_and_leaves_none_uncovered(area):
    leaving = f.make_cadre(unit=area["dept"])
    successor = f.make_cadre(unit=area["dept"])
    firms = [f.make_enterprise(town=area["town"]) for _ in range(2)]
    services.pair(area["organiser"], cadre=leaving, enterprises=firms, campaign=area["campaign"])
    first = Pairing.objects.get(enterprise=firms[0])
    with pytest.raises(ValidationError, match="尚未安排交接"):
        services.hand_over(
            area["organiser"],
            leaving,
            successors={first.pk: successor},
            status=Cadre.Status.RETIRED,
            date=TODAY,
        )
    assert Pairing.objects.active().filter(cadre=leaving).count() == 2  # nothing changed
    second = Pairing.objects.get(enterprise=firms[1])
    services.hand_over(
        area["organiser"],
        leaving,
        successors={first.pk: successor, second.pk: successor},
        status=Cadre.Status.RETIRED,
        date=TODAY,
    )
    leaving.refresh_from_db()
    assert leaving.status == Cadre.Status.RETIRED
    assert not Pairing.objects.active().filter(cadre=leaving).exists()
    assert set(
        Pairing.objects.active().filter(cadre=successor).values_list("enterprise_id", flat=True)
    ) == {e.pk for e in firms}
    uncovered = selectors.uncovered(area["campaign"], area["east"])
    assert not uncovered.filter(pk__in=[e.pk for e in firms]).exists()


def test_a_released_enterprise_shows_up_as_uncovered(area):
    leaving = f.make_cadre(unit=area["dept"])
    firm = f.make_enterprise(town=area["town"])
    services.pair(area["organiser"], cadre=leaving, enterprises=[firm], campaign=area["campaign"])
    pairing = Pairing.objects.get()
    services.hand_over(
        area["organiser"],
        leaving,
        successors={pairing.pk: None},
        status=Cadre.Status.LEFT,
        date=TODAY,
    )
    assert list(selectors.uncovered(area["campaign"], area["east"])) == [firm]


def test_a_cadre_marked_retired_elsewhere_is_listed_for_hand_over(area):
    cadre = f.make_cadre(unit=area["dept"])
    services.pair(
        area["organiser"],
        cadre=cadre,
        enterprises=[f.make_enterprise(town=area["town"])],
        campaign=area["campaign"],
    )
    assert not selectors.cadres_needing_hand_over(area["east"]).exists()
    Cadre.objects.filter(pk=cadre.pk).update(status=Cadre.Status.RETIRED)  # e.g. a roster import
    listed = list(selectors.cadres_needing_hand_over(area["east"]))
    assert listed == [cadre] and listed[0].held == 1


def test_coverage_against_a_hand_counted_fixture(area):
    """Town E1: 4 firms, 3 above-scale of which 2 paired, 1 small unpaired; town E2: 2 firms,
    1 paired (an ended pairing does not count). West is outside the area."""
    campaign = area["campaign"]
    above = "above_scale"
    e2 = f.make_unit(parent=area["east"], code="E2")
    cadre = f.make_cadre(unit=area["dept"])
    a1, a2, a3 = (f.make_enterprise(town=area["town"], tags=[above]) for _ in range(3))
    f.make_enterprise(town=area["town"])
    b1, b2 = f.make_enterprise(town=e2), f.make_enterprise(town=e2)
    f.make_enterprise(town=area["west_town"], tags=[above])
    for firm in (a1, a2, b1):
        f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign)
    f.make_pairing(cadre=cadre, enterprise=b2, campaign=campaign, end=D(2026, 2, 1))
    f.make_pairing(cadre=cadre, enterprise=a3, campaign=f.make_campaign(scope_unit=area["city"]))
    total = metrics.coverage_total(
        metrics.coverage_by_town(campaign, selectors.scope_path(area["east"], campaign))
    )
    assert (total.enterprises, total.paired) == (6, 3)
    by_town = {
        r.label: (r.enterprises, r.paired)
        for r in metrics.coverage_by_town(campaign, selectors.scope_path(area["east"], campaign))
    }
    assert by_town == {area["town"].name: (4, 2), e2.name: (2, 1)}
    by_tag = {
        r.tag_id: (r.enterprises, r.paired)
        for r in metrics.coverage_by_tag(campaign, selectors.scope_path(area["east"], campaign))
    }
    assert by_tag[Tag.objects.get(code=above).pk] == (3, 2)
    assert set(selectors.uncovered(campaign, area["east"])) == {
        a3,
        b2,
        *[e for e in area["town"].enterprises.all() if not e.tags.exists()],
    }


def test_an_organiser_sets_up_a_campaign_with_batches_groups_and_targets(client, area):
    from django.urls import reverse

    from pairing.models import Campaign
    from tests.helpers import sign_in

    sign_in(client, area["organiser"])
    tag = Tag.objects.get(code="above_scale")
    data = {
        "name": "东城区助企行动",
        "scope_unit": area["east"].pk,
        "start": "2026-12-01",
        "end": "2027-03-31",
        "visit_every_days": "30",
        "description": "",
        **{f"{p}-TOTAL_FORMS": "1" for p in ("batches", "groups", "targets")},
        **{f"{p}-INITIAL_FORMS": "0" for p in ("batches", "groups", "targets")},
        "batches-0-name": "第一批",
        "batches-0-start": "2026-12-01",
        "groups-0-name": "工业专项组",
        "groups-0-kind": "special",
        "targets-0-tag": tag.pk,
        "targets-0-target_percent": "100",
    }
    response = client.post(reverse("campaign_new"), data)
    campaign = Campaign.objects.get(name="东城区助企行动")
    assert response["Location"] == reverse("campaign_detail", args=[campaign.pk])
    assert [b.name for b in campaign.batches.all()] == ["第一批"]
    assert [g.name for g in campaign.groups.all()] == ["工业专项组"]
    assert campaign.coverage_targets.get().tag == tag
    # A scope outside the organiser's district, and an end before the start, are refused.
    bad = {**data, "name": "越界", "scope_unit": area["west_town"].pk}
    assert client.post(reverse("campaign_new"), bad).status_code == 400
    backwards = {**data, "name": "倒序", "end": "2026-01-01"}
    assert client.post(reverse("campaign_new"), backwards).status_code == 400
    assert not Campaign.objects.filter(name__in=["越界", "倒序"]).exists()
    # The city's campaign is read here, not edited.
    city_campaign = area["campaign"]
    assert client.get(reverse("campaign_edit", args=[city_campaign.pk])).status_code == 404
