"""The audit trail's hash chain: each entry's `chain_hash` is SHA-256 over the previous entry's
hash and this entry's content as canonical JSON (sorted keys, no spaces, UTF-8), so changing,
removing or reordering any entry breaks every hash after it, and `verify` names the first.

The chain runs in id order. Appends take a lock until their transaction ends (PostgreSQL: a
transaction-level advisory lock; SQLite serialises writers itself), so two writers never read
the same head and fork the chain; ids are drawn under that lock, so id order is chain order.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection

GENESIS = "0" * 64
# Any fixed 64-bit number, the same in every process: the lock of the chain's head.
ADVISORY_LOCK_KEY = 0x61756469745F6368  # "audit_ch"
CONTENT_FIELDS = (
    "at",
    "user_id",
    "username",
    "roles",
    "ip",
    "action",
    "object_type",
    "object_id",
    "object_repr",
    "changes",
    "result",
)


def canonical(content: dict) -> bytes:
    values = dict(content)
    at: datetime.datetime = values["at"]
    values["at"] = at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    return json.dumps(values, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def next_hash(previous: str, content: dict) -> str:
    return hashlib.sha256(previous.encode() + b"\n" + canonical(content)).hexdigest()


def content_of(entry) -> dict:
    """The hashed content of an entry (or of a historical model's entry, in a migration). The
    address is hashed as the database will hand it back (IPv6 normalised)."""
    values = {name: getattr(entry, name) for name in CONTENT_FIELDS}
    values["ip"] = entry._meta.get_field("ip").get_prep_value(values["ip"])
    return values


def lock_head(model) -> str:
    """Take the chain's lock for the rest of the transaction; the hash to chain the next entry to.
    On PostgreSQL both go in one round trip: two statements, so the head is read with a snapshot
    taken after the lock is granted (READ COMMITTED), never before."""
    if connection.vendor == "postgresql":
        table = model._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT pg_advisory_xact_lock({ADVISORY_LOCK_KEY}); "
                f"SELECT chain_hash FROM {table} ORDER BY id DESC LIMIT 1"
            )
            cursor.nextset()
            row = cursor.fetchone()
        return row[0] if row and row[0] else GENESIS
    last = model.objects.order_by("-id").values_list("chain_hash", flat=True).first()
    return last or GENESIS


def seal(entries: Iterable, previous: str) -> None:
    """Give each entry, in order, its chain hash after `previous`."""
    for entry in entries:
        entry.chain_hash = previous = next_hash(previous, content_of(entry))


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_bad_id: int | None = None

    @property
    def intact(self) -> bool:
        return self.first_bad_id is None


def verify(model, chunk_size: int = 5000) -> ChainReport:
    """Walk the whole chain in id order; the first entry whose hash does not follow is where it
    breaks (an altered entry, or the one after a removed entry)."""
    previous, checked = GENESIS, 0
    rows = model.objects.order_by("id").values_list("id", *CONTENT_FIELDS, "chain_hash")
    for row in rows.iterator(chunk_size=chunk_size):
        content = dict(zip(CONTENT_FIELDS, row[1:-1], strict=True))
        if next_hash(previous, content) != row[-1]:
            return ChainReport(checked=checked, first_bad_id=row[0])
        previous, checked = row[-1], checked + 1
    return ChainReport(checked=checked)
