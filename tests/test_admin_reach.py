"""The system admin's reach (issue 21): the whole installation's reference data and imports, from
the root of the tree; no visits, tickets or figures. Pairing across counties stays as built: an
organiser pairs cadres of their own area or of the levels above it, never another county's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts import scoping
from accounts.models import OrgUnit
from pairing import pairing_rules, services, workload
from pairing.models import Pairing
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W")
    east_town = f.make_unit(parent=east, code="E1")
    west_town = f.make_unit(parent=west, code="W1")
    firm = f.make_enterprise(town=east_town)
    cadre = f.make_cadre(unit=east_town)
    f.make_visit(cadre=cadre, enterprise=firm, notes="走访手记的内容")
    f.make_ticket(enterprise=firm, raised_by=cadre.user, title="用电增容难")
    return {
        "city": city,
        "east": east,
        "east_town": east_town,
        "west_town": west_town,
        "firm": firm,
        "campaign": f.make_campaign(scope_unit=city),
    }


def test_the_admin_operates_from_the_root_of_the_tree(world):
    admin = f.make_user("admin", is_staff=True)
    assert scoping.operating_area(admin) == world["city"]
    organiser = f.make_user("organiser", jurisdiction_unit=world["east"])
    assert scoping.operating_area(organiser) == world["east"]


def test_the_admin_reads_the_firm_file_but_not_its_visits_or_tickets(client, world):
    sign_in(client, f.make_user("admin", is_staff=True))
    firm = world["firm"]
    page = client.get(reverse("enterprise_detail", args=[firm.pk])).content.decode()
    assert firm.name in page
    assert "走访手记的内容" not in page and "用电增容难" not in page and "走访记录" not in page
    for route in ("enterprise_visits", "enterprise_tickets"):
        assert client.get(reverse(route, args=[firm.pk])).status_code == 404
    # An organiser of the area still reads them.
    sign_in(client, f.make_user("organiser", jurisdiction_unit=world["east"]))
    page = client.get(reverse("enterprise_detail", args=[firm.pk])).content.decode()
    assert "走访手记的内容" in page and "用电增容难" in page


def pair(actor, cadre, world):
    return pairing_rules.pair_refusals(
        actor,
        [(cadre, world["firm"])],
        campaign=world["campaign"],
        cadres={cadre.pk: cadre},
        loads=workload.campaign_loads(world["campaign"], [cadre.pk]),
        caps=workload.Caps.of(world["campaign"]),
    )


def test_an_organiser_pairs_cadres_of_their_area_or_above_never_another_countys(world):
    organiser = f.make_user("organiser", jurisdiction_unit=world["east"])
    own = f.make_cadre(unit=world["east_town"])
    city_dept = f.make_cadre(
        unit=f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=world["city"], code="D")
    )
    other_county = f.make_cadre(unit=world["west_town"])
    assert pair(organiser, own, world) == []
    assert pair(organiser, city_dept, world) == []
    refusals = pair(organiser, other_county, world)
    assert [r.subject for r in refusals] == ["cadre"] and "不属于您的辖区" in refusals[0].message
    # Through the service: the other county's cadre is refused and nothing is written.
    with pytest.raises(ValidationError, match="不属于您的辖区"):
        services.pair(
            organiser, cadre=other_county, enterprises=[world["firm"]], campaign=world["campaign"]
        )
    assert not Pairing.objects.filter(cadre=other_county).exists()
    services.pair(
        organiser, cadre=city_dept, enterprises=[world["firm"]], campaign=world["campaign"]
    )
    assert Pairing.objects.filter(cadre=city_dept).exists()
