"""The delivery log of outgoing webhooks (issues/webhooks.py): one row per event and API client,
with each try's answer, read and replayed by the system admin."""

from __future__ import annotations

import uuid

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WebhookDelivery(models.Model):
    class State(models.TextChoices):
        PENDING = "pending", _("待发送")
        RETRYING = "retrying", _("重试中")
        DELIVERED = "delivered", _("已送达")
        FAILED = "failed", _("已放弃")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    client = models.ForeignKey(
        "accounts.ApiClient",
        verbose_name=_("接口客户端"),
        on_delete=models.CASCADE,
        related_name="deliveries",
    )
    event = models.CharField(_("事件"), max_length=32)
    ticket = models.ForeignKey(
        "issues.Ticket", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The event, the client and what it was about (the TicketEvent, or an overdue ticket's
    # deadline): a rerun of the sweep or of the workflow's hook queues nothing twice.
    key = models.CharField(max_length=120, unique=True)
    payload = models.JSONField(_("内容"))
    state = models.CharField(
        _("状态"), max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(_("尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试"), null=True, blank=True)
    last_status = models.PositiveSmallIntegerField(_("最近响应码"), null=True, blank=True)
    last_error = models.CharField(_("最近错误"), max_length=300, blank=True)
    # Each try: when, the answer's status (or None), the error, milliseconds taken.
    tries = models.JSONField(_("尝试记录"), default=list, blank=True)
    created_at = models.DateTimeField(_("创建时间"), default=timezone.now)
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("回调投递")
        verbose_name_plural = _("回调投递")
        ordering = ["-created_at"]
        # The retry sweep: deliveries due again, by time.
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="webhook_due")]

    def __str__(self) -> str:
        return f"{self.event} → {self.client_id} ({self.state})"
