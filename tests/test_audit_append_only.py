"""The audit table refuses UPDATE, DELETE and TRUNCATE from the application's (non-superuser) role
on PostgreSQL. CI runs this in its PostgreSQL leg."""

import pytest
from django.db import DatabaseError, connection, transaction

from accounts import audit
from accounts.models import AuditEntry

pytestmark = pytest.mark.django_db

APP_ROLE = "pairing_app_test"


@pytest.fixture
def as_app_role():
    """Act as an ordinary role that holds every table privilege, as an application role would."""
    if connection.vendor != "postgresql":
        pytest.skip(
            "the append-only trigger exists on PostgreSQL; this run uses " + connection.vendor
        )
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT 1 FROM pg_roles WHERE rolname = '{APP_ROLE}'")
        if cursor.fetchone() is None:
            cursor.execute(f"CREATE ROLE {APP_ROLE} NOLOGIN NOSUPERUSER")
        cursor.execute(f"GRANT ALL ON accounts_auditentry TO {APP_ROLE}")
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {APP_ROLE}")
        cursor.execute(f"SET ROLE {APP_ROLE}")
    yield
    with connection.cursor() as cursor:
        cursor.execute("RESET ROLE")


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE accounts_auditentry SET action = 'tampered'",
        "DELETE FROM accounts_auditentry",
        "TRUNCATE accounts_auditentry",
    ],
)
def test_the_application_role_cannot_rewrite_the_trail(as_app_role, statement):
    audit.record("login", username="zhangsan")
    with (
        pytest.raises(DatabaseError, match="append-only"),
        transaction.atomic(),
        connection.cursor() as cursor,
    ):
        # Run the deferred foreign-key checks of the insert now: PostgreSQL will not TRUNCATE a
        # table with pending trigger events, which would refuse for another reason than ours.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute(statement)
    assert list(AuditEntry.objects.values_list("action", flat=True)) == ["login"]


def test_the_application_role_can_still_append(as_app_role):
    audit.record("login", username="lisi")
    audit.record("logout", username="lisi")
    assert AuditEntry.objects.filter(username="lisi").count() == 2


def test_the_orm_cannot_delete_entries_either(as_app_role):
    entry = audit.record("export", username="wangwu")
    with pytest.raises(DatabaseError), transaction.atomic():
        entry.delete()
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
