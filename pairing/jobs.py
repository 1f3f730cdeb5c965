"""Background jobs of the project as a whole (apps keep their own jobs in their jobs.py)."""

from importlib import import_module

from django.conf import settings


def clear_expired_sessions() -> None:
    """Delete expired sessions, nightly, so the session table stays small."""
    engine = import_module(settings.SESSION_ENGINE)
    engine.SessionStore.clear_expired()
