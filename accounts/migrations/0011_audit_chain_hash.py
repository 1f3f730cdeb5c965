"""Each audit entry carries a chain hash (accounts.audit_chain); the entries already written are
hashed here, in id order. On PostgreSQL the append-only trigger (0005) is set aside for the
length of this migration's transaction only: the table's owner may, the application's role may not.
"""

import django.utils.timezone
from django.db import migrations, models

TRIGGER = "accounts_audit_no_update_delete"


def hash_existing(apps, schema_editor):
    from accounts import audit_chain

    AuditEntry = apps.get_model("accounts", "AuditEntry")
    postgres = schema_editor.connection.vendor == "postgresql"
    if postgres:
        schema_editor.execute(f"ALTER TABLE accounts_auditentry DISABLE TRIGGER {TRIGGER}")
    previous, batch = audit_chain.GENESIS, []
    for entry in AuditEntry.objects.order_by("id").iterator(chunk_size=2000):
        entry.chain_hash = previous = audit_chain.next_hash(previous, audit_chain.content_of(entry))
        batch.append(entry)
        if len(batch) == 2000:
            AuditEntry.objects.bulk_update(batch, ["chain_hash"])
            batch = []
    AuditEntry.objects.bulk_update(batch, ["chain_hash"])
    if postgres:
        schema_editor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        schema_editor.execute(f"ALTER TABLE accounts_auditentry ENABLE TRIGGER {TRIGGER}")


class Migration(migrations.Migration):

    dependencies = [
        ('accounts', '0010_cadre_initials'),
    ]

    operations = [
        migrations.AddField(
            model_name='auditentry',
            name='chain_hash',
            field=models.CharField(blank=True, editable=False, max_length=64, verbose_name='链式哈希'),
        ),
        migrations.AlterField(
            model_name='auditentry',
            name='at',
            field=models.DateTimeField(db_index=True, default=django.utils.timezone.now, editable=False, verbose_name='时间'),
        ),
        migrations.RunPython(hash_existing, migrations.RunPython.noop),
    ]
