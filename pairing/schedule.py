"""Periodic work: what runs when (Asia/Shanghai), and how a scheduler enqueues each run once.

Later issues add their entries to SCHEDULE (daily reminders at 08:30, overdue marking, weekly and
monthly notices, nightly metric snapshots). A run slot (entry, minute) is claimed before it is
enqueued: first in Redis with SET NX (embedded, in this process's memory), a cheap filter, then as
a ScheduledRun row whose (name, slot) is unique, the claim that survives a Redis restart: two
schedulers never enqueue the same slot twice. The worker runs the job through `run_slot`, in one
transaction with marking the row finished, so a retried or twice-delivered slot runs once and a
worker killed halfway leaves nothing done; a slot not finished a while after it was sent (its job
lost with a Redis restart, its worker killed) is sent again. A slot missed while no scheduler ran
is not made up.

`run_forever` is the one loop: `run_scheduler` runs it beside RQ workers, and `runserver_embedded`
(`make run`) in a thread of the serving process, where the jobs run inline. Each pass of the loop
records a heartbeat (`beat`), which /healthz reads to tell a scheduler that died from one that runs.
"""

from __future__ import annotations

import datetime
import logging
import threading
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, close_old_connections, connections, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from pairing import queue

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    """Runs at hour:minute, every day, or on one weekday (0 = Monday), or one day of the month;
    or, with `every` minutes, whenever the minute of the day is a multiple of it."""

    name: str
    job: str  # dotted path of the job function; it takes no arguments
    hour: int = 0
    minute: int = 0
    weekday: int | None = None
    day: int | None = None
    queue: str = "default"
    every: int | None = None

    def is_due(self, local: datetime.datetime) -> bool:
        if self.every:
            return (local.hour * 60 + local.minute) % self.every == 0
        return (
            local.hour == self.hour
            and local.minute == self.minute
            and (self.weekday is None or local.weekday() == self.weekday)
            and (self.day is None or local.day == self.day)
        )


SCHEDULE: list[Periodic] = [
    Periodic("clear_expired_sessions", "pairing.jobs.clear_expired_sessions", hour=3, minute=10),
    Periodic("visit_due_reminders", "issues.reminders.visit_due_reminders", hour=8, minute=30),
    Periodic(
        "ticket_deadline_reminders", "issues.reminders.ticket_deadline_reminders", hour=8, minute=30
    ),
    Periodic("nightly_snapshot", "reports.notices.nightly_snapshot", hour=1, minute=30),
    Periodic("area_figures", "reports.area_figures.refresh_all", every=10, queue="reports"),
    # Webhook deliveries due (new ones when embedded, retries after their back-off).
    Periodic("webhook_deliveries", "issues.webhooks.retry_due", every=1),
    Periodic(
        "weekly_notices", "reports.notices.weekly_notices", hour=7, weekday=0, queue="reports"
    ),
    Periodic(
        "monthly_notices",
        "reports.notices.monthly_notices",
        hour=7,
        minute=30,
        day=1,
        queue="reports",
    ),
]


def entries() -> list[Periodic]:
    """SCHEDULE, plus a probe every SCHEDULE_PROBE_MINUTES when set: a job that does nothing, whose
    slots' runs show the scheduler-to-worker path working end to end (the topology check)."""
    every = getattr(settings, "SCHEDULE_PROBE_MINUTES", 0)
    if not every:
        return SCHEDULE
    return [*SCHEDULE, Periodic("probe", "pairing.schedule.probe", every=every)]


def probe() -> None:
    """The probe's job: its run is the ScheduledRun row run_slot marks."""


_claimed_here: set[str] = set()


def claim(key: str) -> bool:
    """True for the first claimant of `key`, across processes when Redis is configured."""
    if queue.is_embedded():
        if key in _claimed_here:
            return False
        _claimed_here.add(key)
        return True
    import django_rq
    from redis.exceptions import RedisError

    connection = django_rq.get_connection("default")
    try:
        return bool(connection.set(f"pairing:schedule:{key}", "1", nx=True, ex=3 * 24 * 3600))
    except RedisError:
        logger.warning("schedule claim of %s: Redis unavailable, the database decides", key)
        return True


BEAT_KEY = "pairing:schedule:beat"
_beat_here: list[datetime.datetime] = []


def beat(now: datetime.datetime | None = None) -> None:
    """Record that a scheduler loop is alive: in Redis for /healthz of every web process, or in
    this process's memory when embedded."""
    now = now or timezone.now()
    if queue.is_embedded():
        _beat_here[:] = [now]
        return
    import django_rq

    # Kept a day: an old beat must still read as old, not vanish into "never ran".
    django_rq.get_connection("default").set(BEAT_KEY, now.isoformat(), ex=24 * 3600)


def last_beat(connection) -> datetime.datetime | None:
    """When a scheduler last beat, or None if none has (in the last day). `connection` is the
    Redis client to read with (health checks bring one with short timeouts); None when embedded."""
    if queue.is_embedded():
        return _beat_here[0] if _beat_here else None
    raw = connection.get(BEAT_KEY)
    return datetime.datetime.fromisoformat(raw.decode()) if raw else None


def run_due(
    now: datetime.datetime | None = None, schedule: list[Periodic] | None = None
) -> list[str]:
    """Enqueue each entry due in the minute of `now` that no one has claimed; return their names."""
    local = timezone.localtime(now or timezone.now())
    started = []
    for entry in entries() if schedule is None else schedule:
        if not entry.is_due(local):
            continue
        if not claim(f"{entry.name}:{local:%Y%m%d%H%M}"):
            continue
        run = claim_in_database(entry, local.replace(second=0, microsecond=0))
        if run is None:
            continue
        send(run, entry.queue)
        started.append(entry.name)
        logger.info("scheduled %s for %s", entry.name, local.strftime("%Y-%m-%d %H:%M"))
    return started


def claim_in_database(entry: Periodic, slot: datetime.datetime):
    """The slot's ScheduledRun if this scheduler created it, None if another one has."""
    from pairing.models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(name=entry.name, slot=slot, job=entry.job)
    except IntegrityError:
        return None


def send(run, queue_name: str) -> None:
    """Hand the slot to a worker; if Redis refuses, the resend below tries again later."""
    from pairing.models import ScheduledRun

    ScheduledRun.objects.filter(pk=run.pk).update(enqueued_at=timezone.now())
    try:
        queue.enqueue(run_slot, run.pk, queue=queue_name)
    except Exception:
        logger.exception("could not send %s to a worker; it is resent later", run)


RESEND_AFTER = datetime.timedelta(minutes=2)
RESEND_WITHIN = datetime.timedelta(hours=1)  # a job failing for longer is for a person to see


def resend_unfinished(now: datetime.datetime | None = None) -> int:
    """Send again the slots sent more than RESEND_AFTER ago and still not finished. A delivery
    that finds the slot running (locked) or done does nothing."""
    from pairing.models import ScheduledRun

    now = now or timezone.now()
    queues = {entry.name: entry.queue for entry in entries()}
    stale = ScheduledRun.objects.filter(
        finished_at__isnull=True,
        enqueued_at__lt=now - RESEND_AFTER,
        claimed_at__gt=now - RESEND_WITHIN,
    )
    count = 0
    for run in stale:
        logger.warning(
            "slot %s not finished %s after it was sent: sending it again", run, RESEND_AFTER
        )
        send(run, queues.get(run.name, "default"))
        count += 1
    return count


def run_slot(run_id: int) -> None:
    """The worker's side: run the slot's job unless it already ran, and mark it finished in the
    same transaction. A second delivery while the first runs finds the row locked and leaves it."""
    from pairing.models import ScheduledRun

    with transaction.atomic():
        run = ScheduledRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
        if run is None or run.finished_at is not None:
            logger.info("slot %s is running or has run", run_id)
            return
        import_string(run.job)()
        run.finished_at = timezone.now()
        run.save(update_fields=["finished_at"])


def seconds_to_next_minute(now: datetime.datetime | None = None) -> float:
    now = now or timezone.now()
    return 60 - now.second - now.microsecond / 1e6 + 0.05


MINUTE = datetime.timedelta(minutes=1)
# After a pause longer than this (a suspended laptop), the minutes in between are not checked.
CATCH_UP_LIMIT = datetime.timedelta(hours=1)


def run_forever(stop: threading.Event | None = None) -> None:
    """Check each minute just after it turns, until `stop` is set. Embedded, the jobs run inline
    in this loop, so one check can outlast its minute (the 10-minute figures of a province): the
    minutes that passed meanwhile are checked too, or a job due in them (08:30's reminders) would
    never run. A failing check is logged and the loop goes on: one bad run must not end the
    schedule for the life of the server."""
    stop = stop or threading.Event()
    checked = timezone.now().replace(second=0, microsecond=0)
    _beat_safely()
    try:
        while not stop.wait(seconds_to_next_minute()):
            now = timezone.now()
            minute = max(checked + MINUTE, now.replace(second=0, microsecond=0) - CATCH_UP_LIMIT)
            while minute <= now and not stop.is_set():
                _check(minute)
                checked, minute = minute, minute + MINUTE
            _beat_safely()
    finally:
        connections.close_all()  # this thread's own, left open otherwise when it ends


def _beat_safely() -> None:
    # A Redis restart must not end the loop: the next minute beats again.
    try:
        beat()
    except Exception:
        logger.exception("scheduler heartbeat failed")


def _check(minute: datetime.datetime) -> None:
    # This thread lives outside requests, which are what close stale connections otherwise.
    close_old_connections()
    try:
        run_due(minute)
        resend_unfinished()
    except Exception:
        logger.exception("scheduler check of %s failed", minute.isoformat())
    finally:
        close_old_connections()
