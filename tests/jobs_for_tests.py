"""Jobs the queue tests enqueue: each leaves a visible mark in the database."""

from accounts.models import AuditEntry


def leave_mark(note: str) -> None:
    AuditEntry.objects.create(action="test_job", username="job", changes={"note": note})


def marks() -> list[str]:
    return [e.changes["note"] for e in AuditEntry.objects.filter(action="test_job").order_by("id")]


def leave_mark_daily() -> None:
    leave_mark("daily")
