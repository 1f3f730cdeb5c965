"""Who confirms or cancels an import (decision of issue 21), for the roster's, the cadres' and the
pairings' imports alike. Confirming is the uploader's act: only they confirm or cancel their
import. Another system admin may cancel one left unconfirmed for more than 24 hours (never confirm
it), so a forgotten upload does not wait for its uploader for ever. Both acts are audited."""

from __future__ import annotations

import datetime

from django.db import transaction
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import audit
from enterprises.models import RosterImport

Status = RosterImport.Status
ABANDONED_AFTER = datetime.timedelta(hours=24)
# An import not yet written: to confirm (planned) or refused for its errors (rejected).
CANCELLABLE = (Status.PLANNED, Status.REJECTED)


def confirm_refusal(record, user) -> str | None:
    """Why the user may not confirm the import, or None."""
    if record.uploaded_by_id != user.pk:
        return _("只有上传这份文件的人可以确认导入。")
    return None


def cancel_refusal(record, user, now: datetime.datetime | None = None) -> str | None:
    """Why the user may not cancel the import, or None."""
    if record.status not in CANCELLABLE:
        return _("这份导入已开始或已结束，不能取消。")
    if record.uploaded_by_id == user.pk:
        return None
    now = now or timezone.now()
    if record.status == Status.PLANNED and now - record.uploaded_at > ABANDONED_AFTER:
        return None
    return _("只有上传人可以取消；上传超过 24 小时仍未确认的，其他系统管理员也可取消。")


def record_confirm(record, *, user, request, action: str) -> None:
    audit.record(
        action,
        user=user,
        request=request,
        obj=record,
        changes={"filename": record.filename, "uploaded_by": record.uploaded_by_id},
    )


@transaction.atomic
def cancel(queryset, pk: int, *, user, request, action: str):
    """Cancel the import `pk` of `queryset` (the imports this user may open): (record, refusal)."""
    record = get_object_or_404(queryset.select_for_update(of=("self",)), pk=pk)
    refusal = cancel_refusal(record, user)
    if refusal:
        return record, refusal
    before = record.status
    record.status = Status.CANCELLED
    record.save(update_fields=["status"])
    audit.record(
        action,
        user=user,
        request=request,
        obj=record,
        changes={
            "filename": record.filename,
            "uploaded_by": record.uploaded_by_id,
            "status": [before, Status.CANCELLED],
        },
    )
    return record, None


def page_context(record, user) -> dict:
    """What the import's page offers this user: the confirm button, the cancel button."""
    return {
        "may_confirm": record.status == Status.PLANNED and not confirm_refusal(record, user),
        "may_cancel": not cancel_refusal(record, user),
    }
