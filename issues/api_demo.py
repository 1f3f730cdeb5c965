"""The demo's API side: a 12345 hotline client for the first county, a few tickets it forwarded,
and a webhook delivery log with one delivery that went through at once and one that failed twice
before it did (what the system admin reads at 系统管理 › 接口客户端 / 回调投递)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from accounts.api_clients import Scope, WebhookEvent, create_client
from enterprises.models import Enterprise
from issues import hotline
from issues.models import Category
from issues.webhook_models import WebhookDelivery
from issues.webhooks import ticket_payload

DEMO_CLIENT = "12345热线（演示）"
FORWARDS = [
    ("land", "企业反映园区道路积水严重，货车进出困难，请求协调修缮。"),
    ("hiring", "企业反映春节后用工缺口约 40 人，希望人社部门组织专场招聘。"),
    ("approval", "企业反映厂房扩建的施工许可办理超过承诺时限，请求督办。"),
]


def build_api_demo(tree, *, today: datetime.date) -> None:
    county = tree.counties[0]
    client, _token = create_client(
        name=DEMO_CLIENT,
        area=county,
        scopes=Scope.values,
        # Nothing listens here in the demo: new deliveries fail and retry, as a dead one would.
        webhook_url="http://127.0.0.1:9/pairing-webhook",
        webhook_events=[WebhookEvent.ASSIGNED, WebhookEvent.RESOLVED],
    )
    user = client.acting_user()
    firms = Enterprise.objects.filter(town__path__startswith=county.path).order_by("pk")[:3]
    tickets = []
    for n, (firm, (category, text)) in enumerate(zip(firms, FORWARDS, strict=False), start=1):
        ticket, _created = hotline.intake(
            user,
            hotline.Forward(
                hotline_no=f"{today:%Y%m%d}{n:04d}",
                credit_code=firm.uscc,
                category=Category(category),
                text=text,
                deadline=timezone.now() + datetime.timedelta(days=5),
            ),
        )
        tickets.append(ticket)
    now = timezone.now()
    for n, (ticket, statuses) in enumerate(zip(tickets, ([204], [503, 503, 200]), strict=False)):
        at = now - datetime.timedelta(hours=3 - n)
        tries, when = [], at
        for k, status in enumerate(statuses):
            tries.append(
                {
                    "at": when.isoformat(),
                    "status": status,
                    "error": "" if status < 300 else f"HTTP {status}",
                    "ms": 40,
                }
            )
            when += datetime.timedelta(minutes=2**k)
        WebhookDelivery.objects.create(
            client=client,
            event=WebhookEvent.ASSIGNED,
            ticket=ticket,
            key=f"demo:{ticket.pk}:{client.pk}",
            payload=ticket_payload(ticket, WebhookEvent.ASSIGNED, at),
            state=WebhookDelivery.State.DELIVERED,
            attempts=len(statuses),
            last_status=statuses[-1],
            tries=tries,
            created_at=at,
            delivered_at=when,
        )
