"""Jobs run only after their transaction commits: inline when embedded, on a real RQ worker with
Redis. The Redis test runs in CI's PostgreSQL leg, where REDIS_URL is set; without REDIS_URL it
skips (that leg has no Redis to talk to), except under CI, where a missing Redis fails."""

import os
import subprocess
import sys

import pytest
from django.db import connection, transaction

from pairing.queue import enqueue
from tests.jobs_for_tests import leave_mark, marks


@pytest.mark.django_db(transaction=True)
def test_embedded_jobs_run_after_commit_and_never_after_rollback(settings):
    settings.REDIS_URL = ""
    with transaction.atomic():
        enqueue(leave_mark, "committed")
        assert marks() == []  # not before the commit
    assert marks() == ["committed"]
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(leave_mark, "rolled back")
        raise RuntimeError("the write failed")
    assert marks() == ["committed"]


@pytest.mark.django_db(transaction=True)
def test_a_failing_inline_job_does_not_break_the_committed_request(settings, caplog):
    settings.REDIS_URL = ""

    def broken():
        raise ValueError("job failed")

    with transaction.atomic():
        enqueue(broken)
        enqueue(leave_mark, "after the broken one")
    assert marks() == ["after the broken one"]
    assert "job failed" in caplog.text


def redis_url() -> str:
    url = os.environ.get("REDIS_URL", "")
    if not url:
        if os.environ.get("CI") and connection.vendor == "postgresql":
            pytest.fail("CI's PostgreSQL leg must set REDIS_URL")
        pytest.skip("REDIS_URL is not set: this run has no Redis")
    return url


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_job_from_real_redis_after_commit(settings):
    url = redis_url()
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process cannot see an in-memory SQLite test database")
    import django_rq

    settings.REDIS_URL = url
    settings.RQ_QUEUES = {"default": {"URL": url, "DEFAULT_TIMEOUT": 60}}
    queue = django_rq.get_queue("default")
    queue.empty()
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue(leave_mark, "rolled back")
        raise RuntimeError("the write failed")
    assert queue.count == 0
    with transaction.atomic():
        enqueue(leave_mark, "from the worker")
        assert queue.count == 0  # queued only on commit
    assert queue.count == 1
    job = queue.jobs[0]
    assert job.args == ("from the worker",)
    assert job.retries_left == 3

    db = connection.settings_dict
    env = {
        **os.environ,
        "REDIS_URL": url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "pairing.settings",
    }
    worker = subprocess.run(
        [sys.executable, "manage.py", "rqworker", "default", "--burst"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert worker.returncode == 0, worker.stderr
    assert marks() == ["from the worker"]
    assert queue.count == 0


def test_sending_a_job_waits_out_a_redis_restart(settings, monkeypatch):
    """Redis restarting when a committed request sends its job: sent once Redis answers again,
    instead of a 500 for a request whose write already committed."""
    import django_rq
    from redis.exceptions import ConnectionError

    from pairing import queue

    settings.REDIS_URL = "redis://127.0.0.1:1/0"
    sent, refusals = [], [ConnectionError("restarting"), ConnectionError("restarting")]

    class RestartingQueue:
        def enqueue_call(self, func, **kwargs):
            if refusals:
                raise refusals.pop()
            sent.append(kwargs["args"])

    monkeypatch.setattr(django_rq, "get_queue", lambda name: RestartingQueue())
    monkeypatch.setattr(queue, "SEND_RETRY_WAITS", [0, 0, 0])
    monkeypatch.setattr(queue.transaction, "on_commit", lambda send, robust: send())
    queue.enqueue(print, "hello")
    assert sent == [("hello",)]

    refusals.extend([ConnectionError("down")] * 4)  # down for longer than the waits
    with pytest.raises(ConnectionError):
        queue.enqueue(print, "again")
