"""The one writer of the audit trail (AuditEntry). Call it inside the transaction of the action it
records, so an action and its record commit or roll back together."""

from __future__ import annotations

from django.db import models, transaction

from accounts import audit_chain
from accounts.client_address import client_ip
from accounts.models import AuditEntry

__all__ = ["client_ip", "record", "record_many"]


def record(
    action: str,
    *,
    user=None,
    request=None,
    obj: models.Model | None = None,
    changes: dict | None = None,
    result: str = AuditEntry.Result.OK,
    username: str = "",
) -> AuditEntry:
    """Append one entry: who (the user, or the username tried), with which roles, from where,
    did what to which object, with what changes and result."""
    if (
        user is None
        and getattr(request, "user", None) is not None
        and request.user.is_authenticated
    ):
        user = request.user
    known = user is not None and getattr(user, "is_authenticated", False)
    entry = AuditEntry(
        user=user if known else None,
        username=(user.get_username() if known else username)[:150],
        roles=",".join(sorted(user.roles)) if known else "",
        ip=client_ip(request),
        action=action,
        object_type=obj._meta.label_lower if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=str(obj)[:200] if obj is not None else "",
        changes=changes or {},
        result=result,
    )
    return _append([entry])[0]


def _append(entries: list[AuditEntry]) -> list[AuditEntry]:
    """Chain and insert `entries` under the chain's lock (accounts.audit_chain), which the
    enclosing transaction keeps until it ends. No savepoint: a failed insert fails the action's
    whole transaction anyway, and two round trips per entry are worth saving."""
    with transaction.atomic(savepoint=False):
        audit_chain.seal(entries, audit_chain.lock_head(AuditEntry))
        if len(entries) == 1:
            entries[0].save(force_insert=True)
            return entries
        return AuditEntry.objects.bulk_create(entries, batch_size=2000)


def record_many(
    action: str, objs, *, user, request=None, changes=lambda obj: {}
) -> list[AuditEntry]:
    """One entry per object in one INSERT: for bulk actions (accepting thousands of suggested
    pairings) that would otherwise write the trail row by row."""
    roles = ",".join(sorted(user.roles))
    ip = client_ip(request)
    return _append(
        [
            AuditEntry(
                user=user,
                username=user.get_username()[:150],
                roles=roles,
                ip=ip,
                action=action,
                object_type=obj._meta.label_lower,
                object_id=str(obj.pk),
                object_repr=str(obj)[:200],
                changes=changes(obj),
            )
            for obj in objs
        ]
    )
