"""The roster import as background jobs: the page follows a job's progress, and a worker killed
with SIGKILL in the middle of the write leaves the database as it was, the job failed or retried,
and the import can be confirmed again."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from accounts.models import OrgUnit, User
from enterprises.models import Enterprise, RosterImport
from tests import factories as f
from tests.helpers import sign_in
from tests.test_queue import redis_url

pytestmark = pytest.mark.django_db(transaction=True)
ROWS = 60_000  # enough that writing them takes a couple of seconds to interrupt


def roster_csv(n: int) -> bytes:
    # No tag column: a transactional test's flush empties the reference tables (tags, industries).
    lines = ["企业名称,统一社会信用代码,所属镇街"]
    lines += [f"企业{i}有限公司,{f.make_uscc(500_000 + i)},云溪镇" for i in range(n)]
    return "\n".join(lines).encode("utf-8")


@pytest.fixture
def admin(client):
    f.make_unit(name="云溪镇", kind=OrgUnit.Kind.TOWN)
    return sign_in(client, f.make_user("admin", is_staff=True))


def test_an_embedded_import_is_done_when_the_page_opens(admin, settings):
    settings.REDIS_URL = ""  # jobs inline, as `make run` has them
    data = roster_csv(3)
    response = admin.post(
        reverse("roster_import"), {"file": SimpleUploadedFile("名录.csv", data, "text/csv")}
    )
    record = RosterImport.objects.get()
    assert record.status == RosterImport.Status.PLANNED and record.created == 3
    page = admin.get(response["Location"]).content.decode()
    assert "data-running" not in page
    progress = admin.get(reverse("roster_import_progress", args=[record.pk]))
    assert progress.status_code == 204 and progress["HX-Refresh"] == "true"


def worker_env(url, media) -> dict:
    db = connection.settings_dict
    return {
        **os.environ,
        "MEDIA_DIR": str(media),  # the stored upload, where this test process wrote it
        "REDIS_URL": url,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "DJANGO_SETTINGS_MODULE": "pairing.settings",
    }


@pytest.mark.redis
def test_a_worker_killed_mid_write_leaves_the_database_as_it_was(admin, settings):
    url = redis_url()
    if connection.vendor != "postgresql":
        pytest.skip("a worker in another process cannot see an in-memory SQLite test database")
    import django_rq
    from rq.job import Job, JobStatus
    from rq.registry import StartedJobRegistry

    settings.REDIS_URL = url
    settings.RQ_QUEUES = {"imports": {"URL": url, "DEFAULT_TIMEOUT": 600}}
    queue = django_rq.get_queue("imports")
    queue.empty()
    record = RosterImport.objects.create(
        uploaded_by=User.objects.get(pk=admin.session["_auth_user_id"]),  # the uploader confirms
        filename="名录.csv",
        file=ContentFile(roster_csv(ROWS), name="roster.csv"),
        status=RosterImport.Status.PLANNED,
    )
    admin.post(reverse("roster_import_commit", args=[record.pk]))
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTING and record.job_id
    page = admin.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
    assert "data-running" in page  # the progress bar, polling

    # SimpleWorker runs the job in the worker's own process (RQ's default forks a work horse in
    # a session of its own, which a kill of the worker would not reach).
    command = [
        sys.executable,
        "manage.py",
        "rqworker",
        "imports",
        "--burst",
        "--worker-class",
        "rq.worker.SimpleWorker",
    ]
    worker = subprocess.Popen(
        command, env=worker_env(url, settings.MEDIA_ROOT), start_new_session=True
    )
    job = Job.fetch(record.job_id, connection=queue.connection)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and worker.poll() is None:
        job.refresh()  # wait until it is inside the write transaction, creating enterprises
        if job.meta.get("stage") in ("create", "update"):
            break
        time.sleep(0.01)
    assert job.meta.get("stage") in ("create", "update"), job.meta
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=30)

    assert Enterprise.objects.count() == 0  # the open transaction died with the worker
    StartedJobRegistry(queue=queue).cleanup(time.time() + 100_000)  # its heartbeat long gone
    status = job.get_status(refresh=True)
    assert status in (JobStatus.FAILED, JobStatus.SCHEDULED, JobStatus.QUEUED), status
    if status == JobStatus.FAILED:
        # The page notices, puts the import back to 'to confirm' and says why; confirm again.
        page = admin.get(reverse("roster_import_detail", args=[record.pk])).content.decode()
        assert "后台任务中断" in page
        admin.post(reverse("roster_import_commit", args=[record.pk]))
    else:
        queue.enqueue_job(Job.fetch(record.job_id, connection=queue.connection))  # the retry
    rerun = subprocess.run(
        command, env=worker_env(url, settings.MEDIA_ROOT), capture_output=True, timeout=300
    )
    assert rerun.returncode == 0, rerun.stderr
    record.refresh_from_db()
    assert record.status == RosterImport.Status.COMMITTED and record.created == ROWS
    assert Enterprise.objects.count() == ROWS


def test_a_started_job_whose_heartbeat_stopped_counts_as_abandoned():
    """A worker killed with -9 leaves its job 'started' until RQ's next cleanup (ten minutes):
    the page goes by the job's heartbeat instead, with RQ's own limit."""
    import datetime
    from types import SimpleNamespace

    from enterprises.import_jobs import _abandoned

    now = datetime.datetime.now(datetime.UTC)
    beat = SimpleNamespace
    assert not _abandoned(beat(last_heartbeat=now - datetime.timedelta(seconds=40), started_at=now))
    assert _abandoned(beat(last_heartbeat=now - datetime.timedelta(seconds=100), started_at=now))
    naive = (now - datetime.timedelta(seconds=100)).replace(tzinfo=None)  # as RQ may store it
    assert _abandoned(beat(last_heartbeat=None, started_at=naive))
    assert not _abandoned(beat(last_heartbeat=None, started_at=None))
