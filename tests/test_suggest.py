"""The suggestion engine's rules and limits, and the organiser accepting its proposals."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse

from accounts.models import AuditEntry, Cadre, OrgUnit
from enterprises.models import Enterprise
from pairing import suggest
from pairing.models import Pairing, Suggestion
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
Rule = Suggestion.Rule


@pytest.fixture
def area():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    town_a = f.make_unit(parent=east, code="EA")
    town_b = f.make_unit(parent=east, code="EB")
    village = f.make_unit(kind=OrgUnit.Kind.COMMUNITY, parent=town_a, code="EA1")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED")
    campaign = f.make_campaign(scope_unit=city, start=datetime.date(2026, 1, 1))
    f.set_caps(campaign, county=1, section=2, general=2)
    return {
        "east": east,
        "town_a": town_a,
        "town_b": town_b,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "campaign": campaign,
        "leader": f.make_cadre(unit=east, rank=Cadre.Rank.COUNTY),
        "dept_cadre": f.make_cadre(unit=dept, rank=Cadre.Rank.SECTION),
        "village_cadre": f.make_cadre(unit=village, rank=Cadre.Rank.GENERAL),
    }


def test_each_rule_picks_the_right_kind_of_cadre(area):
    big = f.make_enterprise(town=area["town_b"], scale=Enterprise.Scale.LARGE, annual_output=9000)
    tech = f.make_enterprise(town=area["town_b"], tags=["specialised"], annual_output=800)
    above = f.make_enterprise(town=area["town_b"], tags=["above_scale"], annual_output=500)
    small_a = f.make_enterprise(town=area["town_a"], annual_output=10)
    small_b = f.make_enterprise(town=area["town_b"], annual_output=10)
    chosen, uncovered = suggest.propose(area["east"], area["campaign"])
    got = {e: (c, rule) for e, c, rule in chosen}
    assert uncovered == 5
    # The county leader (limit 1) takes the biggest firm; the key tech firm falls to the department.
    assert got[big.pk] == (area["leader"].pk, Rule.RANK)
    assert got[tech.pk] == (area["dept_cadre"].pk, Rule.DEPARTMENT)
    # The department cadre (limit 2) takes the above-scale firm too, and is then full.
    assert got[above.pk] == (area["dept_cadre"].pk, Rule.DEPARTMENT)
    # Town B has no cadre of its own: its small firm stays unmatched.
    assert small_b.pk not in got and len(chosen) == 4
    # 属地: town A's village cadre takes town A's small firm.
    assert got[small_a.pk] == (area["village_cadre"].pk, Rule.TERRITORY)


def test_existing_pairings_count_against_the_limit_and_covered_firms_are_left_out(area):
    paired = f.make_enterprise(town=area["town_a"])
    f.make_pairing(cadre=area["village_cadre"], enterprise=paired, campaign=area["campaign"])
    firms = [f.make_enterprise(town=area["town_a"]) for _ in range(3)]
    chosen, uncovered = suggest.propose(area["east"], area["campaign"])
    assert uncovered == 3
    assert len(chosen) == 1 and chosen[0][0] in {e.pk for e in firms}  # 2 - 1 held = room for 1


def test_a_run_is_stored_and_accepting_it_makes_the_pairings(client, area):
    firms = [f.make_enterprise(town=area["town_a"]) for _ in range(2)]
    sign_in(client, area["organiser"])
    response = client.post(reverse("suggestion_new", args=[area["campaign"].pk]))
    run_url = response["Location"]
    page = client.get(run_url)
    assert page.status_code == 200 and firms[0].name in page.content.decode()
    rows = list(Suggestion.objects.order_by("pk"))
    assert len(rows) == 2
    decide = run_url + "decide/"
    client.post(decide, {"action": "accept", "row": [rows[0].pk]})
    assert Pairing.objects.active().filter(enterprise=rows[0].enterprise).count() == 1
    assert not Pairing.objects.filter(enterprise=rows[1].enterprise).exists()
    client.post(decide, {"action": "accept_all"})
    assert Pairing.objects.active().count() == 2
    assert set(Suggestion.objects.values_list("decision", flat=True)) == {"accepted"}
    assert AuditEntry.objects.filter(action="pairing_create").count() == 2


def test_accepting_a_stale_suggestion_is_refused_whole(client, area):
    f.make_enterprise(town=area["town_a"])
    f.make_enterprise(town=area["town_a"])
    sign_in(client, area["organiser"])
    run_url = client.post(reverse("suggestion_new", args=[area["campaign"].pk]))["Location"]
    # Meanwhile the village cadre was paired elsewhere and is now at the limit.
    for _ in range(2):
        f.make_pairing(cadre=area["village_cadre"], campaign=area["campaign"])
    response = client.post(run_url + "decide/", {"action": "accept_all"}, follow=True)
    assert "上限" in response.content.decode()
    assert Pairing.objects.count() == 2  # only the two made meanwhile
    assert set(Suggestion.objects.values_list("decision", flat=True)) == {"pending"}


def test_another_organisers_run_is_not_found(client, area):
    f.make_enterprise(town=area["town_a"])
    sign_in(client, area["organiser"])
    run_url = client.post(reverse("suggestion_new", args=[area["campaign"].pk]))["Location"]
    other = f.make_user("organiser", jurisdiction_unit=area["east"])
    client.logout()
    sign_in(client, other)
    assert client.get(run_url).status_code == 404
    assert client.post(run_url + "decide/", {"action": "accept_all"}).status_code == 404
    assert not Pairing.objects.exists()
