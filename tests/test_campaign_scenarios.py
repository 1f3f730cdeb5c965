"""Two campaigns of DOMAIN.md run through the pages as their organisers would (issue 12).

- Hainan (万名干部下企业): a province organiser sets up 10 service groups, each led by a province
  leader with members from the province, a city and a county; 9 counted targets (83, 138, 100,
  100, 90, 130, 30, 29, 100: eight kinds by tag, the 29 parks as a hand-picked list); two batches,
  Sep 16 and Sep 26. Pairings made in the first batch start on Sep 16 and count towards it.
- Rui'an (驻企服务员): caps by rank with leader-group cadres +2 and department cadres +4."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import Cadre
from enterprises.models import Enterprise, Tag
from pairing.models import Campaign, Pairing
from tests import factories as f
from tests.campaign_pages import D, campaign_data, province_world
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db

HAINAN_TARGETS = [  # (tag code, count); None: the hand-picked parks
    ("above_scale", 83),
    ("agri_leader", 138),
    ("tourism_culture", 100),
    ("services", 100),
    ("state_owned", 90),
    ("specialised", 130),
    ("construction", 30),
    (None, 29),
    ("key_project", 100),
]


def bulk_firms(town, n: int, *, tag: Tag | None, prefix: str) -> list[Enterprise]:
    firms = Enterprise.objects.bulk_create(
        Enterprise(name=f"{prefix}{i}", uscc=f.make_uscc(), town=town) for i in range(n)
    )
    if tag is not None:
        Enterprise.tags.through.objects.bulk_create(
            Enterprise.tags.through(enterprise_id=e.pk, tag_id=tag.pk) for e in firms
        )
    return firms


@pytest.fixture
def hainan():
    w = province_world()
    w["organiser"] = f.make_user("organiser", jurisdiction_unit=w["province"])
    leaders = [
        f.make_cadre(
            user=f.make_user("cadre", display_name=f"省领导{i}"),
            unit=w["province_dept"],
            rank=Cadre.Rank.CITY_LEADER,
        )
        for i in range(10)
    ]
    firms = {}
    for code, n in HAINAN_TARGETS:
        tag = Tag.objects.get(code=code) if code else None
        firms[code] = bulk_firms(w["town"], n, tag=tag, prefix=f"{code or 'park'}企业")
    return {**w, "leaders": leaders, "firms": firms}


def test_hainan_ten_groups_nine_counted_targets_two_batches(client, hainan):
    w = hainan
    sign_in(client, w["organiser"])
    members = [w["province_leader"], w["city_cadre"], w["dept_cadre"], w["town_cadre"]]
    groups = [
        {
            "name": f"第{i + 1}服务组",
            "lead": leader.staff_no,
            "member_numbers": [m.staff_no for m in members],
        }
        for i, leader in enumerate(w["leaders"])
    ]
    targets = [
        {"name": "", "tag": Tag.objects.get(code=code).pk, "target_count": n}
        if code
        else {"name": "园区", "firms": [e.uscc for e in w["firms"][None]], "target_count": n}
        for code, n in HAINAN_TARGETS
    ]
    data = campaign_data(
        name="万名干部下企业",
        scope=w["province"],
        start="2026-09-16",
        end="2026-12-31",
        batches=[("第一批", "2026-09-16"), ("第二批", "2026-09-26")],
        groups=groups,
        targets=targets,
        caps={"city_leader": 50, "county": 50, "section": 50, "general": 50},
    )
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="万名干部下企业")
    assert campaign.groups.count() == 10
    assert all(g.members.count() == 4 and g.lead_cadre for g in campaign.groups.all())
    assert sorted(t.target_count for t in campaign.coverage_targets.all()) == sorted(
        n for _c, n in HAINAN_TARGETS
    )
    assert sum(t.target_count for t in campaign.coverage_targets.all()) == 800
    first, second = campaign.batches.order_by("start")
    assert (first.start, second.start) == (D(2026, 9, 16), D(2026, 9, 26))

    # The first group's members pair the 30 construction firms in the first batch.
    group = campaign.groups.get(name="第1服务组")
    construction = w["firms"]["construction"]
    for cadre, chunk in (
        (w["dept_cadre"], construction[:15]),
        (w["town_cadre"], construction[15:]),
    ):
        response = client.post(
            reverse("pair_new", args=[campaign.pk]),
            {
                "cadre": cadre.staff_no,
                "usccs": "\n".join(e.uscc for e in chunk),
                "role": "lead",
                "group": group.pk,
                "batch": first.pk,
            },
        )
        assert response.status_code == 302
    # The second group pairs the 29 parks in the second batch.
    parks = w["firms"][None]
    client.post(
        reverse("pair_new", args=[campaign.pk]),
        {
            "cadre": w["city_cadre"].staff_no,
            "usccs": "\n".join(e.uscc for e in parks),
            "role": "lead",
            "group": campaign.groups.get(name="第2服务组").pk,
            "batch": second.pk,
        },
    )
    assert set(Pairing.objects.filter(batch=first).values_list("start", flat=True)) == {
        D(2026, 9, 16)
    }
    assert Pairing.objects.filter(batch=second, start=D(2026, 9, 26)).count() == 29

    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    rows = {r.label: r for r in page.context["by_tag"]}
    assert (rows["建筑业"].paired, rows["建筑业"].target_count, rows["建筑业"].met) == (
        30,
        30,
        True,
    )
    assert rows["规上工业"].met is False
    (parks_row,) = page.context["lists"]
    assert (parks_row.label, parks_row.paired, parks_row.met) == ("园区", 29, True)
    assert {r.label: r.paired for r in page.context["by_batch"]} == {"第一批": 30, "第二批": 29}
    by_group = {g.name: r.paired for g, r in page.context["group_rows"]}
    assert (by_group["第1服务组"], by_group["第2服务组"], by_group["第3服务组"]) == (30, 29, 0)
    html = page.content.decode()
    assert html.count('<span class="met">达标</span>') == 2
    assert "省领导0" in html
    # The first group's own list: its 30 firms, in the first batch.
    listed = client.get(
        reverse("campaign_pairings", args=[campaign.pk]), {"group": group.pk, "batch": first.pk}
    )
    assert listed.context["page"].paginator.count == 30


def test_ruian_leader_group_cadres_take_two_more_and_department_cadres_four_more(client):
    w = province_world()
    sign_in(client, w["organiser"])
    data = campaign_data(
        name="驻企服务员",
        scope=w["east"],
        start="2026-09-01",
        caps={"city_leader": 1, "county": 1, "section": 2, "general": 2},
        extra={"leader": 2, "department": 4},
    )
    assert client.post(reverse("campaign_new"), data).status_code == 302
    campaign = Campaign.objects.get(name="驻企服务员")
    county_leader = f.make_cadre(
        user=f.make_user("cadre", display_name="陈副区长"), unit=w["east"], rank=Cadre.Rank.COUNTY
    )
    firms = bulk_firms(w["town"], 20, tag=None, prefix="瑞安企业")
    url = reverse("pair_new", args=[campaign.pk])

    def pair(cadre, chunk):
        return client.post(
            url,
            {"cadre": cadre.staff_no, "usccs": "\n".join(e.uscc for e in chunk), "role": "lead"},
        )

    # A leader-group cadre: 1 + 2 = 3 firms, not 4.
    assert pair(county_leader, firms[0:4]).status_code == 400
    assert pair(county_leader, firms[0:3]).status_code == 302
    refused = pair(county_leader, firms[3:4])
    assert "上限 3 家" in refused.content.decode()
    # A department cadre (科级, 区经信局): 2 + 4 = 6.
    assert pair(w["dept_cadre"], firms[4:10]).status_code == 302
    assert "上限 6 家" in pair(w["dept_cadre"], firms[10:11]).content.decode()
    # A town cadre gets no extension: 2.
    assert pair(w["town_cadre"], firms[11:13]).status_code == 302
    assert "上限 2 家" in pair(w["town_cadre"], firms[13:14]).content.decode()
    assert Pairing.objects.filter(campaign=campaign).count() == 3 + 6 + 2
    detail = client.get(reverse("cadre_detail", args=[w["dept_cadre"].pk])).content.decode()
    assert "驻企服务员：联系 6 家，上限 6 家" in detail
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "领导班子成员 +2" in page and "部门干部 +4" in page
