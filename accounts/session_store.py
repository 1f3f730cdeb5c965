"""Sessions in Redis in front of the database (Django's cached_db), that outlive a Redis outage.

Django's cached_db reads through the cache and writes to both, but a few of its calls let a cache
error through: reading a session the cache lost (it fills the cache after the database read),
asking whether a key exists. During a Redis restart those turned page views, and
actions already committed, into 500s (found by `make topology-check`). Here the database, which
holds every session anyway, answers alone while the cache is away.
"""

from __future__ import annotations

import logging

from django.contrib.sessions.backends import cached_db
from django.contrib.sessions.backends.db import SessionStore as DBStore
from redis.exceptions import RedisError

logger = logging.getLogger("django.contrib.sessions")


class SessionStore(cached_db.SessionStore):
    def load(self):
        try:
            return super().load()
        except RedisError:
            logger.warning("session cache unreachable: reading the session from the database")
            return DBStore.load(self)

    def exists(self, session_key):
        try:
            return super().exists(session_key)
        except RedisError:
            return DBStore.exists(self, session_key)

    # delete() keeps Django's behaviour and fails while the cache is away: a signed-out session's
    # copy left in a Redis that comes back would let its cookie in again until it expired.
