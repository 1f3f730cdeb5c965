"""Filters offer only what the user can see (issue 21): the roster's towns and tags list only
values inside the user's scope, and a value from outside it is refused as an invalid choice."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.models import OrgUnit
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="瑞安市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="东县")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="西县")
    towns = {
        "east_a": f.make_unit(parent=east, code="EA", name="东甲镇"),
        "east_b": f.make_unit(parent=east, code="EB", name="东乙镇"),
        "west_a": f.make_unit(parent=west, code="WA", name="西甲镇"),
    }
    firms = {key: f.make_enterprise(town=town) for key, town in towns.items()}
    return {"city": city, "east": east, "west": west, "towns": towns, "firms": firms}


def town_choices(client) -> set[str]:
    page = client.get(reverse("enterprise_list")).content.decode()
    select = re.search(r'<select name="town".*?</select>', page, re.S).group(0)
    return set(re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select))


def test_a_county_organiser_is_offered_only_their_towns(client, tree):
    sign_in(client, f.make_user("organiser", jurisdiction_unit=tree["east"]))
    assert town_choices(client) == {"东甲镇", "东乙镇"}
    west_a = tree["towns"]["west_a"]
    response = client.get(reverse("enterprise_list"), {"town": west_a.pk})
    assert "errorlist" in response.content.decode()  # not a choice: refused, nothing listed
    assert list(response.context["page"]) == []


def test_a_town_leader_is_offered_only_their_town(client, tree):
    sign_in(client, f.make_user("leader", jurisdiction_unit=tree["towns"]["east_b"]))
    assert town_choices(client) == {"东乙镇"}


def test_a_cadre_is_offered_the_towns_of_their_paired_firms(client, tree):
    cadre = f.make_cadre(unit=tree["towns"]["east_a"])
    f.make_pairing(cadre=cadre, enterprise=tree["firms"]["west_a"])
    sign_in(client, cadre.user)
    assert town_choices(client) == {"西甲镇"}


def test_tags_offered_are_those_of_the_users_roster(client, tree):
    from enterprises.models import Tag

    east_tag = Tag.objects.create(code="test-east", name="东边的标签")
    west_tag = Tag.objects.create(code="test-west", name="西边的标签")
    tree["firms"]["east_a"].tags.add(east_tag)
    tree["firms"]["west_a"].tags.add(west_tag)
    sign_in(client, f.make_user("organiser", jurisdiction_unit=tree["east"]))
    page = client.get(reverse("enterprise_list")).content.decode()
    select = re.search(r'<select name="tag".*?</select>', page, re.S).group(0)
    assert "东边的标签" in select and "西边的标签" not in select
