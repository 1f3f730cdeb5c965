"""Rendered page content kept in the shared cache until any data it could show changes.

The main pages spend most of their time building and rendering rows (profiled: about 70 % in
templates, the rest in the ORM). A page's content block is stored in Redis for who looks (user,
CSRF secret) and what they asked (path, query string, language, today's date), together with the
*data generation* it was rendered in: a counter that moves after every committed write to any
table whose rows a page could show. A stored content is served only while the generation is the
same, so never once a write it could reflect has committed, whatever wrote it (a form,
`QuerySet.update()`, an import's bulk insert, raw SQL through Django): the counter is moved by a
wrapper around every statement Django sends, not by model signals.

Rules that keep it correct:
- The counter moves *after* commit (`on_commit`), so a reader that read the old value stores
  under a generation nobody asks for again; one that read the new value has seen the committed
  rows.
- On PostgreSQL the counter is a sequence in the database, not in Redis: a Redis restarted from
  its append-only file, or one that was away while writes committed, cannot bring back a page
  rendered before them. (Elsewhere, SQLite's single process, it lives in the cache and restarts
  from the clock when lost.)
- A connection holding uncommitted writes neither reads nor stores content (its own view of the
  data is not what others see, and may yet be rolled back).
- A request that read from the lagging replica stores nothing.
- Content expires after PAGE_CACHE_SECONDS regardless, which bounds what a write made outside
  Django (psql) could leave stale.
- Off when PAGE_CACHE_SECONDS is 0 (the default without REDIS_URL: a per-process cache would
  leave other gunicorn workers' content stale). Any cache error renders the page uncached.

The viewer's roles, unread count and the years with holidays entered are remembered the same way
(`viewer_value`). A page served from the cache costs one query for the generation, one for the
user and one Redis round trip for the memo and the content.

The counter is one for all data: a write anywhere renders every page afresh once. Pages are read
far more often than written between two writes of a quiet city; under a steady stream of writes
the cache mostly misses and a page costs what it did without it (`web_<page>_uncached_*` in
`make bench`), plus the lookups.
"""

from __future__ import annotations

import hashlib
import logging
import re
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, ProgrammingError, connections
from django.shortcuts import render
from django.utils import timezone, translation

from pairing.replica import read_replica_in_request

logger = logging.getLogger(__name__)

GENERATION_KEY = "page-cache:generation"

# Tables whose writes no cached page shows: sessions, the audit trail, sign-in codes, delivery
# logs and scheduler claims.
UNSHOWN_TABLES = frozenset(
    {
        "django_session",
        "django_admin_log",
        "accounts_auditentry",
        "accounts_passwordhistory",
        "accounts_totpdevice",
        "enterprises_portalcode",
        "issues_webhookdelivery",
        "pairing_scheduledrun",
    }
)

_WRITE = re.compile(r'\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)
_TRUNCATE = re.compile(r"\s*TRUNCATE\b", re.IGNORECASE)
ANY_TABLE = "*"  # a TRUNCATE names several tables: taken as writing a shown one


def enabled() -> bool:
    return settings.PAGE_CACHE_SECONDS > 0


def written_table(sql: str) -> str | None:
    """The table a data-changing statement writes, or None for a read (or a schema change)."""
    match = _WRITE.match(sql)
    if match:
        return match.group(1).lower()
    return ANY_TABLE if _TRUNCATE.match(sql) else None


SEQUENCE = "pairing_data_generation"  # PostgreSQL (migration pairing 0012)


def current_generation() -> int:
    """The data generation now. On PostgreSQL a sequence, so that it lives with the data: a
    Redis restarted from its append-only file, or one that missed moves while it was away, can
    never bring back content rendered before a write. Elsewhere (SQLite: one process, tests and
    `make run`) a counter in the cache."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT last_value FROM {SEQUENCE}")
            return cursor.fetchone()[0]
    generation = cache.get(GENERATION_KEY)
    if generation is None:  # lost: restart past every value used before
        cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def _bump() -> None:
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"SELECT nextval('{SEQUENCE}')")
            return
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:  # no counter yet: any later start than every value used before
            cache.add(GENERATION_KEY, time.time_ns(), timeout=None)
    except ProgrammingError:  # `migrate` before pairing 0012: nothing is cached yet either
        logger.debug("page cache: no data generation sequence yet")
    except Exception as exc:  # fragments then expire on their own (PAGE_CACHE_SECONDS)
        logger.warning("page cache: the data generation could not move: %s", exc)


_bump.after_write = True  # marks the on_commit callback (see holds_uncommitted_writes)


def track_writes(execute, sql, params, many, context):
    """Django execute wrapper (installed on every connection): move the generation after a
    committed write to a shown table."""
    result = execute(sql, params, many, context)
    table = written_table(sql)
    if table and table not in UNSHOWN_TABLES and enabled():
        connection = context["connection"]
        if not connection.in_atomic_block:
            _bump()  # autocommit: already committed
        elif not holds_uncommitted_writes(connection):
            connection.on_commit(_bump)
    return result


def holds_uncommitted_writes(connection) -> bool:
    """True while the connection's open transaction has written a shown table (Django drops the
    callback when the transaction, or the savepoint it was registered in, rolls back)."""
    return any(getattr(func, "after_write", False) for _, func, _ in connection.run_on_commit)


def install(connection, **kwargs) -> None:
    """connection_created receiver."""
    if track_writes not in connection.execute_wrappers:
        connection.execute_wrappers.append(track_writes)


def content_key(request, user_pk) -> str:
    """The key of a page's content for this viewer and request. Everything a page's content
    depends on besides the data is in the request: who (the user and the CSRF secret that forms
    carry tokens of; a new login makes a new one), the language, the day, the path and query."""
    who = [
        user_pk,
        request.META.get("CSRF_COOKIE", ""),
        translation.get_language(),
        timezone.localdate().isoformat(),
        request.path,
        request.GET.urlencode(),
    ]
    return "page-cache:content:" + hashlib.sha256(repr(who).encode()).hexdigest()


def viewer_key(user_pk) -> str:
    return f"page-cache:viewer:{user_pk}"


def may_use(request) -> bool:
    return (
        enabled()
        and request is not None
        and request.method == "GET"
        and not holds_uncommitted_writes(connections[DEFAULT_DB_ALIAS])
    )


def may_store() -> bool:
    """Nothing read in a transaction that wrote, or from the lagging replica, is kept."""
    return not holds_uncommitted_writes(connections[DEFAULT_DB_ALIAS]) and not (
        read_replica_in_request()
    )


@dataclass
class RequestState:
    """What one request read from the cache (one round trip): the data generation, the viewer's
    memo (roles, unread count, ...) and the page's content, each as stored under the generation
    now current, else None."""

    user_pk: int
    generation: int
    content_key: str
    content: str | None
    viewer: dict | None
    fresh: dict = field(default_factory=dict)  # viewer values computed in this request

    def remember(self) -> None:
        if self.fresh and may_store():
            memo = {**(self.viewer or {}), **self.fresh}
            cache.set(
                viewer_key(self.user_pk), (self.generation, memo), settings.PAGE_CACHE_SECONDS
            )


def _current(found: dict, key: str, generation):
    stored_generation, value = found.get(key, (None, None))
    return value if stored_generation == generation else None


def prefetch(request, user_pk) -> RequestState:
    generation = current_generation()
    content = content_key(request, user_pk)
    found = cache.get_many([viewer_key(user_pk), content])
    return RequestState(
        user_pk,
        generation,
        content,
        _current(found, content, generation),
        _current(found, viewer_key(user_pk), generation),
    )


def state_of(request) -> RequestState | None:
    return getattr(request, "_page_cache", None)


def has_content(request) -> bool:
    """Is this page's content stored for the current data (so a view may read less)?"""
    state = state_of(request)
    return state is not None and state.content is not None and may_use(request)


def viewer_value(request, name: str, compute):
    """A value about the signed-in viewer that only data changes can change (their roles, unread
    notifications, the years with holidays entered): from the memo kept for this data
    generation, else computed and kept when the request ends."""
    state = state_of(request) if request is not None else None
    if state is None:
        return compute()
    if state.viewer is not None and name in state.viewer:
        return state.viewer[name]
    value = state.fresh[name] = compute()
    return value


class PageCacheMiddleware:
    """After AuthenticationMiddleware: for a signed-in GET, read the generation, the viewer's
    memo and the page's content in one round trip; give the user their remembered roles; keep
    what the request computed afresh."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user_pk = request.session.get(SESSION_KEY) if enabled() else None
        if user_pk is None or not may_use(request):
            return self.get_response(request)
        try:
            request._page_cache = prefetch(request, user_pk)
        except Exception as exc:
            logger.warning("page cache unavailable, rendering afresh: %s", exc)
            return self.get_response(request)
        user = request.user
        if user.is_authenticated and str(user.pk) == str(user_pk):
            user.roles = viewer_value(request, "roles", lambda: user.roles)
        response = self.get_response(request)
        try:
            request._page_cache.remember()
        except Exception as exc:
            logger.warning("page cache: could not keep the viewer's memo: %s", exc)
        return response


@dataclass
class Fragment:
    """A page's content as looked up: the stored HTML (None when it has to be rendered) and
    where to keep it once rendered (None when it may not be kept)."""

    state: RequestState | None
    html: str | None = None

    def store(self, html: str) -> None:
        """Keep the freshly rendered content, unless that became unsafe while rendering."""
        if self.state is None or not may_store():
            return
        try:
            key = self.state.content_key
            cache.set(key, (self.state.generation, html), settings.PAGE_CACHE_SECONDS)
        except Exception as exc:
            logger.warning("page cache: could not store %s: %s", key, exc)


def render_page(request, template: str, build, *, context=None, status=200):
    """render() of a page whose `{% cached_content %}` block is kept in the page cache:
    `build()` (the block's context, a dict) runs only when the block is not stored."""
    state = state_of(request) if may_use(request) and status == 200 else None
    fragment = Fragment(state, state.content if state else None)
    page = dict(context or {})
    if fragment.html is None:
        page.update(build())
    page["page_content"] = fragment
    return render(request, template, page, status=status)
