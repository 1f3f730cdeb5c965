"""Roster rules the suite left unpinned (issue 20, gaps 15 to 17): the industry stored and shown,
a changed row whose tags stay the same, a short CSV row, and industry codes typed in lower case."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse

from enterprises import roster_import
from enterprises.models import Enterprise
from tests import factories as f
from tests import test_roster_import as sheet
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
towns = sheet.towns  # the town the sheets name (云溪镇)


def imported(*rows) -> None:
    plan = roster_import.read_plan(sheet.workbook(*rows), "名录.xlsx")
    assert plan.ok, [(e.row, e.column, e.message) for e in plan.errors]
    roster_import.commit(plan, actor=f.make_user("admin"))


# 15. The industry: its code and name kept, and shown on the firm's file.
def test_the_industry_is_stored_and_shown_on_the_file(towns, client):
    imported(*sheet.GOOD)
    firm = Enterprise.objects.select_related("industry").get(uscc=sheet.CODE_A)
    assert (firm.industry.code, firm.industry.name) == ("C34", "通用设备制造业")
    organiser = f.make_user("organiser", jurisdiction_unit=towns)
    sign_in(client, organiser)
    page = client.get(reverse("enterprise_detail", args=[firm.pk])).content.decode()
    assert "通用设备制造业" in page


# 16. A row whose fields change while its tags stay the same is updated.
def test_a_changed_row_with_the_same_tags_is_updated(towns):
    imported(*sheet.GOOD)
    changed = [list(sheet.GOOD[0]), sheet.GOOD[1]]
    changed[0][5] = "1,500万元"  # output changes; 规上工业 stays
    plan = roster_import.read_plan(sheet.workbook(*changed), "名录.xlsx")
    assert (len(plan.create), len(plan.update), plan.unchanged) == (0, 1, 1)
    roster_import.commit(plan, actor=f.make_user("admin"))
    firm = Enterprise.objects.get(uscc=sheet.CODE_A)
    assert firm.annual_output == 1500
    assert [t.name for t in firm.tags.all()] == ["规上工业"]


# 17. A CSV row shorter than its header; an industry code typed in lower case.
def test_a_csv_row_shorter_than_the_header_reads_its_missing_cells_as_empty(towns):
    lines = [",".join(sheet.HEADER), f"云溪短行有限公司,{sheet.CODE_B},云溪镇"]
    plan = roster_import.read_plan(io.BytesIO("\r\n".join(lines).encode("utf-8")), "名录.csv")
    assert plan.ok and len(plan.create) == 1
    roster_import.commit(plan, actor=f.make_user("admin"))
    firm = Enterprise.objects.get(uscc=sheet.CODE_B)
    assert (firm.name, firm.industry_id, firm.employees) == ("云溪短行有限公司", None, None)


def test_an_industry_code_in_lower_case_is_found(towns):
    row = list(sheet.GOOD[0])
    row[3] = "c34"
    imported(row)
    assert Enterprise.objects.get(uscc=sheet.CODE_A).industry.code == "C34"
