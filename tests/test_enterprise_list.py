"""The roster list: scoped, filtered, paginated in a fixed number of queries, and exported safely
(masked phones, escaped formulas, every export recorded)."""

import csv
import io

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E")
    town = f.make_unit(parent=east, code="E1", name="云溪镇")
    west_town = f.make_unit(
        parent=f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W"), code="W1"
    )
    machine = f.make_industry("C34", "通用设备制造业")
    a = f.make_enterprise(
        town=town,
        name="云溪精工机械有限公司",
        industry=machine,
        tags=["above_scale"],
        contact_phone="13812345678",
        scale="medium",
    )
    b = f.make_enterprise(
        town=town, name='=HYPERLINK("http://x")鞋业有限公司', production_status="stopped"
    )
    c = f.make_enterprise(town=west_town, name="西江贸易有限公司")
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=town))
    f.make_pairing(cadre=cadre, enterprise=a)
    leader = f.make_user("organiser", jurisdiction_unit=east)
    return {
        "a": a,
        "b": b,
        "c": c,
        "town": town,
        "leader": leader,
        "cadre": cadre,
        "machine": machine,
    }


def names(response):
    return [e.name for e in response.context["page"]]


def test_the_list_is_scoped(client, roster):
    sign_in(client, roster["leader"])
    assert sorted(names(client.get(reverse("enterprise_list")))) == sorted(
        [roster["a"].name, roster["b"].name]
    )
    sign_in(client, roster["cadre"].user)
    assert names(client.get(reverse("enterprise_list"))) == [roster["a"].name]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=精工", ["a"]),
        ("status=stopped", ["b"]),
        ("scale=medium", ["a"]),
        ("paired=yes", ["a"]),
        ("paired=no", ["b"]),
        ("tag=TAG", ["a"]),
        ("industry=SECTION", ["a"]),
    ],
)
def test_filters_narrow_the_list(client, roster, query, expected):
    tag = roster["a"].tags.get()
    section = f.make_industry("C", "制造业")
    query = query.replace("TAG", str(tag.pk)).replace("SECTION", str(section.pk))
    sign_in(client, roster["leader"])
    got = names(client.get(reverse("enterprise_list") + "?" + query))
    assert got == [roster[key].name for key in expected]


def test_a_filter_value_out_of_its_choices_shows_an_error_not_a_crash(client, roster):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list") + "?status=bogus")
    assert response.status_code == 200 and names(response) == []
    assert response.context["form"].errors["status"]


def test_the_list_runs_the_same_queries_for_few_or_many_rows(
    client, roster, django_assert_num_queries
):
    sign_in(client, roster["leader"])
    client.get(reverse("enterprise_list"))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("enterprise_list"))
    for _ in range(40):
        f.make_enterprise(town=roster["town"], tags=["above_scale", "high_tech"])
    with django_assert_num_queries(len(few.captured_queries)):
        response = client.get(reverse("enterprise_list"))
    assert len(response.context["page"]) == 42


def test_xlsx_export_masks_phones_escapes_formulas_and_is_recorded(client, roster):
    sign_in(client, roster["leader"])
    response = client.get(reverse("enterprise_list") + "?export=xlsx&q=有限公司")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "企业名称" and len(rows) == 3
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["云溪精工机械有限公司"][11] == "138****5678"
    assert '\'=HYPERLINK("http://x")鞋业有限公司' in by_name
    entry = AuditEntry.objects.get(action="export")
    assert entry.changes["rows"] == 2 and entry.changes["filters"] == {"q": "有限公司"}
    assert entry.changes["full_pii"] is False


def test_a_user_allowed_full_numbers_exports_them_and_that_is_recorded(client, roster):
    roster["leader"].user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    sign_in(client, roster["leader"])
    text = client.get(reverse("enterprise_list") + "?export=csv").content.decode("utf-8-sig")
    assert "13812345678" in text
    assert [r[0] for r in csv.reader(io.StringIO(text))][0] == "企业名称"
    assert AuditEntry.objects.get(action="export").changes["full_pii"] is True


def test_roles_without_enterprises_are_refused(client, roster):
    sign_in(client, f.make_user("auditor"))
    assert client.get(reverse("enterprise_list")).status_code == 403
    assert Enterprise.objects.count() == 3


def test_holders_of_the_permission_reveal_a_full_number_and_each_view_is_recorded(client, roster):
    url = reverse("enterprise_contact_phone", args=[roster["a"].pk])
    sign_in(client, roster["leader"])
    assert (
        "显示完整号码"
        not in client.get(reverse("enterprise_detail", args=[roster["a"].pk])).content.decode()
    )
    assert client.get(url).status_code == 403
    denied = AuditEntry.objects.get(action="access_denied", user=roster["leader"])
    assert denied.changes == {"path": url}
    roster["leader"].user_permissions.add(Permission.objects.get(codename="view_full_pii"))
    page = client.get(reverse("enterprise_detail", args=[roster["a"].pk])).content.decode()
    assert "显示完整号码" in page and "13812345678" not in page
    response = client.get(url)
    assert response.content.decode() == "13812345678"
    assert AuditEntry.objects.filter(action="pii_view", object_id=str(roster["a"].pk)).count() == 1
    # Out of scope stays 404, permission or not.
    assert client.get(reverse("enterprise_contact_phone", args=[roster["c"].pk])).status_code == 404
