"""Writing a planned roster inside the caller's transaction: the new enterprises, the changed
ones, and the tags of both. On PostgreSQL through COPY: bulk_create spends most of a large
import preparing each value through its field, COPY streams the rows as they are. Elsewhere
(SQLite in development) through bulk_create and bulk_update."""

from __future__ import annotations

from itertools import chain

from django.db import connection
from django.utils import timezone

from enterprises.models import Enterprise


def write(create: list, update: list[tuple[int, object]], columns: list[str], report) -> None:
    """`create`: rows (RosterRow) to add; `update`: (primary key, row) to overwrite; `columns`:
    the fields each row's stored() gives values for, in that order."""
    if connection.vendor == "postgresql":
        _copy(create, update, columns, report)
    else:
        _bulk(create, update, columns, report)


def _copy(create, update, columns, report) -> None:
    table = Enterprise._meta.db_table
    links = Enterprise.tags.through._meta.db_table
    now = timezone.now()
    with connection.cursor() as cursor:
        # The new rows' keys drawn from the table's own sequence, so their tags can be linked.
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(create)],
        )
        created = [(pk, row) for (pk,), row in zip(cursor.fetchall(), create, strict=True)]
        report(0.2, "create")
        kind = Enterprise._meta.get_field("kind").default
        _copy_rows(
            cursor,
            table,
            ["id", "uscc", "kind", "created_at", "updated_at", *columns],
            ((pk, row.uscc, kind, now, now, *row.stored()) for pk, row in created),
        )
        report(0.5, "update")
        if update:
            # Changed rows go to a scratch table by COPY, then into the roster in one UPDATE.
            names = ", ".join(columns)
            cursor.execute(
                f"CREATE TEMPORARY TABLE roster_changes AS SELECT id, {names} FROM {table} "
                "WITH NO DATA"
            )
            _copy_rows(
                cursor,
                "roster_changes",
                ["id", *columns],
                ((pk, *row.stored()) for pk, row in update),
            )
            assignments = ", ".join(f"{name} = changes.{name}" for name in columns)
            cursor.execute(
                f"UPDATE {table} SET {assignments}, updated_at = %s FROM roster_changes changes "
                f"WHERE {table}.id = changes.id",
                [now],
            )
            cursor.execute("DROP TABLE roster_changes")
            cursor.execute(
                f"DELETE FROM {links} WHERE enterprise_id = ANY(%s)", [[pk for pk, _row in update]]
            )
        report(0.8, "tags")
        _copy_rows(
            cursor,
            links,
            ["enterprise_id", "tag_id"],
            ((pk, tag.pk) for pk, row in chain(created, update) for tag in row.tags),
        )


def _copy_rows(cursor, table: str, columns: list[str], rows) -> None:
    with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def _bulk(create, update, columns, report) -> None:
    report(0.2, "create")
    created = Enterprise.objects.bulk_create([row.enterprise() for row in create], batch_size=2000)
    report(0.5, "update")
    now = timezone.now()
    changed = [row.enterprise(pk) for pk, row in update]
    for enterprise in changed:
        enterprise.updated_at = now
    Enterprise.objects.bulk_update(changed, [*columns, "updated_at"], batch_size=1000)
    through = Enterprise.tags.through
    through.objects.filter(enterprise_id__in=[pk for pk, _row in update]).delete()
    report(0.8, "tags")
    rows = chain(create, (row for _pk, row in update))
    through.objects.bulk_create(
        [
            through(enterprise_id=enterprise.pk, tag_id=tag.pk)
            for enterprise, row in zip(chain(created, changed), rows, strict=True)
            for tag in row.tags
        ],
        batch_size=5000,
    )
