"""Reads that may come from the read replica (DATABASE_REPLICA_URL), and the router that keeps
everything else on the primary.

The router sends every write to the primary and leaves reads where Django would put them (the
primary, or the database an object was loaded from), so a query nobody chose for the replica never
goes there. A call site chooses the replica with `qs.using(reading())`: the dashboards' drill-down
rows (reports/drill.py), list exports (accounts/exports.export_list), notices and the dashboard's
stored figures.

`reading()` names the replica only when it can serve the read correctly:
- it is configured and reachable (a replica that is down is tried again after a few seconds, and
  meanwhile reads go to the primary);
- in a request of a user who has just written (any POST, PUT, PATCH, DELETE), once the replica has
  replayed the primary's WAL up to where it stood after that write (ReadYourWritesMiddleware keeps
  that position in the session): a page opened right after a write sees the write.
"""

from __future__ import annotations

import contextlib
import contextvars
import logging
import time

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

REPLICA = "replica"
SESSION_KEY = "_primary_lsn"  # the primary's WAL position after this user's last write
RETRY_AFTER_SECONDS = 5.0  # how long a replica found unreachable is left alone

_down_until = 0.0
# Within a request: {"pin": the WAL position this user must see, "alias": the decision once made}.
# Outside requests (jobs, commands) there is none, and each read decides afresh.
_request: contextvars.ContextVar[dict | None] = contextvars.ContextVar("replica", default=None)


class PrimaryReplicaRouter:
    """Writes and migrations to the primary; reads left to the call site (see module doc)."""

    def db_for_read(self, model, **hints):
        return None  # the object's own database, else the primary

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica holds the primary's very rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS


def configured() -> bool:
    return bool(getattr(settings, "READ_REPLICA", False))


def reading() -> str:
    """The alias for a read that may lag a little: the replica when it can serve it, else the
    primary. Decided once per request."""
    if not configured():
        return DEFAULT_DB_ALIAS
    state = _request.get()
    if state is None:
        return REPLICA if _replica_serves(None) else DEFAULT_DB_ALIAS
    if state["alias"] is None:
        state["alias"] = REPLICA if _replica_serves(state["pin"]) else DEFAULT_DB_ALIAS
    return state["alias"]


def read_replica_in_request() -> bool:
    """Has this request read from the replica (so what it showed may lag the primary)?"""
    state = _request.get()
    return bool(state and state["alias"] == REPLICA)


def _replica_serves(pin: str | None) -> bool:
    global _down_until
    if time.monotonic() < _down_until:
        return False
    try:
        if pin:
            return replayed(pin)
        usable()
        return True
    except Exception as exc:  # unreachable, restarting, in recovery trouble: use the primary
        logger.warning("read replica unavailable, reading from the primary: %s", exc)
        _down_until = time.monotonic() + RETRY_AFTER_SECONDS
        with contextlib.suppress(Exception):  # a broken connection: the next try opens anew
            connections[REPLICA].close()
        return False


def usable() -> None:
    """Connect to the replica, or reconnect a connection a restart broke; raises if it cannot."""
    connection = connections[REPLICA]
    connection.close_if_health_check_failed()
    connection.ensure_connection()


def replayed(lsn: str) -> bool:
    """Has the replica replayed the primary's WAL up to `lsn`?"""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [lsn])
        return bool(cursor.fetchone()[0])


def primary_position() -> str:
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_current_wal_lsn()::text")
        return cursor.fetchone()[0]


def lag_seconds() -> float:
    """How far the replica's replay is behind: 0 when it has replayed all it received, else the
    age of the last transaction it replayed (for /healthz)."""
    with connections[REPLICA].cursor() as cursor:
        cursor.execute(
            "SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0"
            " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0)"
            " END"
        )
        return float(cursor.fetchone()[0])


UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class ReadYourWritesMiddleware:
    """After a user's write, remember the primary's WAL position in their session; until the
    replica has replayed it, that user's replica reads go to the primary. After SessionMiddleware
    (its session is saved after this runs)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        session = getattr(request, "session", None)
        state = {"pin": session.get(SESSION_KEY) if session is not None else None, "alias": None}
        token = _request.set(state)
        try:
            response = self.get_response(request)
            if session is not None:
                self._remember(request, session, state)
            return response
        finally:
            _request.reset(token)

    @staticmethod
    def _remember(request, session, state) -> None:
        if request.method in UNSAFE_METHODS:
            try:
                session[SESSION_KEY] = primary_position()
            except Exception:
                logger.exception("could not read the primary's WAL position")
        elif state["pin"] and state["alias"] == REPLICA:
            del session[SESSION_KEY]  # the replica has caught up with this user
