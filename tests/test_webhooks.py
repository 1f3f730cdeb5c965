"""Outgoing webhooks against a real HTTP receiver on 127.0.0.1 that checks the signature."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from django.utils import timezone

from accounts.api_clients import create_client
from accounts.models import OrgUnit
from issues import reminders, webhooks, workflow
from issues.models import Status, WebhookDelivery
from tests import factories as f

pytestmark = pytest.mark.django_db(transaction=True)


class Receiver:
    """A webhook receiver as a client would write one: verify, then answer. It fails the first
    `fail_first` requests with 503."""

    def __init__(self, fail_first: int = 0):
        self.secret = ""
        self.received: list[dict] = []
        self.verified: list[bool] = []
        self.fail_first = fail_first
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                stamp = self.headers["X-Pairing-Timestamp"]
                expected = hmac.new(
                    receiver.secret.encode(), stamp.encode() + b"." + body, hashlib.sha256
                ).hexdigest()
                ok = hmac.compare_digest(self.headers["X-Pairing-Signature"], f"sha256={expected}")
                fresh = abs(time.time() - int(stamp)) < 300
                receiver.verified.append(ok and fresh)
                receiver.received.append(json.loads(body))
                failing = len(receiver.received) <= receiver.fail_first
                self.send_response(503 if failing or not ok else 204)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def world():
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, parent=city, code="K")
    town = f.make_unit(parent=county, code="K1")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    organiser = f.make_user("organiser", jurisdiction_unit=county)
    return {"county": county, "dept": dept, "organiser": organiser, "town": town}


def subscribe(world, receiver, events=("ticket.assigned",)):
    client, _token = create_client(
        name="甲县12345",
        area=world["county"],
        scopes=["tickets:read"],
        webhook_url=receiver.url,
        webhook_events=list(events),
    )
    receiver.secret = client.webhook_secret
    return client


def assign(world, ticket):
    return workflow.act(
        world["organiser"],
        ticket.pk,
        "assign",
        version=ticket.version,
        data={"owner_unit": world["dept"], "due_days": 5},
    )


def test_an_assignment_reaches_the_receiver_signed(world):
    receiver = Receiver()
    try:
        client = subscribe(world, receiver)
        ticket = f.make_ticket(enterprise=f.make_enterprise(town=world["town"]))
        assign(world, ticket)
        delivery = WebhookDelivery.objects.get(client=client)
        assert delivery.state == WebhookDelivery.State.PENDING  # the request only queued it
        assert webhooks.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.state == WebhookDelivery.State.DELIVERED
        assert receiver.verified == [True]
        body = receiver.received[0]
        assert body["event"] == "ticket.assigned" and body["ticket"]["id"] == ticket.pk
        assert body["ticket"]["owner_unit"] == "D" and body["id"] == str(delivery.pk)
    finally:
        receiver.close()


def test_a_tampered_body_fails_the_receivers_check():
    secret, stamp, body = "s3cret", "1700000000", b'{"event":"ticket.resolved"}'
    signature = webhooks.sign(secret, stamp, body)
    mac = hmac.new(secret.encode(), stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    assert signature == f"sha256={mac}"
    assert webhooks.sign(secret, stamp, body + b" ") != signature
    assert webhooks.sign(secret, "1700000001", body) != signature


def test_a_receiver_that_fails_twice_gets_it_on_the_third_try_after_backing_off(world):
    receiver = Receiver(fail_first=2)
    try:
        subscribe(world, receiver)
        ticket = f.make_ticket(enterprise=f.make_enterprise(town=world["town"]))
        assign(world, ticket)
        delivery = WebhookDelivery.objects.get()
        start = timezone.now()
        assert webhooks.retry_due(start) == 1
        delivery.refresh_from_db()
        assert delivery.state == WebhookDelivery.State.RETRYING and delivery.last_status == 503
        first_wait = delivery.next_attempt_at - start
        assert webhooks.retry_due(start) == 0  # not yet due: backing off
        with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
            assert webhooks.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.attempts == 2 and delivery.state == WebhookDelivery.State.RETRYING
        second_wait = delivery.next_attempt_at - datetime.datetime.fromisoformat(
            delivery.tries[-1]["at"]
        )
        assert second_wait >= first_wait * 2 - datetime.timedelta(seconds=2)
        with time_machine.travel(delivery.next_attempt_at + datetime.timedelta(seconds=1)):
            assert webhooks.retry_due() == 1
        delivery.refresh_from_db()
        assert delivery.state == WebhookDelivery.State.DELIVERED and delivery.attempts == 3
        assert [t["status"] for t in delivery.tries] == [503, 503, 204]
        assert receiver.verified == [True, True, True]
        assert len({r["id"] for r in receiver.received}) == 1  # one delivery id throughout
    finally:
        receiver.close()


def test_a_dead_endpoint_never_slows_the_users_request(world):
    client, _token = create_client(
        name="死地址",
        area=world["county"],
        scopes=["tickets:read"],
        webhook_url="http://10.255.255.1:9/hook",  # unroutable: a try would hang until timeout
        webhook_events=["ticket.assigned"],
    )
    ticket = f.make_ticket(enterprise=f.make_enterprise(town=world["town"]))
    started = time.monotonic()
    assign(world, ticket)
    assert time.monotonic() - started < 2
    assert WebhookDelivery.objects.get(client=client).attempts == 0


def test_a_replayed_delivery_is_sent_again_and_overdue_is_sent_once(world):
    receiver = Receiver()
    try:
        subscribe(world, receiver, events=("ticket.overdue",))
        ticket = f.make_ticket(
            enterprise=f.make_enterprise(town=world["town"]),
            status=Status.ASSIGNED,
            owner_unit=world["dept"],
            due_date=timezone.localdate() - datetime.timedelta(days=10),
        )
        reminders.ticket_deadline_reminders()
        reminders.ticket_deadline_reminders()  # a rerun queues nothing twice
        delivery = WebhookDelivery.objects.get()
        assert delivery.event == "ticket.overdue" and delivery.ticket_id == ticket.pk
        webhooks.retry_due()
        webhooks.replay(WebhookDelivery.objects.get())
        webhooks.retry_due()
        assert [r["event"] for r in receiver.received] == ["ticket.overdue"] * 2
    finally:
        receiver.close()


def test_clients_outside_the_area_or_without_the_event_hear_nothing(world):
    receiver = Receiver()
    try:
        other = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K9")
        create_client(
            name="乙县",
            area=other,
            scopes=[],
            webhook_url=receiver.url,
            webhook_events=["ticket.assigned"],
        )
        subscribe(world, receiver, events=("ticket.resolved",))
        assign(world, f.make_ticket(enterprise=f.make_enterprise(town=world["town"])))
        assert not WebhookDelivery.objects.exists()
    finally:
        receiver.close()
