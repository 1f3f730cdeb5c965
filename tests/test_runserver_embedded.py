"""`make run`'s server: runserver_embedded serves pages on a fresh SQLite database, jobs inline,
and runs the periodic jobs of pairing/schedule.py in its serving process, each once on time."""

import datetime
import io
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
import zoneinfo

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.commands.runserver import Command as RunserverCommand

from accounts.models import OrgUnit
from issues.models import Notification, Status
from pairing import schedule
from tests import factories as f

COMMAND = "runserver_embedded"
SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")

# Starts manage.py with the clock set to a given moment (and running on), so the scheduler meets a
# due minute within seconds; the autoreloader's child runs this script again, clock and all.
FROZEN_MANAGE = """\
import datetime, os, sys, time_machine
time_machine.travel(datetime.datetime.fromisoformat(os.environ["TEST_CLOCK"]), tick=True).start()
from django.core.management import execute_from_command_line
execute_from_command_line(sys.argv)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp_path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="pairing.settings",
        PYTHONPATH=os.getcwd(),
    )
    return env


def stop(server: subprocess.Popen) -> str:
    """End the server and the autoreloader's child with it (they share a process group)."""
    os.killpg(server.pid, signal.SIGTERM)
    out, _ = server.communicate(timeout=20)
    return out.decode()


def test_it_serves_the_login_page(tmp_path):
    env = server_env(tmp_path)
    manage = [sys.executable, "manage.py"]
    subprocess.run([*manage, "migrate", "-v0"], env=env, check=True, timeout=120)
    port = free_port()
    server = subprocess.Popen(
        [*manage, COMMAND, f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        body = None
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2) as r:
                    body = r.read().decode()
                    break
            except OSError:
                time.sleep(0.2)
        assert body is not None, "the server did not answer"
        assert "干部联企服务平台" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/static/css/app.css", timeout=2) as r:
            assert r.status == 200
    finally:
        stop(server)


def test_the_nightly_session_cleanup_runs_once_at_0310_under_the_autoreloader(tmp_path):
    """The real schedule entry, in a real server with its autoreloader (two processes): the
    expired session is gone at 03:10, and the run is logged once."""
    env = server_env(tmp_path)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"], env=env, check=True, timeout=120
    )
    with sqlite3.connect(tmp_path / "db.sqlite3") as db:
        db.execute("INSERT INTO django_session VALUES ('expired', 'x', '2026-01-01 00:00:00')")
    (tmp_path / "frozen_manage.py").write_text(FROZEN_MANAGE)
    env["TEST_CLOCK"] = "2026-11-30T03:09:54+08:00"
    server = subprocess.Popen(
        [sys.executable, str(tmp_path / "frozen_manage.py"), COMMAND, f"127.0.0.1:{free_port()}"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        for _ in range(150):
            with sqlite3.connect(tmp_path / "db.sqlite3") as db:
                left = db.execute("SELECT count(*) FROM django_session").fetchone()[0]
            if not left:
                break
            time.sleep(0.2)
        time.sleep(1)  # a second scheduler, were there one, would log its run by now
    finally:
        out = stop(server)
    assert left == 0, out
    assert out.count("scheduled clear_expired_sessions for 2026-11-30 03:10") == 1, out


@pytest.mark.django_db(transaction=True)
def test_the_0830_deadline_reminders_reach_the_handler_under_the_embedded_server(
    monkeypatch, settings
):
    """`make run` at 08:29:59 on a Monday: at 08:30 the unit's handler is told of the deadline
    due tomorrow, by the scheduler thread of runserver_embedded (the serving stubbed out)."""
    settings.REDIS_URL = ""
    schedule._claimed_here.clear()
    city = f.make_unit(kind=OrgUnit.Kind.CITY, code="C")
    dept = f.make_unit(kind=OrgUnit.Kind.DEPARTMENT, parent=city, code="D")
    handler = f.make_user("handler", home_unit=dept)
    f.make_ticket(
        enterprise=f.make_enterprise(town=f.make_unit(parent=city, code="T")),
        status=Status.ACCEPTED,
        owner_unit=dept,
        due_date=datetime.date(2026, 3, 10),  # Tuesday: 1 working day after Monday 9 March
    )
    seen = {}

    def serve_until_reminded(self, *args, **options):
        for _ in range(100):
            if Notification.objects.filter(recipient=handler).exists():
                seen["at"] = datetime.datetime.now(SHANGHAI)
                return
            time.sleep(0.1)

    monkeypatch.setattr(RunserverCommand, "inner_run", serve_until_reminded)
    clock = datetime.datetime(2026, 3, 9, 8, 29, 59, 500000, tzinfo=SHANGHAI)
    with time_machine.travel(clock, tick=True):
        call_command(COMMAND, "--noreload", "--skip-checks", stdout=io.StringIO())
    note = Notification.objects.get(recipient=handler)
    assert note.kind == "ticket_due_soon"
    assert seen["at"].strftime("%H:%M") == "08:30"
