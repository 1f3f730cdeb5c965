"""The one door for background jobs.

`enqueue()` sends a job only once the current transaction commits, so a job queued by a write that
rolls back never runs. With REDIS_URL set the job goes to an RQ queue with a timeout and retries
with backoff; without it (embedded mode, `make run`) it runs inline in this process after commit.

Jobs take ids and simple values, never personal data: job arguments sit in Redis, readable by
anyone with access to it, and outlive the request.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.db import transaction

logger = logging.getLogger(__name__)

# Transient failures (a lost connection, a lock timeout) get three more tries: 10 s, 1 and 5 min on.
RETRY_INTERVALS = [10, 60, 300]
# Sending a job when Redis does not answer (a restart takes a second): tried again after these
# waits before the error reaches the request, whose own transaction has already committed.
SEND_RETRY_WAITS = [0.2, 0.5, 1.0, 2.0]


def is_embedded() -> bool:
    return not settings.REDIS_URL


def enqueue(
    func: Callable, *args, queue: str = "default", timeout: int | None = None, **kwargs
) -> str | None:
    """Run `func(*args, **kwargs)` in the background once the current transaction commits.
    Returns the RQ job's id (known before it is queued, so a page can follow it), or None when
    embedded."""
    job_id = None if is_embedded() else uuid.uuid4().hex

    def send() -> None:
        if is_embedded():
            func(*args, **kwargs)
            return
        import django_rq
        from redis.exceptions import ConnectionError, TimeoutError
        from rq import Retry

        for wait in [*SEND_RETRY_WAITS, None]:
            try:
                django_rq.get_queue(queue).enqueue_call(
                    func,
                    args=args,
                    kwargs=kwargs,
                    timeout=timeout,
                    job_id=job_id,
                    retry=Retry(max=len(RETRY_INTERVALS), interval=RETRY_INTERVALS),
                )
                return
            except (ConnectionError, TimeoutError):
                if wait is None:
                    raise
                logger.warning("Redis unreachable sending %s; again in %ss", job_id, wait)
                time.sleep(wait)

    # robust: an inline job that fails is logged, as a failed worker job would be, and does not
    # turn the user's already-committed request into an error.
    transaction.on_commit(send, robust=is_embedded())
    return job_id
