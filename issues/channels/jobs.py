"""The channels' jobs: each loads what it sends by id (job arguments sit in Redis and must hold
no personal data) and raises on a failed send, so RQ retries it with back-off."""

from __future__ import annotations

import logging

from django.conf import settings

from issues import channels
from issues.models import Notification

logger = logging.getLogger(__name__)


def text_firm(enterprise_id: int, text: str) -> None:
    """An SMS to the firm's contact phone (a question put to it, say)."""
    from enterprises.models import Enterprise

    phone = (
        Enterprise.objects.filter(pk=enterprise_id).values_list("contact_phone", flat=True).first()
    )
    if phone:
        channels.sms_backend().send(phone, text)


def post_to_robots(keys: list[str]) -> int:
    """Post the notifications of the kinds in GROUP_ROBOT_KINDS to each robot switched on; one
    message per notification event (recipients of the same event share one post)."""
    robots = channels.group_robots()
    if not robots:
        return 0
    notes = Notification.objects.filter(key__in=keys, kind__in=settings.GROUP_ROBOT_KINDS)
    seen, posted = set(), 0
    for note in notes.select_related("enterprise").order_by("pk"):
        event = note.key.rsplit(":", 1)[0]
        if event in seen:
            continue
        seen.add(event)
        firm = f"【{note.enterprise.name}】" if note.enterprise_id else ""
        for robot in robots:
            robot.send(f"{note.title}{firm}")
            posted += 1
    return posted
