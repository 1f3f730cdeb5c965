"""An organiser assigns a ticket to a unit with a co-unit, then opens its 工作任务交办单 (on a
phone too) and downloads it as a workbook."""

import io

import openpyxl
import pytest
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import CalendarYear, Status, Ticket
from tests import factories as f
from tests.browser.conftest import screenshot
from tests.browser.test_home_pages import log_in
from tests.browser.test_pairing_pages import PHONE, no_overflow
from tests.browser.test_ticket_life import take

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def ticket():
    root = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="安澜市")
    town = f.make_unit(parent=root, code="T1", name="云溪镇")
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D1", name="市经信局")
    f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=root, code="D2", name="市自然资源局")
    f.make_user("organiser", username="zuzhi", jurisdiction_unit=root)
    # Holidays entered for the deadline's year, so it shows bare (not marked 未含节假日).
    year = timezone.localdate().year
    CalendarYear.objects.bulk_create(
        [CalendarYear(year=y, source="package") for y in (year, year + 1)]
    )
    return f.make_ticket(
        enterprise=f.make_enterprise(town=town, name="云溪精工机械有限公司"),
        title="扩建用地指标不足",
        description="新厂房需用地20亩。",
        category="land",
    )


def test_an_organiser_assigns_a_ticket_and_reads_its_assignment_form(page, ticket):
    owner, co_unit = OrgUnit.objects.get(code="D1"), OrgUnit.objects.get(code="D2")
    log_in(page, "zuzhi")
    take(
        page,
        ticket,
        "assign",
        fill={"due_days": "5"},
        select={"owner_unit": str(owner.pk), "co_units": [str(co_unit.pk)], "urgency": "urgent"},
    )
    ticket = Ticket.objects.get(pk=ticket.pk)
    assert (ticket.status, ticket.owner_unit, list(ticket.co_units.all())) == (
        Status.ASSIGNED,
        owner,
        [co_unit],
    )
    due = f"{ticket.due_date:%Y-%m-%d}"

    page.set_viewport_size(PHONE)
    page.click("text=交办单")
    page.wait_for_load_state()
    assert no_overflow(page)
    screenshot(page, "phone-assignment-form")
    rows = dict(
        row.split("\t", 1) for row in page.inner_text("table.sheet").splitlines() if "\t" in row
    )
    assert page.inner_text("h1") == "工作任务交办单"
    assert rows["企业"] == "云溪精工机械有限公司"
    assert rows["问题"] == "扩建用地指标不足"
    assert rows["紧急程度"] == "紧急"
    assert rows["主办单位"] == "市经信局"
    assert rows["协办单位"] == "市自然资源局"
    assert rows["办理期限"] == due

    with page.expect_download() as download:
        page.click("text=下载 Excel")
    sheet = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    values = dict(sheet.iter_rows(min_row=2, values_only=True))
    assert values["主办单位"] == "市经信局" and values["协办单位"] == "市自然资源局"
    assert values["办理期限"] == due
    page.click("main >> text=返回")
    page.wait_for_load_state()
    assert page.url.endswith(f"/tickets/{ticket.pk}/")
