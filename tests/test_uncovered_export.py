"""The campaign's uncovered firms as a spreadsheet (issue 21): the firms of the page, scoped and
filtered as it is, phones masked, cells that start a formula escaped, the export audited."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests import factories as f
from tests import test_list_exports as lists
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
world = lists.world  # the east county's firms and pairings, as a fixture of this module


def uncovered_url(world, query=""):
    return reverse("uncovered_list", args=[world["campaign"].pk]) + query


def test_the_uncovered_firms_export_is_masked_escaped_scoped_and_audited(client, world):
    east_town = world["east_town"]
    f.make_enterprise(town=east_town, name="=1+2 未结对公司", contact_phone="13812345678")
    f.make_enterprise(town=east_town, name="东边未结对公司", contact_phone="13812340000")
    sign_in(client, world["organiser"])
    page = client.get(uncovered_url(world)).content.decode()
    assert "export=xlsx" in page
    header, *rows = lists.sheet_rows(client.get(uncovered_url(world, "?export=xlsx")))
    assert header[:3] == ("企业名称", "统一社会信用代码", "所属镇街")
    names = {row[0] for row in rows}
    # The east county's firms without a pairing; the paired ones and the west's are not there.
    assert names == {"'=1+2 未结对公司", "东边未结对公司"}
    phones = {row[-1] for row in rows}
    assert phones == {"138****5678", "138****0000"}
    entry = lists.the_export()
    assert entry.changes["list"] == "uncovered" and entry.changes["rows"] == 2
    assert entry.changes["filters"] == {"campaign": "合力扶企行动"}
    assert entry.changes["full_pii"] is False


def test_another_county_cannot_export_this_countys_uncovered_firms(client, world):
    f.make_enterprise(town=world["east_town"], name="东边未结对公司")
    sign_in(client, world["west_organiser"])
    response = client.get(uncovered_url(world, "?export=csv"))
    rows = lists.sheet_rows(response)
    assert "东边未结对公司" not in {row[0] for row in rows}
