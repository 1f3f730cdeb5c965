"""Issue 13, the problem ladder as counties run it: on-the-spot answers, the timeline's story,
the numbered 交办单, 催办, buttons only in turn, urgency in its real order (meetings: in
test_meetings.py)."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEntry, OrgUnit
from issues import workflow
from issues.models import Level, Notification, Status, Ticket, TicketEvent, Urging
from reports import metrics
from tests import factories as f
from tests.helpers import at_once, sign_in

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()
YEAR = TODAY.year
S = Status


@pytest.fixture
def county():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C", name="丽水市")
    suichang = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="S", name="遂昌县")
    other = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="L", name="龙泉市")
    town = f.make_unit(parent=suichang, code="S1", name="妙高街道")
    other_town = f.make_unit(parent=other, code="L1", name="剑池街道")
    econ = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=suichang, code="SE", name="县经信局")
    land = f.make_unit(
        kind=OrgUnit.Kind.DEPARTMENT, parent=suichang, code="SL", name="县自然资源局"
    )
    campaign = f.make_campaign(scope_unit=suichang, start=TODAY - datetime.timedelta(days=60))
    cadre = f.make_cadre(unit=town, display_name="陈立新")
    firm = f.make_enterprise(town=town, name="遂昌金属制品有限公司")
    f.make_pairing(cadre=cadre, enterprise=firm, campaign=campaign, start=campaign.start)
    return {
        "econ": econ,
        "land": land,
        "firm": firm,
        "other_firm": f.make_enterprise(town=other_town),
        "cadre": cadre.user,
        "organiser": f.make_user("organiser", jurisdiction_unit=suichang, display_name="郑晓东"),
        "other_organiser": f.make_user("organiser", jurisdiction_unit=other),
        "head": f.make_user("leader", jurisdiction_unit=suichang, display_name="张县长"),
        "handler": f.make_user("handler", home_unit=econ, display_name="吴建国"),
        "land_handler": f.make_user("handler", home_unit=land),
    }


def ticket(county, status=S.REGISTERED, **fields) -> Ticket:
    if status in (S.ASSIGNED, S.ACCEPTED, S.RESOLVED, S.CLOSED):
        fields.setdefault("owner_unit", county["econ"])
        fields.setdefault("due_date", TODAY + datetime.timedelta(days=10))
        fields.setdefault("assigned_at", timezone.now())
    return f.make_ticket(
        enterprise=fields.pop("firm", county["firm"]),
        raised_by=county["cadre"],
        status=status,
        **fields,
    )


def assign(county, t, unit=None, *, user=None, **data) -> Ticket:
    data.setdefault("due_days", 5)
    return workflow.act(
        user or county["organiser"],
        t.pk,
        "assign",
        version=Ticket.objects.get(pk=t.pk).version,
        data={"owner_unit": unit or county["econ"], **data},
    )


# --- 现场解决 ---------------------------------------------------------------------------------


def visit_post(county, **problem):
    data = {
        "date": TODAY.isoformat(),
        "mode": "on_site",
        "notes": "走访了解生产经营情况。",
        "problems-TOTAL_FORMS": "1",
        "problems-INITIAL_FORMS": "0",
        "problems-0-category": "policy",
        "problems-0-urgency": "normal",
        "problems-0-title": "技改补助申报口径不清",
        "problems-0-description": "企业不清楚今年技改补助的申报口径。",
    }
    data.update({f"problems-0-{k}": v for k, v in problem.items()})
    return data


def test_a_problem_solved_on_the_spot_is_born_resolved_at_the_first_rung(client, county):
    sign_in(client, county["cadre"])
    response = client.post(
        reverse("visit_new", args=[county["firm"].pk]),
        visit_post(
            county,
            solved_on_spot="on",
            solution="局长现场讲解申报口径，企业当场确认。",
            solved_by="县经信局 李局长",
        ),
    )
    assert response.status_code == 302
    t = Ticket.objects.get()
    assert (t.status, t.level, t.outcome) == (S.RESOLVED, Level.LOCAL, "solved")
    assert t.solved_on_spot_by == "县经信局 李局长" and t.reply.startswith("局长现场讲解")
    assert t.resolved_at and t.replied_at and t.owner_unit is None
    assert list(t.events.values_list("action", flat=True)) == ["raise", "solve_on_spot"]
    assert AuditEntry.objects.filter(action="ticket_solve_on_spot").exists()
    figures = metrics.ticket_figures(Ticket.objects.all())
    assert figures.resolution_rate == 1 and figures.completion_rate == 1  # 化解率, 办结率
    visit_page = client.get(reverse("visit_detail", args=[t.visit_id])).content.decode()
    assert "现场解决（县经信局 李局长）" in visit_page
    # The organiser sees it; the firm rates it through the cadre, like any answer.
    client.logout()
    sign_in(client, county["organiser"])
    queue = client.get(reverse("sorting_queue")).content.decode()
    assert "技改补助申报口径不清" in queue.split('data-list="on-spot"')[1]
    page = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    assert 'data-action="rate"' in page and "现场解决人：县经信局 李局长" in page
    closed = workflow.act(
        county["cadre"], t.pk, "rate", version=t.version, data={"rating": "satisfied"}
    )
    assert closed.status == S.CLOSED


def test_an_on_the_spot_answer_without_who_or_how_is_refused_and_keeps_the_typing(client, county):
    sign_in(client, county["cadre"])
    response = client.post(
        reverse("visit_new", args=[county["firm"].pk]),
        visit_post(county, solved_on_spot="on", solution="当场答复了"),
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "现场解决的难题请填写此项" in page and "当场答复了" in page
    assert not Ticket.objects.exists()


def test_on_the_spot_is_the_first_rung_only_and_never_a_button(client, county):
    assigned = ticket(county)
    assign(county, assigned)
    with pytest.raises(workflow.Refused, match="不能现场解决"):
        workflow.act(county["cadre"], assigned.pk, "solve_on_spot", version=2, data={})
    escalated = ticket(county, level=Level.SYSTEM)  # back in the queue, but past the first rung
    with pytest.raises(workflow.Refused, match="尚未交办的本级难题"):
        workflow.act(county["cadre"], escalated.pk, "solve_on_spot", version=1, data={})
    fresh = ticket(county)
    sign_in(client, county["cadre"])
    page = client.get(reverse("ticket_detail", args=[fresh.pk])).content.decode()
    assert "solve_on_spot" not in page
    url = reverse("ticket_act", args=[fresh.pk, "solve_on_spot"])
    assert client.post(url, {"version": 1, "reply": "x", "solved_by": "y"}).status_code == 404
    assert Ticket.objects.get(pk=fresh.pk).status == S.REGISTERED


# --- the timeline tells the story -------------------------------------------------------------


def test_each_step_of_the_timeline_says_unit_level_deadline_and_sheet(client, county):
    t = ticket(county)
    after = assign(county, t, due_days=5)
    workflow.act(
        county["organiser"], t.pk, "escalate", version=after.version, data={"note": "需协调"}
    )
    after = assign(county, t, county["land"], due_days=8)
    sign_in(client, county["organiser"])
    page = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    first = f"交办县经信局 · 层级：本级 · 限5个工作日内办结 · 期限 {t.due_date or ''}"
    assert first.split("期限")[0] in page
    assert f"交办单〔{YEAR}〕第0001号" in page
    assert "提至系统内" in page
    assert "交办县自然资源局 · 层级：系统内 · 限8个工作日内办结" in page
    assert f"期限 {after.due_date:%Y-%m-%d}" in page and f"〔{YEAR}〕第0002号" in page


def test_no_raw_action_code_reaches_the_timeline(client, county):
    t = ticket(county)
    TicketEvent.objects.create(ticket=t, action="register", to_status=S.REGISTERED)
    TicketEvent.objects.create(ticket=t, action="something_new")
    sign_in(client, county["organiser"])
    timeline = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    timeline = timeline.split('class="timeline"')[1]
    assert "register" not in timeline.replace('data-event="register"', "")
    assert "something_new" not in timeline.replace('data-event="something_new"', "")


# --- the 交办单 -------------------------------------------------------------------------------


def test_the_assignment_sheet_has_its_number_limit_in_words_time_and_signatures(client, county):
    first, second = ticket(county), ticket(county)
    assign(county, first, due_days=10)
    assign(county, second, due_days=5)
    theirs = ticket(county, firm=county["other_firm"])
    their_unit = OrgUnit.objects.get(code="L1")  # the other county's town office
    assign(county, theirs, their_unit, user=county["other_organiser"])
    numbers = dict(Ticket.objects.values_list("pk", "assignment_seq"))
    assert (numbers[first.pk], numbers[second.pk], numbers[theirs.pk]) == (1, 2, 1)  # per area
    sign_in(client, county["organiser"])
    sheet = client.get(reverse("assignment_form", args=[second.pk])).content.decode()
    second.refresh_from_db()
    assert f"〔{YEAR}〕第0002号" in sheet and "限5个工作日内办结" in sheet
    assert f"{timezone.localtime(second.assigned_at):%Y-%m-%d %H:%M}" in sheet
    assert "签发人" in sheet and "签收日期" in sheet and "交办单位（盖章）" in sheet
    assert "onclick" not in sheet


def test_a_number_is_never_given_twice_even_after_a_refused_assignment(county):
    first = ticket(county)
    assign(county, first)
    with pytest.raises(workflow.ValidationError):
        assign(county, ticket(county), unit=f.make_unit(kind="department", code="X"))
    third = assign(county, ticket(county))
    assert third.assignment_seq == 2  # the refused one took no number: no gap, no repeat


@pytest.mark.django_db(transaction=True)
def test_two_assignments_at_once_get_two_numbers(county):
    a, b = ticket(county), ticket(county)
    assert at_once(lambda: assign(county, a), lambda: assign(county, b)) == ["ok", "ok"]
    assert sorted(Ticket.objects.values_list("assignment_seq", flat=True)) == [1, 2]


@pytest.mark.django_db(transaction=True)
def test_two_urges_at_once_one_wins_the_other_is_told(county):
    t = ticket(county, S.ACCEPTED)

    def urge(user):
        return lambda: workflow.act(user, t.pk, "urge", version=1, data={"note": "请加快"})

    assert at_once(urge(county["organiser"]), urge(county["head"])) == ["Conflict", "ok"]
    t.refresh_from_db()
    assert t.urge_count == 1 and Urging.objects.count() == 1


# --- 催办 -------------------------------------------------------------------------------------


def test_an_organiser_urges_a_slow_ticket_and_the_unit_and_its_leaders_hear(client, county):
    t = ticket(county, S.ACCEPTED, due_date=TODAY - datetime.timedelta(days=3))
    chief = f.make_user(display_name="李局长")  # the bureau's head, with no role of his own
    OrgUnit.objects.filter(pk=county["econ"].pk).update(head=chief)
    sign_in(client, county["organiser"])
    url = reverse("ticket_act", args=[t.pk, "urge"])
    response = client.post(url, {"version": 1, "note": "已超期三天，请今日反馈进展。"})
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.urge_count == 1 and t.status == S.ACCEPTED
    urging = Urging.objects.get()
    assert urging.unit == county["econ"] and urging.by == county["organiser"]
    heard = set(Notification.objects.values_list("recipient__username", "kind"))
    assert (county["handler"].username, "ticket_urge") in heard
    assert (county["head"].username, "ticket_urge") in heard  # up the unit's chain
    assert (chief.username, "ticket_urge") in heard
    assert county["land_handler"].username not in {u for u, _k in heard}
    assert AuditEntry.objects.filter(action="ticket_urge").exists()
    page = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    assert "已催办 1 次" in page and "催办县经信局（第1次）" in page
    client.logout()
    sign_in(client, county["handler"])
    queue = client.get(reverse("handler_home")).content.decode()
    assert 'data-urged="1"' in queue and "催办 1 次" in queue


def test_a_closed_ticket_cannot_be_urged_and_nothing_changes(client, county):
    t = ticket(county, S.CLOSED)
    sign_in(client, county["organiser"])
    response = client.post(reverse("ticket_act", args=[t.pk, "urge"]), {"version": 1, "note": "催"})
    assert response.status_code == 400 and "不能催办" in response.content.decode()
    t.refresh_from_db()
    assert t.urge_count == 0 and not Urging.objects.exists() and not t.events.exists()


def test_a_unit_urged_twice_in_a_week_shows_on_the_leader_s_dashboard(client, county):
    a = ticket(county, S.ASSIGNED)
    b = ticket(county, S.ACCEPTED, owner_unit=county["land"])
    head = county["head"]
    workflow.act(head, a.pk, "urge", version=1, data={"note": "请加快"})
    workflow.act(county["organiser"], a.pk, "urge", version=2, data={"note": "再催"})
    workflow.act(head, b.pk, "urge", version=1, data={"note": "请加快"})
    Urging.objects.create(
        ticket=b, unit=county["land"], note="上月", at=timezone.now() - datetime.timedelta(days=9)
    )
    sign_in(client, head)
    page = client.get(reverse("leader_home")).content.decode()
    block = page.split('data-block="urged-units"')[1].split("</section>")[0]
    assert "县经信局" in block and "催办 2 次" in block and "县自然资源局" not in block


def test_an_urge_takes_at_most_15_queries(county, django_assert_max_num_queries):
    t = ticket(county, S.ACCEPTED)
    organiser = type(county["organiser"]).objects.get(pk=county["organiser"].pk)
    with django_assert_max_num_queries(15):
        workflow.act(organiser, t.pk, "urge", version=1, data={"note": "请加快"})


# --- buttons only in turn ---------------------------------------------------------------------


def test_extension_buttons_appear_only_when_an_extension_was_asked_for(client, county):
    t = ticket(county, S.ACCEPTED)
    sign_in(client, county["organiser"])
    page = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    assert 'data-action="approve_extension"' not in page
    assert 'data-action="refuse_extension"' not in page
    assert 'data-action="urge"' in page and 'data-action="escalate"' in page
    response = client.post(reverse("ticket_act", args=[t.pk, "approve_extension"]), {"version": 1})
    assert response.status_code == 400 and "没有待审批的延期申请" in response.content.decode()
    assert Ticket.objects.get(pk=t.pk).version == 1
    Ticket.objects.filter(pk=t.pk).update(
        extension_until=TODAY + datetime.timedelta(days=30), extension_reason="材料未齐"
    )
    page = client.get(reverse("ticket_detail", args=[t.pk])).content.decode()
    assert 'data-action="approve_extension"' in page and 'data-action="refuse_extension"' in page


def test_every_offered_button_is_one_the_workflow_would_take(county):
    """For each status and person, every button offered passes the workflow's own checks."""
    people = [county[k] for k in ("organiser", "head", "handler", "cadre", "land_handler")]
    for status in S:
        for extension in (None, TODAY + datetime.timedelta(days=20)):
            t = ticket(county, status, extension_until=extension, level=Level.COUNTY_HEAD)
            for person in people:
                for transition in workflow.available(person, t):
                    assert workflow.refusal(person, t, transition) is None, transition.action
                    if transition.action in ("approve_extension", "refuse_extension"):
                        assert t.extension_until
                    if transition.action == "request_extension":
                        assert not t.extension_until


# --- urgency in its real order ----------------------------------------------------------------


def test_the_sorting_queue_puts_the_most_urgent_first_and_says_why_it_suggests(client, county):
    for urgency in ("normal", "critical", "urgent"):
        ticket(county, urgency=urgency, title=f"待交办{urgency}")
    slow = ticket(county, S.ACCEPTED, title="久拖未决", assign_count=3)
    late = ticket(
        county, S.ASSIGNED, title="超期很久", due_date=TODAY - datetime.timedelta(days=30)
    )
    sign_in(client, county["organiser"])
    page = client.get(reverse("sorting_queue")).content.decode()
    new = page.split('data-list="new"')[1].split("</table>")[0]
    order = [new.index(f"待交办{u}") for u in ("critical", "urgent", "normal")]
    assert order == sorted(order)
    suggestions = page.split('data-list="suggestions"')[1].split("</ul>")[0]
    assert slow.title in suggestions and "已交办 3 次仍未办结" in suggestions
    assert late.title in suggestions and "超期 5 个工作日以上" in suggestions
