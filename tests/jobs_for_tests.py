"""Jobs the queue tests enqueue: each leaves a visible mark in the database."""

from accounts.models import AuditEntry


def leave_mark(note: str) -> None:
    AuditEntry.objects.create(action="test_job", username="job", changes={"note": note})


def marks() -> list[str]:
    return [e.changes["note"] for e in AuditEntry.objects.filter(action="test_job").order_by("id")]


def leave_mark_daily() -> None:
    leave_mark("daily")


def slow_ticket_reminders(day: str) -> None:
    """The deadline reminders, one notification per batch with a pause after each, so a test can
    kill the worker in the middle of the run."""
    import datetime
    import time

    from issues import reminders

    flush = reminders._Notes.flush

    def slowly(notes):
        written = flush(notes)
        time.sleep(0.3)
        return written

    reminders.BATCH, reminders._Notes.flush = 1, slowly
    reminders.ticket_deadline_reminders(datetime.date.fromisoformat(day))
