"""The pairing rules read directly (pairing/pairing_rules.py): each refusal with its place in the
request, its subject and its words, for a request that breaks every rule once; the request's own
campaign, group, batch and date; and each cadre's home area."""

from __future__ import annotations

import datetime

import pytest

from accounts.models import Cadre, OrgUnit
from pairing import pairing_rules, workload
from pairing.models import CadreCategory
from tests import factories as f

pytestmark = pytest.mark.django_db
Refusal = pairing_rules.Refusal


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    return {
        "city": city,
        "east": east,
        "reached": f.make_unit(parent=east, code="E1", name="云溪镇"),
        "unreached": f.make_unit(parent=east, code="E2", name="湖岭镇"),
        "west_town": f.make_unit(parent=west, code="W1", name="西山镇"),
        "bureau": f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED"),
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
    }


def firm(town, name):
    return f.make_enterprise(town=town, name=name)


def refusals(area, pairs, campaign):
    cadres = {cadre.pk: cadre for cadre, _firm in pairs}
    return pairing_rules.pair_refusals(
        area["organiser"],
        pairs,
        campaign=campaign,
        cadres=cadres,
        loads=workload.campaign_loads(campaign, list(cadres)),
        caps=workload.Caps.of(campaign),
    )


def test_a_request_breaking_every_rule_once_is_refused_pair_by_pair(area):
    campaign = f.make_campaign(scope_unit=area["reached"])
    campaign.workload_caps.create(rank=Cadre.Rank.GENERAL, cap=2)
    campaign.workload_extensions.create(category=CadreCategory.DEPARTMENT, extra=1)
    town = area["reached"]
    own = f.make_cadre(unit=town, rank=Cadre.Rank.SECTION)  # sections are not capped here
    stranger = f.make_cadre(unit=area["west_town"], rank=Cadre.Rank.SECTION)
    retired = f.make_cadre(unit=town, rank=Cadre.Rank.SECTION, display_name="退休的老李")
    Cadre.objects.filter(pk=retired.pk).update(status=Cadre.Status.RETIRED)
    retired.refresh_from_db()
    paired = f.make_cadre(unit=town, rank=Cadre.Rank.SECTION, display_name="已结对的小王")
    busy = f.make_cadre(unit=town, rank=Cadre.Rank.GENERAL, display_name="满负荷的小陈")
    clerk = f.make_cadre(unit=area["bureau"], rank=Cadre.Rank.GENERAL)  # cap 2 + 1 for a bureau
    a, b, c, d = (firm(town, n) for n in ("甲厂", "乙厂", "丙厂", "丁厂"))
    west_firm, far_firm = firm(area["west_town"], "西厂"), firm(area["unreached"], "远厂")
    f.make_pairing(cadre=paired, enterprise=c, campaign=campaign)
    f.make_pairing(cadre=busy, enterprise=d, campaign=campaign)
    # Paired with 丁厂 in another campaign: that pairing does not stand in this one's way.
    f.make_pairing(cadre=paired, enterprise=d, campaign=f.make_campaign(scope_unit=town))
    pairs = [
        (own, a),  # 0: fine
        (own, a),  # 1: the same pair again
        (own, west_firm),  # 2: outside the organiser's county
        (own, far_firm),  # 3: in the county, outside the campaign's town
        (stranger, b),  # 4: another county's cadre
        (retired, b),  # 5: retired
        (paired, c),  # 6: already paired with 丙厂 in this campaign
        (paired, d),  # 7: fine
        (busy, a),  # 8: load 1 + 1 = 2, at the cap
        (busy, b),  # 9: 1 + 2 over the cap of 2: one message, with the 3 asked
        (busy, c),  # 10: still over, no second message
        (clerk, a),  # 11-13: a bureau's cadre may take 3
        (clerk, b),
        (clerk, c),
    ]
    assert refusals(area, pairs, campaign) == [
        Refusal(1, "enterprise", "甲厂 重复出现。"),
        Refusal(2, "enterprise", "西厂 不在您的管辖范围内。"),
        Refusal(3, "enterprise", "远厂 不在该行动的范围内。"),
        Refusal(4, "cadre", f"工号 {stranger.staff_no} 的干部不属于您的辖区，不能结对。"),
        Refusal(5, "cadre", "退休的老李 已不在岗，不能结对。"),
        Refusal(6, "cadre", "已结对的小王 已与 丙厂 结对。"),
        Refusal(
            9,
            "cadre",
            "满负荷的小陈 在本行动中已联系 1 家企业，再加 3 家将超过一般干部的上限 2 家。",
        ),
    ]


def test_an_organiser_of_no_area_has_no_cadre_of_their_area(area):
    campaign = f.make_campaign(scope_unit=area["city"])
    nobody = f.make_user("organiser")  # no jurisdiction: governs nothing
    cadre = f.make_cadre(unit=area["reached"])
    firm_ = firm(area["reached"], "甲厂")
    assert pairing_rules.pair_refusals(
        nobody,
        [(cadre, firm_)],
        campaign=campaign,
        cadres={cadre.pk: cadre},
        loads=workload.campaign_loads(campaign, [cadre.pk]),
        caps=workload.Caps.of(campaign),
    ) == [Refusal(0, "enterprise", "甲厂 不在您的管辖范围内。")]


def test_a_request_is_refused_for_another_campaigns_group_or_batch_or_after_the_end():
    campaign = f.make_campaign(end=datetime.date(2026, 6, 30))
    other = f.make_campaign()
    own_group, other_group = (c.groups.create(name="第一组") for c in (campaign, other))
    own_batch, other_batch = (
        c.batches.create(name="第一批", start=datetime.date(2026, 1, 1)) for c in (campaign, other)
    )
    day = datetime.date(2026, 6, 30)
    assert pairing_rules.request_refusal(campaign, own_group, day, own_batch) is None
    assert pairing_rules.request_refusal(campaign, None, day) is None
    assert pairing_rules.request_refusal(campaign, other_group, day) == "所选服务组不属于该行动。"
    assert (
        pairing_rules.request_refusal(campaign, None, day, other_batch) == "所选批次不属于该行动。"
    )
    assert (
        pairing_rules.request_refusal(campaign, None, day + datetime.timedelta(days=1))
        == "行动已于 2026-06-30 结束。"
    )
    endless = f.make_campaign()
    assert pairing_rules.request_refusal(endless, None, datetime.date(2099, 1, 1)) is None


def test_a_units_home_area_is_itself_or_the_nearest_area_above(area):
    office = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=area["bureau"], code="EDX")
    village = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=area["reached"], code="E1V")
    loose = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, code="Z")  # in no area
    city_bureau = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=area["city"], code="CD")
    units = [area["reached"], area["bureau"], office, village, loose, area["city"], city_bureau]
    homes = pairing_rules.home_area_paths(u.pk for u in units)
    assert homes == {
        area["reached"].pk: area["reached"].path,
        area["bureau"].pk: area["east"].path,  # the county's bureau: the county
        office.pk: area["east"].path,  # an office of it, two levels down: still the county
        village.pk: area["reached"].path,  # a community (no area): its town
        loose.pk: "/",
        area["city"].pk: area["city"].path,
        city_bureau.pk: area["city"].path,  # right under the top area
    }
