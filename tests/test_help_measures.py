"""Help plans (一企一策) as measures (issue 12): each measure with an owner (a unit and/or a named
person), a date, a state and the firm's problems it answers; the cadre edits them as rows (a row
added without a script); the organiser's list is paged, filtered by area, campaign, state and
overdue, counted and exported; the leader reads it; free-text plans became one measure each."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse

from accounts.models import AuditEntry, OrgUnit
from enterprises.models import Enterprise
from pairing.models import HelpMeasure, HelpPlan
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
D = datetime.date
REDUCED = Enterprise.ProductionStatus.REDUCED


def zhangzhou() -> tuple[OrgUnit, ...]:
    """A city, two of its counties, two towns of the first and one of the second, and a bureau of
    the first: (city, east, west, town, town2, west_town, dept)."""
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="漳州市")
    east = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="E", name="漳浦县")
    west = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="W", name="云霄县")
    return (
        city,
        east,
        west,
        f.make_unit(parent=east, code="E1", name="绥安镇"),
        f.make_unit(parent=east, code="E2", name="旧镇镇"),
        f.make_unit(parent=west, code="W1", name="云陵镇"),
        f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=east, code="ED", name="县工信局"),
    )


@pytest.fixture
def world():
    city, east, west, town, town2, west_town, dept = zhangzhou()
    cadre = f.make_cadre(user=f.make_user("cadre", home_unit=town, display_name="陈立新"))
    campaign = f.make_campaign(scope_unit=city, name="千名干部挂千企")
    other = f.make_campaign(scope_unit=city, name="访企解难题")
    a = f.make_enterprise(town=town, name="绥安食品有限公司", production_status=REDUCED)
    b = f.make_enterprise(town=town2, name="=旧镇鞋业有限公司", production_status=REDUCED)
    c = f.make_enterprise(town=west_town, name="云陵电子有限公司", production_status=REDUCED)
    f.make_pairing(cadre=cadre, enterprise=a, campaign=campaign)
    f.make_pairing(cadre=f.make_cadre(), enterprise=b, campaign=other)
    ticket = f.make_ticket(enterprise=a, raised_by=cadre.user, title="流动资金紧张")
    plan_a = HelpPlan.objects.create(
        enterprise=a, cause="订单下滑", responsible="陈立新", target_date=D(2026, 12, 31)
    )
    late = plan_a.measures.create(
        text="对接银行续贷", owner_unit=dept, owner_name="王芳", due_date=D(2026, 3, 1)
    )
    late.tickets.add(ticket)
    plan_a.measures.create(
        text="开拓新市场", owner_name="陈立新", due_date=D(2026, 3, 1), state="done"
    )
    plan_b = HelpPlan.objects.create(
        enterprise=b, cause="停电", responsible="李强", target_date=D(2026, 12, 31)
    )
    plan_b.measures.create(
        text="协调供电 13812345678", owner_name="李强", due_date=D(2099, 1, 1), state="in_progress"
    )
    plan_c = HelpPlan.objects.create(
        enterprise=c, cause="停产", responsible="赵六", target_date=D(2026, 12, 31)
    )
    plan_c.measures.create(text="云霄的措施", owner_name="赵六", due_date=D(2026, 1, 1))
    return {
        "cadre": cadre,
        "campaign": campaign,
        "town2": town2,
        "dept": dept,
        "a": a,
        "plan_a": plan_a,
        "ticket": ticket,
        "organiser": f.make_user("organiser", jurisdiction_unit=east),
        "west_organiser": f.make_user("organiser", jurisdiction_unit=west),
        "leader": f.make_user("leader", jurisdiction_unit=east),
    }


def listed(response) -> list[str]:
    return [m.text for m in response.context["page"].object_list]


def measure_data(plan, measures, **extra):
    """The plan form and its measures as the page posts them."""
    data = {
        "cause": plan.cause,
        "responsible": plan.responsible,
        "target_date": "2026-12-31",
        "progress": "",
        "measures-TOTAL_FORMS": str(len(measures)),
        "measures-INITIAL_FORMS": str(sum(1 for m in measures if m.get("id"))),
    }
    for i, m in enumerate(measures):
        for key, value in m.items():
            data[f"measures-{i}-{key}"] = value
    data.update(extra)
    return data


def test_the_cadre_edits_the_measures_of_their_firms_plan(client, world):
    plan, ticket = world["plan_a"], world["ticket"]
    late, done = plan.measures.order_by("pk")
    sign_in(client, world["cadre"].user)
    url = reverse("help_plan_edit", args=[world["a"].pk, plan.pk])
    page = client.get(url).content.decode()
    assert "流动资金紧张" in page and "县工信局" in page and "onclick" not in page
    data = measure_data(
        plan,
        [
            {
                "id": late.pk,
                "text": "对接银行续贷",
                "owner_unit": world["dept"].pk,
                "owner_name": "王芳",
                "due_date": "2026-03-01",
                "state": "in_progress",
                "progress": "已对接两家银行",
                "tickets": ticket.pk,
            },
            {
                "id": done.pk,
                "text": "开拓新市场",
                "owner_name": "陈立新",
                "due_date": "2026-03-01",
                "state": "done",
                "DELETE": "on",
            },
            {
                "text": "申请稳岗补贴",
                "owner_name": "",
                "owner_unit": world["dept"].pk,
                "due_date": "2026-06-30",
                "state": "planned",
            },
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302, response.context["measures"].errors
    rows = list(plan.measures.order_by("due_date", "pk").values_list("text", "state"))
    assert rows == [("对接银行续贷", "in_progress"), ("申请稳岗补贴", "planned")]
    assert list(HelpMeasure.objects.get(text="对接银行续贷").tickets.all()) == [ticket]
    entry = AuditEntry.objects.filter(action="help_plan_update").latest("pk")
    assert entry.changes["measures"] == {"in_progress": 1, "planned": 1}
    assert entry.changes["deleted_measures"] == 1


def test_adding_a_row_keeps_what_was_typed_and_saves_nothing(client, world):
    sign_in(client, world["cadre"].user)
    url = reverse("help_plan_new", args=[world["a"].pk])
    data = measure_data(
        HelpPlan(cause="原料涨价", responsible="陈立新"),
        [
            {
                "text": "联系供应商",
                "owner_name": "陈立新",
                "due_date": "2026-05-01",
                "state": "planned",
            }
        ],
        add_row="1",
    )
    response = client.post(url, data)
    assert response.status_code == 200
    assert len(response.context["measures"].forms) == 2
    page = response.content.decode()
    assert "联系供应商" in page and 'name="measures-1-text"' in page
    assert HelpPlan.objects.filter(cause="原料涨价").count() == 0


def test_a_measure_needs_an_owner_and_only_the_firms_own_problems(client, world):
    sign_in(client, world["cadre"].user)
    other_firms_ticket = f.make_ticket(enterprise=Enterprise.objects.get(name="云陵电子有限公司"))
    url = reverse("help_plan_new", args=[world["a"].pk])
    before = HelpMeasure.objects.count()
    data = measure_data(
        HelpPlan(cause="原料涨价", responsible="陈立新"),
        [
            {
                "text": "无人负责的措施",
                "owner_name": "",
                "due_date": "2026-05-01",
                "state": "planned",
            },
            {
                "text": "挂错企业的难题",
                "owner_name": "甲",
                "due_date": "2026-05-01",
                "state": "planned",
                "tickets": other_firms_ticket.pk,
            },
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 400
    first, second = response.context["measures"].forms
    assert first.errors == {"owner_name": ["请填写责任单位或责任人（至少一项）。"]}
    assert set(second.errors) == {"tickets"}
    assert "无人负责的措施" in response.content.decode()
    assert HelpMeasure.objects.count() == before


def test_a_plan_keeps_at_least_one_measure(client, world):
    plan = world["plan_a"]
    sign_in(client, world["cadre"].user)
    url = reverse("help_plan_edit", args=[world["a"].pk, plan.pk])
    rows = [
        {
            "id": m.pk,
            "text": m.text,
            "owner_name": m.owner_name or "甲",
            "due_date": "2026-03-01",
            "state": m.state,
            "DELETE": "on",
        }
        for m in plan.measures.order_by("pk")
    ]
    response = client.post(url, measure_data(plan, rows))
    assert response.status_code == 400
    assert plan.measures.count() == 2


def test_the_organisers_list_filters_counts_and_pages(client, world):
    sign_in(client, world["organiser"])
    url = reverse("help_plan_list")
    response = client.get(url)
    # Open measures first, by date; another county's plan is not there.
    assert listed(response) == ["对接银行续贷", "协调供电 13812345678", "开拓新市场"]
    assert "共 3 项措施" in response.content.decode()
    assert listed(client.get(url, {"state": "overdue"})) == ["对接银行续贷"]
    assert listed(client.get(url, {"state": "done"})) == ["开拓新市场"]
    assert listed(client.get(url, {"area": world["town2"].pk})) == ["协调供电 13812345678"]
    campaign = world["campaign"].pk
    assert listed(client.get(url, {"campaign": campaign})) == ["对接银行续贷", "开拓新市场"]
    owed = client.get(url, {"show": "owed"})
    assert [e.name for e in owed.context["page"].object_list] == []
    forged = client.get(url, {"area": OrgUnit.objects.get(code="W1").pk})
    assert "area" in forged.context["form"].errors


def test_the_list_pages_past_fifty_measures(client, world):
    plan = world["plan_a"]
    HelpMeasure.objects.bulk_create(
        HelpMeasure(plan=plan, text=f"措施{i}", owner_name="甲", due_date=D(2026, 5, 1))
        for i in range(60)
    )
    sign_in(client, world["organiser"])
    first = client.get(reverse("help_plan_list"))
    assert len(first.context["page"].object_list) == 50
    assert "page=2" in first.content.decode()
    second = client.get(reverse("help_plan_list"), {"page": 2})
    assert len(second.context["page"].object_list) == 13


def test_the_export_holds_the_pages_rows_masked_escaped_and_audited(client, world):
    sign_in(client, world["organiser"])
    page = client.get(reverse("help_plan_list"))
    response = client.get(reverse("help_plan_list"), {"export": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert rows[0][:6] == ("企业", "统一社会信用代码", "镇街", "生产状态", "减停产原因", "帮扶措施")
    body = rows[1:]
    assert (
        [r[5] for r in body]
        == ["对接银行续贷", "协调供电 138****5678", "开拓新市场"]
        == [m.replace("13812345678", "138****5678") for m in listed(page)]
    )
    assert body[0][6:8] == ("县工信局", "王芳") and body[0][10] == "逾期"
    assert body[0][12] == "流动资金紧张"
    assert body[1][0] == "'=旧镇鞋业有限公司"
    entry = AuditEntry.objects.filter(action="export").latest("pk")
    assert entry.changes["list"] == "help-plan-measures" and entry.changes["rows"] == 3


def test_the_leader_reads_the_list_but_edits_nothing(client, world):
    sign_in(client, world["leader"])
    response = client.get(reverse("help_plan_list"))
    assert response.status_code == 200 and len(listed(response)) == 3
    page = response.content.decode()
    assert reverse("help_plan_edit", args=[world["a"].pk, world["plan_a"].pk]) not in page
    edit = reverse("help_plan_edit", args=[world["a"].pk, world["plan_a"].pk])
    assert client.get(edit).status_code == 403


def test_the_organiser_of_another_county_neither_lists_nor_opens_the_plan(client, world):
    sign_in(client, world["west_organiser"])
    assert listed(client.get(reverse("help_plan_list"))) == ["云霄的措施"]
    edit = reverse("help_plan_edit", args=[world["a"].pk, world["plan_a"].pk])
    assert client.get(edit).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_free_text_plans_become_one_measure_each():
    executor = MigrationExecutor(connection)
    before = [("pairing", "0007_coverage_figures")]
    after = executor.loader.graph.leaf_nodes("pairing")
    executor.migrate(before)
    old = executor.loader.project_state(before).apps
    town = old.get_model("accounts", "OrgUnit").objects.create(
        kind="town", code="T", name="镇", path="/T/", depth=1
    )
    firm = old.get_model("enterprises", "Enterprise").objects.create(
        name="老方案企业", uscc=f.make_uscc(), town=town
    )
    Plan = old.get_model("pairing", "HelpPlan")
    Plan.objects.create(
        enterprise_id=firm.pk,
        cause="停产",
        measures="一、续贷；二、找订单",
        responsible="王五",
        target_date=D(2026, 9, 30),
        progress="已续贷",
        done=False,
    )
    Plan.objects.create(
        enterprise_id=firm.pk,
        cause="减产",
        measures="技改",
        responsible="赵六",
        target_date=D(2026, 3, 31),
        done=True,
    )
    executor = MigrationExecutor(connection)
    executor.migrate(after)
    measures = HelpMeasure.objects.order_by("due_date")
    assert [(m.text, m.owner_name, m.due_date, m.state) for m in measures] == [
        ("技改", "赵六", D(2026, 3, 31), "done"),
        ("一、续贷；二、找订单", "王五", D(2026, 9, 30), "in_progress"),
    ]
    assert HelpPlan.objects.get(responsible="王五").progress == "已续贷"


def test_the_firms_file_lists_the_measures_and_offers_editing_only_to_who_may(client, world):
    edit = reverse("help_plan_edit", args=[world["a"].pk, world["plan_a"].pk])
    file = reverse("enterprise_detail", args=[world["a"].pk])
    sign_in(client, world["organiser"])
    page = client.get(file).content.decode()
    assert "对接银行续贷" in page and "王芳" in page and edit in page
    sign_in(client, world["leader"])
    page = client.get(file).content.decode()
    assert "对接银行续贷" in page and edit not in page
