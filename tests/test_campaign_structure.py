"""Issue 12, campaign structure: each finding as a test through the pages (batches, service
groups as people, counted targets, caps per campaign, the pickers, suggestions, the leader's
read-only coverage and 分行动)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import AuditEntry
from pairing import suggest
from pairing.models import (
    Campaign,
    CampaignBatch,
    Pairing,
    ServiceGroup,
    Suggestion,
    WorkloadCap,
)
from reports import area_figures
from tests import factories as f
from tests.campaign_pages import D, campaign_data, province_world
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    w = province_world()
    campaign = f.make_campaign(
        scope_unit=w["east"], name="东城区助企行动", start=D(2026, 9, 1), end=D(2026, 12, 31)
    )
    w["campaign"] = campaign
    w["first"] = CampaignBatch.objects.create(
        campaign=campaign, name="第一批", start=D(2026, 9, 16)
    )
    w["second"] = CampaignBatch.objects.create(
        campaign=campaign, name="第二批", start=D(2026, 9, 26)
    )
    w["group"] = ServiceGroup.objects.create(campaign=campaign, name="工业服务组")
    return w


def organiser(client, world):
    return sign_in(client, world["organiser"])


def pair_url(world):
    return reverse("pair_new", args=[world["campaign"].pk])


# Batches


def test_a_pairing_made_in_a_batch_starts_on_the_batch_date_unless_a_date_is_given(client, world):
    organiser(client, world)
    a, b = (f.make_enterprise(town=world["town"]) for _ in range(2))
    post = {"cadre": world["dept_cadre"].staff_no, "role": "lead", "batch": world["second"].pk}
    response = client.post(pair_url(world), {**post, "usccs": a.uscc})
    assert response.status_code == 302
    made = Pairing.objects.get(enterprise=a)
    assert (made.batch, made.start) == (world["second"], D(2026, 9, 26))
    client.post(pair_url(world), {**post, "usccs": b.uscc, "start": "2026-10-03"})
    assert Pairing.objects.get(enterprise=b).start == D(2026, 10, 3)
    entry = AuditEntry.objects.filter(action="pairing_create").last()
    assert entry.changes["batch"] == world["second"].pk


def test_another_campaigns_batch_is_refused_on_its_field(client, world):
    organiser(client, world)
    other = CampaignBatch.objects.create(
        campaign=f.make_campaign(scope_unit=world["east"]), name="别的批次", start=D(2026, 9, 1)
    )
    firm = f.make_enterprise(town=world["town"])
    response = client.post(
        pair_url(world),
        {
            "cadre": world["dept_cadre"].staff_no,
            "usccs": firm.uscc,
            "role": "lead",
            "batch": other.pk,
        },
    )
    assert response.status_code == 400
    assert response.context["form"].errors["batch"]
    assert firm.uscc in response.content.decode()  # what was typed is kept
    assert not Pairing.objects.exists()


def test_a_batch_dated_outside_the_campaign_is_refused_and_nothing_changes(client, world):
    organiser(client, world)
    data = campaign_data(
        name="越期行动",
        scope=world["east"],
        start="2026-09-01",
        end="2026-12-31",
        batches=[("第一批", "2026-09-16"), ("第三批", "2027-01-05")],
    )
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 400
    batches = response.context["batches"]
    assert "批次日期须在行动期间内" in str(batches.forms[1].errors["start"])
    assert not batches.forms[0].errors
    assert not Campaign.objects.filter(name="越期行动").exists()


def test_coverage_counts_by_batch_and_the_pairings_list_filters_by_batch(client, world):
    firms = [f.make_enterprise(town=world["town"], name=f"批次企业{i}") for i in range(3)]
    for firm, batch in zip(firms, [world["first"], world["first"], world["second"]], strict=True):
        f.make_pairing(
            cadre=world["dept_cadre"], enterprise=firm, campaign=world["campaign"], batch=batch
        )
    organiser(client, world)
    page = client.get(reverse("campaign_detail", args=[world["campaign"].pk]))
    rows = {r.label: r.paired for r in page.context["by_batch"]}
    assert rows == {"第一批": 2, "第二批": 1}
    second = client.get(
        reverse("campaign_detail", args=[world["campaign"].pk]), {"batch": world["second"].pk}
    )
    assert second.context["total"].paired == 1
    listed = client.get(
        reverse("campaign_pairings", args=[world["campaign"].pk]), {"batch": world["first"].pk}
    )
    assert [p.enterprise.name for p in listed.context["page"]] == ["批次企业0", "批次企业1"]
    uncovered = client.get(
        reverse("uncovered_list", args=[world["campaign"].pk]), {"batch": world["second"].pk}
    )
    assert {e.name for e in uncovered.context["page"]} == {"批次企业0", "批次企业1"}


# Service groups


def test_groups_have_a_lead_and_members_from_several_levels_and_as_many_as_needed(client, world):
    organiser(client, world)
    groups = [
        {
            "name": f"第{i}服务组",
            "lead": world["province_leader"].staff_no,
            "member_numbers": [world["city_cadre"].staff_no, world["dept_cadre"].staff_no],
        }
        for i in range(1, 4)
    ]
    data = campaign_data(name="三组行动", scope=world["east"], start="2026-09-01", groups=groups)
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 302, response.context and response.context["groups"].errors
    campaign = Campaign.objects.get(name="三组行动")
    assert campaign.groups.count() == 3
    group = campaign.groups.get(name="第2服务组")
    assert group.lead_cadre == world["province_leader"]
    assert set(group.members.all()) == {world["city_cadre"], world["dept_cadre"]}
    page = client.get(reverse("campaign_detail", args=[campaign.pk])).content.decode()
    assert "王省长" in page and "李局长" in page
    # The new campaign's form shows no empty group rows, and a button to add one.
    form = client.get(reverse("campaign_new")).content.decode()
    assert 'name="groups-TOTAL_FORMS" value="0"' in form
    assert 'data-add-row="groups"' in form


@pytest.mark.parametrize("who", ["west_cadre", "forged"])
def test_a_member_from_outside_the_scope_is_refused_on_its_field(client, world, who):
    organiser(client, world)
    number = world["west_cadre"].staff_no if who == "west_cadre" else "NO-SUCH-1"
    groups = [{"name": "越界组", "member_numbers": [world["dept_cadre"].staff_no, number]}]
    data = campaign_data(name="越界成员", scope=world["east"], start="2026-09-01", groups=groups)
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 400
    errors = response.context["groups"].forms[0].errors
    assert number in str(errors["member_numbers"])
    assert not Campaign.objects.filter(name="越界成员").exists()
    assert not ServiceGroup.objects.filter(name="越界组").exists()


def test_the_group_filter_narrows_pairings_coverage_and_uncovered(client, world):
    other = ServiceGroup.objects.create(campaign=world["campaign"], name="商贸服务组")
    mine = f.make_enterprise(town=world["town"], name="组内企业")
    theirs = f.make_enterprise(town=world["town"], name="组外企业")
    f.make_pairing(
        cadre=world["dept_cadre"], enterprise=mine, campaign=world["campaign"], group=world["group"]
    )
    f.make_pairing(
        cadre=world["town_cadre"], enterprise=theirs, campaign=world["campaign"], group=other
    )
    organiser(client, world)
    pk, group = world["campaign"].pk, {"group": world["group"].pk}
    listed = client.get(reverse("campaign_pairings", args=[pk]), group)
    assert [p.enterprise.name for p in listed.context["page"]] == ["组内企业"]
    assert client.get(reverse("campaign_detail", args=[pk]), group).context["total"].paired == 1
    uncovered = client.get(reverse("uncovered_list", args=[pk]), group)
    assert [e.name for e in uncovered.context["page"]] == ["组外企业"]
    rows = {
        r.label: r.paired
        for r in client.get(reverse("campaign_detail", args=[pk])).context["figures"].by_group
    }
    assert rows == {"工业服务组": 1, "商贸服务组": 1}


# Targets


def test_targets_by_tag_or_firm_list_as_count_or_percent_show_met(client, world):
    tagged = [f.make_enterprise(town=world["town"], tags=["construction"]) for _ in range(4)]
    listed = [f.make_enterprise(town=world["town"]) for _ in range(3)]
    organiser(client, world)
    data = campaign_data(
        name="目标行动",
        scope=world["east"],
        start="2026-09-01",
        targets=[
            {"name": "", "tag": tagged[0].tags.get().pk, "target_count": 2},
            {"name": "重点项目", "firms": [e.uscc for e in listed], "target_percent": 100},
        ],
    )
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 302
    campaign = Campaign.objects.get(name="目标行动")
    for firm in tagged[:2] + listed[:1]:
        f.make_pairing(cadre=world["dept_cadre"], enterprise=firm, campaign=campaign)
    page = client.get(reverse("campaign_detail", args=[campaign.pk]))
    tag_row = next(r for r in page.context["by_tag"] if r.tag_id == tagged[0].tags.get().pk)
    assert (tag_row.paired, tag_row.target_count, tag_row.met) == (2, 2, True)
    (list_row,) = page.context["lists"]
    assert (list_row.label, list_row.enterprises, list_row.paired, list_row.met) == (
        "重点项目",
        3,
        1,
        False,
    )
    html = page.content.decode()
    assert '<span class="met">达标</span>' in html and '<span class="unmet">未达标</span>' in html


def test_a_count_above_the_eligible_firms_is_refused_on_its_field(client, world):
    tag_firm = f.make_enterprise(town=world["town"], tags=["construction"])
    f.make_enterprise(town=world["west_town"], tags=["construction"])  # not the campaign's
    organiser(client, world)
    data = campaign_data(
        name="超额目标",
        scope=world["east"],
        start="2026-09-01",
        targets=[{"name": "", "tag": tag_firm.tags.get().pk, "target_count": 2}],
    )
    response = client.post(reverse("campaign_new"), data)
    assert response.status_code == 400
    assert "超过了符合条件的企业数 1" in str(response.context["targets"].forms[0].errors)
    assert not Campaign.objects.filter(name="超额目标").exists()


# Caps


def test_caps_belong_to_the_campaign_and_count_only_its_pairings(client, world):
    f.set_caps(world["campaign"], section=1)
    other = f.make_campaign(scope_unit=world["east"], name="另一行动", start=D(2026, 9, 1))
    f.set_caps(other, section=1)
    a, b, c = (f.make_enterprise(town=world["town"]) for _ in range(3))
    f.make_pairing(cadre=world["dept_cadre"], enterprise=a, campaign=world["campaign"])
    organiser(client, world)
    post = {"cadre": world["dept_cadre"].staff_no, "role": "lead"}
    full = client.post(pair_url(world), {**post, "usccs": b.uscc})
    assert full.status_code == 400 and "上限 1 家" in full.content.decode()
    # The same cadre is free in the other campaign: its caps count its own pairings only.
    response = client.post(reverse("pair_new", args=[other.pk]), {**post, "usccs": c.uscc})
    assert response.status_code == 302
    detail = client.get(reverse("cadre_detail", args=[world["dept_cadre"].pk])).content.decode()
    assert "东城区助企行动：联系 1 家，上限 1 家" in detail
    assert "另一行动：联系 1 家，上限 1 家" in detail


def test_a_cap_below_a_cadres_load_is_refused_on_its_field(client, world):
    f.set_caps(world["campaign"], section=5)
    for _ in range(3):
        f.make_pairing(
            cadre=world["dept_cadre"],
            enterprise=f.make_enterprise(town=world["town"]),
            campaign=world["campaign"],
        )
    organiser(client, world)
    url = reverse("campaign_edit", args=[world["campaign"].pk])
    data = campaign_data(
        name="东城区助企行动",
        scope=world["east"],
        start="2026-09-01",
        end="2026-12-31",
        batches=[("第一批", "2026-09-16"), ("第二批", "2026-09-26")],
        groups=[{"name": "工业服务组"}],
        caps={"section": 2},
    )
    for prefix, objs in (
        ("batches", [world["first"], world["second"]]),
        ("groups", [world["group"]]),
    ):
        data[f"{prefix}-INITIAL_FORMS"] = str(len(objs))
        for i, obj in enumerate(objs):
            data[f"{prefix}-{i}-id"] = str(obj.pk)
    response = client.post(url, data)
    assert response.status_code == 400
    assert "张科长" in str(response.context["caps"].errors["cap_section"])
    assert WorkloadCap.objects.get(campaign=world["campaign"]).cap == 5
    # With the department extension (+4 for department cadres) the same cap of 2 holds.
    response = client.post(url, {**data, "extra_department": "1"})
    assert response.status_code == 302
    assert WorkloadCap.objects.get(campaign=world["campaign"]).cap == 2
    entry = AuditEntry.objects.get(action="campaign_caps_save")
    assert entry.changes["after"] == {"caps": {"section": 2}, "extra": {"department": 1}}


# The pickers


@pytest.mark.parametrize(
    "typed,found",
    [
        ("zkz", "张科长"),  # pinyin initials
        ("wsz", "王省长"),  # a province leader: a level above the county
        ("市商务局", "李局长"),  # by unit
        ("李", "李局长"),  # by name
    ],
)
def test_the_cadre_picker_finds_cadres_of_the_area_and_the_levels_above(
    client, world, typed, found
):
    organiser(client, world)
    html = client.get(reverse("picker_cadres"), {"q": typed}).content.decode()
    assert found in html


def test_the_cadre_picker_finds_by_staff_number_and_never_another_countys_cadre(client, world):
    organiser(client, world)
    number = world["dept_cadre"].staff_no
    assert (
        f'data-value="{number}"'
        in client.get(reverse("picker_cadres"), {"q": number}).content.decode()
    )
    for typed in ("zxc", "周西城", world["west_cadre"].staff_no, "西城区经信局"):
        assert "周西城" not in client.get(reverse("picker_cadres"), {"q": typed}).content.decode()


def test_the_firm_picker_finds_by_name_or_code_within_the_area(client, world):
    mine = f.make_enterprise(town=world["town"], name="云溪精工机械有限公司")
    f.make_enterprise(town=world["west_town"], name="江口精工机械有限公司")
    organiser(client, world)
    html = client.get(reverse("picker_firms"), {"q": "精工"}).content.decode()
    assert "云溪精工" in html and "江口精工" not in html
    by_code = client.get(reverse("picker_firms"), {"q": mine.uscc[:12]}).content.decode()
    assert f'data-value="{mine.uscc}"' in by_code


def test_the_pair_form_pairs_a_city_cadre_but_not_another_countys(client, world):
    organiser(client, world)
    firm = f.make_enterprise(town=world["town"])
    form = client.get(pair_url(world)).content.decode()
    assert 'class="picker"' in form and "js/picker.js" in form
    post = {"usccs": firm.uscc, "role": "lead"}
    refused = client.post(pair_url(world), {**post, "cadre": world["west_cadre"].staff_no})
    assert refused.status_code == 400 and not Pairing.objects.exists()
    made = client.post(pair_url(world), {**post, "cadre": world["city_cadre"].staff_no})
    assert made.status_code == 302
    assert Pairing.objects.get().cadre == world["city_cadre"]


# Suggestions


def test_leaders_and_departments_above_the_county_are_proposed(world):
    big = f.make_enterprise(town=world["town"], scale="large", annual_output=9000)
    above = f.make_enterprise(town=world["town"], tags=["above_scale"], annual_output=600)
    chosen, _n = suggest.propose(world["east"], world["campaign"])
    got = {e: (c, rule) for e, c, rule in chosen}
    leaders = {world["province_leader"].pk, world["city_cadre"].pk}
    assert got[big.pk][0] in leaders and got[big.pk][1] == Suggestion.Rule.RANK
    assert got[above.pk][1] in (Suggestion.Rule.RANK, Suggestion.Rule.DEPARTMENT)
    assert world["west_cadre"].pk not in {c for _e, c, _r in chosen}


def test_suggestions_take_a_group_batch_and_start_date(client, world):
    world["group"].members.add(world["dept_cadre"])
    firm = f.make_enterprise(town=world["town"], tags=["above_scale"], annual_output=600)
    organiser(client, world)
    response = client.post(
        reverse("suggestion_new", args=[world["campaign"].pk]),
        {"group": world["group"].pk, "batch": world["first"].pk, "start": ""},
    )
    run_url = response["Location"]
    run = client.get(run_url).context["run"]
    assert [r.cadre for r in run.rows.all()] == [world["dept_cadre"]]  # the group's people only
    client.post(reverse("suggestion_decide", args=[run.pk]), {"action": "accept_all"})
    made = Pairing.objects.get(enterprise=firm)
    assert (made.group, made.batch, made.start) == (world["group"], world["first"], D(2026, 9, 16))
    forged = client.post(
        reverse("suggestion_new", args=[world["campaign"].pk]),
        {"group": ServiceGroup.objects.create(campaign=f.make_campaign(), name="x").pk},
    )
    assert forged["Location"] == reverse("campaign_detail", args=[world["campaign"].pk])


# The leader


def test_a_leader_reads_the_campaigns_own_coverage(client, world):
    firm = f.make_enterprise(town=world["town"])
    f.make_pairing(cadre=world["dept_cadre"], enterprise=firm, campaign=world["campaign"])
    other_firm = f.make_enterprise(town=world["town"])
    f.make_pairing(
        cadre=world["dept_cadre"],
        enterprise=other_firm,
        campaign=f.make_campaign(scope_unit=world["east"]),
    )
    sign_in(client, world["leader"])
    page = client.get(reverse("campaign_detail", args=[world["campaign"].pk]))
    assert page.status_code == 200
    assert (page.context["total"].enterprises, page.context["total"].paired) == (2, 1)
    html = page.content.decode()
    assert "只读" in html and reverse("pair_new", args=[world["campaign"].pk]) not in html
    assert client.get(reverse("campaign_pairings", args=[world["campaign"].pk])).status_code == 200
    assert client.get(pair_url(world)).status_code == 403
    assert client.get(reverse("campaign_edit", args=[world["campaign"].pk])).status_code == 403


def test_the_dashboard_lists_every_campaign_of_the_area(client, world):
    f.make_campaign(scope_unit=world["west"], name="西城区行动")
    area_figures.compute()
    sign_in(client, world["leader"])
    html = client.get(reverse("leader_home")).content.decode()
    assert "东城区助企行动" in html  # no problems raised in it yet
    assert reverse("campaign_detail", args=[world["campaign"].pk]) in html
    assert "西城区行动" not in html


def test_an_imported_pairing_takes_its_batch_from_its_row_or_the_upload(world):
    from pairing import pairing_import
    from tests.helpers import xlsx

    a, b, c = (f.make_enterprise(town=world["town"]) for _ in range(3))
    no, name = world["dept_cadre"].staff_no, world["campaign"].name
    sheet = xlsx(
        ["企业统一社会信用代码", "干部工号", "行动", "批次", "开始日期"],
        [a.uscc, no, name, "第二批", ""],
        [b.uscc, no, name, "", ""],
        [c.uscc, no, name, "第九批", ""],
    )
    plan = pairing_import.read_plan(
        sheet, "结对.xlsx", actor=world["organiser"], batch=world["first"]
    )
    assert [(e.row, e.column, e.message) for e in plan.errors] == [
        (4, "批次", "行动“东城区助企行动”中没有这个批次")
    ]
    plan = pairing_import.read_plan(
        xlsx(
            ["企业统一社会信用代码", "干部工号", "行动", "批次"],
            [a.uscc, no, name, "第二批"],
            [b.uscc, no, name, ""],
        ),
        "结对.xlsx",
        actor=world["organiser"],
        campaign=world["campaign"],
        batch=world["first"],
    )
    pairing_import.commit(plan, actor=world["organiser"])
    made = {p.enterprise_id: (p.batch, p.start) for p in Pairing.objects.all()}
    assert made == {
        a.pk: (world["second"], D(2026, 9, 26)),
        b.pk: (world["first"], D(2026, 9, 16)),
    }


@pytest.mark.parametrize("kind", ["cadres", "firms"])
def test_the_pickers_run_the_same_number_of_queries_for_3_or_20_rows(client, world, kind):
    """A picker shows at most 20 rows (PICKER_ROWS): 3 rows, then a full list of 20."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(n):
        for _ in range(n):
            if kind == "cadres":
                f.make_cadre(
                    user=f.make_user("cadre", display_name="测试干部"), unit=world["city_dept"]
                )
            else:
                f.make_enterprise(town=world["town"], name="测试精工有限公司")

    organiser(client, world)
    url = reverse(f"picker_{kind}")
    client.get(url, {"q": "测试"})

    def render():
        with CaptureQueriesContext(connection) as captured:
            html = client.get(url, {"q": "测试"}).content.decode()
        return len(captured), html.count('class="picker-option"')

    add(3)
    few, shown = render()
    add(27)
    many, shown_many = render()
    assert (shown, shown_many) == (3, 20)
    assert few == many


def test_the_pairing_upload_refuses_another_campaigns_batch_on_its_field(client, world):
    from tests.helpers import xlsx

    organiser(client, world)
    other = f.make_campaign(scope_unit=world["east"], name="另一行动")
    sheet = xlsx(
        ["企业统一社会信用代码", "干部工号"], [f.make_enterprise(town=world["town"]).uscc, "X"]
    )
    sheet.name = "结对.xlsx"
    response = client.post(
        reverse("pairing_import"),
        {"file": sheet, "campaign": other.pk, "batch": world["first"].pk},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["batch"] == ["请选择所选行动的批次。"]
