"""The JSON API (/api/v1/): tokens, scope, 12345 intake, timeline, changes feed, firm file,
figures, problem details, rate limits and body limits."""

from __future__ import annotations

import datetime
import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from accounts.api_clients import ApiClient, create_client, revoke_client
from accounts.models import AuditEntry, OrgUnit
from issues.models import Source, Status, Ticket, TicketAttachment
from tests import factories as f

pytestmark = pytest.mark.django_db

ALL = ["tickets:write", "tickets:read", "enterprises:read", "figures:read"]
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C1", name="市")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="K1", name="甲县")
    other = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="K2", name="乙县")
    town = f.make_unit(parent=county, code="T1", name="甲镇")
    other_town = f.make_unit(parent=other, code="T2", name="乙镇")
    firm = f.make_enterprise(town=town, contact_phone="13812345678")
    other_firm = f.make_enterprise(town=other_town)
    client, token = create_client(name="甲县12345", area=county, scopes=ALL)
    return {
        "county": county,
        "other": other,
        "firm": firm,
        "other_firm": other_firm,
        "client": client,
        "token": token,
    }


def call(token, method, path, **kwargs):
    client = Client()
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return getattr(client, method)(f"/api/v1/{path}", **headers, **kwargs)


def forward(world, no="12345-0001", **extra):
    data = {
        "hotline_no": no,
        "credit_code": world["firm"].uscc,
        "category": "land",
        "text": "企业反映厂区道路积水，需协调修缮。",
        "deadline": "2026-12-05T17:00:00+08:00",
    }
    data.update(extra)
    return call(world["token"], "post", "tickets/hotline", data=data)


def assert_problem(response, status):
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/problem+json")
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"] and body["type"]
    return body


def test_a_hotline_forward_lands_in_the_sorting_queue_with_its_number(world):
    response = forward(world, attachments=[SimpleUploadedFile("scene.png", PNG)])
    assert response.status_code == 201, response.content
    body = response.json()
    ticket = Ticket.objects.get(pk=body["id"])
    assert ticket.source == Source.HOTLINE and ticket.status == Status.REGISTERED
    assert ticket.hotline_no == "12345-0001" and body["hotline_no"] == "12345-0001"
    assert ticket.raised_by == world["client"].user
    assert ticket.hotline_due == datetime.datetime(2026, 12, 5, 9, 0, tzinfo=datetime.UTC)
    assert TicketAttachment.objects.get(ticket=ticket).name == "scene.png"
    assert AuditEntry.objects.filter(action="ticket_create", object_id=str(ticket.pk)).exists()
    # The ticket page shows the hotline's number to an organiser of the county.
    organiser = f.make_user("organiser", jurisdiction_unit=world["county"])
    page = Client()
    page.force_login(organiser)
    assert "12345-0001" in page.get(f"/tickets/{ticket.pk}/").content.decode()
    assert ticket.title in page.get("/tickets/sorting/").content.decode()  # in the sorting queue


def test_the_same_number_again_answers_the_first_ticket(world):
    first = forward(world)
    again = forward(world, text="重复转办")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    assert Ticket.objects.filter(hotline_no="12345-0001").count() == 1


def test_bad_input_is_a_problem_with_field_errors_and_changes_nothing(world):
    before = Ticket.objects.count()
    body = assert_problem(forward(world, credit_code=world["other_firm"].uscc), 422)
    assert [e["field"] for e in body["errors"]] == ["credit_code"]
    body = assert_problem(forward(world, category="weather"), 422)
    assert body["errors"][0]["field"] == "category"
    bad_file = SimpleUploadedFile("virus.png", b"MZ\x90\x00")
    body = assert_problem(forward(world, attachments=[bad_file]), 422)
    assert body["errors"][0]["field"] == "attachments"
    assert Ticket.objects.count() == before


def test_a_county_client_cannot_read_another_countys_ticket(world):
    mine = f.make_ticket(enterprise=world["firm"])
    theirs = f.make_ticket(enterprise=world["other_firm"])
    assert call(world["token"], "get", f"tickets/{mine.pk}").status_code == 200
    assert_problem(call(world["token"], "get", f"tickets/{theirs.pk}"), 404)
    assert_problem(call(world["token"], "get", f"enterprises/{world['other_firm'].uscc}"), 404)
    assert_problem(call(world["token"], "get", "figures?area=K2"), 404)


def test_a_ticket_reads_with_its_timeline(world):
    created = forward(world).json()
    body = call(world["token"], "get", f"tickets/{created['id']}").json()
    assert body["status"] == "registered" and body["source"] == "hotline"
    assert [s["action"] for s in body["timeline"]] == ["raise"]
    assert body["url"] == f"/tickets/{created['id']}/"


def test_the_changes_feed_pages_with_a_cursor_and_sees_only_its_area(world):
    tickets = [f.make_ticket(enterprise=world["firm"]) for _ in range(5)]
    f.make_ticket(enterprise=world["other_firm"])
    since = (timezone.now() - datetime.timedelta(hours=1)).isoformat()
    seen, cursor = [], None
    while True:
        query = {"since": since, "limit": 2} | ({"cursor": cursor} if cursor else {})
        body = call(world["token"], "get", "tickets/changes", data=query).json()
        assert len(body["items"]) <= 2
        seen += [item["id"] for item in body["items"]]
        cursor = body["next_cursor"]
        if not cursor:
            break
    assert sorted(seen) == sorted(t.pk for t in tickets)
    assert_problem(
        call(world["token"], "get", "tickets/changes", data={"since": since, "limit": 501}), 422
    )
    body = assert_problem(
        call(world["token"], "get", "tickets/changes", data={"since": since, "cursor": "!!"}), 422
    )
    assert body["errors"][0]["field"] == "cursor"


def test_the_changes_feed_reads_any_offset_python_accepts(world):
    """Found by Schemathesis on PostgreSQL: an offset beyond ±15:59 (Python allows a day) reached
    the database as an error (500). The moment is read in UTC; one that leaves the calendar is a
    422 on its field."""
    ticket = f.make_ticket(enterprise=world["firm"])
    since = (timezone.now() - datetime.timedelta(hours=1)).astimezone(
        datetime.timezone(-datetime.timedelta(hours=19, minutes=23))
    )
    body = call(world["token"], "get", "tickets/changes", data={"since": since.isoformat()}).json()
    assert [item["id"] for item in body["items"]] == [ticket.pk]
    body = assert_problem(
        call(world["token"], "get", "tickets/changes", data={"since": "0001-01-01T00:00+14:00"}),
        422,
    )
    assert body["errors"][0]["field"] == "since"


def test_a_firms_file_is_masked(world):
    body = call(world["token"], "get", f"enterprises/{world['firm'].uscc}").json()
    assert body["contact_phone"] == "138****5678"
    assert body["name"] == world["firm"].name


def test_figures_are_the_metrics_numbers(world):
    f.make_ticket(enterprise=world["firm"])
    f.make_ticket(enterprise=world["firm"], status=Status.RESOLVED, outcome="solved")
    body = call(world["token"], "get", "figures", data={"area": "K1", "period": "year"}).json()
    assert body["tickets"]["collected"] == 2 and body["tickets"]["solved"] == 1
    assert body["tickets"]["resolution_rate"] == 0.5
    assert body["enterprises"]["enterprises"] == 1


def test_no_token_a_wrong_one_a_revoked_one_and_an_expired_one_are_refused(world):
    assert_problem(call(None, "get", "tickets/changes?since=2026-01-01T00:00"), 401)
    assert_problem(call("pk_0000_nope", "get", "tickets/changes?since=2026-01-01T00:00"), 401)
    client, token = create_client(name="旧", area=world["county"], scopes=ALL)
    revoke_client(client)
    body = assert_problem(call(token, "get", "tickets/changes?since=2026-01-01T00:00"), 401)
    assert "吊销" in body["detail"]
    past = timezone.now() - datetime.timedelta(days=1)
    _client, token = create_client(name="过期", area=world["county"], scopes=ALL, expires_at=past)
    body = assert_problem(call(token, "get", "tickets/changes?since=2026-01-01T00:00"), 401)
    assert "过期" in body["detail"]


def test_a_missing_scope_is_403(world):
    _client, token = create_client(name="只读指标", area=world["county"], scopes=["figures:read"])
    before = Ticket.objects.count()
    assert_problem(call(token, "post", "tickets/hotline", data={"hotline_no": "x"}), 422)
    response = call(
        token,
        "post",
        "tickets/hotline",
        data={
            "hotline_no": "A1",
            "credit_code": world["firm"].uscc,
            "category": "land",
            "text": "t",
        },
    )
    assert_problem(response, 403)
    assert Ticket.objects.count() == before


def test_the_rate_limit_answers_429_problem(world):
    client = world["client"]
    ApiClient.objects.filter(pk=client.pk).update(rate_per_minute=3)
    path = f"enterprises/{world['firm'].uscc}"
    answers = [call(world["token"], "get", path).status_code for _ in range(4)]
    assert answers[:3] == [200, 200, 200]
    response = call(world["token"], "get", path)
    assert_problem(response, 429)
    assert int(response["Retry-After"]) >= 1


def test_an_over_large_body_is_refused_before_it_is_read(world, settings):
    settings.API_MAX_BODY_BYTES = 1024
    big = SimpleUploadedFile("big.png", PNG + b"\x00" * 4096)
    before = Ticket.objects.count()
    assert_problem(forward(world, attachments=[big]), 413)
    assert Ticket.objects.count() == before


def test_unknown_urls_and_methods_are_problems(world):
    assert_problem(call(world["token"], "get", "nothing/here"), 404)
    response = call(world["token"], "delete", "tickets/changes")
    assert response.status_code == 405
    assert response["Content-Type"].startswith("application/problem+json")


def test_the_schema_and_the_docs_page_are_served_without_a_cdn():
    schema = Client().get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/tickets/hotline" in schema["paths"]
    page = Client().get("/api/v1/docs").content.decode()
    assert "swagger-ui-bundle.js" in page and "cdn" not in page.lower()


def test_create_api_client_prints_a_token_that_works(world):
    out = io.StringIO()
    call_command(
        "create_api_client", "乙县12345", "--scopes", "tickets:read", "--area", "K2", stdout=out
    )
    token = out.getvalue().strip()
    assert token.startswith("pk_")
    stored = ApiClient.objects.get(name="乙县12345")
    assert token not in json.dumps(
        list(ApiClient.objects.filter(pk=stored.pk).values("prefix", "token_hash"))
    )
    theirs = f.make_ticket(enterprise=world["other_firm"])
    assert call(token, "get", f"tickets/{theirs.pk}").status_code == 200


@pytest.mark.django_db(transaction=True)
def test_one_number_forwarded_twice_at_once_makes_one_ticket(world):
    """Two requests with the same 12345 number at the same moment (PostgreSQL): both answer the
    one ticket the unique constraint let through."""
    from issues import hotline
    from tests.helpers import at_once

    user = world["client"].acting_user()
    made = []

    def send():
        ticket, created = hotline.intake(
            world["client"].acting_user(),
            hotline.Forward(
                hotline_no="12345-RACE",
                credit_code=world["firm"].uscc,
                category="land",
                text="同时转办两次",
            ),
        )
        made.append((ticket.pk, created))

    assert user.roles
    assert at_once(send, send) == ["ok", "ok"]
    assert len({pk for pk, _c in made}) == 1
    assert sorted(c for _pk, c in made) == [False, True]
    assert Ticket.objects.filter(hotline_no="12345-RACE").count() == 1


def test_a_forward_with_an_attachment_takes_at_most_20_queries(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    call(world["token"], "get", f"enterprises/{world['firm'].uscc}")  # the once-a-minute write
    with CaptureQueriesContext(connection) as queries:
        response = forward(world, attachments=[SimpleUploadedFile("scene.png", PNG)])
    assert response.status_code == 201
    assert len(queries.captured_queries) <= 20, [q["sql"][:80] for q in queries.captured_queries]


def test_each_call_is_audited_under_the_clients_service_user_who_cannot_sign_in(world):
    service = world["client"].user
    assert not service.has_usable_password() and not service.groups.exists()
    call(world["token"], "get", f"enterprises/{world['firm'].uscc}")
    entry = AuditEntry.objects.filter(action="api_get").latest("at")
    assert entry.user == service and entry.changes["path"].endswith(world["firm"].uscc)
    call("pk_0123456789ab_wrong", "get", "figures?area=K1")
    assert AuditEntry.objects.filter(action="api_auth_failed", result="denied").exists()
