"""The scheduler enqueues each periodic job once per due minute (Asia/Shanghai), however many
schedulers run or however often they check."""

import datetime
import io
import zoneinfo

import pytest
from django.core.management import call_command

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
