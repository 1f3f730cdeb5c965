"""On PostgreSQL the audit table refuses UPDATE, DELETE and TRUNCATE from any role that is not a
superuser: the application's own role can only add entries. Purging entries past the retention
period (at least 180 days) is a DBA's task, done as a superuser. SQLite (development) has no trigger.
"""

from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION accounts_audit_append_only() RETURNS trigger AS $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        RETURN COALESCE(OLD, NEW);
    END IF;
    RAISE EXCEPTION 'audit trail is append-only: % refused for role %', TG_OP, current_user
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER accounts_audit_no_update_delete
    BEFORE UPDATE OR DELETE ON accounts_auditentry
    FOR EACH ROW EXECUTE FUNCTION accounts_audit_append_only();
CREATE TRIGGER accounts_audit_no_truncate
    BEFORE TRUNCATE ON accounts_auditentry
    FOR EACH STATEMENT EXECUTE FUNCTION accounts_audit_append_only();
"""

DROP = """
DROP TRIGGER IF EXISTS accounts_audit_no_truncate ON accounts_auditentry;
DROP TRIGGER IF EXISTS accounts_audit_no_update_delete ON accounts_auditentry;
DROP FUNCTION IF EXISTS accounts_audit_append_only();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP, params=None)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_totp_device")]

    operations = [migrations.RunPython(forwards, backwards)]
