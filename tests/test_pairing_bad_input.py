"""Bad input on the organiser's pairing pages: a forged form, an action out of turn, or a URL for
another area's record gets a clear message (or a 404) and changes nothing, and what the user typed
comes back. Each test compares the whole state of the pairing tables and the audit trail's
successes before and after."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, Cadre, CadrePost, OrgUnit
from pairing.models import HelpPlan, Pairing
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东城区")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西江区")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    west_town = f.make_unit(parent=west, code="W1", name="青石镇")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="区经信局")
    campaign = f.make_campaign(scope_unit=city, start=D(2026, 1, 1))

    def cadre(unit, name):
        return f.make_cadre(user=f.make_user("cadre", home_unit=unit, display_name=name))

    leaving = cadre(dept, "甲干部")
    CadrePost.objects.create(
        cadre=leaving, unit=dept, post="科员", rank=leaving.rank, start=D(2025, 1, 1)
    )
    firms = [f.make_enterprise(town=town, name=f"云溪机械{i}") for i in range(2)]
    pairings = [
        f.make_pairing(cadre=leaving, enterprise=e, campaign=campaign, start=D(2026, 1, 1))
        for e in firms
    ]
    west_cadre = cadre(west_town, "西江干部")
    west_firm = f.make_enterprise(town=west_town, name="青石鞋业有限公司")
    west_pairing = f.make_pairing(cadre=west_cadre, enterprise=west_firm, campaign=campaign)
    return {
        "city": city,
        "east": east,
        "town": town,
        "west_town": west_town,
        "dept": dept,
        "campaign": campaign,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "leaving": leaving,
        "next": cadre(town, "乙干部"),
        "firms": firms,
        "pairings": pairings,
        "west_cadre": west_cadre,
        "west_firm": west_firm,
        "west_pairing": west_pairing,
    }


def state():
    """Every row a pairing page may write, and the audit trail's successes."""
    return {
        "pairings": list(Pairing.objects.order_by("pk").values()),
        "posts": list(CadrePost.objects.order_by("pk").values()),
        "cadres": list(Cadre.objects.order_by("pk").values()),
        "plans": list(HelpPlan.objects.order_by("pk").values()),
        "audit": list(
            AuditEntry.objects.filter(result=AuditEntry.Result.OK)
            .exclude(action__in=["login", "access_denied"])
            .order_by("pk")
            .values_list("action", "object_id")
        ),
    }


@pytest.fixture
def organiser(client, world):
    sign_in(client, world["organiser"])
    return client


def html(response) -> str:
    return response.content.decode()


# The cadre transfer (职务调整) on the cadre's page.


def transfer(world, **data):
    return {
        "unit": world["town"].pk,
        "post": "副镇长",
        "rank": Cadre.Rank.SECTION,
        "date": "2026-03-01",
        **data,
    }


def test_a_transfer_to_a_unit_outside_the_area_is_refused(organiser, world):
    before = state()
    url = reverse("cadre_detail", args=[world["leaving"].pk])
    response = organiser.post(url, transfer(world, unit=world["west_town"].pk))
    assert response.status_code == 400
    assert response.context["transfer"].errors["unit"]
    assert "副镇长" in html(response)  # what was typed comes back
    assert state() == before


def test_a_transfer_dated_before_the_current_post_is_refused_once_on_the_page(organiser, world):
    before = state()
    url = reverse("cadre_detail", args=[world["leaving"].pk])
    response = organiser.post(url, transfer(world, date="2024-12-31"))
    assert response.status_code == 400
    assert html(response).count("调动日期不能早于现任职务的任职日期") == 1
    assert 'value="副镇长"' in html(response)
    assert state() == before


def test_a_forged_transfer_of_a_retired_cadre_is_refused(organiser, world):
    Cadre.objects.filter(pk=world["leaving"].pk).update(status=Cadre.Status.RETIRED)
    before = state()
    response = organiser.post(reverse("cadre_detail", args=[world["leaving"].pk]), transfer(world))
    assert response.status_code == 400
    assert "已不在岗的干部不能调动" in html(response)
    assert state() == before


def test_another_areas_cadre_cannot_be_transferred(organiser, world):
    before = state()
    url = reverse("cadre_detail", args=[world["west_cadre"].pk])
    assert organiser.post(url, transfer(world)).status_code == 404
    assert organiser.get(url).status_code == 404
    assert state() == before


def test_a_cadre_serving_elsewhere_is_not_moved_by_this_areas_organiser(organiser, world):
    """A city department's cadre paired with a firm of the area is on its pages, but their post is
    the city's business: this organiser can only pick units of their own area."""
    city_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["city"], code="CD")
    elsewhere = f.make_cadre(user=f.make_user("cadre", home_unit=city_dept))
    f.make_pairing(cadre=elsewhere, enterprise=world["firms"][0], campaign=world["campaign"])
    before = state()
    url = reverse("cadre_detail", args=[elsewhere.pk])
    page = organiser.get(url)
    assert page.status_code == 200 and "保存调整" not in html(page)
    response = organiser.post(url, transfer(world))
    assert response.status_code == 400
    assert "不在您的管辖范围" in html(response)
    assert state() == before


def test_a_transfer_submitted_twice_is_made_once(organiser, world):
    url = reverse("cadre_detail", args=[world["leaving"].pk])
    assert organiser.post(url, transfer(world)).status_code == 302
    after_first = state()
    response = organiser.post(url, transfer(world))
    assert response.status_code == 400
    assert "与现任相同" in html(response)
    assert state() == after_first
    assert CadrePost.objects.filter(cadre=world["leaving"], end__isnull=True).count() == 1


# The hand-over (工作交接).


def hand_over(world, **data):
    """Every active pairing of the leaving cadre handed to the in-area successor."""
    return {
        "status": Cadre.Status.RETIRED,
        "date": "2026-04-01",
        **{f"successor_{p.pk}": world["next"].staff_no for p in world["pairings"]},
        **data,
    }


def hand_over_url(world):
    return reverse("cadre_hand_over", args=[world["leaving"].pk])


def test_a_successor_outside_the_area_is_refused(organiser, world):
    before = state()
    first = world["pairings"][0]
    data = hand_over(world, **{f"successor_{first.pk}": world["west_cadre"].staff_no})
    response = organiser.post(hand_over_url(world), data)
    assert response.status_code == 400
    assert "西江干部" not in html(response)  # nothing is told about another area's cadre
    assert world["west_cadre"].staff_no in html(response)  # what was typed comes back
    assert "不属于您的辖区" in html(response)
    assert state() == before


def test_a_successor_who_is_not_a_cadre_is_refused(organiser, world):
    before = state()
    first = world["pairings"][0]
    not_a_cadre = world["organiser"].username
    response = organiser.post(
        hand_over_url(world), hand_over(world, **{f"successor_{first.pk}": not_a_cadre})
    )
    assert response.status_code == 400
    assert f"没有工号为 {not_a_cadre} 的干部" in html(response)
    assert state() == before


@pytest.mark.parametrize("who", ["retired", "self"])
def test_a_successor_who_cannot_take_over_leaves_every_pairing_as_it_was(organiser, world, who):
    """The refusal comes from the service after the first pairing was already ended in the same
    transaction: the whole hand-over is rolled back."""
    successor = world["next"] if who == "retired" else world["leaving"]
    if who == "retired":
        Cadre.objects.filter(pk=successor.pk).update(status=Cadre.Status.RETIRED)
    before = state()
    last = world["pairings"][-1]
    data = hand_over(world, **{f"successor_{last.pk}": successor.staff_no})
    response = organiser.post(hand_over_url(world), data)
    assert response.status_code == 400
    assert ("已不在岗" if who == "retired" else "不能交接给本人") in html(response)
    assert state() == before


def test_a_forged_pairing_of_another_area_is_not_handed_over(organiser, world):
    before = state()
    data = hand_over(world)
    del data[f"successor_{world['pairings'][0].pk}"]
    data[f"successor_{world['west_pairing'].pk}"] = world["next"].staff_no
    response = organiser.post(hand_over_url(world), data)
    assert response.status_code == 400
    assert "请为这家企业安排接手干部" in html(response)
    assert state() == before


def test_a_cadre_holding_firms_outside_the_area_is_handed_over_by_the_level_above(organiser, world):
    f.make_pairing(
        cadre=world["leaving"], enterprise=world["west_firm"], campaign=world["campaign"]
    )
    before = state()
    response = organiser.post(hand_over_url(world), hand_over(world))
    assert response.status_code == 400
    assert "请由上级组织部门办理交接" in html(response)
    assert state() == before


def test_another_areas_cadre_has_no_hand_over_page(organiser, world):
    before = state()
    url = reverse("cadre_hand_over", args=[world["west_cadre"].pk])
    assert organiser.get(url).status_code == 404
    data = {"status": "retired", "date": "2026-04-01"}
    data[f"successor_{world['west_pairing'].pk}"] = world["next"].staff_no
    assert organiser.post(url, data).status_code == 404
    assert state() == before


def test_a_hand_over_submitted_twice_is_made_once(organiser, world):
    assert organiser.post(hand_over_url(world), hand_over(world)).status_code == 302
    after_first = state()
    assert Pairing.objects.active().filter(cadre=world["next"]).count() == 2
    again = hand_over(world, status=Cadre.Status.LEFT, date="2026-05-01")
    response = organiser.post(hand_over_url(world), again)
    assert response.status_code == 400
    assert "已办理交接" in html(response)
    assert state() == after_first


def test_the_service_refuses_a_repeated_hand_over_too(world):
    """Two submits that both passed the page's check (two tabs) meet under the cadre's lock."""
    from django.core.exceptions import ValidationError

    from pairing import services

    successors = {p.pk: world["next"] for p in world["pairings"]}
    args = {"status": Cadre.Status.RETIRED, "date": D(2026, 4, 1)}
    services.hand_over(world["organiser"], world["leaving"], successors=successors, **args)
    after_first = state()
    with pytest.raises(ValidationError, match="已办理交接"):
        services.hand_over(world["organiser"], world["leaving"], successors={}, **args)
    assert state() == after_first


# The help plan (一企一策).


def plan(**data):
    return {
        "cause": "订单骤减，资金链紧张",
        "responsible": "乙干部",
        "target_date": "2026-09-30",
        "progress": "",
        "measures-TOTAL_FORMS": "1",
        "measures-INITIAL_FORMS": "0",
        "measures-0-text": "对接银行续贷，帮助开拓新市场",
        "measures-0-owner_name": "乙干部",
        "measures-0-due_date": "2026-08-31",
        "measures-0-state": "planned",
        **data,
    }


def test_a_help_plan_with_missing_fields_keeps_what_was_typed(organiser, world):
    before = state()
    url = reverse("help_plan_new", args=[world["firms"][0].pk])
    response = organiser.post(url, plan(**{"measures-0-text": ""}, target_date="九月底"))
    assert response.status_code == 400
    assert set(response.context["form"].errors) == {"target_date"}
    assert set(response.context["measures"].forms[0].errors) == {"text"}
    assert "订单骤减，资金链紧张" in html(response) and "九月底" in html(response)
    assert state() == before


def test_a_help_plan_for_another_areas_enterprise_is_404(organiser, world):
    before = state()
    for url in [
        reverse("help_plan_new", args=[world["west_firm"].pk]),
        reverse("help_plan_new", args=[999999]),
    ]:
        assert organiser.get(url).status_code == 404
        assert organiser.post(url, plan()).status_code == 404
    assert state() == before


def test_another_enterprises_plan_is_not_edited_through_this_enterprise(organiser, world):
    west_plan = HelpPlan.objects.create(
        enterprise=world["west_firm"],
        cause="停电",
        responsible="西江干部",
        target_date=D(2026, 6, 30),
    )
    before = state()
    for enterprise in (world["firms"][0], world["west_firm"]):
        url = reverse("help_plan_edit", args=[enterprise.pk, west_plan.pk])
        assert organiser.post(url, plan(done="on")).status_code == 404
    assert state() == before


def test_a_cadre_not_paired_with_the_enterprise_cannot_plan_for_it(client, world):
    sign_in(client, world["next"].user)
    before = state()
    url = reverse("help_plan_new", args=[world["firms"][0].pk])
    assert client.post(url, plan()).status_code == 404
    assert state() == before


# Pairing by hand.


def pair(world, **data):
    return {
        "cadre": world["next"].staff_no,
        "usccs": world["firms"][0].uscc,
        "role": Pairing.Role.LEAD,
        "start": "2026-03-01",
        **data,
    }


def pair_url(world):
    return reverse("pair_new", args=[world["campaign"].pk])


def test_another_areas_enterprise_is_not_paired_nor_named(organiser, world):
    before = state()
    code = world["west_firm"].uscc
    response = organiser.post(pair_url(world), pair(world, usccs=code))
    assert response.status_code == 400
    page = html(response)
    assert code in page  # what was typed comes back, with the refusal
    assert "管辖范围" in page
    assert world["west_firm"].name not in page  # nothing is told about another area's firm
    assert state() == before


def test_another_areas_cadre_is_not_paired_nor_named(organiser, world):
    before = state()
    staff_no = world["west_cadre"].staff_no
    response = organiser.post(pair_url(world), pair(world, cadre=staff_no))
    assert response.status_code == 400
    page = html(response)
    assert staff_no in page
    assert "西江干部" not in page
    assert "不属于您的辖区" in page
    assert state() == before


def test_a_cadre_of_the_city_above_may_serve_the_areas_firms(organiser, world):
    """The refusal above is for another county's cadres: a city department's are the county's
    to pair (部门联系规上企业)."""
    city_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["city"], code="CD")
    city_cadre = f.make_cadre(user=f.make_user("cadre", home_unit=city_dept))
    response = organiser.post(pair_url(world), pair(world, cadre=city_cadre.staff_no))
    assert response.status_code == 302
    assert Pairing.objects.active().filter(cadre=city_cadre).count() == 1


def test_the_import_refuses_another_areas_cadre_on_its_row(world):
    """The same rule in pair_refusals serves the import: the row is reported, nothing written."""
    from pairing import pairing_import
    from tests.helpers import xlsx

    before = state()
    header = ["统一社会信用代码", "干部工号", "行动"]
    rows = [
        [world["firms"][0].uscc, world["west_cadre"].staff_no, world["campaign"].name],
        [world["firms"][1].uscc, world["next"].staff_no, world["campaign"].name],
    ]
    plan = pairing_import.read_plan(
        xlsx(header, *rows), "结对.xlsx", actor=world["organiser"], campaign=world["campaign"]
    )
    assert [(e.row, "不属于您的辖区" in e.message) for e in plan.errors] == [(2, True)]
    assert state() == before


def test_pairing_twice_is_refused_with_one_message(organiser, world):
    before = state()
    data = pair(world, cadre=world["leaving"].staff_no)
    response = organiser.post(pair_url(world), data)
    assert response.status_code == 400
    assert html(response).count("已与 云溪机械0 结对") == 1
    assert state() == before


def test_a_forged_group_of_another_campaign_is_refused(organiser, world):
    other = f.make_campaign(scope_unit=world["east"])
    group = other.groups.create(name="外行动服务组", kind="service")
    before = state()
    response = organiser.post(pair_url(world), pair(world, group=group.pk))
    assert response.status_code == 400
    assert response.context["form"].errors["group"]
    assert state() == before


def test_another_areas_campaign_has_no_pair_page(organiser, world):
    west_campaign = f.make_campaign(scope_unit=world["west_town"].parent)
    before = state()
    url = reverse("pair_new", args=[west_campaign.pk])
    assert organiser.get(url).status_code == 404
    assert organiser.post(url, pair(world)).status_code == 404
    assert state() == before
