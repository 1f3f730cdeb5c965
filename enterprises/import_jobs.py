"""The roster import's two background jobs (queue `imports`, inline when embedded): checking an
uploaded file, and writing a confirmed one. Each reports its progress in the RQ job's meta, which
the import page polls; the write is one transaction, so a worker killed halfway leaves the
database as it was and the import can be confirmed again."""

from __future__ import annotations

import datetime
import functools
import io

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rq import get_current_job

from accounts.models import User
from accounts.roles import Role
from enterprises import roster_import
from enterprises.models import RosterImport
from enterprises.spreadsheets import messages
from enterprises.spreadsheets.reader import UnreadableSheet
from enterprises.spreadsheets.safety import UnsafeUpload

RUNNING = (RosterImport.Status.CHECKING, RosterImport.Status.COMMITTING)


def report(fraction: float, stage: str) -> None:
    """Progress for the page, kept in the job's meta in Redis (outside the write transaction,
    so the page sees it while the transaction is open)."""
    job = get_current_job()
    if job is not None:
        job.meta.update(progress=round(100 * fraction), stage=stage)
        job.save_meta()


def _plan(record: RosterImport):
    with record.file.open("rb") as stored:
        data = io.BytesIO(stored.read())
    user = record.uploaded_by
    aliases = roster_import.aliases_for(mapping_unit(user))
    try:
        plan = roster_import.read_plan(
            data, record.filename, on_progress=report, aliases=aliases, area=import_area(user)
        )
        return plan, None
    except (UnsafeUpload, UnreadableSheet) as exc:
        return None, exc


def import_area(user):
    """Where an upload may put firms: anywhere for the system admin, an organiser's area."""
    return None if Role.ADMIN in user.roles else user.jurisdiction_unit


def mapping_unit(user):
    """The unit whose header mappings an upload uses: the uploader's own unit, else their area."""
    return user.home_unit_id or user.jurisdiction_unit_id


def _still_mine(record_id: int, status: str) -> RosterImport | None:
    """The record, if this job is still the one it waits for: a retried job whose import was
    since confirmed again (or given up) stops here instead of running twice."""
    job = get_current_job()
    return RosterImport.objects.filter(
        pk=record_id, status=status, job_id=job.id if job else ""
    ).first()


def _inline_failure_stops(status: str):
    """Run inline (embedded, no Redis), a job that fails has no RQ status for the page to notice:
    give the record up here, as progress() would, or it would read 'checking' or 'importing' for
    ever. Under RQ the worker's retries and progress() see to it."""

    def wrap(job):
        @functools.wraps(job)
        def run(record_id: int, *args):
            try:
                job(record_id, *args)
            except Exception:
                if not settings.REDIS_URL:
                    _give_up(record_id, status)
                raise

        return run

    return wrap


INTERRUPTED = "interrupted"  # a code of spreadsheets.messages, worded when shown


def _give_up(record_id: int, status: str) -> bool:
    """A check that died starts over as rejected, a write as 'to confirm' (its transaction never
    committed), each with a message; False if the record had moved on meanwhile."""
    back = (
        RosterImport.Status.PLANNED
        if status == RosterImport.Status.COMMITTING
        else RosterImport.Status.REJECTED
    )
    return bool(
        RosterImport.objects.filter(pk=record_id, status=status).update(
            status=back, job_error=INTERRUPTED
        )
    )


@_inline_failure_stops(RosterImport.Status.CHECKING)
def check(record_id: int) -> None:
    record = _still_mine(record_id, RosterImport.Status.CHECKING)
    if record is None:
        return
    plan, refusal = _plan(record)
    if plan is not None and not plan.rows:  # a header and nothing under it: say so, offer nothing
        refusal = "no_rows"  # a code; the other refusals are the reader's messages
    RosterImport.objects.filter(pk=record_id).update(**_checked(plan, refusal))


def _checked(plan, refusal: Exception | str | None) -> dict:
    """The record's fields as a check of the file found them."""
    if refusal:
        # A header found without its required columns still lists its cells, so the uploader
        # can map an unknown one (单位详细名称 → 企业名称) on the page.
        header = getattr(refusal, "header", None)
        return {
            "status": RosterImport.Status.REJECTED,
            "error_count": 1,
            "errors": [_file_error(str(refusal))],
            "columns": _columns(header) if header else {},
        }
    return {
        "status": RosterImport.Status.PLANNED if plan.ok else RosterImport.Status.REJECTED,
        "rows": plan.rows,
        "created": len(plan.create),
        "updated": len(plan.update),
        "unchanged": plan.unchanged,
        "error_count": len(plan.errors),
        "errors": [e.__dict__ for e in plan.errors],  # all of them: the page pages them
        "skipped": [{"row": row, "kind": kind} for row, kind in plan.skipped],
        "columns": _columns(plan.header),
    }


def _columns(header) -> dict:
    return {"used": header.labels, "unused": list(header.unused.values())}


def _file_error(refusal: str) -> dict:
    """A refusal of the whole file as a row error: a message code, or a message as it is."""
    code = refusal if refusal in messages.MESSAGES else ""
    message = messages.source(code) if code else refusal
    return {"row": 0, "column": "", "value": "", "message": message, "code": code, "params": {}}


@_inline_failure_stops(RosterImport.Status.COMMITTING)
def write(record_id: int, user_id: int) -> None:
    """Plan again (the database may have changed since the preview), then write all or nothing."""
    record = _still_mine(record_id, RosterImport.Status.COMMITTING)
    if record is None:
        return
    plan, refusal = _plan(record)
    if refusal or not plan.ok:
        # Rejected with the rows that no longer check (a town renamed, a code taken meanwhile),
        # so the page shows why instead of offering the same confirmation again.
        RosterImport.objects.filter(pk=record_id).update(
            **_checked(plan, refusal),
            job_error="failed_at_confirm",
        )
        return
    # The firms, the audit entry and the record's 'imported' commit together: a worker killed
    # between them must not leave firms written under an import that reads 'to confirm' again.
    with transaction.atomic():
        counts = roster_import.commit(
            plan, actor=User.objects.get(pk=user_id), filename=record.filename, on_progress=report
        )
        RosterImport.objects.filter(pk=record_id).update(
            status=RosterImport.Status.COMMITTED,
            committed_at=timezone.now(),
            job_error="",
            **counts,
        )


def progress(record: RosterImport) -> int | None:
    """How far the record's job got (0–100), or None when no job is running for it. A job that
    died (its worker killed, its time out) is noticed here: a check starts over as rejected with a
    message, an unfinished write goes back to 'to confirm' — its transaction never committed."""
    if record.status not in RUNNING or not record.job_id:
        return None
    import django_rq
    from rq.exceptions import NoSuchJobError
    from rq.job import Job, JobStatus

    try:
        job = Job.fetch(record.job_id, connection=django_rq.get_connection("imports"))
    except NoSuchJobError:
        status = None
    else:
        status = job.get_status()
    if status == JobStatus.STARTED and _abandoned(job):
        status = None
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, None):
        if _give_up(record.pk, record.status):
            record.refresh_from_db(fields=["status", "job_error"])  # the page shows it at once
        return None
    return job.meta.get("progress", 0)


def _abandoned(job) -> bool:
    """A started job whose worker stopped beating its heartbeat (killed, its machine gone): by
    RQ's own rule (the monitoring interval and a minute) it is dead, though RQ notices only at its
    next cleanup, up to ten minutes on."""
    from rq.defaults import DEFAULT_JOB_MONITORING_INTERVAL
    from rq.utils import now

    beat = job.last_heartbeat or job.started_at
    if beat is None:
        return False
    if beat.tzinfo is None:
        beat = beat.replace(tzinfo=datetime.UTC)
    return now() - beat > datetime.timedelta(seconds=DEFAULT_JOB_MONITORING_INTERVAL + 60)
