"""The scheduler enqueues each periodic job once per due minute (Asia/Shanghai), however many
schedulers run or however often they check."""

import datetime
import io
import threading
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from pairing import schedule
from pairing.schedule import Periodic
from tests.jobs_for_tests import marks

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
ENTRY = Periodic("mark", "tests.jobs_for_tests.leave_mark_daily", hour=8, minute=30)
WEEKLY = Periodic("weekly", "tests.jobs_for_tests.leave_mark_daily", hour=9, weekday=0)


@pytest.fixture(autouse=True)
def embedded(settings):
    settings.REDIS_URL = ""
    schedule._claimed_here.clear()


def at(*args):
    return datetime.datetime(*args, tzinfo=SHANGHAI)


def test_due_only_in_its_minute_in_shanghai_time():
    assert ENTRY.is_due(at(2026, 11, 23, 8, 30))
    assert not ENTRY.is_due(at(2026, 11, 23, 8, 31))
    # 00:30 UTC is 08:30 in Shanghai.
    utc = datetime.datetime(2026, 11, 23, 0, 30, tzinfo=datetime.UTC)
    assert ENTRY.is_due(utc.astimezone(SHANGHAI))
    assert WEEKLY.is_due(at(2026, 11, 23, 9, 0))  # a Monday
    assert not WEEKLY.is_due(at(2026, 11, 24, 9, 0))


def test_an_entry_every_10_minutes_is_due_on_the_tens_all_day():
    every = Periodic("figures", "tests.jobs_for_tests.leave_mark_daily", every=10)
    due = [m for m in range(24 * 60) if every.is_due(at(2026, 11, 23, m // 60, m % 60))]
    assert len(due) == 144 and due[:3] == [0, 10, 20] and due[-1] == 23 * 60 + 50
    area_figures = next(e for e in schedule.SCHEDULE if e.name == "area_figures")
    assert area_figures.is_due(at(2026, 11, 23, 14, 40))
    assert not area_figures.is_due(at(2026, 11, 23, 14, 41))


@pytest.mark.django_db(transaction=True)
def test_each_slot_is_enqueued_once_however_often_checked():
    assert schedule.run_due(at(2026, 11, 23, 8, 30, 1), [ENTRY]) == ["mark"]
    assert schedule.run_due(at(2026, 11, 23, 8, 30, 40), [ENTRY]) == []
    assert schedule.run_due(at(2026, 11, 23, 8, 31), [ENTRY]) == []
    assert schedule.run_due(at(2026, 11, 24, 8, 30), [ENTRY]) == ["mark"]
    assert marks() == ["daily", "daily"]


@pytest.mark.django_db(transaction=True)
def test_run_scheduler_once_runs_the_session_cleanup_at_its_time(monkeypatch):
    calls = []
    monkeypatch.setattr("pairing.jobs.clear_expired_sessions", lambda: calls.append("cleared"))
    out = io.StringIO()
    call_command("run_scheduler", "--once", "--now", "2026-11-23T03:10:00+08:00", stdout=out)
    assert "clear_expired_sessions" in out.getvalue()
    assert calls == ["cleared"]
    call_command("run_scheduler", "--once", "--now", "2026-11-23T03:11:00+08:00", stdout=out)
    assert calls == ["cleared"]


def test_the_next_check_is_just_after_the_minute_turns():
    assert 29.9 < schedule.seconds_to_next_minute(at(2026, 11, 23, 8, 30, 30)) < 30.2


def test_every_scheduled_job_names_a_function_that_exists():
    from django.utils.module_loading import import_string

    for entry in schedule.SCHEDULE:
        assert callable(import_string(entry.job)), entry.name


@pytest.mark.django_db(transaction=True)
def test_a_check_that_outlasts_its_minute_still_checks_the_minutes_it_covered(monkeypatch):
    """Embedded, jobs run inline in the loop: the 08:20 figures of a province may run past 08:30,
    and 08:30's reminders must run all the same, once."""
    checked = []
    monkeypatch.setattr(schedule, "run_due", lambda minute: checked.append(minute))
    stop = threading.Event()
    start = at(2026, 11, 23, 8, 19, 59, 900000)
    with time_machine.travel(start, tick=False) as clock:

        def wait(seconds):
            # The first wait ends at 08:20; the check then "takes" 12 minutes; then stop.
            if not checked:
                clock.move_to(at(2026, 11, 23, 8, 20, 0, 50000))
                return False
            if len(checked) == 1:
                clock.move_to(at(2026, 11, 23, 8, 32, 0, 50000))
                return False
            return True

        monkeypatch.setattr(stop, "wait", wait)
        schedule.run_forever(stop)
    assert [timezone.localtime(m).strftime("%H:%M") for m in checked] == [
        f"08:{m}" for m in range(20, 33)
    ]


@pytest.mark.django_db(transaction=True)
def test_a_failing_check_is_logged_and_the_loop_goes_on(monkeypatch, caplog):
    calls = []

    def fail_once(minute):
        calls.append(minute)
        if len(calls) == 1:
            raise RuntimeError("database is locked")

    monkeypatch.setattr(schedule, "run_due", fail_once)
    stop = threading.Event()
    with time_machine.travel(at(2026, 11, 23, 8, 29, 59), tick=False) as clock:

        def a_minute_on(seconds):
            clock.shift(datetime.timedelta(minutes=1))
            return len(calls) == 2

        monkeypatch.setattr(stop, "wait", a_minute_on)
        with caplog.at_level("ERROR"):
            schedule.run_forever(stop)
    assert len(calls) == 2 and "scheduler check" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_slot_runs_once_even_when_the_first_claim_is_forgotten():
    """Two schedulers check the same minute, and Redis lost the first one's claim (a restart):
    the database's claim still lets only one of them enqueue it."""
    from pairing.models import ScheduledRun

    assert schedule.run_due(at(2026, 11, 23, 8, 30, 1), [ENTRY]) == ["mark"]
    schedule._claimed_here.clear()  # the other scheduler, or Redis after a restart
    assert schedule.run_due(at(2026, 11, 23, 8, 30, 2), [ENTRY]) == []
    assert marks() == ["daily"]
    run = ScheduledRun.objects.get()
    assert (run.name, run.finished_at is not None) == ("mark", True)
    assert timezone.localtime(run.slot).strftime("%H:%M:%S") == "08:30:00"


@pytest.mark.django_db(transaction=True)
def test_a_slot_delivered_twice_runs_its_job_once():
    from pairing.models import ScheduledRun

    run = ScheduledRun.objects.create(
        name="mark", slot=at(2026, 11, 23, 8, 30), job="tests.jobs_for_tests.leave_mark_daily"
    )
    schedule.run_slot(run.pk)
    schedule.run_slot(run.pk)  # a retry, or a second delivery of the same job
    assert marks() == ["daily"]


@pytest.mark.django_db(transaction=True)
def test_a_slot_whose_job_fails_leaves_nothing_done_and_runs_on_retry(monkeypatch):
    from pairing.models import ScheduledRun
    from tests import jobs_for_tests

    run = ScheduledRun.objects.create(
        name="mark", slot=at(2026, 11, 23, 8, 30), job="tests.jobs_for_tests.leave_mark_daily"
    )

    def mark_then_die():
        jobs_for_tests.leave_mark("half")
        raise ConnectionError("worker lost its database")

    monkeypatch.setattr(jobs_for_tests, "leave_mark_daily", mark_then_die)
    with pytest.raises(ConnectionError):
        schedule.run_slot(run.pk)
    assert marks() == []  # the half-done work rolled back with the slot's transaction
    run.refresh_from_db()
    assert run.finished_at is None
    monkeypatch.undo()
    schedule.run_slot(run.pk)
    assert marks() == ["daily"]


def test_the_probe_runs_every_few_minutes_only_when_asked(settings):
    settings.SCHEDULE_PROBE_MINUTES = 0
    assert "probe" not in [e.name for e in schedule.entries()]
    settings.SCHEDULE_PROBE_MINUTES = 1
    probe = next(e for e in schedule.entries() if e.name == "probe")
    assert probe.is_due(at(2026, 11, 23, 8, 31)) and probe.is_due(at(2026, 11, 23, 8, 32))


@pytest.mark.django_db(transaction=True)
def test_a_slot_whose_delivery_was_lost_is_sent_again_and_runs_once():
    from pairing.models import ScheduledRun

    sent = timezone.now() - datetime.timedelta(minutes=3)
    lost = ScheduledRun.objects.create(
        name="mark", slot=sent, job="tests.jobs_for_tests.leave_mark_daily", enqueued_at=sent
    )
    fresh = ScheduledRun.objects.create(
        name="mark",
        slot=timezone.now(),
        job="tests.jobs_for_tests.leave_mark_daily",
        enqueued_at=timezone.now(),  # just sent: give it time
    )
    assert schedule.resend_unfinished() == 1
    assert marks() == ["daily"]
    assert schedule.resend_unfinished() == 0  # finished now: never again
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.finished_at is not None and fresh.finished_at is None
