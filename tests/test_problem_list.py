"""The problem list and responsibility list (问题清单、责任清单, issue 12): every problem with its
lead unit, the named person responsible in that unit, the deadline and the state, filtered by area,
campaign, unit and state, and exported as .xlsx (audited, phones masked, formulas escaped). The
person responsible is the handler who accepts the ticket, or one the unit names."""

from __future__ import annotations

import datetime
import importlib
import io

import openpyxl
import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from issues import workflow
from issues.models import Notification, Status, Ticket, TicketEvent
from pairing.models import CampaignBatch, ServiceGroup
from tests import factories as f
from tests.helpers import sign_in
from tests.test_help_measures import zhangzhou

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.fixture
def world():
    city, east, west, town, town2, west_town, dept = zhangzhou()
    city_dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="CD", name="市资规局")
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=town, display_name="陈立新"))
    campaign = f.make_campaign(scope_unit=city, name="千名干部挂千企")
    a = f.make_enterprise(town=town, name="绥安食品有限公司")
    b = f.make_enterprise(town=town2, name="=旧镇鞋业有限公司")
    c = f.make_enterprise(town=west_town, name="云陵电子有限公司")

    def ticket(firm, title, **fields):
        return f.make_ticket(enterprise=firm, raised_by=cadre.user, title=title, **fields)

    handler = f.make_user("handler", home_unit=dept, display_name="王芳", phone="13800001111")
    return {
        "town2": town2,
        "dept": dept,
        "city_dept": city_dept,
        "campaign": campaign,
        "cadre": cadre,
        "handler": handler,
        "colleague": f.make_user("handler", home_unit=dept, display_name="林强"),
        "outsider": f.make_user("handler", home_unit=city_dept, display_name="赵六"),
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "leader": f.make_user("leader", jurisdiction_unit=city),
        "new": ticket(a, "用地指标紧张", campaign=campaign),
        "late": ticket(
            b,
            "电力增容",
            status=Status.ACCEPTED,
            owner_unit=city_dept,
            assignee=None,
            due_date=D(2026, 1, 10),
        ),
        "done": ticket(a, "融资难", status=Status.RESOLVED, owner_unit=dept, campaign=campaign),
        "west": ticket(c, "云霄的难题"),
    }


def act(user, ticket, action, **data):
    ticket.refresh_from_db()
    return workflow.act(user, ticket.pk, action, version=ticket.version, data=data)


def assign_and_accept(world, **accept):
    ticket = world["new"]
    act(world["organiser"], ticket, "assign", owner_unit=world["dept"], due_days=10)
    return act(world["handler"], ticket, "accept", **accept)


def test_the_handler_who_accepts_is_named_responsible_and_shown(client, world):
    ticket = assign_and_accept(world)
    assert ticket.assignee == world["handler"]
    assert TicketEvent.objects.get(ticket=ticket, action="accept").data["assignee"] == (
        world["handler"].pk
    )
    sign_in(client, world["organiser"])
    page = client.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "责任人" in page and "王芳" in page


def test_the_unit_names_another_of_its_handlers_but_no_outsider(world):
    ticket = assign_and_accept(world, assignee=world["colleague"])
    assert ticket.assignee == world["colleague"]
    ticket = act(world["colleague"], ticket, "name_responsible", assignee=world["handler"])
    assert ticket.assignee == world["handler"]
    assert Notification.objects.filter(
        recipient=world["handler"], kind="ticket_name_responsible"
    ).exists()
    with pytest.raises(ValidationError, match="主办单位的承办人员"):
        act(world["handler"], ticket, "name_responsible", assignee=world["outsider"])
    ticket.refresh_from_db()
    assert ticket.assignee == world["handler"]


def test_the_accept_form_offers_only_the_units_handlers(client, world):
    act(world["organiser"], world["new"], "assign", owner_unit=world["dept"], due_days=10)
    sign_in(client, world["handler"])
    response = client.get(reverse("ticket_detail", args=[world["new"].pk]))
    form = dict((t.action, form) for t, form in response.context["actions"])["accept"]
    assert set(form.fields["assignee"].queryset) == {world["handler"], world["colleague"]}


def test_a_ticket_sent_up_the_ladder_loses_its_responsible_person(world):
    ticket = assign_and_accept(world)
    ticket = act(world["organiser"], ticket, "escalate", note="需协调")
    assert ticket.assignee is None and ticket.owner_unit is None


def test_tickets_accepted_before_take_the_handler_who_accepted_them(world):
    ticket = world["late"]
    TicketEvent.objects.create(ticket=ticket, actor=world["outsider"], action="accept")
    migration = importlib.import_module("issues.migrations.0010_responsible_from_acceptance")
    migration.responsible_from_acceptance(apps, None)
    ticket.refresh_from_db()
    assert ticket.assignee == world["outsider"]
    world["new"].refresh_from_db()
    assert world["new"].assignee is None  # never accepted: no one to name


def titles(response) -> list[str]:
    return [t.title for t in response.context["page"].object_list]


def test_the_list_shows_unit_person_deadline_and_state_and_filters(client, world):
    assign_and_accept(world)
    sign_in(client, world["organiser"])
    url = reverse("problem_list")
    response = client.get(url)
    assert set(titles(response)) == {"用地指标紧张", "电力增容", "融资难"}
    page = response.content.decode()
    assert "共 3 条难题" in page and "王芳" in page and "县工信局" in page
    assert titles(client.get(url, {"status": "overdue"})) == ["电力增容"]
    assert titles(client.get(url, {"status": "resolved"})) == ["融资难"]
    assert titles(client.get(url, {"area": world["town2"].pk})) == ["电力增容"]
    assert set(titles(client.get(url, {"campaign": world["campaign"].pk}))) == {
        "用地指标紧张",
        "融资难",
    }
    assert titles(client.get(url, {"unit": world["city_dept"].pk})) == ["电力增容"]
    forged = client.get(url, {"area": OrgUnit.objects.get(code="W1").pk})
    assert "area" in forged.context["form"].errors


def test_the_list_is_the_areas_only(client, world):
    sign_in(client, world["west_organiser"])
    assert titles(client.get(reverse("problem_list"))) == ["云霄的难题"]
    sign_in(client, world["leader"])
    assert len(titles(client.get(reverse("problem_list")))) == 4
    sign_in(client, world["cadre"].user)
    assert client.get(reverse("problem_list")).status_code == 403


def test_the_export_is_a_workbook_of_the_pages_rows_masked_escaped_and_audited(client, world):
    assign_and_accept(world)
    sign_in(client, world["organiser"])
    page = client.get(reverse("problem_list"))
    response = client.get(reverse("problem_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    header = rows[0]
    assert header[:2] == ("编号", "问题") and header[10:13] == ("主办单位", "责任人", "责任人电话")
    body = {r[1]: r for r in rows[1:]}
    assert list(body) == titles(page)
    accepted = body["用地指标紧张"]
    assert accepted[10:13] == ("县工信局", "王芳", "138****1111")
    assert body["电力增容"][3] == "'=旧镇鞋业有限公司" and body["电力增容"][16] == "超期"
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.changes["list"] == "problem-list" and entry.changes["rows"] == 3


def test_the_leaders_figure_rows_export_as_a_workbook_too(client, world):
    sign_in(client, world["leader"])
    url = reverse("leader_rows") + "?figure=overdue&export=xlsx"
    response = client.get(url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [r[1] for r in rows[1:]] == ["电力增容"]


def test_the_list_runs_the_same_queries_for_3_or_30_problems(client, world):
    Ticket.objects.all().delete()
    sign_in(client, world["organiser"])
    url = reverse("problem_list")
    client.get(url)

    def add(n):
        for i in range(n):
            t = f.make_ticket(
                enterprise=world["new"].enterprise,
                raised_by=world["cadre"].user,
                status=Status.ACCEPTED,
                owner_unit=world["dept"],
                assignee=world["handler"],
                campaign=world["campaign"],
                due_date=D(2026, 1, 1 + i % 28),
            )
            t.co_units.add(world["city_dept"])

    def render():
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url)
        return len(captured), len(response.context["page"].object_list)

    add(3)
    few, n = render()
    assert n == 3
    add(27)
    many, n = render()
    assert n == 30 and many == few, f"{few} queries with 3 rows, {many} with 30"


def test_the_handlers_queue_exports_its_problems_with_who_is_responsible(client, world):
    assign_and_accept(world)
    sign_in(client, world["handler"])
    response = client.get(reverse("handler_home"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert [(r[1], r[11]) for r in rows[1:]] == [("用地指标紧张", "王芳"), ("融资难", None)]


def test_the_list_filters_by_batch_and_service_group(client, world):
    campaign = world["campaign"]
    first = CampaignBatch.objects.create(campaign=campaign, name="第一批", start=D(2026, 1, 1))
    second = CampaignBatch.objects.create(campaign=campaign, name="第二批", start=D(2026, 2, 1))
    group = ServiceGroup.objects.create(campaign=campaign, name="第三服务组")
    a, b = world["new"].enterprise, world["late"].enterprise
    f.make_pairing(cadre=world["cadre"], enterprise=a, campaign=campaign, batch=first, group=group)
    f.make_pairing(cadre=world["cadre"], enterprise=b, campaign=campaign, batch=second)
    Ticket.objects.filter(pk=world["late"].pk).update(campaign=campaign)
    sign_in(client, world["organiser"])
    url = reverse("problem_list")
    page = client.get(url).content.decode()
    assert "千名干部挂千企 · 第一批" in page and "千名干部挂千企 · 第三服务组" in page
    assert set(titles(client.get(url, {"batch": first.pk}))) == {"用地指标紧张", "融资难"}
    assert titles(client.get(url, {"batch": second.pk})) == ["电力增容"]
    assert set(titles(client.get(url, {"group": group.pk}))) == {"用地指标紧张", "融资难"}
    other = f.make_campaign(scope_unit=f.make_unit(kind=OrgUnit.Kind.CITY), name="外市行动")
    forged = CampaignBatch.objects.create(campaign=other, name="第一批", start=D(2026, 1, 1))
    assert "batch" in client.get(url, {"batch": forged.pk}).context["form"].errors
