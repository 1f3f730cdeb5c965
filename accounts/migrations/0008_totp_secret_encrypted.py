"""TOTP secrets encrypted at rest (accounts.crypto). The column is widened for the encrypted form,
then the secrets stored in clear before are encrypted in place. Reversible: going back decrypts
them, which needs the same key (FIELD_ENCRYPTION_KEY, or SECRET_KEY when it is unset).

The rows are read and written with plain SQL, not through the model, whose field would try to
decrypt the values still in clear."""

from django.db import migrations

import accounts.fields
from accounts import crypto

PURPOSE = "accounts.totpdevice.secret"


def _rewrite(apps, schema_editor, change):
    table = schema_editor.quote_name(apps.get_model("accounts", "TOTPDevice")._meta.db_table)
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, secret FROM {table}")
        rows = cursor.fetchall()
        for pk, value in rows:
            new = change(value)
            if new != value:
                cursor.execute(f"UPDATE {table} SET secret = %s WHERE id = %s", [new, pk])


def encrypt_plaintext(apps, schema_editor):
    _rewrite(
        apps,
        schema_editor,
        lambda value: value
        if crypto.is_encrypted(value)
        else crypto.encrypt(value, purpose=PURPOSE),
    )


def decrypt_to_plaintext(apps, schema_editor):
    _rewrite(
        apps,
        schema_editor,
        lambda value: crypto.decrypt(value, purpose=PURPOSE)
        if crypto.is_encrypted(value)
        else value,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0007_orgunit_head")]

    operations = [
        migrations.AlterField(
            model_name="totpdevice",
            name="secret",
            field=accounts.fields.EncryptedCharField(max_length=255),
        ),
        migrations.RunPython(encrypt_plaintext, decrypt_to_plaintext),
    ]
