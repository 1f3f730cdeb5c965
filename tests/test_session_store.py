"""Sessions stay readable from the database while Redis is away (accounts/session_store.py):
during a Redis restart a page view must not become a 500 (found by `make topology-check`)."""

import pytest
from django.test import override_settings

from accounts.session_store import SessionStore

pytestmark = pytest.mark.django_db

# Nothing listens on port 1: every cache call fails as during a Redis restart.
REDIS_AWAY = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",
        "OPTIONS": {"socket_connect_timeout": 0.2},
    }
}


@override_settings(CACHES=REDIS_AWAY)
def test_a_session_is_saved_and_read_from_the_database_while_redis_is_away():
    written = SessionStore()
    written["portal_account"] = 7
    written.save()  # the row is written; the cache's copy fails and is logged

    read = SessionStore(session_key=written.session_key)
    assert read["portal_account"] == 7
    assert read.exists(written.session_key)
    assert not read.exists("no-such-session-key-0000000000000")
    assert SessionStore(session_key="no-such-session-key-0000000000000").load() == {}


@override_settings(CACHES=REDIS_AWAY)
def test_signing_out_is_refused_while_redis_is_away():
    """A copy left in a Redis that comes back would let the cookie in again: the delete fails
    loudly rather than half done."""
    from redis.exceptions import RedisError

    session = SessionStore()
    session["x"] = 1
    session.save()
    with pytest.raises(RedisError):
        session.delete()
