"""The system admin's pages for API clients and their webhook deliveries."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from accounts.api_clients import ApiClient, client_for_token, create_client
from accounts.models import OrgUnit
from issues.models import WebhookDelivery
from tests import factories as f
from tests.helpers import sign_in

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    sign_in(client, f.make_user("admin", is_staff=True))
    return client


def test_the_admin_creates_a_client_and_sees_its_token_once(admin_client):
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K1", name="甲县")
    response = admin_client.post(
        reverse("admin:accounts_apiclient_add"),
        {
            "name": "甲县12345",
            "area": county.pk,
            "scopes": ["tickets:write", "tickets:read"],
            "rate_per_minute": 60,
            "webhook_url": "https://hooks.example.cn/pairing",
            "webhook_events": ["ticket.assigned"],
            "days": 30,
        },
        follow=True,
    )
    page = response.content.decode()
    token = re.search(r"pk_[0-9a-f]{12}_[\w-]+", page).group()
    client = client_for_token(token)
    assert client.name == "甲县12345" and client.area == county and client.is_usable
    assert client.scopes == ["tickets:read", "tickets:write"]
    # Shown once: the list and the client's page never show it again.
    listing = admin_client.get(reverse("admin:accounts_apiclient_changelist")).content.decode()
    detail = admin_client.get(
        reverse("admin:accounts_apiclient_change", args=[client.pk])
    ).content.decode()
    assert "甲县12345" in listing and token not in listing and token not in detail


def test_the_admin_revokes_a_client_and_its_token_stops_working(admin_client):
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K1")
    client, token = create_client(name="旧系统", area=county, scopes=["tickets:read"])
    admin_client.post(
        reverse("admin:accounts_apiclient_changelist"),
        {"action": "revoke", "_selected_action": [client.pk]},
    )
    assert not ApiClient.objects.get(pk=client.pk).is_usable
    from django.test import Client

    answer = Client().get("/api/v1/figures?area=K1", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 401


def test_the_admin_reads_the_delivery_log(admin_client):
    county = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K1")
    client, _token = create_client(name="回调", area=county, scopes=[], webhook_url="http://x.cn")
    WebhookDelivery.objects.create(
        client=client, event="ticket.resolved", key="k", payload={}, state="failed", attempts=6
    )
    page = admin_client.get(reverse("admin:issues_webhookdelivery_changelist")).content.decode()
    assert "ticket.resolved" in page


def test_revoking_writes_only_the_revocation_and_records_who_and_from_where(rf):
    from accounts.api_clients import revoke_client
    from accounts.models import AuditEntry

    area = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    client, _token = create_client(name="12345热线", area=area, scopes=["tickets:read"])
    admin, other = f.make_user("admin"), f.make_user("admin")
    ApiClient.objects.filter(pk=client.pk).update(name="12345热线（新）")  # meanwhile, elsewhere
    request = rf.post("/", REMOTE_ADDR="10.7.7.7")
    request.user = other
    revoke_client(client, by=admin, request=request)
    stored = ApiClient.objects.get(pk=client.pk)
    assert stored.revoked_at is not None and stored.name == "12345热线（新）"
    entry = AuditEntry.objects.get(action="api_client_revoke")
    assert (entry.user, entry.ip, entry.object_id) == (admin, "10.7.7.7", str(client.pk))
    revoke_client(stored, by=admin)  # a second revocation changes and records nothing
    assert AuditEntry.objects.filter(action="api_client_revoke").count() == 1


def test_a_client_expires_at_its_expiry_instant(monkeypatch):
    import datetime

    from django.utils import timezone

    from accounts import api_clients

    now = timezone.now()
    monkeypatch.setattr(api_clients.timezone, "now", lambda: now)
    client = ApiClient(expires_at=now + datetime.timedelta(microseconds=1))
    assert client.is_usable
    client.expires_at = now
    assert not client.is_usable


def test_a_token_is_looked_up_with_its_user_and_area_in_one_query(django_assert_num_queries):
    area = f.make_unit(kind=OrgUnit.Kind.COUNTY, name="甲县")
    _client, token = create_client(name="数据平台", area=area, scopes=["figures:read"])
    with django_assert_num_queries(1):
        found = client_for_token(token)
        assert (found.user.username.startswith("api-"), found.area.name) == (True, "甲县")


def test_a_client_starts_without_webhook_at_120_calls_a_minute_and_refuses_unknown_scopes():
    area = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    client, token = create_client(name="数据平台", area=area, scopes=["figures:read"])
    assert (client.webhook_url, client.webhook_secret, client.rate_per_minute) == ("", "", 120)
    # pk_ + 12 hex characters of the prefix + _ + 32 random bytes in URL-safe base64 (43).
    assert len(token) == 3 + 12 + 1 + 43 and token.startswith(f"pk_{client.prefix}_")
    with pytest.raises(ValueError, match="^unknown scopes: admin:all, tickets:delete$"):
        create_client(
            name="另一个", area=area, scopes=["tickets:read", "tickets:delete", "admin:all"]
        )
    assert not ApiClient.objects.filter(name="另一个").exists()


def test_a_clients_service_user_is_named_after_it_and_governs_its_area():
    area = f.make_unit(kind=OrgUnit.Kind.COUNTY)
    admin = f.make_user("admin")
    name = (
        "某市一网通办数据共享交换平台对接专用接口客户端"
        "（市大数据发展管理局负责运维）第二期工程及其配套的统一身份认证"
    )
    client, _token = create_client(
        name=name,
        area=area,
        scopes=["tickets:read"],
        created_by=admin,
        webhook_url="https://hook.example.cn/pairing",
        webhook_events=["ticket.resolved", "ticket.assigned", "ticket.resolved"],
    )
    client = ApiClient.objects.select_related("user").get(pk=client.pk)
    assert len(name) > 50 and client.user.display_name == name[:50]
    assert client.user.jurisdiction_unit == area and not client.user.has_usable_password()
    assert client.created_by == admin
    assert (
        client.webhook_url == "https://hook.example.cn/pairing" and len(client.webhook_secret) == 64
    )
    assert client.webhook_events == ["ticket.assigned", "ticket.resolved"]


def test_creating_a_client_is_audited_with_its_scopes_area_and_expiry():
    from accounts.models import AuditEntry

    area = f.make_unit(kind=OrgUnit.Kind.COUNTY, code="K9")
    admin = f.make_user("admin")
    client, _token = create_client(
        name="热线",
        area=area,
        scopes=["tickets:write", "tickets:read"],
        created_by=admin,
        rate_per_minute=30,
    )
    assert client.rate_per_minute == 30
    entry = AuditEntry.objects.get(action="api_client_create")
    assert (entry.user, entry.object_id) == (admin, str(client.pk))
    assert entry.changes == {
        "scopes": ["tickets:read", "tickets:write"],
        "area": "K9",
        "expires_at": str(client.expires_at),
    }
