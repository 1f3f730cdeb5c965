"""Suichang's four-level ladder (本级 → 系统内 → 协调会 → 县长办公会议) through the pages, as one
story: a visit raises two problems; the bureau chief answers one on the spot; the other climbs
to the county head's office meeting, is decided there, handled, answered and rated. The ticket's
timeline must tell that story in words."""

from __future__ import annotations

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import OrgUnit
from issues.models import Meeting, Status, Ticket
from reports import metrics
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


def timeline_text(client, ticket_pk) -> str:
    page = client.get(reverse("ticket_detail", args=[ticket_pk])).content.decode()
    ol = page.split('<ol class="timeline">')[1].split("</ol>")[0]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", ol))


def in_order(text: str, *parts: str) -> None:
    at = 0
    for part in parts:
        found = text.find(part, at)
        assert found >= 0, f"{part!r} not found after position {at} in: {text}"
        at = found + len(part)


def test_suichang_ladder_from_the_visit_to_the_county_head_s_meeting(client):
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="LS", name="丽水市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="SC", name="遂昌县")
    town = f.make_unit(parent=county, code="SC1", name="妙高街道")
    econ = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county, code="SCE", name="县经信局")
    land = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=county, code="SCL", name="县自然资源局")
    campaign = f.make_campaign(scope_unit=county, start=TODAY - datetime.timedelta(days=30))
    cadre = f.make_cadre(unit=town, display_name="陈立新")
    firm = f.make_enterprise(town=town, name="遂昌金属制品有限公司")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=campaign.start)
    organiser = f.make_user("organiser", jurisdiction_unit=county, display_name="郑晓东")
    head = f.make_user("leader", jurisdiction_unit=county, display_name="张县长")
    econ_handler = f.make_user("handler", home_unit=econ, display_name="吴建国")
    land_handler = f.make_user("handler", home_unit=land, display_name="林海")

    def as_user(user):
        client.logout()
        sign_in(client, user)

    def act(ticket, action, **data):
        version = Ticket.objects.get(pk=ticket.pk).version
        response = client.post(
            reverse("ticket_act", args=[ticket.pk, action]), {"version": version, **data}
        )
        assert response.status_code == 302, (action, response.content.decode()[-3000:])

    # 走访: two problems, the first solved there and then by the bureau chief.
    as_user(cadre.user)
    response = client.post(
        reverse("visit_new", args=[firm.pk]),
        {
            "date": TODAY.isoformat(),
            "mode": "on_site",
            "notes": "随县经信局局长走访。",
            "problems-TOTAL_FORMS": "2",
            "problems-INITIAL_FORMS": "0",
            "problems-0-category": "policy",
            "problems-0-urgency": "normal",
            "problems-0-title": "技改补助申报口径不清",
            "problems-0-description": "企业不清楚今年技改补助的申报口径。",
            "problems-0-solved_on_spot": "on",
            "problems-0-solution": "局长现场讲解申报口径，企业当场确认可以申报。",
            "problems-0-solved_by": "县经信局 李局长",
            "problems-1-category": "land",
            "problems-1-urgency": "urgent",
            "problems-1-title": "扩建用地指标不足",
            "problems-1-description": "二期扩建需新增用地30亩，指标不足。",
        },
    )
    assert response.status_code == 302
    on_spot = Ticket.objects.get(title="技改补助申报口径不清")
    land_case = Ticket.objects.get(title="扩建用地指标不足")
    assert on_spot.status == Status.RESOLVED and land_case.status == Status.REGISTERED
    act(on_spot, "rate", rating="satisfied", note="当场解决，很满意。")

    # 本级: the organiser gives it to the economy bureau, which asks to raise it.
    as_user(organiser)
    act(land_case, "assign", owner_unit=econ.pk, category="land", urgency="urgent", due_days=5)
    as_user(econ_handler)
    act(land_case, "ask_escalation", note="用地指标不在我局职权内。")
    # 系统内: to the land bureau, which cannot solve it alone either.
    as_user(organiser)
    act(land_case, "escalate", note="转自然资源系统办理。")
    act(land_case, "assign", owner_unit=land.pk, category="land", urgency="urgent", due_days=10)
    as_user(head)
    act(land_case, "urge", note="企业急需开工，请加快。")
    as_user(land_handler)
    act(land_case, "accept")
    act(land_case, "ask_escalation", note="需发改、经信多部门协调。")
    # 协调会, then 县长办公会议: a major problem for the county head.
    as_user(organiser)
    act(land_case, "escalate", note="提交协调会。")
    act(land_case, "escalate", note="涉及年度用地计划调整，提请县长办公会议研究。")
    response = client.post(
        reverse("meeting_list"),
        {
            "kind": "county_head",
            "title": "县长办公会议（第12次）",
            "scheduled_at": f"{TODAY:%Y-%m-%d}T09:00",
            "place": "县政府第一会议室",
            "chair": head.pk,
            "units": [econ.pk, land.pk],
            "attendees": "县自然资源局 林海 局长\n县经信局 李强 局长",
            "tickets": [land_case.pk],
        },
    )
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    deadline = TODAY + datetime.timedelta(days=40)
    response = client.post(
        reverse("meeting_detail", args=[meeting.pk]),
        {
            "minutes": "会议研究了企业扩建用地问题。",
            f"minutes_{land_case.pk}": "县自然资源局汇报了年度指标使用情况。",
            f"decision_{land_case.pk}": "从县级统筹指标中调剂30亩",
            f"unit_{land_case.pk}": land.pk,
            f"due_{land_case.pk}": deadline.isoformat(),
            f"version_{land_case.pk}": Ticket.objects.get(pk=land_case.pk).version,
        },
    )
    assert response.status_code == 302
    # The land bureau does it and answers; the firm is satisfied.
    as_user(land_handler)
    act(land_case, "accept")
    act(land_case, "resolve", outcome="solved", reply="已调剂用地指标30亩，企业可办理供地手续。")
    as_user(cadre.user)
    act(land_case, "rate", rating="satisfied")
    land_case.refresh_from_db()
    assert land_case.status == Status.CLOSED and land_case.level == 4
    assert land_case.urge_count == 1 and land_case.assignment_seq == 3

    as_user(organiser)
    year = TODAY.year
    in_order(
        timeline_text(client, land_case.pk),
        "陈立新 · 登记（已登记） · 层级：本级",
        "郑晓东 · 交办（已交办） · 交办县经信局 · 层级：本级 · 限5个工作日内办结",
        f"交办单〔{year}〕第0001号",
        "吴建国 · 申请提级：用地指标不在我局职权内。",
        "郑晓东 · 提级（已登记） · 提至系统内：转自然资源系统办理。",
        "交办县自然资源局 · 层级：系统内 · 限10个工作日内办结",
        f"交办单〔{year}〕第0002号",
        "张县长 · 催办 · 催办县自然资源局（第1次）：企业急需开工，请加快。",
        "林海 · 签收（已签收）",
        "提至协调会",
        "提至县长办公会议：涉及年度用地计划调整",
        f"交办县自然资源局 · 层级：县长办公会议 · 期限 {deadline:%Y-%m-%d}",
        f"交办单〔{year}〕第0003号 · 县长办公会议（第12次）（会议纪要）",
        "会议决定：从县级统筹指标中调剂30亩",
        "林海 · 办结（已办结） · 已解决：已调剂用地指标30亩",
        "陈立新 · 记录企业评价（已评价） · 已解决 · 企业评价：满意",
    )
    in_order(
        timeline_text(client, on_spot.pk),
        "陈立新 · 登记（已登记） · 层级：本级",
        "陈立新 · 现场解决（已办结） · 层级：本级 · 现场解决人：县经信局 李局长",
        "局长现场讲解申报口径",
        "企业评价：满意：当场解决，很满意。",
    )
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert figures.collected == 2 and figures.resolution_rate == 1 and figures.completion_rate == 1
    minutes = client.get(reverse("meeting_minutes", args=[meeting.pk])).content.decode()
    assert "县长办公会议（第12次）纪要" in minutes and "从县级统筹指标中调剂30亩" in minutes
