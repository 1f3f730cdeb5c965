"""The firm portal's pages: raise a problem (into the sorting queue, marked 企业自主提交, to the
paired cadres), follow the firm's problems and only them, answer the unit's question, rate."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from accounts.masking import UNMASKED_MOBILE
from issues import workflow
from issues.models import Notification, RatedBy, Source, Status, Ticket, TicketEvent
from tests import factories as f
from tests.helpers import sign_in
from tests.portal_helpers import portal_sign_in, portal_world, run_jobs_at_once

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(tmp_path, settings, monkeypatch):
    run_jobs_at_once(monkeypatch)
    settings.SMS_FILE_PATH = str(tmp_path / "sms.log")
    w = portal_world()
    w["sms"] = tmp_path / "sms.log"
    w["client"] = portal_sign_in(Client(), w["firm"], w["sms"])
    return w


PNG = b"\x89PNG\r\n\x1a\n" + b"\0" * 64


def raise_one(client, **extra):
    data = {
        "category": "land",
        "title": "厂房扩建用地指标不足",
        "description": "二期扩建需要新增用地30亩。",
        **extra,
    }
    return client.post(reverse("portal_raise"), data)


def test_a_raised_problem_lands_in_the_sorting_queue_marked_as_the_firms_own(world):
    photo = SimpleUploadedFile("现场.png", PNG, content_type="image/png")
    response = raise_one(world["client"], files=[photo])
    ticket = Ticket.objects.get()
    assert response["Location"] == reverse("portal_ticket", args=[ticket.pk])
    assert ticket.source == Source.FIRM and ticket.status == Status.REGISTERED
    assert ticket.raised_by == world["firm"].firm_account.user
    assert ticket.campaign == world["campaign"]
    assert ticket.attachments.get().name == "现场.png"
    organiser = sign_in(Client(), world["organiser"])
    queue = organiser.get(reverse("sorting_queue")).content.decode()
    assert "厂房扩建用地指标不足" in queue and "企业自主提交" in queue


def test_the_paired_cadre_is_notified_and_sees_it_on_the_home_page(world):
    raise_one(world["client"])
    ticket = Ticket.objects.get()
    note = Notification.objects.get(recipient=world["cadre"], ticket=ticket)
    assert note.kind == "ticket_firm_raise" and "企业自主提交新难题" in note.title
    assert Notification.objects.filter(recipient=world["organiser"], ticket=ticket).exists()
    cadre = sign_in(Client(), world["cadre"])
    home = cadre.get(reverse("cadre_home")).content.decode()
    assert "厂房扩建用地指标不足" in home
    assert cadre.get(reverse("ticket_detail", args=[ticket.pk])).status_code == 200
    # Another cadre, not paired with the firm, does not see it.
    stranger = sign_in(Client(), f.make_cadre().user)
    assert stranger.get(reverse("ticket_detail", args=[ticket.pk])).status_code == 404


def test_a_bad_attachment_or_missing_text_changes_nothing(world):
    fake = SimpleUploadedFile("报告.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    response = raise_one(world["client"], files=[fake])
    assert response.status_code == 400 and "只能上传" in response.content.decode()
    response = raise_one(world["client"], description="")
    assert response.status_code == 400
    many = [SimpleUploadedFile(f"{n}.png", PNG, content_type="image/png") for n in range(4)]
    response = raise_one(world["client"], files=many)
    assert response.status_code == 400 and "最多上传3个附件" in response.content.decode()
    assert not Ticket.objects.exists()


def test_another_firms_ticket_answers_404(world):
    theirs = f.make_ticket(enterprise=world["other"], raised_by=world["cadre"])
    client = world["client"]
    for name in ("portal_ticket",):
        assert client.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("portal_answer", "portal_rate"):
        assert client.post(reverse(name, args=[theirs.pk]), {"version": 1}).status_code == 404
    attachment_url = reverse("portal_attachment", args=[theirs.pk, 1])
    assert client.get(attachment_url).status_code == 404
    home = client.get(reverse("portal_home")).content.decode()
    assert theirs.title not in home


def test_the_firm_sees_every_problem_of_its_own_with_state_unit_and_deadline(world):
    by_cadre = f.make_ticket(
        enterprise=world["firm"],
        raised_by=world["cadre"],
        status=Status.ASSIGNED,
        owner_unit=world["dept"],
        due_date="2026-12-15",
    )
    home = world["client"].get(reverse("portal_home")).content.decode()
    assert by_cadre.title in home and "已交办" in home
    assert str(world["dept"]) in home and "2026-12-15" in home


def test_portal_pages_show_no_cadre_private_data(world):
    ticket = f.make_ticket(
        enterprise=world["firm"],
        raised_by=world["cadre"],
        status=Status.ACCEPTED,
        owner_unit=world["dept"],
        assignee=world["handler"],
    )
    TicketEvent.objects.create(
        ticket=ticket,
        actor=world["organiser"],
        action="urge",
        note="内部催办：请李干部13700001111抓紧",
    )
    pages = [
        world["client"].get(reverse("portal_home")),
        world["client"].get(reverse("portal_ticket", args=[ticket.pk])),
    ]
    for page in pages:
        body = page.content.decode()
        assert page.status_code == 200
        assert not UNMASKED_MOBILE.search(body)
        for private in ("李干部", "赵承办", "内部催办", world["cadre"].username):
            assert private not in body, private


def test_a_question_from_the_unit_is_answered_by_the_firm_on_the_timeline(world):
    ticket = f.make_ticket(
        enterprise=world["firm"],
        raised_by=world["cadre"],
        status=Status.ACCEPTED,
        owner_unit=world["dept"],
    )
    workflow.act(
        world["handler"],
        ticket.pk,
        "ask_firm",
        version=1,
        data={"note": "请提供二期用地红线图"},
    )
    sms = world["sms"].read_text("utf-8")
    assert world["firm"].contact_phone in sms and "向贵企业提问" in sms
    client = world["client"]
    home = client.get(reverse("portal_home")).content.decode()
    assert "待您答复" in home
    page = client.get(reverse("portal_ticket", args=[ticket.pk])).content.decode()
    assert "请提供二期用地红线图" in page
    response = client.post(
        reverse("portal_answer", args=[ticket.pk]), {"version": 2, "note": "红线图已发邮箱"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.firm_question == "" and ticket.version == 3
    events = list(ticket.events.order_by("id").values_list("action", "note"))
    assert events == [("ask_firm", "请提供二期用地红线图"), ("firm_answer", "红线图已发邮箱")]
    assert Notification.objects.filter(
        recipient=world["handler"], kind="ticket_firm_answer"
    ).exists()
    # The handler's page shows both on the timeline.
    handler = sign_in(Client(), world["handler"])
    detail = handler.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "询问企业" in detail and "企业答复" in detail and "红线图已发邮箱" in detail
    # No question open: a second answer is refused and changes nothing.
    again = client.post(reverse("portal_answer", args=[ticket.pk]), {"version": 3, "note": "再答"})
    assert again.status_code == 400
    assert ticket.events.count() == 2


def resolved(world):
    return f.make_ticket(
        enterprise=world["firm"],
        raised_by=world["cadre"],
        status=Status.RESOLVED,
        owner_unit=world["dept"],
        reply="已协调自然资源局调整指标。",
    )


def test_the_firms_own_rating_is_recorded_as_its_own(world):
    ticket = resolved(world)
    client = world["client"]
    page = client.get(reverse("portal_ticket", args=[ticket.pk])).content.decode()
    assert "评价办理结果" in page and "已协调自然资源局调整指标。" in page
    response = client.post(
        reverse("portal_rate", args=[ticket.pk]), {"version": 1, "rating": "satisfied"}
    )
    assert response.status_code == 302
    ticket.refresh_from_db()
    assert ticket.status == Status.CLOSED and ticket.rated_by == RatedBy.FIRM
    assert ticket.events.get().data["rated_by"] == "firm"
    page = client.get(reverse("portal_ticket", args=[ticket.pk])).content.decode()
    assert 'data-rated-by="firm"' in page and "企业自评" in page
    cadre = sign_in(Client(), world["cadre"])
    detail = cadre.get(reverse("ticket_detail", args=[ticket.pk])).content.decode()
    assert "企业自评" in detail


def test_unsatisfied_needs_a_reason_and_reopens_as_the_workflow_does(world):
    ticket = resolved(world)
    client = world["client"]
    url = reverse("portal_rate", args=[ticket.pk])
    response = client.post(url, {"version": 1, "rating": "unsatisfied", "note": ""})
    assert response.status_code == 400 and "不满意时请写明理由" in response.content.decode()
    ticket.refresh_from_db()
    assert ticket.status == Status.RESOLVED
    client.post(url, {"version": 1, "rating": "unsatisfied", "note": "指标仍未落实"})
    ticket.refresh_from_db()
    assert ticket.status == Status.ASSIGNED and ticket.owner_unit == world["dept"]
    assert ticket.due_days == workflow.REOPEN_DAYS and ticket.outcome == ""
    assert ticket.rating == "unsatisfied" and ticket.rated_by == RatedBy.FIRM


def test_a_cadres_rating_for_the_firm_is_labelled_on_its_behalf(world):
    ticket = resolved(world)
    workflow.act(world["cadre"], ticket.pk, "rate", version=1, data={"rating": "basically"})
    ticket.refresh_from_db()
    assert ticket.rated_by == RatedBy.ON_BEHALF
    page = world["client"].get(reverse("portal_ticket", args=[ticket.pk])).content.decode()
    assert "干部代为评价" in page and 'name="rating"' not in page


def test_the_figures_tell_firm_ratings_from_ratings_on_its_behalf(world):
    from reports.metrics import ratings_by_rater

    for rated_by, rating in [
        ("firm", "satisfied"),
        ("firm", "unsatisfied"),
        ("on_behalf", "satisfied"),
    ]:
        f.make_ticket(
            enterprise=world["firm"],
            raised_by=world["cadre"],
            status=Status.CLOSED,
            rating=rating,
            rated_by=rated_by,
        )
    split = ratings_by_rater(Ticket.objects.all())
    assert split["firm"].rated == 2 and split["firm"].satisfied == 1
    assert split["on_behalf"].rated == 1 and split["on_behalf"].satisfaction_rate == 1.0


def test_the_portal_pages_fit_without_javascript(world):
    """The essential path posts plain forms: no page of it needs a script."""
    raise_one(world["client"])
    ticket = Ticket.objects.get()
    for url in (
        reverse("portal_home"),
        reverse("portal_raise"),
        reverse("portal_ticket", args=[ticket.pk]),
    ):
        body = world["client"].get(url).content.decode()
        assert "<script" not in body and "style=" not in body and "onclick" not in body


def test_the_firms_list_and_ticket_page_take_the_same_queries_for_5_or_50_tickets(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert world["client"].get(url).status_code == 200
        return len(ctx.captured_queries)

    for _n in range(5):
        f.make_ticket(enterprise=world["firm"], raised_by=world["cadre"], owner_unit=world["dept"])
    ticket = Ticket.objects.first()
    few = (count(reverse("portal_home")), count(reverse("portal_ticket", args=[ticket.pk])))
    for _n in range(45):
        f.make_ticket(enterprise=world["firm"], raised_by=world["cadre"], owner_unit=world["dept"])
    many = (count(reverse("portal_home")), count(reverse("portal_ticket", args=[ticket.pk])))
    assert few == many, (few, many)
    print(f"portal queries (home, ticket): {few} for 5 tickets, {many} for 50")
